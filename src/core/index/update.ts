// Brings a workspace index up to date with a listing, the way clangd's background index does:
// nothing to do when every stamp matches (a reload); otherwise rescan only what a change can
// reach — the changed files, the files whose `#include "..."` chain reaches a changed header,
// and nothing else — seeded with the wrappers of every other file. When a change adds, removes
// or alters a wrapper, or touches a large part of the tree, the whole folder is scanned again:
// the wrapper rounds then decide as the CLI does, so the index always equals `pagecost scan`.
// Pure: listing, scanning and reading go through the IndexBackend the host passes.
import type { ResizeHelper, WrapperDef } from '../types';
import type { ProjectScanResult } from '../scan/orchestrate';
import { sameWrappers, sharesOf, WorkspaceIndex, type IndexLimit, type ListedFile } from './model';

export interface IndexBackend {
  /**
   * Scans `files` as one project with the scan engine, seeded with `seeds` (config wrappers, or
   * other files' wrappers) and `seedHelpers` (other files' helpers, whose loop calls and call
   * counts the scan must see in these files).
   */
  scan(files: ListedFile[], seeds: WrapperDef[], onProgress: (p: IndexProgress) => void, seedHelpers?: ResizeHelper[]): Promise<ProjectScanResult>;
  /**
   * Files among `candidates` whose include chain (as the scan resolves it) reaches one of
   * `headers` (reader paths). `gone` are headers that no longer exist: they count as present,
   * so that the files that used to include them are found.
   */
  dependents(headers: string[], candidates: ListedFile[], gone: string[]): Promise<string[]>;
}

export type IndexPhase = 'listing' | 'checking' | 'reading' | 'wrappers' | 'call-sites' | 'saving' | 'done';

export interface IndexProgress {
  phase: IndexPhase;
  /** Files done of `total` (a weighted count across reading, wrapper search and call sites). */
  done: number;
  total: number;
}

export interface RefreshOptions {
  /** Everything that shapes the sites (settings, engine version): another key rebuilds. */
  key: string;
  /** Wrappers the config and settings declare. */
  configWrappers: WrapperDef[];
  /** Rebuild even when the index looks current (Scan the workspace). */
  force?: boolean;
  /** Above this share of the files changed, a full scan is cheaper than working out what changed. */
  rebuildShare?: number;
  limit?: IndexLimit | null;
  onProgress?: (p: IndexProgress) => void;
}

export interface RefreshResult {
  index: WorkspaceIndex;
  /** `reused`: every stamp matched; `updated`: some files rescanned; `rebuilt`: a full scan. */
  kind: 'reused' | 'updated' | 'rebuilt';
  /** Files scanned (all of them on a rebuild). */
  scanned: number;
  /** Names (`rel`) of the files whose share may have changed: scanned or removed. */
  touched: string[];
  /** Why a full scan was chosen, when it was. */
  why?: string;
  ms: number;
}

export interface ListingDiff {
  changed: ListedFile[];
  added: ListedFile[];
  removed: string[];
}

/** Which files of `listing` are new or changed since `index`, and which indexed ones are gone. */
export function diffListing(index: WorkspaceIndex, listing: readonly ListedFile[]): ListingDiff {
  const changed: ListedFile[] = [];
  const added: ListedFile[] = [];
  const present = new Set<string>();
  for (const f of listing) {
    present.add(f.rel);
    const had = index.files.get(f.rel);
    if (!had) added.push(f);
    else if (had.ref.path !== f.path || had.ref.stamp.size !== f.stamp.size || had.ref.stamp.mtimeMs !== f.stamp.mtimeMs) changed.push(f);
  }
  const removed = [...index.files.keys()].filter((rel) => !present.has(rel));
  return { changed, added, removed };
}

const isHeader = (rel: string) => /\.(h|hh|hpp|hxx|inc)$/i.test(rel);

/** A full scan of `listing`. */
async function rebuild(listing: ListedFile[], backend: IndexBackend, options: RefreshOptions, t0: number, why: string, old: WorkspaceIndex | null = null): Promise<RefreshResult> {
  const progress = options.onProgress ?? (() => {});
  const started = Date.now();
  const result = await backend.scan(listing, options.configWrappers, progress);
  const { files, globalErrors } = sharesOf(result, listing);
  const s = result.stats;
  const index = new WorkspaceIndex(options.key, files, globalErrors, options.configWrappers, {
    files: s.files, parsedFiles: s.parsedFiles, bytes: s.bytes, rounds: s.rounds, tsFiles: s.tsFiles, buildMs: Date.now() - started,
  }, options.limit ?? null);
  const gone = old ? [...old.files.keys()].filter((rel) => !files.has(rel)) : [];
  return { index, kind: 'rebuilt', scanned: listing.length, touched: [...listing.map((f) => f.rel), ...gone], why, ms: Date.now() - t0 };
}

/**
 * The index for `listing`: `old` itself when nothing changed, `old` with some files rescanned,
 * or a new one from a full scan. Never edits `old` unless it returns it (kind `updated`).
 */
