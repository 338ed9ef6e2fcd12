// What the benchmark panel does, behind its page: one run at a time (a second asks to cancel or
// queue), points forwarded as they arrive, Cancel and closing the panel stop the harness's process
// group, calibration results with "use for hints", other machines' calibration files drawn beside
// this one, export and re-import. Its results survive a window reload in the workspace state.
// Decisions about data live in src/core/panel; this file converts and calls VS Code.
import * as vscode from 'vscode';
import { builtinProfile, isBuiltinName, loadProfile, MODEL_VERSION, type Profile } from '../../core/model';
import { BenchError } from '../../core/bench/runner';
import { describeEngine } from '../../core/bench/js/protocol';
import { describePoint } from '../../core/bench/table';
import { blockedCause, blockedSentence } from '../../core/panel/blocked';
import type { ChartId } from '../../core/panel/charts';
import type { CalibrationView, HostMessage, PanelView, PresetId, RunResults, WebviewMessage } from '../../core/panel/messages';
import { cursorPlan, planFor, planTotal, presetViews, type RunPlan } from '../../core/panel/presets';
import { checkResultsFile, MAX_RESULTS_BYTES, resultsCsv, resultsFile, resultsJson } from '../../core/panel/results';
import { calibrationView, modelMiss, timeLeftMs } from '../../core/panel/summary';
import { buildPanelView, emptyResults, remodel, viewPoint, type PanelProfile } from '../../core/panel/view';
import type { CallSite } from '../../core/types';
import type { Platform } from '../platform';
import type { ProfileStore } from '../profiles';
import type { SettingsStore } from '../settings';
import type { PanelRunner } from './runner';

const STATE_KEY = 'pagecost.panel.v1';

interface OtherMachine {
  id: string;
  label: string;
  json: string;
}

interface Saved {
  results: string | null;
  others: OtherMachine[];
}

type Request = { kind: 'plan'; plan: RunPlan } | { kind: 'calibrate' };

export interface PanelSnapshot {
  mode: PanelView['mode'];
  blockedReason: string | null;
  running: boolean;
  points: number;
  profiles: { id: string; label: string; kind: string; warning: string | null }[];
  /** mremap move vs memcpy crossover per profile at one thread, as the charts mark it. */
  crossovers: { profile: string; kind: string; bytes: number | null }[];
  calibration: CalibrationView | null;
  /** Harness processes of this panel still alive. */
  livePids: number[];
  lastPids: number[];
  drawMsPerPoint: number | null;
  /** The last opening: panel created → first chart and all charts drawn (host clock, ms). */
  openMs: { first: number; all: number } | null;
}

