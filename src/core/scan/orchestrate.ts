// The project scan: which files to read, which to parse, and in what order, so that wrappers
// defined in one file are recognised at call sites in every other. Pure orchestration: it only
// talks to shards (in-process ScanShard objects, or worker threads speaking the same methods).
//
// Algorithm (each step parses only files that spell a relevant name, see prefilter.ts):
//   1. load: every shard reads and checks its files.
//   2. wrapper rounds: round 1 looks for wrappers of the primitives (and of configured
//      wrappers); round k re-examines only files that mention a name first found in round k-1,
//      with every wrapper known so far. Stops when a round finds nothing new, or at maxRounds.
//   3. call sites: every file mentioning any known name, with the complete wrapper set; TS/JS
//      files (no wrapper rounds) are analysed here too, each on its own.
import type { CallSite, FileError, WrapperDef } from '../types';
import type { FileNote, LoadReport, ScanFileRef, SitesReport, WrapperRoundReport } from './shard';
import { primitives } from './analysis';

/** What the orchestrator needs from a shard; ScanShard has it, and so does a worker proxy. */
export interface ShardClient {
  load(files: ScanFileRef[]): Promise<LoadReport> | LoadReport;
  wrapperRound(names: string[], known: WrapperDef[]): Promise<WrapperRoundReport>;
  callSites(known: WrapperDef[], untested?: string[]): Promise<SitesReport>;
}

export type ScanPhase = 'reading' | 'wrappers' | 'call-sites' | 'done';

export interface ScanProgress {
  phase: ScanPhase;
  /** Wrapper round number (phase 'wrappers'). */
  round?: number;
  files: number;
  message: string;
}

export interface ProjectScanOptions {
  /** Wrappers the project declares in its config; they seed round 1. */
  configWrappers?: WrapperDef[];
  maxRounds?: number;
  onProgress?: (p: ScanProgress) => void;
}

export interface ProjectScanResult {
  sites: CallSite[];
  wrappers: WrapperDef[];
  errors: FileError[];
  /** Remarks that are not errors, sorted by file (TS/JS declaration files, skipped bundles, analysis notes). */
  notes: FileNote[];
  /** `tsFiles`: TS/JS files among `files`. */
  stats: { files: number; parsedFiles: number; bytes: number; rounds: number; wrappers: number; tsFiles: number };
}

export const defaultMaxRounds = 6;

/**
 * Deals files to shards round-robin: cheap, and on real trees as even as sorting by size
 * (big and small files are spread through every directory).
 */
export function dealFiles(files: ScanFileRef[], shardCount: number): ScanFileRef[][] {
  const hands: ScanFileRef[][] = Array.from({ length: Math.max(1, shardCount) }, () => []);
  files.forEach((f, i) => hands[i % hands.length]!.push(f));
  return hands;
}

/**
 * Hands files to shards as they are found, so shards read while the caller is still listing
 * (a worker loads batch 1 while the main thread walks the directories of batch 2).
 */
export class FileDealer {
  private next = 0;
  private readonly loads: Array<Promise<LoadReport> | LoadReport> = [];
  files = 0;

  constructor(private readonly shards: ShardClient[]) {}

  deal(batch: ScanFileRef[]): void {
    if (!batch.length) return;
    const hands: ScanFileRef[][] = this.shards.map(() => []);
    for (const f of batch) hands[this.next++ % hands.length]!.push(f);
    this.files += batch.length;
    hands.forEach((hand, i) => hand.length && this.loads.push(this.shards[i]!.load(hand)));
  }

  async done(): Promise<{ errors: FileError[]; bytes: number; files: number }> {
    const reports = await Promise.all(this.loads);
    return { errors: reports.flatMap((r) => r.errors), bytes: reports.reduce((n, r) => n + r.bytes, 0), files: this.files };
  }
}

/**
 * Scans `input`: a list of files, or a FileDealer the caller has been feeding while it walked
 * (then the shards have been reading all along and this starts where they are).
 */
export async function scanProject(
  input: ScanFileRef[] | FileDealer,
  shards: ShardClient[],
  options: ProjectScanOptions = {},
): Promise<ProjectScanResult> {
  const progress = options.onProgress ?? (() => {});
  const maxRounds = options.maxRounds ?? defaultMaxRounds;
  const errors: FileError[] = [];

  let dealer: FileDealer;
  if (input instanceof FileDealer) dealer = input;
  else {
    dealer = new FileDealer(shards);
    dealer.deal(input);
  }
  progress({ phase: 'reading', files: dealer.files, message: `reading ${dealer.files} files` });
  const loaded = await dealer.done();
  const files = { length: loaded.files };
  const bytes = loaded.bytes;
  errors.push(...loaded.errors);

  // Keyed by name, or by file and name for file-local wrappers (a `static grow()` in a.c and
  // another in b.c are different functions; the analysis applies each only in its own file).
  const keyOf = (w: WrapperDef) => (w.fileLocal ? `${w.file}\u0000${w.name}` : w.name);
  const known = new Map<string, WrapperDef>();
  for (const w of options.configWrappers ?? []) if (!known.has(keyOf(w))) known.set(keyOf(w), w);
  let newNames = [...primitives, ...[...known.values()].map((w) => w.name)];
  let rounds = 0;
  while (newNames.length && rounds < maxRounds) {
    rounds++;
    progress({ phase: 'wrappers', round: rounds, files: files.length, message: `wrapper round ${rounds}: ${newNames.length} new names` });
    const knownNow = [...known.values()];
    const results = await Promise.all(shards.map((s) => s.wrapperRound(newNames, knownNow)));
    // Sorted so that, when two files define the same name, the choice does not depend on timing.
    const found = results.flatMap((r) => r.wrappers).sort(byLocation);
    newNames = [];
    for (const w of found) {
      if (known.has(keyOf(w)) || (primitives as readonly string[]).includes(w.name)) continue;
      known.set(keyOf(w), w);
      // A file-local wrapper is only called in its own file, and findWrappers already looked
      // there for wrappers of it; only project-wide names send other files to another round.
      if (!w.fileLocal && !newNames.includes(w.name)) newNames.push(w.name);
    }
  }
  if (newNames.length) {
    errors.push({
      file: '.',
      message: `wrapper search stopped after ${maxRounds} rounds with new wrappers still appearing (${newNames.slice(0, 5).join(', ')}); wrappers of these are not recognised — list them in .pagecost.json`,
    });
  }

  progress({ phase: 'call-sites', files: files.length, message: `finding call sites (${known.size} wrappers known)` });
  const wrappers = [...known.values()];
  const reports = await Promise.all(shards.map((s) => s.callSites(wrappers, newNames)));
  const sites = reports.flatMap((r) => r.sites).sort(bySite);
  for (const r of reports) errors.push(...r.errors);
  const byFile = (a: FileNote, b: FileNote) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  errors.sort(byFile);
  const notes = reports.flatMap((r) => r.notes ?? []).sort(byFile);
  const tsFiles = reports.reduce((n, r) => n + (r.tsFiles ?? 0), 0);
  const parsedFiles = reports.reduce((n, r) => n + r.parsedFiles, 0);
  progress({ phase: 'done', files: files.length, message: `${sites.length} call sites` });
  return {
    sites,
    wrappers,
    errors,
    notes,
    stats: { files: files.length, parsedFiles, bytes, rounds, wrappers: known.size, tsFiles },
  };
}

function byLocation(a: WrapperDef, b: WrapperDef): number {
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function bySite(a: CallSite, b: CallSite): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.column - b.nameRange.start.column;
}
