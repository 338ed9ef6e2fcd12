// One CDocument per open C document, fed from change events after a debounce, so a burst of
// typing costs one incremental analysis. Results are kept per URI with the version they describe;
// providers (hints, hovers) that need the current version flush the debounce instead of waiting.
// The grammar is read once from our dist/ through vscode.workspace.fs (Node and browser alike).
// Closed documents are dropped at once and nothing is scheduled for them.
// TS/JS documents take the same road (debounce, URI + version + generation, the same advice)
// except that the analysis runs in the platform's TsAnalysisService (a worker thread in the Node
// host, a Web Worker on the web), created on the first TS/JS document; where there is none they
// are "not analysed" with the reason, said once.
import * as vscode from 'vscode';
import type { Parser } from 'web-tree-sitter';
import { adviseSites, applySuppressions } from '../core/advice';
import { createCParser } from '../core/analysis/c/parser';
import { CDocument, type CDocumentOptions } from '../core/analysis/c/document';
import type { Profile } from '../core/model';
import { skipReason } from '../core/present/findings';
import type { EditorSettings } from '../core/present/settings';
import type { CallSite, Finding, WrapperDef } from '../core/types';
import type { AnalysisResult, AnalysisStats } from './api';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';
import { NO_TS_WORKER_REASON, type TsAnalysisService } from './tsService';
import type { TsAnalysisResult } from '../core/analysis/ts/api';
import type { IndexService } from './index/indexService';
import { OpenFileHeaders } from './index/headerSymbols';
import { grammarBytes } from './grammar';
import type { RunStore } from './runs';
import { matchRuns } from '../core/record/observed';

export const C_LANGUAGES = ['c', 'cpp'] as const;

/** `uri`'s path below `folder` ('/' separators), or null when it is not inside. */
function relativeIn(folder: vscode.Uri, uri: vscode.Uri): string | null {
  if (folder.scheme !== uri.scheme || folder.authority !== uri.authority) return null;
  const base = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : null;
}
/** After a result from the index, how long the editor may be idle before the full analysis runs. */
const indexedWarmUpMs = 1500;
export const TS_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'] as const;
/** Every language the providers (hints, hovers, code actions, status) register for. */
export const LANGUAGES = [...C_LANGUAGES, ...TS_LANGUAGES] as const;

function isTsLanguage(id: string): boolean {
  return (TS_LANGUAGES as readonly string[]).includes(id);
}

interface DocState {
  uri: vscode.Uri;
  key: string;
  lang: 'c' | 'ts';
  doc: CDocument | null;
  /** TS/JS: the sites of the last analysis (C keeps them in `doc`). */
  tsSites: CallSite[];
  /** The CDocument options it was last analysed with (JSON), to know when to re-analyse all. */
  optionsKey: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  result: AnalysisResult | undefined;
  /** Wrappers this document defines that other files can call. */
  exported: WrapperDef[];
  /** Reader paths of the headers its last analysis saw (a change to one re-analyses it). */
  headerPaths: string[];
  /** Set while its result came from the workspace index (the full analysis has not run yet). */
  fromIndex: CallSite[] | null;
  /** The text the index's result described. */
  fromIndexText?: string;
  /** The full analysis after a result from the index, when the editor has been idle a moment. */
  warm?: ReturnType<typeof setTimeout>;
}

interface Waiter {
  test: (r: AnalysisResult) => boolean;
  resolve: (r: AnalysisResult) => void;
}