export class PanelController implements vscode.Disposable {
  private results: RunResults | null = null;
  private others: OtherMachine[] = [];
  private pendingCalibration: { json: string; profile: Profile } | null = null;
  private calibration: CalibrationView | null = null;
  private cursor: RunPlan | { reason: string } | null = null;
  private focus: ChartId[] = [];
  private running: { label: string; startedAt: number; abort: AbortController; done: Promise<void> } | null = null;
  private queued: Request | null = null;
  private compilerProblem: string | null | undefined;
  /** The C compiler check in flight (it spawns the compiler: hundreds of ms on a loaded machine). */
  private compilerCheck: Promise<void> | null = null;
  /** When the page now loading was created (host clock), until it says its charts are drawn. */
  private opening: { at: number; firstMs: number | null; firstPageMs?: number } | null = null;
  private openMs: { first: number; all: number } | null = null;
  private lastPids: number[] = [];
  private drawMsPerPoint: number | null = null;
  private lastView: PanelView | null = null;
  private post: (m: HostMessage) => void = () => undefined;
  private attached = false;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly platform: Platform,
    private readonly runner: PanelRunner | null,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly memento: vscode.Memento,
    private readonly log: (line: string) => void,
  ) {
    this.restore();
    this.subs.push(profiles.onDidChange(() => void this.refresh()), vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh()));
  }

  /** The page to send messages to (a new one after a reload); null when the panel closed. */
  attach(post: ((m: HostMessage) => void) | null): void {
    this.post = post ?? (() => undefined);
    this.attached = post !== null;
    if (!post) {
      this.opening = null;
      this.cancel('the panel was closed');
      return;
    }
    // The page takes a while to load: build its first view meanwhile (the model's curves are
    // cached per profile), so that its "ready" is answered at once.
    this.opening = { at: Date.now(), firstMs: null };
    void this.view().catch((e: Error) => this.log(`panel: ${e.message}`));
  }

  // -------------------------------------------------------------------------------------------
  // State

  private restore(): void {
    const saved = this.memento.get<Saved>(STATE_KEY);
    if (!saved) return;
    if (typeof saved.results === 'string') {
      const r = checkResultsFile(saved.results, 'the saved results');
      if (r.ok) this.results = r.value.results;
      else this.log(`panel: ${r.error}`);
    }
    if (Array.isArray(saved.others)) {
      this.others = saved.others.filter((o) => o && typeof o.id === 'string' && typeof o.label === 'string' && typeof o.json === 'string').slice(0, 8);
    }
  }

  private persist(): void {
    const saved: Saved = { results: this.results ? resultsJson(resultsFile(this.results, 'hints', new Date())) : null, others: this.others };
    void this.memento.update(STATE_KEY, saved);
  }

  private blockedReason(): { mode: PanelView['mode']; reason: string | null } {
    const platformReason = this.platform.benchUnavailable();
    const cause = blockedCause(this.platform.kind, platformReason, vscode.workspace.isTrusted);
    if (cause === 'not-linux') return { mode: 'model-only', reason: platformReason };
    if (cause || !this.runner) return { mode: 'model-only', reason: blockedSentence(cause ?? 'web') };
    return { mode: 'measure', reason: this.compilerProblem ?? null };
  }

  private async drawnProfiles(): Promise<{ list: PanelProfile[]; hint: Profile }> {
    const { profile: hint } = await this.profiles.get();
    const list: PanelProfile[] = [{ id: 'hints', label: hint.calibrated ? `${hint.name} (calibrated)` : hint.name, kind: hint.calibrated ? 'calibrated' : 'default', profile: hint }];
    if (hint.calibrated) {
      const wanted = this.settings.for().profile;
      const base = builtinProfile(isBuiltinName(wanted) ? wanted : 'x86-64');
      list.push({ id: 'default', label: `${base.name} (built-in)`, kind: 'default', profile: base });
    }
    if (this.pendingCalibration) list.push({ id: 'new', label: 'new calibration', kind: 'calibrated', profile: this.pendingCalibration.profile, warning: 'Not used by hints yet: "Use this calibration for hints" makes it so.' });
    for (const o of this.others) {
      const loaded = this.loadOther(o.json, o.label);
      if ('profile' in loaded) list.push({ id: o.id, label: o.label, kind: 'other', profile: loaded.profile, warning: loaded.warning });
    }
    return { list, hint };
  }

  /** Another machine's calibration file, loaded as a profile; a model-version difference becomes a warning. */
  private loadOther(json: string, label: string): { profile: Profile; warning: string | null } | { error: string } {
    try {
      const raw = JSON.parse(json) as { modelVersion?: unknown };
      const profile = loadProfile(raw, label, { force: true });
      const warning = raw.modelVersion !== MODEL_VERSION
        ? `Calibrated for model v${String(raw.modelVersion)}, this is model v${MODEL_VERSION}: its parameters were fitted to other equations, so its curve is only indicative.`
        : null;
      return { profile, warning };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  /** Starts the compiler check once; the view is drawn without waiting and redrawn if it finds a problem. */
  private checkCompiler(): Promise<void> {
    const runner = this.runner;
    if (this.compilerProblem !== undefined || !runner || this.blockedReason().mode !== 'measure') return Promise.resolve();
    this.compilerCheck ??= runner.compilerProblem(this.settings.for().bench.compilerPath).then(
      (problem) => {
        this.compilerProblem = problem;
        if (problem) void this.refresh();
      },
      (e: Error) => {
        this.compilerProblem = e.message;
        void this.refresh();
      },
    ).finally(() => (this.compilerCheck = null));
    return this.compilerCheck;
  }

  async view(): Promise<PanelView> {
    void this.checkCompiler();
    const { mode, reason } = this.blockedReason();
    const { list, hint } = await this.drawnProfiles();
    // A run fills its own results object as points arrive: re-model only when none is going.
    if (this.results && !this.running) this.results = remodel(this.results, hint);
    const blocked = mode === 'model-only' ? reason : null;
    this.lastView = buildPanelView({
      mode,
      blockedReason: reason,
      profiles: list,
      hintProfileId: 'hints',
      presets: presetViews(blocked, this.cursor, this.compilerProblem ?? null),
      results: this.results,
      calibration: this.calibration,
      running: this.running ? { label: this.running.label, startedAt: this.running.startedAt } : null,
      focus: this.focus,
      threads: [1, ...(this.runner && this.runner.cpus() > 1 ? [2] : [])],
    });
    return this.lastView;
  }

  async refresh(): Promise<void> {
    this.post({ type: 'view', view: await this.view() });
  }

  snapshot(): PanelSnapshot {
    const v = this.lastView;
    return {
      mode: v?.mode ?? 'model-only',
      blockedReason: v?.blockedReason ?? null,
      running: this.running !== null,
      points: this.results?.points.length ?? 0,
      profiles: v?.profiles.map((p) => ({ id: p.id, label: p.label, kind: p.kind, warning: p.warning })) ?? [],
      crossovers: v?.profiles.map((p) => {
        const c = p.crossovers.find((x) => x.chart === 'move' && x.threads === 1)?.crossover;
        return { profile: p.id, kind: c?.kind ?? 'unknown', bytes: c?.kind === 'at' ? c.bytes : null };
      }) ?? [],
      calibration: this.calibration,
      livePids: this.runner?.livePids() ?? [],
      lastPids: this.lastPids,
      drawMsPerPoint: this.drawMsPerPoint,
      openMs: this.openMs,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Messages from the page (already checked by checkWebviewMessage).

  async handle(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready': return this.refresh();
      case 'run': return this.runPreset(m.preset);
      case 'cancel': return this.cancel('cancelled from the panel');
      case 'calibrate': return this.request({ kind: 'calibrate' });
      case 'useCalibration': return this.useCalibration();
      case 'export':
        await this.exportResults(m.format);
        return;
      case 'importResults':
        await this.importResults();
        return;
      case 'compareMachines':
        await this.compareMachines();
        return;
      case 'removeProfile':
        this.others = this.others.filter((o) => o.id !== m.id);
        this.persist();
        return this.refresh();
      case 'drawn':
        this.drawnCharts(m.charts, m.of, m.pageMs);
        return;
      case 'drawTime':
        if (m.points > 0) {
          this.drawMsPerPoint = m.ms / m.points;
          this.post({ type: 'log', level: 'info', text: `drawing: ${this.drawMsPerPoint.toFixed(2)} ms of webview time per appended point (${m.points} points)` });
        }
        return;
    }
  }

  /** The page drew `charts` of its `of` charts: the first time, how long the panel took to open. */
  private drawnCharts(charts: number, of: number, pageMs: number): void {
    const o = this.opening;
    if (!o) return;
    const ms = Date.now() - o.at;
    if (o.firstMs === null) {
      o.firstMs = ms;
      o.firstPageMs = pageMs;
    }
    if (charts < of) return;
    this.opening = null;
    this.openMs = { first: o.firstMs, all: ms };
    // The page's clock starts with its document: the rest of the first figure is VS Code making the webview.
    this.post({ type: 'log', level: 'info', text: `panel open → charts drawn: first chart ${o.firstMs} ms, all ${of} ${ms} ms after the panel was created (the page's own part of the first: ${Math.round(o.firstPageMs ?? 0)} ms since its document started)` });
  }

  /** Sets the call the "Call at the cursor" preset measures (the benchmark command and the hover link). */
  setCursor(site: CallSite, where: string, threads: number): RunPlan | { reason: string } {
    this.cursor = cursorPlan(site, where, threads, this.runner?.cpus() ?? 1);
    this.focus = 'reason' in this.cursor ? [] : this.cursor.focus;
    return this.cursor;
  }

  async runPreset(preset: PresetId): Promise<void> {
    await this.checkCompiler();
    const { mode, reason } = this.blockedReason();
    if (mode === 'model-only') {
      this.post({ type: 'log', level: 'warning', text: reason ?? 'Measuring is off here.' });
      return;
    }
    if (preset === 'cursor') {
      if (!this.cursor || 'reason' in this.cursor) {
        this.post({ type: 'log', level: 'warning', text: this.cursor && 'reason' in this.cursor ? this.cursor.reason : 'No call chosen: run "pagecost: Benchmark the call at the cursor" with the cursor on a call.' });
        return;
      }
      return this.request({ kind: 'plan', plan: this.cursor });
    }
    const plan = planFor(preset, this.runner?.cpus() ?? 1);
    this.focus = plan.focus.length ? plan.focus : this.focus;
    if (this.compilerProblem && plan.c) {
      if (!plan.js) {
        this.post({ type: 'log', level: 'warning', text: this.compilerProblem });
        return;
      }
      return this.request({ kind: 'plan', plan: { ...plan, c: null } });
    }
    return this.request({ kind: 'plan', plan });
  }

  /** One run at a time: a second one asks whether to cancel the first or queue behind it. */
  async request(req: Request): Promise<void> {
    if (this.running) {
      const cancelFirst = 'Cancel it and start this one';
      const queue = 'Queue this one';
      const pick = await vscode.window.showWarningMessage(`pagecost: a benchmark (${this.running.label}) is running in the panel.`, cancelFirst, queue);
      // The answer can come after the panel closed (nothing to run for) or the run ended (start now).
      if (pick === undefined || !this.attached) return;
      if (this.running) {
        this.queued = req;
        if (pick === cancelFirst) this.cancel('cancelled to start another run');
        this.post({ type: 'log', level: 'info', text: pick === queue ? 'queued: starts when the current run ends' : 'the current run is stopping; the new one starts next' });
        return;
      }
    }
    await this.start(req);
  }

  cancel(why: string): void {
    if (!this.running) return;
    if (why === 'the panel was closed') this.queued = null;
    this.post({ type: 'log', level: 'info', text: `stopping the benchmark (${why})…` });
    this.running.abort.abort();
  }

  /** Resolves when the current run (if any) has ended and its processes are gone. */
  whenIdle(): Promise<void> {
    return this.running?.done ?? Promise.resolve();
  }

  private async start(req: Request): Promise<void> {
    if (!this.runner) return;
    const runner = this.runner;
    const label = req.kind === 'plan' ? req.plan.label : 'calibration (quick sweep)';
    const abort = new AbortController();
    const startedAt = Date.now();
    // Taken before the first await: a request arriving meanwhile (a double click) sees this run.
    let finish!: () => void;
    const donePromise = new Promise<void>((r) => (finish = r));
    this.running = { label, startedAt, abort, done: donePromise };
    const { hint } = await this.drawnProfiles();
    this.results = emptyResults(label, new Date());
    const results = this.results;
    const total = req.kind === 'plan' ? planTotal(req.plan) : null;
    let done = 0;
    const budget = req.kind === 'plan' ? (req.plan.c?.timeBudgetMs ?? req.plan.js?.timeBudgetMs ?? 250) : 250;
    const cb = {
      signal: abort.signal,
      onEvent: (e: Parameters<Parameters<PanelRunner['run']>[2]['onEvent']>[0], harness: 'c' | 'js') => {
        switch (e.kind) {
          case 'hello':
            if (harness === 'c' || !results.machine) results.machine = e.facts;
            return;
          case 'point': {
            const vp = viewPoint(e.point, hint);
            results.points.push(vp);
            this.post({ type: 'point', point: vp });
            break;
          }
          case 'skipped':
            results.skipped.push(e.point);
            this.post({ type: 'log', level: 'info', text: `skipped ${describePoint(e.point)}: ${e.point.reason}` });
            break;
          case 'error':
            results.failed.push(e.point);
            this.post({ type: 'log', level: 'warning', text: `failed ${describePoint(e.point)}: ${e.point.message}` });
            break;
          case 'end':
            return;
        }
        done++;
        const t = total ?? Math.max(done, 1);
        this.post({ type: 'progress', done, total: t, etaMs: timeLeftMs(done, t, Date.now() - startedAt, budget), message: harness === 'js' ? 'JS harness' : 'C harness' });
      },
      onEngine: (e: Parameters<Parameters<PanelRunner['run']>[2]['onEngine']>[0]) => {
        results.engine = e;
        this.post({ type: 'log', level: 'info', text: `JS measured by ${describeEngine(e)}` });
      },
      onLog: (text: string, level: 'info' | 'warning' | 'error' = 'info') => this.post({ type: 'log', level, text }),
    };
    this.calibration = req.kind === 'calibrate' ? null : this.calibration;
    await this.refresh();
    this.post({ type: 'log', level: 'info', text: `started: ${label}` });
    try {
      if (req.kind === 'plan') {
        const out = await runner.run(req.plan, this.settings.for().bench.compilerPath, cb);
        this.lastPids = out.pids;
        results.elapsedMs = out.elapsedMs;
        this.post({ type: 'log', level: 'info', text: `finished: ${results.points.length} points in ${(out.elapsedMs / 1000).toFixed(1)} s` });
        // A miss above 2× means the hints are off on this machine too: offer the fix, once per run.
        const miss = modelMiss(results.points, hint);
        if (miss) {
          this.post({ type: 'log', level: 'warning', text: miss });
          const calibrate = 'Calibrate';
          void vscode.window.showInformationMessage(`pagecost: ${miss}`, calibrate).then((pick) => {
            if (pick === calibrate) void this.request({ kind: 'calibrate' });
          });
        }
      } else {
        const out = await runner.calibrate(this.settings.for().bench.compilerPath, cb);
        this.lastPids = out.pids;
        results.elapsedMs = out.elapsedMs;
        const after = loadProfile(out.file, 'new calibration');
        this.pendingCalibration = { json: out.json, profile: after };
        this.calibration = calibrationView(results.points, hint, after, false, out.summary.trim().split('\n').slice(-2).join(' '));
        this.post({ type: 'log', level: 'info', text: `calibrated from ${results.points.length} points in ${(out.elapsedMs / 1000).toFixed(1)} s` });
      }
    } catch (e) {
      const cancelled = e instanceof BenchError && e.kind === 'cancelled';
      const msg = (e as Error).message;
      this.post({ type: 'log', level: cancelled ? 'info' : 'error', text: cancelled ? `cancelled after ${results.points.length} points` : msg });
      this.log(`panel: ${msg}`);
      if (!cancelled) void vscode.window.showErrorMessage(`pagecost: ${msg.split('\n')[0]}`);
    } finally {
      this.running = null;
      this.persist();
      finish();
      const next = this.queued;
      this.queued = null;
      if (next) void this.start(next);
      else await this.refresh();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Calibration, files

  private async useCalibration(): Promise<void> {
    const pending = this.pendingCalibration;
    if (!pending) return;
    await this.profiles.saveCalibration(pending.json);
    const wanted = this.settings.for().profile;
    if (wanted !== 'auto' && wanted !== 'calibrated') {
      // The status item and hints follow the setting: point it at the calibration.
      const config = vscode.workspace.getConfiguration('pagecost');
      const target = config.inspect('profile')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await config.update('profile', 'auto', target);
    }
    this.pendingCalibration = null;
    if (this.calibration) this.calibration = { ...this.calibration, inUse: true };
    this.post({ type: 'log', level: 'info', text: 'hints now use the new calibration' });
    await this.refresh();
  }

  async exportResults(format: 'csv' | 'json'): Promise<boolean> {
    const results = this.results;
    if (!results || results.points.length === 0) {
      void vscode.window.showInformationMessage('pagecost: there are no results to export yet; run a benchmark in the panel first.');
      return false;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `pagecost-results.${format}`;
    const uri = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: `Export ${format.toUpperCase()}`,
    });
    if (!uri) return false;
    const text = format === 'csv' ? resultsCsv(results) : resultsJson(resultsFile(results, this.lastView?.profiles.find((p) => p.id === 'hints')?.label ?? 'hints', new Date()));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    this.post({ type: 'log', level: 'info', text: `exported ${results.points.length} points to ${uri.fsPath || uri.toString()}` });
    return true;
  }

  private async readPicked(uri: vscode.Uri): Promise<string | { error: string }> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_RESULTS_BYTES) return { error: `it is larger than ${MAX_RESULTS_BYTES / 1024 / 1024} MiB` };
      return new TextDecoder('utf-8', { fatal: true }).decode(await vscode.workspace.fs.readFile(uri));
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  private refuse(name: string, why: string): void {
    const msg = why.startsWith(name) ? why : `${name} was not opened: ${why}. Nothing was changed.`;
    this.post({ type: 'log', level: 'error', text: msg });
    void vscode.window.showErrorMessage(`pagecost: ${msg}`);
  }

  async importResults(picked?: vscode.Uri): Promise<boolean> {
    const uri = picked ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSON: ['json'] }, openLabel: 'Open results' }))?.[0];
    if (!uri) return false;
    const name = uri.path.split('/').pop() ?? 'the file';
    const text = await this.readPicked(uri);
    if (typeof text !== 'string') {
      this.refuse(name, text.error);
      return false;
    }
    const r = checkResultsFile(text, name);
    if (!r.ok) {
      this.refuse(name, r.error);
      return false;
    }
    const { hint } = await this.drawnProfiles();
    this.results = remodel({ ...r.value.results, label: `${r.value.results.label} (opened from ${name})` }, hint);
    this.persist();
    this.post({ type: 'log', level: 'info', text: `opened ${r.value.results.points.length} points from ${name}` });
    await this.refresh();
    return true;
  }

  async compareMachines(picked?: vscode.Uri[]): Promise<number> {
    const uris = picked ?? (await vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'Calibration files': ['json'] }, openLabel: 'Compare' })) ?? [];
    let added = 0;
    for (const uri of uris) {
      const name = uri.path.split('/').pop() ?? 'the file';
      const text = await this.readPicked(uri);
      if (typeof text !== 'string') {
        this.refuse(name, text.error);
        continue;
      }
      const loaded = this.loadOther(text, name);
      if ('error' in loaded) {
        this.refuse(name, loaded.error.replace(/;?\s*pass --force to use it anyway/, ''));
        continue;
      }
      const label = loaded.profile.name === 'this machine' ? name : `${loaded.profile.name} (${name})`;
      this.others = [...this.others.filter((o) => o.label !== label), { id: `other-${Date.now().toString(36)}-${added}`, label, json: text }].slice(-8);
      added++;
    }
    if (added) {
      this.persist();
      await this.refresh();
    }
    return added;
  }

  dispose(): void {
    this.cancel('the panel was closed');
    for (const s of this.subs) s.dispose();
  }
}
