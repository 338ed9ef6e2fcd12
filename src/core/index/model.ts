// The workspace index: what `pagecost scan` knows about a folder, kept per file so that one
// changed file replaces only its own part. Built and brought up to date by update.ts with the
// scan engine itself (src/core/scan), so its sites are the CLI's sites. Plain data, pure.
import type { CallSite, FileError, ResizeHelper, WrapperDef } from '../types';
import type { ProjectScanResult } from '../scan/orchestrate';
import { applyCallers, bySite } from '../scan/orchestrate';
import type { FileNote, ScanFileRef } from '../scan/shard';

/** What says a file is unchanged since it was indexed: its size and modification time. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** A file of the listing: where the reader finds it (`path`), the name sites use (`rel`), its stamp. */
export interface ListedFile extends ScanFileRef {
  stamp: FileStamp;
}

/** The index's share of one file. */
export interface IndexedFile {
  ref: ListedFile;
  sites: CallSite[];
  /** Wrappers this file defines (project-wide and file-local). */
  wrappers: WrapperDef[];
  /** Functions this file defines that resize what they own (not wrappers; their own calls are the sites). */
  helpers: ResizeHelper[];
  /** Calls of helpers (anywhere) this file makes, by helper key: sites inside a helper count them all. */
  helperCalls: Record<string, number>;
  errors: FileError[];
  notes: FileNote[];
}

export interface IndexStats {
  files: number;
  parsedFiles: number;
  bytes: number;
  rounds: number;
  tsFiles: number;
  /** Wall time of the last full build, ms. */
  buildMs: number;
}

/** When the listing had more files than the limit: how many there were, and how many were kept. */
export interface IndexLimit {
  total: number;
  kept: number;
}

export class WorkspaceIndex {
  constructor(
    /** Everything that shapes the sites (see settingsKey): another key means another index. */
    readonly key: string,
    readonly files: Map<string, IndexedFile>,
    /** Problems that belong to no one file (the wrapper rounds' cap). */
    readonly globalErrors: FileError[],
    /** Wrappers the config declared: they seed every scan, first. */
    readonly configWrappers: WrapperDef[],
    public stats: IndexStats,
    public limit: IndexLimit | null = null,
    public builtAt: number = Date.now(),
  ) {}

  /** Every site, in the scan's order (file, then line and column). */
  sites(): CallSite[] {
    const out: CallSite[] = [];
    for (const rel of this.sortedNames()) out.push(...this.files.get(rel)!.sites);
    return out.sort(bySite);
  }

  /**
   * Every wrapper: the config's, then each file's in file order (the order a full scan finds
   * same-named wrappers in does not matter here: a rebuild decides those, see update.ts).
   */
  wrappers(): WrapperDef[] {
    const out = [...this.configWrappers];
    for (const rel of this.sortedNames()) out.push(...this.files.get(rel)!.wrappers);
    return out;
  }

  /** Wrappers of every file but `rel` (what a scan of `rel` alone is seeded with). */
  wrappersOutside(rels: ReadonlySet<string>): WrapperDef[] {
    const out = [...this.configWrappers];
    for (const rel of this.sortedNames()) if (!rels.has(rel)) out.push(...this.files.get(rel)!.wrappers);
    return out;
  }

  /** Every helper, in file order. */
  helpers(): ResizeHelper[] {
    const out: ResizeHelper[] = [];
    for (const rel of this.sortedNames()) out.push(...this.files.get(rel)!.helpers);
    return out;
  }

  /** Helpers of every file but those in `rels` (what a scan of those files is seeded with). */
  helpersOutside(rels: ReadonlySet<string>): ResizeHelper[] {
    const out: ResizeHelper[] = [];
    for (const rel of this.sortedNames()) if (!rels.has(rel)) out.push(...this.files.get(rel)!.helpers);
    return out;
  }

  /**
   * After files were replaced: a resize inside a helper counts the helper's calls in every file,
   * so each such site's `callers` is summed again over the whole index.
   */
  recountCallers(): void {
    const sites: CallSite[] = [];
    for (const f of this.files.values()) sites.push(...f.sites);
    applyCallers(sites, this.helpers(), [...this.files.values()].map((f) => f.helperCalls));
  }

  errors(): FileError[] {
    const out = [...this.globalErrors];
    for (const rel of this.sortedNames()) out.push(...this.files.get(rel)!.errors);
    return out;
  }

  notes(): FileNote[] {
    const out: FileNote[] = [];
    for (const rel of this.sortedNames()) out.push(...this.files.get(rel)!.notes);
    return out;
  }

  /** The result a scan of the whole listing would give, for the faces that print one. */
  asScanResult(): ProjectScanResult {
    const wrappers = this.wrappers();
    return {
      sites: this.sites(),
      wrappers,
      helpers: this.helpers(),
      helperCalls: Object.fromEntries([...this.files].filter(([, f]) => Object.keys(f.helperCalls).length).map(([rel, f]) => [rel, f.helperCalls])),
      errors: this.errors(),
      notes: this.notes(),
      stats: { ...this.stats, wrappers: wrappers.length },
    };
  }

  private sorted: string[] | null = null;
  private sortedFor = -1;
  private sortedNames(): string[] {
    if (!this.sorted || this.sortedFor !== this.files.size) {
      this.sorted = [...this.files.keys()].sort();
      this.sortedFor = this.files.size;
    }
    return this.sorted;
  }

  /** Call after adding or removing files with the same count (a rename). */
  touch(): void {
    this.sorted = null;
  }
}

/**
 * Splits a scan result into per-file shares for `listed` (every file of the scan, read or not).
 * Wrappers the scan was seeded with belong to files outside `listed` (or to the config) and are
 * left out.
 */
export function sharesOf(result: ProjectScanResult, listed: readonly ListedFile[]): { files: Map<string, IndexedFile>; globalErrors: FileError[] } {
  const files = new Map<string, IndexedFile>();
  for (const ref of listed) files.set(ref.rel, { ref, sites: [], wrappers: [], helpers: [], helperCalls: {}, errors: [], notes: [] });
  for (const s of result.sites) files.get(s.file)?.sites.push(s);
  for (const w of result.wrappers) if (w.file !== null) files.get(w.file)?.wrappers.push(w);
  for (const h of result.helpers) files.get(h.file)?.helpers.push(h);
  for (const [rel, counts] of Object.entries(result.helperCalls)) {
    const f = files.get(rel);
    if (f) f.helperCalls = counts;
  }
  const globalErrors: FileError[] = [];
  for (const e of result.errors) {
    const f = files.get(e.file);
    if (f) f.errors.push(e);
    else globalErrors.push(e);
  }
  for (const n of result.notes) files.get(n.file)?.notes.push(n);
  return { files, globalErrors };
}

/** Two lists of wrapper (or helper) definitions say the same, up to where they sit (lines move with edits above them). */
export function sameWrappers(a: readonly (WrapperDef | ResizeHelper)[], b: readonly (WrapperDef | ResizeHelper)[]): boolean {
  if (a.length !== b.length) return false;
  const norm = (list: readonly (WrapperDef | ResizeHelper)[]) => list.map((w) => JSON.stringify({ ...w, line: null })).sort();
  const x = norm(a);
  const y = norm(b);
  return x.every((v, i) => v === y[i]);
}