export async function refreshIndex(old: WorkspaceIndex | null, listing: ListedFile[], backend: IndexBackend, options: RefreshOptions): Promise<RefreshResult> {
  const t0 = Date.now();
  if (!old) return rebuild(listing, backend, options, t0, 'no index yet');
  if (options.force) return rebuild(listing, backend, options, t0, 'asked for', old);
  if (old.key !== options.key) return rebuild(listing, backend, options, t0, 'settings or pagecost changed', old);
  const diff = diffListing(old, listing);
  const touched = diff.changed.length + diff.added.length + diff.removed.length;
  if (!touched) {
    old.limit = options.limit ?? null;
    return { index: old, kind: 'reused', scanned: 0, touched: [], ms: Date.now() - t0 };
  }
  const lostWrappers = diff.removed.some((rel) => old.files.get(rel)!.wrappers.length > 0);
  if (lostWrappers) return rebuild(listing, backend, options, t0, 'a file that defined wrappers is gone', old);
  const share = options.rebuildShare ?? 0.25;
  if (touched > share * Math.max(1, listing.length)) return rebuild(listing, backend, options, t0, `${touched} of ${listing.length} files changed`, old);

  // What a change can reach: the files themselves, and the files including a changed, new or removed header.
  options.onProgress?.({ phase: 'checking', done: 0, total: listing.length });
  const scan = new Map<string, ListedFile>();
  for (const f of [...diff.changed, ...diff.added]) scan.set(f.rel, f);
  const headers = [...diff.changed, ...diff.added].filter((f) => isHeader(f.rel)).map((f) => f.path);
  const gone = diff.removed.filter(isHeader).map((rel) => old.files.get(rel)!.ref.path);
  if (headers.length || gone.length) {
    const byPath = new Map(listing.map((f) => [f.path, f]));
    for (const p of await backend.dependents([...headers, ...gone], listing, gone)) {
      const f = byPath.get(p);
      if (f) scan.set(f.rel, f);
    }
  }
  if (scan.size > share * Math.max(1, listing.length)) return rebuild(listing, backend, options, t0, `a change reaches ${scan.size} of ${listing.length} files`, old);

  const subset = [...scan.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const names = new Set(scan.keys());
  const result = await backend.scan(subset, old.wrappersOutside(names), options.onProgress ?? (() => {}), old.helpersOutside(names));
  const { files } = sharesOf(result, subset);
  // A wrapper that appeared, went or changed can change call sites anywhere: let the rounds decide.
  // So can a helper (its loop calls elsewhere, which are sites when it grows by a constant step).
  for (const [rel, share] of files) {
    const before = old.files.get(rel)?.wrappers ?? [];
    if (!sameWrappers(before, share.wrappers)) return rebuild(listing, backend, options, t0, `the wrappers of ${rel} changed`, old);
    if (!sameWrappers(old.files.get(rel)?.helpers ?? [], share.helpers)) return rebuild(listing, backend, options, t0, `the helpers of ${rel} changed`, old);
  }
  const lostHelpers = diff.removed.some((rel) => old.files.get(rel)!.helpers.length > 0);
  if (lostHelpers) return rebuild(listing, backend, options, t0, 'a file that defined helpers is gone', old);
  for (const rel of diff.removed) old.files.delete(rel);
  for (const [rel, share] of files) old.files.set(rel, share);
  old.touch();
  // Calls of a helper made or dropped here change the count every resize inside it shows.
  old.recountCallers();
  old.limit = options.limit ?? null;
  old.builtAt = Date.now();
  old.stats = { ...old.stats, files: listing.length };
  return { index: old, kind: 'updated', scanned: subset.length, touched: [...subset.map((f) => f.rel), ...diff.removed], ms: Date.now() - t0 };
}

/**
 * Turns a scan's per-file events into one count for the status item (`indexing 412/992`): each
 * file counts a third when read, a third when the first wrapper round has looked at it, and a
 * third when its call sites are done. Later wrapper rounds revisit files and add nothing.
 */
export class ProgressCounter {
  private read = 0;
  private examined = 0;
  private sited = 0;
  constructor(readonly total: number) {}

  add(phase: 'load' | 'wrappers' | 'sites', files: number): void {
    if (phase === 'load') this.read = Math.min(this.total, this.read + files);
    else if (phase === 'wrappers') this.examined = Math.min(this.total, this.examined + files);
    else this.sited = Math.min(this.total, this.sited + files);
  }

  get done(): number {
    return Math.floor((this.read + this.examined + this.sited) / 3);
  }

  get phase(): IndexPhase {
    return this.sited > 0 ? 'call-sites' : this.examined > 0 ? 'wrappers' : 'reading';
  }
}

/** The status item's words for a progress report. */
export function progressText(p: IndexProgress | null, paused = false): string {
  if (!p) return 'index ready';
  const pause = paused ? ' (paused)' : '';
  switch (p.phase) {
    case 'listing':
      return `indexing: listing files${pause}`;
    case 'checking':
      return `indexing: checking ${p.total} files${pause}`;
    case 'saving':
      return 'indexing: saving';
    case 'done':
      return 'index ready';
    default:
      return `indexing ${p.done}/${p.total}${pause}`;
  }
}
