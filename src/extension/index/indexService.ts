// The workspace index, the way clangd's background index works: each folder with C (and TS/JS)
// files is scanned in the background by the same engine as `pagecost scan`, the result is kept in
// the workspace's storage (one file per folder, keyed by each file's size and modification time)
// so a reload reuses it, and file changes (the watcher, saves) rescan only what they reach
// (src/core/index/update.ts). Open documents are analysed with its wrappers and headers
// (analysisManager.ts); Scan the workspace rebuilds it and publishes its findings (commands.ts).
// One refresh per folder at a time; changes that arrive meanwhile start another when it ends.
// Nothing here throws at the user: a failure is a line in the log and a state in the status item.
import * as vscode from 'vscode';
import type { WrapperDef } from '../../core/types';
import type { IndexedFile, IndexLimit } from '../../core/index/model';
import { WorkspaceIndex } from '../../core/index/model';
import { IndexStopped } from '../../core/index/inProcess';
import { parseIndex, serializeIndex, turnEvery, INDEX_VERSION } from '../../core/index/persist';
import { progressText, refreshIndex, type IndexProgress, type RefreshResult } from '../../core/index/update';
import type { ShardOptions } from '../../core/scan/shard';
import type { EditorSettings } from '../../core/present/settings';
import type { ProfileStore } from '../profiles';
import type { ProjectConfigStore } from '../projectConfig';
import type { SettingsStore } from '../settings';
import type { IndexControl, IndexHost, IndexLanguage } from './host';

export type IndexState = 'off' | 'unsupported' | 'waiting' | 'indexing' | 'paused' | 'ready' | 'cancelled' | 'failed';

export interface IndexStatus {
  state: IndexState;
  /** For the status bar: `indexing 412/992`, `index ready`. */
  text: string;
  /** For the tooltip and the language status item. */
  detail: string;
  /** Files in the index (all folders). */
  files: number;
  /** Refreshes finished since activation (tests wait on it). */
  refreshes: number;
  /** The last refresh of any folder: what it did and how long it took. */
  last: { kind: RefreshResult['kind']; scanned: number; ms: number; why?: string } | null;
  /** Set when a folder had more files than pagecost.index.maxFiles. */
  limit: IndexLimit | null;
}

export interface IndexUpdate {
  folder: vscode.Uri;
  /** The wrapper set changed: every open document of the folder must be analysed again. */
  wrappersChanged: boolean;
  /** Files (URI strings) whose entry may have changed (rescanned or removed). */
  touched: string[];
  /** Files (URI strings) whose content changed on disk (stamp), appeared or went: headers to read again. */
  changed: string[];
}

interface Folder {
  folder: vscode.WorkspaceFolder;
  index: WorkspaceIndex | null;
  loaded: boolean;
  running: { control: IndexControl; done: Promise<RefreshResult | null>; progress: IndexProgress | null; forced: boolean } | null;
  /** Changes came in while a refresh ran, or before the first one: refresh again. */
  dirty: boolean;
  /** The user cancelled: no background refresh until they ask (rebuild, Scan the workspace). */
  cancelled: boolean;
  failure: string | null;
  limitSaid: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** A write in flight, and whether another is wanted after it (the index changed meanwhile). */
  saving: Promise<void> | null;
  saveAgain: boolean;
}

const tsExtensions = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

export class IndexService implements vscode.Disposable {
  private readonly folders = new Map<string, Folder>();
  private readonly updated = new vscode.EventEmitter<IndexUpdate>();
  /** Fires after a folder's index was loaded, built or updated. */
  readonly onDidUpdate = this.updated.event;
  private readonly statusChanged = new vscode.EventEmitter<void>();
  /** Fires when the progress or state changes (throttled by the engine to ~10 per second). */
  readonly onDidChangeStatus = this.statusChanged.event;
  private readonly subs: vscode.Disposable[] = [];
  private refreshes = 0;
  private last: IndexStatus['last'] = null;
  private started = false;

