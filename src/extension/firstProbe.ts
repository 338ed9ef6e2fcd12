// The probe on first use (issue 12 item 3): where `pagecost.profile` is `auto` and nothing is kept
// for this machine and kernel (no calibration, no probe), a trusted workspace in a local editor
// runs the probe once in the background — about a second, two or three the first time, when the
// harness is compiled — then the hints are worked out again with what it measured. It is the
// CLI's probe (src/cli/probe.ts runProbe): a child process, never the editor's thread; a note in
// the status bar says it runs and cancels it when clicked; a failure (no C compiler, a harness
// that does not build) goes to the output channel and into the profile's words, never a modal.
// Restricted Mode and VS Code for the Web never probe, and `auto` says which built-in it uses
// and why (`fallbackWhy`). This file holds the decisions; extension.ts wires it to VS Code.

/** What the host can do about the probe (the Node platform; absent on the web). */
export interface ProbeRunner {
  /** Whether a calibration or a probe is kept for this machine and kernel (then `auto` uses it). */
  kept(): Promise<boolean>;
  /** Runs the probe and keeps its result where `auto` finds it; rejects with a message on failure. */
  run(signal: AbortSignal): Promise<{ elapsedMs: number }>;
  /** Why the probe cannot run on this host at all (not Linux, PAGECOST_NO_PROBE), or null. */
  unavailable(): string | null;
}

export interface FirstProbeDeps {
  runner: ProbeRunner | null;
  /** `pagecost.profile` is `auto` (the only choice the probe serves). */
  wantsAuto(): boolean;
  /** The editor's own calibration (Calibrate) exists: `auto` uses it, no probe needed. */
  hasEditorCalibration(): Promise<boolean>;
  isTrusted(): boolean;
  /** Shows the running note (status bar, click to cancel); returns how to take it away. */
  showRunning(cancel: () => void): { dispose(): void };
  log(line: string): void;
  /** The probe's outcome changed what `auto` resolves to, or the words it says: reload the profile. */
  changed(): void;
  /** Longest a probe may take before it is stopped (the harness is compiled the first time). */
  timeoutMs?: number;
}

export type ProbeState =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; elapsedMs: number }
  | { state: 'failed'; reason: string }
  | { state: 'cancelled' };

/** Words for the description of `auto`'s built-in when no probe is kept: why there is none. */
export function fallbackWhy(o: { web: boolean; trusted: boolean; unavailable: string | null; state: ProbeState }): string {
  if (o.web) return 'VS Code for the Web cannot read or probe this machine';
  if (!o.trusted) return 'Restricted Mode: pagecost probes this machine only in a trusted workspace';
  if (o.unavailable) return `the probe cannot run here (${o.unavailable})`;
  switch (o.state.state) {
    case 'running':
      return 'probing this machine (about two seconds)';
    case 'failed':
      return `the probe of this machine failed (${o.state.reason}); pagecost probe in a terminal says more`;
    case 'cancelled':
      return 'the probe of this machine was cancelled; it runs again next session, or now with pagecost probe';
    default:
      return 'nothing measured is kept for this machine yet (the probe runs on first use; pagecost probe or Calibrate keeps it)';
  }
}

export class FirstProbe {
  private status: ProbeState = { state: 'idle' };
  private pending: Promise<ProbeState> | null = null;
  private controller: AbortController | null = null;

  constructor(private readonly deps: FirstProbeDeps) {}

  get state(): ProbeState {
    return this.status;
  }

  /** Why `auto` is on a built-in, for its description (see fallbackWhy). */
  why(web: boolean): string {
    return fallbackWhy({ web, trusted: this.deps.isTrusted(), unavailable: this.deps.runner?.unavailable() ?? null, state: this.status });
  }

  /**
   * Runs the probe if this is the first use that needs it: at activation, when the workspace is
   * trusted later, when `pagecost.profile` becomes `auto`. At most one run per session, whatever
   * its outcome (a failure or a cancel is not retried in a loop).
   */
  maybeRun(): Promise<ProbeState> {
    if (this.pending) return this.pending;
    if (this.status.state !== 'idle') return Promise.resolve(this.status);
    const d = this.deps;
    if (!d.runner || d.runner.unavailable() !== null || !d.isTrusted() || !d.wantsAuto()) return Promise.resolve(this.status);
    this.pending = this.run(d.runner).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Stops a running probe (the status bar note, or the extension going away). */
  cancel(): void {
    this.controller?.abort();
  }

  private async run(runner: ProbeRunner): Promise<ProbeState> {
    const d = this.deps;
    if ((await d.hasEditorCalibration()) || (await runner.kept().catch(() => false))) return this.status;
    // Checked again: the setting or the trust may have changed while the files were read.
    if (!d.wantsAuto() || !d.isTrusted() || this.status.state !== 'idle') return this.status;
    const controller = new AbortController();
    this.controller = controller;
    this.status = { state: 'running' };
    d.changed();
    const note = d.showRunning(() => controller.abort());
    const timer = setTimeout(() => controller.abort(new Error('timed out')), d.timeoutMs ?? 30_000);
    try {
      const { elapsedMs } = await runner.run(controller.signal);
      this.status = { state: 'done', elapsedMs };
      d.log(`probed this machine in ${(elapsedMs / 1000).toFixed(1)} s; profile auto now uses it`);
    } catch (e) {
      const timedOut = controller.signal.reason instanceof Error && controller.signal.reason.message === 'timed out';
      if (controller.signal.aborted && !timedOut) {
        this.status = { state: 'cancelled' };
        d.log('the probe of this machine was cancelled');
      } else {
        const reason = timedOut ? `no result after ${+((d.timeoutMs ?? 30_000) / 1000).toPrecision(2)} s` : firstLine(e);
        this.status = { state: 'failed', reason };
        d.log(`the probe of this machine failed: ${timedOut ? reason : e instanceof Error ? e.message : String(e)}`);
      }
    } finally {
      clearTimeout(timer);
      note.dispose();
      this.controller = null;
    }
    d.changed();
    return this.status;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}
