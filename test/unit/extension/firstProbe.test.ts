// The probe on first use (issue 12 item 3): when it runs, when it does not, what it says, and that
// a failure or a cancel is logged and never retried in a loop. The runner is a fake (the real one
// is the CLI's runProbe, tested in test/unit/bench/probe-cli.test.ts).
import { strict as assert } from 'node:assert';
import { FirstProbe, fallbackWhy, type FirstProbeDeps, type ProbeRunner } from '../../../src/extension/firstProbe';

interface World {
  deps: FirstProbeDeps;
  runs: AbortSignal[];
  logs: string[];
  notes: { shown: number; disposed: number; cancel: (() => void) | null };
  changes: number;
  trusted: boolean;
  auto: boolean;
  calibrated: boolean;
  kept: boolean;
  unavailable: string | null;
  /** How the fake probe ends: a result, a failure, or waiting for its signal. */
  outcome: 'ok' | 'fail' | 'wait';
}

function world(o: Partial<Pick<World, 'trusted' | 'auto' | 'calibrated' | 'kept' | 'unavailable' | 'outcome'>> & { timeoutMs?: number } = {}): World {
  const w: World = {
    runs: [], logs: [], notes: { shown: 0, disposed: 0, cancel: null }, changes: 0,
    trusted: o.trusted ?? true, auto: o.auto ?? true, calibrated: o.calibrated ?? false, kept: o.kept ?? false,
    unavailable: o.unavailable ?? null, outcome: o.outcome ?? 'ok',
    deps: null as unknown as FirstProbeDeps,
  };
  const runner: ProbeRunner = {
    kept: async () => w.kept,
    unavailable: () => w.unavailable,
    run: (signal) => {
      w.runs.push(signal);
      if (w.outcome === 'ok') {
        w.kept = true;
        return Promise.resolve({ elapsedMs: 1234 });
      }
      if (w.outcome === 'fail') return Promise.reject(new Error('no C compiler found (tried cc, gcc, clang)\nInstall one.'));
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled'))));
    },
  };
  w.deps = {
    runner,
    wantsAuto: () => w.auto,
    hasEditorCalibration: async () => w.calibrated,
    isTrusted: () => w.trusted,
    showRunning: (cancel) => {
      w.notes.shown++;
      w.notes.cancel = cancel;
      return { dispose: () => void w.notes.disposed++ };
    },
    log: (line) => void w.logs.push(line),
    changed: () => void w.changes++,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  };
  return w;
}

describe('the probe on first use (issue 12 item 3)', () => {
  it('runs once where auto has nothing kept in a trusted workspace, shows a note while it runs, then reloads the profile', async () => {
    const w = world();
    const p = new FirstProbe(w.deps);
    assert.match(p.why(false), /nothing measured is kept for this machine yet/);
    const running = p.maybeRun();
    // A second trigger while it runs (trust granted, a setting changed) joins the same run.
    assert.equal(p.maybeRun(), running);
    assert.deepEqual(await running, { state: 'done', elapsedMs: 1234 });
    assert.equal(w.runs.length, 1);
    assert.deepEqual(w.notes, { shown: 1, disposed: 1, cancel: w.notes.cancel });
    assert.equal(w.changes, 2, 'once when it starts (the words say it is probing), once with the result');
    assert.match(w.logs.join('\n'), /probed this machine in 1\.2 s/);
    await p.maybeRun();
    assert.equal(w.runs.length, 1, 'at most once per session');
  });

  it('does not run where auto already has something: a kept probe or calibration, the editor\'s Calibrate', async () => {
    for (const w of [world({ kept: true }), world({ calibrated: true })]) {
      assert.deepEqual(await new FirstProbe(w.deps).maybeRun(), { state: 'idle' });
      assert.equal(w.runs.length, 0);
      assert.equal(w.notes.shown, 0);
    }
  });

  it('does not run for another profile than auto, and runs when the setting becomes auto', async () => {
    const w = world({ auto: false });
    const p = new FirstProbe(w.deps);
    await p.maybeRun();
    assert.equal(w.runs.length, 0);
    w.auto = true;
    await p.maybeRun();
    assert.equal(w.runs.length, 1);
  });

  it('Restricted Mode: no probe, and auto says why it is on the built-in; once trusted, it runs', async () => {
    const w = world({ trusted: false });
    const p = new FirstProbe(w.deps);
    await p.maybeRun();
    assert.equal(w.runs.length, 0);
    assert.match(p.why(false), /^Restricted Mode: pagecost probes this machine only in a trusted workspace$/);
    w.trusted = true;
    assert.equal((await p.maybeRun()).state, 'done');
    assert.equal(w.runs.length, 1);
  });

  it('the web and hosts that cannot probe: no probe, and the words say why', async () => {
    const web = world();
    const p = new FirstProbe({ ...web.deps, runner: null });
    await p.maybeRun();
    assert.equal(web.runs.length, 0);
    assert.match(p.why(true), /VS Code for the Web cannot read or probe this machine/);
    const off = world({ unavailable: 'PAGECOST_NO_PROBE is set' });
    const q = new FirstProbe(off.deps);
    await q.maybeRun();
    assert.equal(off.runs.length, 0);
    assert.match(q.why(false), /the probe cannot run here \(PAGECOST_NO_PROBE is set\)/);
  });

  it('a failure (no C compiler) is logged whole, said in one line in the profile\'s words, and not retried', async () => {
    const w = world({ outcome: 'fail' });
    const p = new FirstProbe(w.deps);
    const s = await p.maybeRun();
    assert.deepEqual(s, { state: 'failed', reason: 'no C compiler found (tried cc, gcc, clang)' });
    assert.match(w.logs.join('\n'), /the probe of this machine failed: no C compiler found \(tried cc, gcc, clang\)\nInstall one\./);
    assert.match(p.why(false), /the probe of this machine failed \(no C compiler found \(tried cc, gcc, clang\)\)/);
    assert.equal(w.notes.disposed, 1, 'the running note goes away');
    await p.maybeRun();
    assert.equal(w.runs.length, 1);
  });

  it('cancelled from its note: the run is aborted, the note goes, and it says so', async () => {
    const w = world({ outcome: 'wait' });
    const p = new FirstProbe(w.deps);
    const running = p.maybeRun();
    await until(() => w.notes.cancel !== null);
    assert.equal(p.state.state, 'running');
    assert.match(p.why(false), /probing this machine/);
    w.notes.cancel!();
    assert.deepEqual(await running, { state: 'cancelled' });
    assert.equal(w.runs[0]!.aborted, true);
    assert.equal(w.notes.disposed, 1);
    assert.match(p.why(false), /was cancelled/);
    assert.match(w.logs.join('\n'), /cancelled/);
  });

  it('a probe that never answers is stopped after its time limit and counts as failed', async () => {
    const w = world({ outcome: 'wait', timeoutMs: 30 });
    const s = await new FirstProbe(w.deps).maybeRun();
    assert.deepEqual(s, { state: 'failed', reason: 'no result after 0.03 s' });
    assert.equal(w.runs[0]!.aborted, true);
  });

  it('fallbackWhy puts the web and Restricted Mode before the probe\'s own state', () => {
    assert.match(fallbackWhy({ web: true, trusted: false, unavailable: null, state: { state: 'idle' } }), /Web/);
    assert.match(fallbackWhy({ web: false, trusted: false, unavailable: null, state: { state: 'failed', reason: 'x' } }), /Restricted Mode/);
  });
});

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(test());
}