  constructor(
    /** The host that indexes a folder (the Node host hands folders not on its disk to workspace.fs). */
    private readonly hostFor: (folder: vscode.Uri) => IndexHost,
    private readonly storage: vscode.Uri | undefined,
    private readonly settings: SettingsStore,
    private readonly project: ProjectConfigStore,
    private readonly profiles: ProfileStore,
    /** The pagecost build: an index written by another one is rebuilt. */
    private readonly engine: string,
    private readonly log: (line: string) => void,
  ) {
    const exts = `{c,h,${tsExtensions.join(',')}}`;
    const watcher = vscode.workspace.createFileSystemWatcher(`**/*.${exts}`);
    const ignores = vscode.workspace.createFileSystemWatcher('**/.gitignore');
    const changed = (uri: vscode.Uri) => {
      const f = this.folderOf(uri);
      if (f) this.schedule(f, 400);
    };
    this.subs.push(
      watcher, ignores,
      watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed),
      ignores.onDidCreate(changed), ignores.onDidChange(changed), ignores.onDidDelete(changed),
      // The watcher may coalesce or miss events (network drives): a save always counts.
      vscode.workspace.onDidSaveTextDocument((d) => changed(d.uri)),
      settings.onDidChange(() => this.settingsChanged()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const f of this.folders.values()) this.schedule(f, 0);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const w of e.removed) this.drop(w.uri.toString());
        for (const w of e.added) this.ensure(w);
      }),
    );
  }

  /** Loads or builds the index of every folder, in the background. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const w of vscode.workspace.workspaceFolders ?? []) this.ensure(w);
  }

  private ensure(w: vscode.WorkspaceFolder): Folder {
    const key = w.uri.toString();
    let f = this.folders.get(key);
    if (!f) {
      f = { folder: w, index: null, loaded: false, running: null, dirty: false, cancelled: false, failure: null, limitSaid: false, timer: undefined, saving: null, saveAgain: false };
      this.folders.set(key, f);
      this.schedule(f, 0);
    }
    return f;
  }

  private drop(key: string): void {
    const f = this.folders.get(key);
    if (!f) return;
    f.running?.control.stop();
    if (f.timer) clearTimeout(f.timer);
    this.folders.delete(key);
    this.statusChanged.fire();
  }

  private folderOf(uri: vscode.Uri): Folder | undefined {
    const w = vscode.workspace.getWorkspaceFolder(uri);
    return w ? this.folders.get(w.uri.toString()) : undefined;
  }

  private settingsChanged(): void {
    for (const f of this.folders.values()) {
      // A new key (settings that shape sites) rebuilds; turning the index off stops it.
      if (!this.settings.for(f.folder.uri).index.enabled) f.running?.control.stop();
      this.schedule(f, 200);
    }
    this.statusChanged.fire();
  }

  private schedule(f: Folder, delay: number): void {
    if (f.cancelled || !this.started) return;
    if (f.running) {
      f.dirty = true;
      return;
    }
    if (f.timer) clearTimeout(f.timer);
    f.timer = setTimeout(() => {
      f.timer = undefined;
      void this.refresh(f.folder.uri);
    }, delay);
  }

  /**
   * Brings the folder's index up to date (`force`: a full scan) and resolves with what was done;
   * null when the index is off, unsupported here, cancelled, or failed (the log says why).
   */
  async refresh(folderUri: vscode.Uri, options: { force?: boolean; onProgress?: (p: IndexProgress) => void } = {}): Promise<RefreshResult | null> {
    const w = vscode.workspace.getWorkspaceFolder(folderUri);
    if (!w) return null;
    const f = this.ensure(w);
    if (options.force) f.cancelled = false;
    if (f.running) {
      // A forced scan replaces a background refresh; anything else waits for it and goes after.
      if (options.force && !f.running.forced) f.running.control.stop();
      await f.running.done.catch(() => null);
      if (!options.force) return this.refresh(folderUri, options);
    }
    const settings = this.settings.for(w.uri);
    if (!options.force && (!settings.index.enabled || f.cancelled)) {
      this.statusChanged.fire();
      return null;
    }
    const host = this.hostFor(w.uri);
    const unsupported = host.unsupported(w.uri);
    if (unsupported) {
      f.failure = `not indexed: ${unsupported}`;
      this.statusChanged.fire();
      return null;
    }
    const control = host.control();
    const done = this.run(f, settings, host, control, options);
    f.running = { control, done, progress: { phase: 'listing', done: 0, total: 0 }, forced: !!options.force };
    f.dirty = false;
    this.statusChanged.fire();
    try {
      return await done;
    } finally {
      f.running = null;
      this.statusChanged.fire();
      if (f.dirty && !f.cancelled) this.schedule(f, 0);
    }
  }

  private async run(f: Folder, settings: EditorSettings, host: IndexHost, control: IndexControl, options: { force?: boolean; onProgress?: (p: IndexProgress) => void }): Promise<RefreshResult | null> {
    const w = f.folder;
    const progress = (p: IndexProgress) => {
      if (f.running) f.running.progress = p;
      options.onProgress?.(p);
      this.statusChanged.fire();
    };
    try {
      const profile = (await this.profiles.get()).profile;
      const languages: IndexLanguage[] = settings.ts.enabled && host.indexesTs ? ['c', 'ts'] : ['c'];
      const projectExclude = this.project.for(w.uri)?.loaded.config.exclude ?? [];
      const shard: ShardOptions = {
        maxFileSize: settings.maxFileSize,
        size: { pageSize: settings.pageSize ?? profile.machine.pageSize, target: settings.target },
        roots: [host.readerPath(w.uri)],
        maxGeneratedBytes: settings.ts.maxGeneratedBytes,
      };
      const key = JSON.stringify({
        engine: this.engine, format: INDEX_VERSION, shard, languages, projectExclude, exclude: settings.exclude, maxFiles: settings.index.maxFiles, wrappers: settings.wrappers,
      });
      if (!f.loaded) {
        f.loaded = true;
        f.index = await this.load(w, key);
      }
      progress({ phase: 'listing', done: 0, total: 0 });
      const listing = await host.list({
        folder: w.uri, projectExclude, excludeGlobs: settings.exclude, languages, maxFiles: settings.index.maxFiles, trusted: vscode.workspace.isTrusted,
      });
      for (const e of listing.errors) this.log(`index: ${e.file}: ${e.message}`);
      const limit = listing.total > listing.files.length ? { total: listing.total, kept: listing.files.length } : null;
      if (limit && !f.limitSaid) {
        f.limitSaid = true;
        this.sayLimit(w, limit);
      }
      if (control.paused) progress({ phase: 'checking', done: 0, total: listing.files.length });
      const before = f.index?.wrappers() ?? null;
      const stampsBefore = new Map([...(f.index?.files.values() ?? [])].map((e) => [e.ref.rel, `${e.ref.stamp.size}:${e.ref.stamp.mtimeMs}`]));
      const result = await refreshIndex(f.index, listing.files, host.backend(shard, control), {
        key, configWrappers: settings.wrappers, force: !!options.force, limit, onProgress: progress,
      });
      f.index = result.index;
      f.failure = null;
      this.refreshes++;
      this.last = { kind: result.kind, scanned: result.scanned, ms: result.ms, ...(result.why ? { why: result.why } : {}) };
      this.log(`index: ${vscode.workspace.asRelativePath(w.uri)}: ${describe(result, listing.files.length)}`);
      if (result.kind !== 'reused') {
        this.save(f);
        const after = result.index.wrappers();
        const changed = [...result.index.files.values()].filter((e) => stampsBefore.get(e.ref.rel) !== `${e.ref.stamp.size}:${e.ref.stamp.mtimeMs}`).map((e) => e.ref.rel);
        for (const rel of stampsBefore.keys()) if (!result.index.files.has(rel)) changed.push(rel);
        this.updated.fire({ folder: w.uri, wrappersChanged: !before || JSON.stringify(before) !== JSON.stringify(after), touched: result.touched, changed });
      }
      return result;
    } catch (e) {
      if (e instanceof IndexStopped) {
        this.log(`index: ${vscode.workspace.asRelativePath(w.uri)}: stopped`);
        return null;
      }
      f.failure = `indexing failed: ${(e as Error).message}`;
      this.log(`index: ${w.uri.toString()}: ${(e as Error).stack ?? e}`);
      return null;
    }
  }

  /** The stored index of `w` when it was built with these settings by this pagecost; else null (and why, in the log). */
  private async load(w: vscode.WorkspaceFolder, key: string): Promise<WorkspaceIndex | null> {
    const uri = this.fileFor(w);
    if (!uri) return null;
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return null; // never built here
    }
    const parsed = await parseIndex(text, key, turnEvery(5));
    if (!parsed.ok) {
      this.log(`index: ${vscode.workspace.asRelativePath(w.uri)}: not reusing the stored index: ${parsed.reason}`);
      return null;
    }
    // Loaded before the listing says whether it is current: open documents may use it meanwhile.
    this.updated.fire({ folder: w.uri, wrappersChanged: true, touched: [], changed: [] });
    return parsed.index;
  }

  /**
   * Writes the folder's index to the workspace storage right away (a reload soon after a change
   * must find it), serialised in slices; a change during a write is written after it.
   */
  private save(f: Folder): void {
    if (f.saving) {
      f.saveAgain = true;
      return;
    }
    const uri = this.fileFor(f.folder);
    if (!uri || !f.index) return;
    const index = f.index;
    f.saving = (async () => {
      try {
        const text = await serializeIndex(index, turnEvery(5));
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      } catch (e) {
        this.log(`index: could not store the index in ${uri.toString()}: ${(e as Error).message}`);
      }
    })().finally(() => {
      f.saving = null;
      if (f.saveAgain && this.folders.get(f.folder.uri.toString()) === f) {
        f.saveAgain = false;
        this.save(f);
      }
    });
  }

  private fileFor(w: vscode.WorkspaceFolder): vscode.Uri | null {
    return this.storage ? vscode.Uri.joinPath(this.storage, 'index', `${hash(w.uri.toString())}.json`) : null;
  }

  private sayLimit(w: vscode.WorkspaceFolder, limit: IndexLimit): void {
    const text = `pagecost: ${vscode.workspace.asRelativePath(w.uri)} has ${limit.total.toLocaleString('en-US')} C/TS files, more than pagecost.index.maxFiles (${limit.kept.toLocaleString('en-US')}). The first ${limit.kept.toLocaleString('en-US')} by path are indexed; wrappers and macros defined in the others are not known to opened files. Raise the limit, or exclude folders with pagecost.exclude.`;
    this.log(text);
    void vscode.window.showWarningMessage(text, 'Open setting').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'pagecost.index.maxFiles');
    });
  }

  /** Holds the workers (or the slices) before their next file. */
  pause(): void {
    for (const f of this.folders.values()) f.running?.control.pause();
    this.statusChanged.fire();
  }

  resume(): void {
    for (const f of this.folders.values()) f.running?.control.resume();
    this.statusChanged.fire();
  }

  /** Stops indexing; no background refresh until rebuild() or Scan the workspace. */
  cancel(): void {
    for (const f of this.folders.values()) {
      f.cancelled = true;
      if (f.timer) clearTimeout(f.timer);
      f.running?.control.stop();
    }
    this.statusChanged.fire();
  }

  /** Stops the folder's running refresh (Scan the workspace's Cancel); background refreshes go on after the next change. */
  stop(folderUri: vscode.Uri): void {
    const f = this.folders.get(vscode.workspace.getWorkspaceFolder(folderUri)?.uri.toString() ?? '');
    if (!f?.running) return;
    f.dirty = false;
    f.running.control.stop();
  }

  /** Whether the folder's index holds its TS/JS files too. */
  indexesTs(folderUri: vscode.Uri): boolean {
    return this.hostFor(folderUri).indexesTs;
  }

  /** A full scan of every folder, whatever the stored index says. */
  async rebuild(): Promise<void> {
    await Promise.all([...this.folders.values()].map((f) => this.refresh(f.folder.uri, { force: true })));
  }

  get paused(): boolean {
    return [...this.folders.values()].some((f) => f.running?.control.paused);
  }

  get running(): boolean {
    return [...this.folders.values()].some((f) => f.running);
  }

  /** The folder's index, whatever its freshness (null: none yet). */
  indexFor(uri: vscode.Uri): WorkspaceIndex | null {
    return this.folderOf(uri)?.index ?? null;
  }

  /** The index's entry for a file (its URI string is the entry's name). */
  entry(uri: vscode.Uri): IndexedFile | undefined {
    return this.indexFor(uri)?.files.get(uri.toString());
  }

  /**
   * The index's entry for `uri` when it certainly describes the file on disk: the folder has no
   * refresh running or pending, and the file's size and modification time are the entry's.
   */
  async freshEntry(uri: vscode.Uri): Promise<IndexedFile | undefined> {
    const f = this.folderOf(uri);
    const entry = f?.index?.files.get(uri.toString());
    if (!f || !entry || f.running || f.timer || f.dirty) return undefined;
    const st = await vscode.workspace.fs.stat(uri);
    const stamp = entry.ref.stamp;
    // (workspace.fs gives whole milliseconds; the Node listing the fraction too.)
    return st.size === stamp.size && Math.trunc(st.mtime) === Math.trunc(stamp.mtimeMs) ? entry : undefined;
  }

  /** Every wrapper the folder's index knows (the settings' first). */
  wrappersFor(uri: vscode.Uri): WrapperDef[] {
    return this.indexFor(uri)?.wrappers() ?? [];
  }

  /** Every wrapper of every folder (related places in diagnostics). */
  allWrappers(): WrapperDef[] {
    return [...this.folders.values()].flatMap((f) => f.index?.wrappers() ?? []);
  }

  /** The reader's path of `uri` and the include roots of its folder, for header resolution. */
  includeContext(uri: vscode.Uri): { path: string; roots: string[]; folder: vscode.Uri; uriOf: (path: string) => vscode.Uri } | null {
    const w = vscode.workspace.getWorkspaceFolder(uri);
    if (!w) return null;
    const host = this.hostFor(w.uri);
    return { path: host.readerPath(uri), roots: [host.readerPath(w.uri)], folder: w.uri, uriOf: (p) => host.uriOf(p, w.uri) };
  }

  status(): IndexStatus {
    const folders = [...this.folders.values()];
    const files = folders.reduce((n, f) => n + (f.index?.files.size ?? 0), 0);
    const running = folders.filter((f) => f.running);
    const limit = folders.find((f) => f.index?.limit)?.index?.limit ?? null;
    const base = { files, refreshes: this.refreshes, last: this.last, limit };
    const enabled = folders.some((f) => this.settings.for(f.folder.uri).index.enabled);
    if (running.length) {
      const paused = running.some((f) => f.running!.control.paused);
      const p = running.map((f) => f.running!.progress).reduce<IndexProgress | null>((a, b) =>
        !a ? b : !b ? a : { phase: b.phase === 'listing' || a.phase === 'listing' ? 'listing' : b.phase, done: a.done + b.done, total: a.total + b.total }, null);
      const where = [...new Set(running.map((f) => this.hostFor(f.folder.uri).where))].join(', ');
      return { ...base, state: paused ? 'paused' : 'indexing', text: progressText(p, paused), detail: `indexing in ${where}${paused ? ' (paused)' : ''}` };
    }
    if (!folders.length || !enabled) return { ...base, state: 'off', text: 'index off', detail: folders.length ? 'pagecost.index.enabled is off' : 'no folder open' };
    const failed = folders.find((f) => f.failure);
    if (failed) return { ...base, state: failed.failure!.startsWith('not indexed') ? 'unsupported' : 'failed', text: 'index: not available', detail: failed.failure! };
    if (folders.some((f) => f.cancelled)) return { ...base, state: 'cancelled', text: 'indexing cancelled', detail: 'Run "pagecost: Rebuild the workspace index" to index again' };
    if (folders.some((f) => !f.index)) return { ...base, state: 'waiting', text: 'index: waiting', detail: 'the index starts in a moment' };
    const when = Math.max(...folders.map((f) => f.index!.builtAt));
    const lim = limit ? ` (first ${limit.kept} of ${limit.total}: pagecost.index.maxFiles)` : '';
    const notes = [...new Set(folders.map((f) => this.hostFor(f.folder.uri).limitation).filter((l): l is string => !!l))];
    return { ...base, state: 'ready', text: 'index ready', detail: `${files} files indexed${lim}, up to date since ${new Date(when).toLocaleTimeString()}${notes.length ? `. ${notes.join(' ')}` : ''}` };
  }

  /** Resolves when no refresh runs or is scheduled (tests, the API). */
  async whenIdle(timeoutMs = 120_000): Promise<IndexStatus> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const busy = [...this.folders.values()].find((f) => f.running || f.timer || f.saving);
      if (!busy) return this.status();
      if (Date.now() > end) throw new Error(`pagecost: the index is still busy after ${timeoutMs} ms (${this.status().text})`);
      if (busy.running) await busy.running.done.catch(() => null);
      else if (busy.saving) await busy.saving;
      else await new Promise((r) => setTimeout(r, 50));
    }
  }

  dispose(): void {
    for (const f of this.folders.values()) {
      f.running?.control.stop();
      if (f.timer) clearTimeout(f.timer);
    }
    for (const s of this.subs) s.dispose();
    this.updated.dispose();
    this.statusChanged.dispose();
  }
}

function describe(r: RefreshResult, files: number): string {
  const s = (r.ms / 1000).toFixed(1);
  switch (r.kind) {
    case 'reused':
      return `stored index reused (${files} files unchanged), ${s} s`;
    case 'updated':
      return `${r.scanned} changed file(s) rescanned, ${s} s`;
    default:
      return `indexed ${files} files (${r.why}), ${s} s`;
  }
}

/** FNV-1a, hex: a short stable file name for a folder URI. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