export class AnalysisManager implements vscode.Disposable {
  private readonly states = new Map<string, DocState>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private parser: Promise<Parser> | null = null;
  private grammarError: string | null = null;
  private generation = 0;
  private readonly emitter = new vscode.EventEmitter<AnalysisResult>();
  readonly onDidAnalyze = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];
  /** Headers of open documents, resolved as the scan does. */
  private readonly headers: OpenFileHeaders | null;
  readonly stats: AnalysisStats = { runs: 0, totalMs: 0, changeEvents: 0, changeMs: 0 };
  lastProfile: Profile | null = null;
  lastAnalysis: { at: Date; ms: number } | null = null;
  private ts: TsAnalysisService | null | undefined;
  private tsUnavailableSaid = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly log: (line: string) => void,
    /** Makes the TS/JS analysis service; called on the first TS/JS document (null: none on this host). */
    private readonly tsFactory: () => TsAnalysisService | null = () => null,
    /** The workspace index: other files' wrappers, and where headers are. Null: open documents only. */
    private readonly index: IndexService | null = null,
    /** Recorded runs (`.pagecost/*.run.json`): the calls they cover get the runs' numbers. */
    private readonly runs: RunStore | null = null,
  ) {
    this.headers = index ? new OpenFileHeaders(index, () => this.getParser(), (uri) => this.settings.for(uri).maxFileSize) : null;
    if (index) this.subs.push(index.onDidUpdate((u) => this.indexUpdated(u.folder, u.wrappersChanged, u.touched, u.changed)));
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.track(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.untrack(d.uri)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const t0 = performance.now();
        const s = this.states.get(e.document.uri.toString());
        if (s && e.contentChanges.length) {
          this.schedule(s, this.settings.for(s.uri).debounceMs);
          // An open header being edited: the documents that include it follow what is typed.
          if (s.lang === 'c' && this.headers) this.headerChanged(e.document.uri, this.settings.for(s.uri).debounceMs);
        }
        this.stats.changeEvents++;
        this.stats.changeMs += performance.now() - t0;
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        const s = this.states.get(d.uri.toString());
        if (s && s.result?.version !== d.version) this.schedule(s, 0);
      }),
      // A new setting or profile: every open document is analysed again with it.
      this.profiles.onDidChange(() => this.invalidateAll()),
      // A run recorded, re-recorded or loaded: the calls it covers show it.
      ...(runs ? [runs.onDidChange(() => this.invalidateAll())] : []),
    );
    for (const d of vscode.workspace.textDocuments) this.track(d);
  }

  /** Whether pagecost analyses this document at all (language, scheme, excludes). */
  wants(d: vscode.TextDocument): string | null {
    if (!(LANGUAGES as readonly string[]).includes(d.languageId)) return `not analysed: language ${d.languageId}`;
    if (d.uri.scheme === 'output' || d.uri.scheme === 'vscode-scm' || d.uri.scheme === 'git') return `not analysed: ${d.uri.scheme} document`;
    const s = this.settings.for(d.uri);
    if (isTsLanguage(d.languageId) && !s.ts.enabled) return 'not analysed: pagecost.ts.enabled is off';
    for (const glob of s.exclude) {
      if (vscode.languages.match({ pattern: glob }, d) > 0) return `not analysed: excluded by pagecost.exclude "${glob}"`;
    }
    const project = this.settings.excludedByProject(d.uri);
    if (project !== undefined) return `not analysed: excluded by .pagecost.json "${project}"`;
    return null;
  }

  private track(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    if (this.states.has(key)) return;
    if (this.wants(d) !== null) return;
    const lang = isTsLanguage(d.languageId) ? 'ts' : 'c';
    const s: DocState = { uri: d.uri, key, lang, doc: null, tsSites: [], optionsKey: '', timer: undefined, result: undefined, exported: [], headerPaths: [], fromIndex: null };
    this.states.set(key, s);
    this.schedule(s, 0);
  }

  private untrack(uri: vscode.Uri): void {
    const key = uri.toString();
    const s = this.states.get(key);
    if (!s) return;
    if (s.timer) clearTimeout(s.timer);
    if (s.warm) clearTimeout(s.warm);
    s.doc?.dispose();
    this.states.delete(key);
    if (s.lang === 'ts') this.ts?.cancel(key);
    const hadWrappers = s.exported.length > 0;
    this.emitter.fire({ uri: key, version: -1, generation: this.generation, sites: [], findings: [], skipped: 'closed', ms: 0, incremental: false });
    if (hadWrappers) this.invalidateAll();
  }

  private schedule(s: DocState, delay: number): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void this.run(s);
    }, delay);
  }

  /** Re-analyses every open document (settings, profile or a wrapper elsewhere changed). */
  invalidateAll(): void {
    this.generation++;
    for (const s of this.states.values()) this.schedule(s, 0);
  }

  /** Settings changed: documents excluded or included anew, everything else re-analysed. */
  settingsChanged(): void {
    for (const d of vscode.workspace.textDocuments) {
      const key = d.uri.toString();
      if (this.states.has(key) && this.wants(d) !== null) this.untrack(d.uri);
      else if (!this.states.has(key)) this.track(d);
    }
    this.invalidateAll();
  }

  /** The shared C parser (loads the grammar on first use). */
  parserPromise(): Promise<Parser> {
    return this.getParser();
  }

  private getParser(): Promise<Parser> {
    if (!this.parser) {
      this.parser = grammarBytes(this.extensionUri).then((files) => createCParser(files));
      this.parser.catch((e) => {
        this.grammarError = `the C grammar could not be loaded: ${(e as Error).message}`;
        this.log(this.grammarError);
      });
    }
    return this.parser;
  }

  get grammarProblem(): string | null {
    return this.grammarError;
  }

  /**
   * Wrappers other files define plus the settings', for `forKey`'s document: open documents as
   * they are now, then the index's (files not open), as the scan would know them.
   */
  private knownWrappers(forKey: string, uri: vscode.Uri, settings: EditorSettings): WrapperDef[] {
    const out: WrapperDef[] = [...settings.wrappers];
    const seen = new Set(out.map((w) => w.name));
    const add = (list: WrapperDef[]) => {
      for (const w of list) {
        if (w.fileLocal || seen.has(w.name)) continue;
        seen.add(w.name);
        out.push(w);
      }
    };
    for (const s of this.states.values()) if (s.key !== forKey) add(s.exported);
    // (A wrapper's file is the URI string the index and open documents share.)
    if (this.index) add(this.index.wrappersFor(uri).filter((w) => w.file !== forKey && !(w.file !== null && this.states.has(w.file))));
    return out;
  }

  /** All wrapper definitions known (for related information). */
  allWrappers(): WrapperDef[] {
    const out: WrapperDef[] = [];
    for (const s of this.states.values()) out.push(...(s.doc?.wrappers ?? []));
    if (this.index) out.push(...this.index.allWrappers());
    return out;
  }

  /** The index changed: documents that see its wrappers, or a header that changed on disk, are analysed again. */
  private indexUpdated(_folder: vscode.Uri, wrappersChanged: boolean, touched: string[], changed: string[]): void {
    if (wrappersChanged) {
      // The generation is global, so every result is stale from here: each document is analysed
      // again (this folder's see the new wrappers; documents elsewhere, untitled ones included,
      // would otherwise keep a result no provider accepts, and lose their hints).
      this.generation++;
      for (const s of this.states.values()) this.schedule(s, 0);
    }
    // A document still showing the index's old sites for itself gets the new ones.
    for (const file of touched) {
      const own = this.states.get(file);
      if (own?.fromIndex) this.schedule(own, 0);
    }
    for (const file of changed) this.headerChanged(vscode.Uri.parse(file), 0);
  }

  /** `uri` changed: documents whose headers include it are analysed again after `delay`. */
  private headerChanged(uri: vscode.Uri, delay: number): void {
    const path = this.headers?.forget(uri);
    if (!path) return;
    for (const s of this.states.values()) if (s.key !== uri.toString() && s.headerPaths.includes(path)) this.schedule(s, delay);
  }

  private async run(s: DocState): Promise<void> {
    if (s.lang === 'ts') return this.runTs(s);
    let parser: Parser;
    let profile: Profile;
    try {
      parser = await this.getParser();
      profile = (await this.profiles.get()).profile;
    } catch (e) {
      const d = vscode.workspace.textDocuments.find((t) => t.uri.toString() === s.key) ?? null;
      if (this.states.get(s.key) === s) this.finish(s, d, `not analysed: ${(e as Error).message}`, 0, false, []);
      return;
    }
    // The document may have closed, or a newer run been scheduled, while the grammar loaded.
    if (this.states.get(s.key) !== s || s.timer) return;
    const d = vscode.workspace.textDocuments.find((t) => t.uri.toString() === s.key);
    if (!d || d.isClosed) {
      this.untrack(s.uri);
      return;
    }
    const version = d.version;
    const gen = this.generation;
    // (A result served from the index is followed by the full analysis: `fromIndex` asks for it.)
    if (s.result && s.result.version === version && s.result.generation === gen && !s.fromIndex) return;
    const settings = this.settings.for(s.uri);
    const text = d.getText();
    const known = this.knownWrappers(s.key, s.uri, settings);
    const skip = skipReason(text, settings, [...known.map((w) => w.name), ...s.exported.map((w) => w.name)]);
    if (skip) {
      s.doc?.dispose();
      s.doc = null;
      s.fromIndex = null;
      s.fromIndexText = undefined;
      this.finish(s, d, skip, 0, false, []);
      return;
    }
    // Just opened and unchanged since the index read it: the index's sites are this file's, at
    // once; the full analysis (for typing) follows when the editor is idle.
    if (!s.doc && !s.fromIndex && this.index && !d.isDirty) {
      const entry = await this.index.freshEntry(d.uri).catch(() => undefined);
      if (entry && this.states.get(s.key) === s && !s.timer && !d.isClosed && d.version === version && this.generation === gen) {
        const t0 = performance.now();
        s.fromIndex = entry.sites;
        s.fromIndexText = text;
        s.exported = entry.wrappers.filter((w) => !w.fileLocal);
        this.finish(s, d, null, performance.now() - t0, false, this.advise(entry.sites, text, settings, profile, s.uri));
        // Not `schedule`: a waiter for this version is served now, not after the warm-up.
        if (s.warm) clearTimeout(s.warm);
        s.warm = setTimeout(() => {
          s.warm = undefined;
          if (s.fromIndex && !s.timer && this.states.get(s.key) === s) void this.run(s);
        }, indexedWarmUpMs);
        return;
      }
    }
    let headers: Awaited<ReturnType<OpenFileHeaders['for']>> = { symbols: [], paths: [], key: '' };
    if (this.headers) {
      try {
        headers = await this.headers.for(d, text);
      } catch (e) {
        this.log(`headers of ${s.key} could not be read: ${(e as Error).message}`);
      }
      // Edited, closed or re-scheduled while the headers were read: the newer run goes on.
      if (this.states.get(s.key) !== s || s.timer || d.isClosed || d.version !== version) return;
    }
    const t0 = performance.now();
    s.headerPaths = headers.paths;
    try {
      const pageSize = settings.pageSize ?? profile.machine.pageSize;
      const options: CDocumentOptions = {
        wrappers: known,
        sizeOptions: { pageSize, target: settings.target },
        headers: headers.symbols,
      };
      // (Header symbols are lazy and must not be serialised: their paths and versions stand for them.)
      const optionsKey = JSON.stringify({ wrappers: known, sizeOptions: options.sizeOptions, headers: headers.key });
      let incremental = false;
      if (!s.doc && s.fromIndexText !== undefined && s.fromIndexText !== text) {
        // Typed into before the full analysis ran: analyse the text the index described, then the
        // edit on top of it, as if the document had been open all along.
        s.doc = CDocument.open(parser, s.key, s.fromIndexText, options);
        incremental = s.doc.update(text).incremental;
      } else if (!s.doc) {
        s.doc = CDocument.open(parser, s.key, text, options);
      } else {
        if (optionsKey !== s.optionsKey) s.doc.setOptions(options);
        incremental = s.doc.update(text).incremental && optionsKey === s.optionsKey;
      }
      s.optionsKey = optionsKey;
      s.fromIndex = null;
      s.fromIndexText = undefined;
      const findings = this.advise(this.withIndexCallers(s.uri, s.doc.sites), text, settings, profile, s.uri);
      const exported = s.doc.wrappers.filter((w) => !w.fileLocal);
      const wrappersChanged = JSON.stringify(exported.map((w) => ({ ...w, line: null }))) !== JSON.stringify(s.exported.map((w) => ({ ...w, line: null })));
      s.exported = exported;
      this.finish(s, d, null, performance.now() - t0, incremental, findings);
      if (wrappersChanged) {
        // Calls to this file's wrappers elsewhere change with them.
        for (const o of this.states.values()) if (o !== s) this.schedule(o, 0);
        this.generation++;
        s.result = s.result && { ...s.result, generation: this.generation };
      }
    } catch (e) {
      // A bug of ours must not reach the user as an exception: say it once and keep the old tree out.
      this.log(`analysis of ${s.key} failed: ${(e as Error).stack ?? e}`);
      s.doc?.dispose();
      s.doc = null;
      this.finish(s, d, `not analysed: internal error (${(e as Error).message}); see the pagecost output`, performance.now() - t0, false, []);
    }
  }

  /**
   * A resize inside a helper (a function that resizes memory it owns) counts the helper's calls in
   * every file, which only the index knows: the document's sites take them from the index's
   * entry for this file, matched by function, name and order.
   */
  private withIndexCallers(uri: vscode.Uri, sites: CallSite[]): CallSite[] {
    const entry = this.index?.entry(uri);
    const counted = entry?.sites.filter((x) => x.callers !== undefined);
    if (!counted?.length) return sites;
    const key = (x: CallSite, n: number) => `${x.enclosingFunction}\u0000${x.name}\u0000${n}`;
    const nth = new Map<string, number>();
    const next = (x: CallSite) => {
      const k = `${x.enclosingFunction}\u0000${x.name}`;
      const n = nth.get(k) ?? 0;
      nth.set(k, n + 1);
      return key(x, n);
    };
    const callers = new Map<string, number>();
    for (const x of entry!.sites) {
      const k = next(x);
      if (x.callers !== undefined) callers.set(k, x.callers);
    }
    nth.clear();
    return sites.map((x) => {
      const c = callers.get(next(x));
      return c === undefined ? x : { ...x, callers: c };
    });
  }

  /** Findings of a C document's sites with the settings' profile and page size; rules are applied by the faces, so the API sees every finding. */
  private advise(sites: CallSite[], text: string, settings: EditorSettings, profile: Profile, uri: vscode.Uri): Finding[] {
    const pageSize = settings.pageSize ?? profile.machine.pageSize;
    const used = pageSize === profile.machine.pageSize ? profile : { ...profile, machine: { ...profile.machine, pageSize } };
    this.lastProfile = used;
    const runs = this.runs?.for(uri);
    // The document's path in its folder: where the runs' files are (relative to the folder they ran on).
    const rel = runs ? relativeIn(runs.folder.uri, uri) : null;
    const match = runs && rel !== null ? matchRuns(runs.runs, sites, { root: runs.folder.uri.path, fileOf: () => rel, text: (f) => (f === rel ? text : null) }) : null;
    const findings = applySuppressions(adviseSites(sites, {
      profile: used, threads: settings.threads, warnRatio: settings.warnRatio, allocator: settings.allocator, correctness: true,
      ...(match ? { observed: (site: CallSite) => match.bySite.get(site) } : {}),
    }), text);
    if (!match?.staleAt.size) return findings;
    return findings.map((f) => {
      const st = match.staleAt.get(f.site);
      return st ? { ...f, observedStale: { run: st.run, recordedLine: st.line, why: st.why } } : f;
    });
  }

  /** The service, made on first use; null (said once) where the host has none. */
  private tsService(): TsAnalysisService | null {
    if (this.ts === undefined) {
      try {
        this.ts = this.tsFactory();
      } catch (e) {
        this.log(`the TS/JS analysis could not start: ${(e as Error).message}`);
        this.ts = null;
      }
    }
    if (!this.ts && !this.tsUnavailableSaid) {
      this.tsUnavailableSaid = true;
      this.log(`pagecost: ${NO_TS_WORKER_REASON}.`);
      vscode.window.setStatusBarMessage(`pagecost: ${NO_TS_WORKER_REASON}`, 15_000);
    }
    return this.ts;
  }

  /**
   * A TS/JS text that is not an open document (the workspace scan), through the same service and
   * its queue (keyed apart from open documents); null where the host has no TS/JS analysis.
   */
  analyzeTsText(key: string, text: string, settings: EditorSettings): Promise<TsAnalysisResult | null> {
    const service = this.tsService();
    if (!service) return Promise.resolve(null);
    return service.analyze({ key: `scan\u0000${key}`, text, file: key, options: { maxGeneratedBytes: settings.ts.maxGeneratedBytes } });
  }

  /**
   * A TS/JS document: the text goes to the worker; the answer is used only if the document, its
   * version and the settings generation are still those it was asked for (else a newer run is
   * already scheduled or in flight, and this one is dropped).
   */
  private async runTs(s: DocState): Promise<void> {
    const d = vscode.workspace.textDocuments.find((t) => t.uri.toString() === s.key);
    if (!d || d.isClosed) {
      this.untrack(s.uri);
      return;
    }
    const version = d.version;
    const gen = this.generation;
    if (s.result && s.result.version === version && s.result.generation === gen) return;
    const settings = this.settings.for(s.uri);
    const t0 = performance.now();
    const service = this.tsService();
    if (!service) {
      this.finish(s, d, `not analysed: ${NO_TS_WORKER_REASON}`, 0, false, []);
      return;
    }
    const text = d.getText();
    const skip = skipReason(text, settings);
    if (skip) {
      s.tsSites = [];
      this.finish(s, d, skip, performance.now() - t0, false, []);
      return;
    }
    let profile: Profile;
    let result;
    try {
      [profile, result] = await Promise.all([
        this.profiles.get().then((p) => p.profile),
        service.analyze({ key: s.key, text, file: s.key, options: { maxGeneratedBytes: settings.ts.maxGeneratedBytes } }),
      ]);
    } catch (e) {
      if (this.states.get(s.key) !== s || s.timer || d.version !== version) return;
      this.log(`TS/JS analysis of ${s.key} failed: ${(e as Error).message}`);
      s.tsSites = [];
      this.finish(s, d, `not analysed: ${(e as Error).message}; see the pagecost output`, performance.now() - t0, false, []);
      return;
    }
    // Superseded, closed, edited or re-configured meanwhile: a newer run owns the result.
    if (!result || this.states.get(s.key) !== s || s.timer || d.isClosed || d.version !== version || this.generation !== gen) return;
    try {
      const pageSize = settings.pageSize ?? profile.machine.pageSize;
      const used = pageSize === profile.machine.pageSize ? profile : { ...profile, machine: { ...profile.machine, pageSize } };
      this.lastProfile = used;
      const findings = applySuppressions(adviseSites(result.sites, {
        profile: used, threads: settings.threads, warnRatio: settings.warnRatio, allocator: settings.allocator, correctness: true,
      }), text);
      s.tsSites = result.sites;
      this.finish(s, d, result.skipped ? `not analysed: ${result.skipped}` : null, performance.now() - t0, false, findings, result.notes);
    } catch (e) {
      this.log(`advice for ${s.key} failed: ${(e as Error).stack ?? e}`);
      s.tsSites = [];
      this.finish(s, d, `not analysed: internal error (${(e as Error).message}); see the pagecost output`, performance.now() - t0, false, []);
    }
  }

  private finish(s: DocState, d: vscode.TextDocument | null, skipped: string | null, ms: number, incremental: boolean, findings: Finding[], notes: string[] = []): void {
    const r: AnalysisResult = {
      uri: s.key,
      version: d?.version ?? s.result?.version ?? 0,
      generation: this.generation,
      sites: s.lang === 'ts' ? s.tsSites : (s.doc?.sites ?? s.fromIndex ?? []),
      findings,
      skipped,
      ms,
      incremental,
      ...(s.lang === 'ts' ? { language: 'ts' as const, notes } : {}),
    };
    s.result = r;
    this.stats.runs++;
    this.stats.totalMs += ms;
    this.lastAnalysis = { at: new Date(), ms };
    this.emitter.fire(r);
    const ws = this.waiters.get(s.key);
    if (ws) {
      for (const w of [...ws]) {
        if (w.test(r)) {
          ws.delete(w);
          w.resolve(r);
        }
      }
    }
  }

  result(uri: vscode.Uri): AnalysisResult | undefined {
    return this.states.get(uri.toString())?.result;
  }

  /** The document's analysis at its current version, analysing now if the debounce is pending. */
  async current(d: vscode.TextDocument, token?: vscode.CancellationToken): Promise<AnalysisResult | undefined> {
    const s = this.states.get(d.uri.toString());
    if (!s) return undefined;
    const fresh = (r: AnalysisResult | undefined) => r !== undefined && r.version === d.version && r.generation === this.generation;
    if (fresh(s.result)) return s.result;
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = undefined;
      void this.run(s);
    }
    const r = await this.wait(s.key, fresh, 30_000, token);
    return r ?? undefined;
  }

  /** For the API: resolves at `version` or later with the current settings; see PagecostApi.whenAnalyzed. */
  whenAnalyzed(uri: vscode.Uri, version?: number, timeoutMs = 30_000): Promise<AnalysisResult> {
    const key = uri.toString();
    const d = vscode.workspace.textDocuments.find((t) => t.uri.toString() === key);
    const s = this.states.get(key);
    if (!s) {
      const why = d ? this.wants(d) ?? 'not analysed yet' : 'closed';
      return Promise.resolve({ uri: key, version: version ?? d?.version ?? -1, generation: this.generation, sites: [], findings: [], skipped: why, ms: 0, incremental: false });
    }
    const want = version ?? d?.version ?? 0;
    const gen = this.generation;
    return this.wait(key, (r) => r.skipped === 'closed' || (r.version >= want && r.generation >= gen && !this.pending(key)), timeoutMs).then((r) => {
      if (!r) throw new Error(`pagecost: no analysis of ${key} version ${want} within ${timeoutMs} ms`);
      return r;
    });
  }

  private pending(key: string): boolean {
    return this.states.get(key)?.timer !== undefined;
  }

  waitFor(uri: vscode.Uri, test: (r: AnalysisResult) => boolean, timeoutMs = 30_000): Promise<AnalysisResult> {
    return this.wait(uri.toString(), test, timeoutMs).then((r) => {
      if (!r) throw new Error(`pagecost: no analysis of ${uri.toString()} matched within ${timeoutMs} ms`);
      return r;
    });
  }

  private wait(key: string, test: (r: AnalysisResult) => boolean, timeoutMs: number, token?: vscode.CancellationToken): Promise<AnalysisResult | null> {
    const now = this.states.get(key)?.result;
    if (now && test(now) && !this.pending(key)) return Promise.resolve(now);
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      const done = (r: AnalysisResult | null) => {
        clearTimeout(timer);
        sub?.dispose();
        set!.delete(w);
        resolve(r);
      };
      const w: Waiter = { test: (r) => test(r) && !this.pending(key), resolve: (r) => done(r) };
      set.add(w);
      const timer = setTimeout(() => done(null), timeoutMs);
      const sub = token?.onCancellationRequested(() => done(null));
    });
  }

  dispose(): void {
    for (const s of this.states.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.doc?.dispose();
    }
    this.states.clear();
    this.ts?.dispose();
    for (const d of this.subs) d.dispose();
    this.emitter.dispose();
  }
}
