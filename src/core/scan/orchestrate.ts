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
import type { CallSite, FileError, Primitive, ResizeHelper, WrapperDef } from '../types';
import type { FileNote, LoadReport, RoundExtras, ScanFileRef, SitesReport, WrapperRoundReport } from './shard';
import { helperKey, primitives, type ArgumentPass, type PointerFact } from './analysis';
import { PRIMITIVE_ARGS } from '../analysis/c/wrappers';
import { pointerDef, refreshVias } from '../analysis/c/functionPointers';
import { primitiveContract } from '../analysis/c/failureContract';

/** What the orchestrator needs from a shard; ScanShard has it, and so does a worker proxy. */
export interface ShardClient {
  load(files: ScanFileRef[]): Promise<LoadReport> | LoadReport;
  wrapperRound(names: string[], known: WrapperDef[], extra?: RoundExtras): Promise<WrapperRoundReport>;
  callSites(known: WrapperDef[], untested?: string[], helpers?: ResizeHelper[]): Promise<SitesReport>;
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
  /**
   * Helpers defined outside the files scanned (the workspace index rescanning a few files): their
   * calls in loops and their counts are found here as if their files were scanned too.
   */
  seedHelpers?: ResizeHelper[];
  maxRounds?: number;
  onProgress?: (p: ScanProgress) => void;
}

export interface ProjectScanResult {
  sites: CallSite[];
  /** Resize wrappers, including function pointers set to a primitive or a wrapper (kind `pointer`). */
  wrappers: WrapperDef[];
  /** Functions that resize what they own: not wrappers, their own calls are the sites. */
  helpers: ResizeHelper[];
  /** Calls of helpers per file (file → helperKey → count): `CallSite.callers` is their sum (applyCallers). */
  helperCalls: Record<string, Record<string, number>>;
  errors: FileError[];
  /** Remarks that are not errors, sorted by file (TS/JS declaration files, skipped bundles, analysis notes). */
  notes: FileNote[];
  /** `tsFiles`: TS/JS files among `files`. */
  stats: { files: number; parsedFiles: number; bytes: number; rounds: number; wrappers: number; tsFiles: number };
}

// Eight: an allocator behind a function pointer with macros over it (Lua 5.1: l_alloc → g->frealloc →
// luaM_realloc_ → luaM_reallocv → luaM_growaux_ → luaM_growvector) takes seven.
export const defaultMaxRounds = 8;

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
 *
 * With `soloFiles`, the first that many files all go to the first shard, and the others get
 * files only once a tree turns out bigger: a small project is scanned by one shard, and a
 * worker that is never dealt a file never starts (pool.ts starts them on first use), which on
 * a project of a hundred files saved about a fifth of the scan's CPU time. After that, each
 * file goes to the shard holding the fewest, so the others catch up, then take turns.
 */
export class FileDealer {
  private readonly dealt: number[];
  private turn = 0;
  private readonly loads: Array<Promise<LoadReport> | LoadReport> = [];
  files = 0;

  constructor(
    private readonly shards: ShardClient[],
    private readonly soloFiles = 0,
  ) {
    this.dealt = shards.map(() => 0);
  }

  deal(batch: ScanFileRef[]): void {
    if (!batch.length) return;
    const hands: ScanFileRef[][] = this.shards.map(() => []);
    for (const f of batch) {
      const k = this.files < this.soloFiles ? 0 : this.fewest();
      hands[k]!.push(f);
      this.dealt[k]!++;
      this.files++;
    }
    hands.forEach((hand, i) => hand.length && this.loads.push(this.shards[i]!.load(hand)));
  }

  /** The shards holding files (the first one when there are none): the only ones a scan talks to. */
  shardsInUse(): ShardClient[] {
    const used = this.shards.filter((_, k) => this.dealt[k]! > 0);
    return used.length ? used : this.shards.slice(0, 1);
  }

  /** The shard holding the fewest files; among equals, the next in turn (round-robin once even). */
  private fewest(): number {
    const n = this.shards.length;
    let best = -1;
    for (let step = 0; step < n; step++) {
      const k = (this.turn + step) % n;
      if (best < 0 || this.dealt[k]! < this.dealt[best]!) best = k;
    }
    this.turn = (best + 1) % n;
    return best;
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
  shards = dealer.shardsInUse();
  const files = { length: loaded.files };
  const bytes = loaded.bytes;
  errors.push(...loaded.errors);

  // Keyed by name, or by file and name for file-local wrappers (a `static grow()` in a.c and
  // another in b.c are different functions; the analysis applies each only in its own file).
  const keyOf = (w: WrapperDef) =>
    w.pointer
      ? `${w.pointer.form}\u0000${w.fileLocal ? w.file : ''}\u0000${w.pointer.function ?? ''}\u0000${w.name}\u0000${w.pointer.struct ?? ''}${
          // Stores of one field name (struct unseen) holding different functions are all kept: the call picks (pickFieldPointer).
          w.pointer.form === 'field' ? `\u0000${w.pointer.target}` : ''
        }`
      : w.fileLocal ? `${w.file}\u0000${w.name}` : w.name;
  const known = new Map<string, WrapperDef>();
  const helpers = new Map<string, ResizeHelper>();
  for (const w of options.configWrappers ?? []) if (!known.has(keyOf(w))) known.set(keyOf(w), w);
  let newNames = [...primitives, ...[...known.values()].map((w) => w.name)];
  let passes: ArgumentPass[] = [];
  const passesSeen = new Set<string>();
  let rounds = 0;
  while ((newNames.length || passes.length) && rounds < maxRounds) {
    rounds++;
    progress({ phase: 'wrappers', round: rounds, files: files.length, message: `wrapper round ${rounds}: ${newNames.length} new names` });
    const knownNow = [...known.values()];
    const extra: RoundExtras = { passes };
    const results = await Promise.all(shards.map((s) => s.wrapperRound(newNames, knownNow, extra)));
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
    for (const h of results.flatMap((r) => r.helpers ?? []).sort(byLocation)) {
      const key = helperKey(h);
      const before = helpers.get(key);
      if (before && (before.linearStep || !h.linearStep)) continue;
      helpers.set(key, h);
    }
    // Function pointers set to a primitive or a wrapper are wrappers of their own.
    for (const fact of results.flatMap((r) => r.pointers ?? []).sort(byLocation)) {
      const def = resolvePointer(fact, known);
      if (!def || known.has(keyOf(def))) continue;
      known.set(keyOf(def), def);
      if (!newNames.includes(def.name)) newNames.push(def.name);
    }
    passes = [];
    for (const p of results.flatMap((r) => r.passes ?? [])) {
      const key = `${p.fn}\u0000${p.index}\u0000${p.targetFile}\u0000${p.target}\u0000${p.out ? 'out' : ''}`;
      if (passesSeen.has(key)) continue;
      passesSeen.add(key);
      passes.push(p);
    }
  }
  if (newNames.length) {
    errors.push({
      file: '.',
      message: `wrapper search stopped after ${maxRounds} rounds with new wrappers still appearing (${newNames.slice(0, 5).join(', ')}); wrappers of these are not recognised — list them in .pagecost.json`,
    });
  }
  // Chains found in early rounds may name a store seen first rather than the one that fits.
  refreshVias([...known.values()], [...helpers.values()]);
  // A helper is what is not a wrapper anywhere.
  const wrapperNames = new Set([...known.values()].filter((w) => !w.pointer).map((w) => w.name));
  const helperList = [...helpers.values()].filter((h) => !wrapperNames.has(h.name));
  const seeded = (options.seedHelpers ?? []).filter((h) => !helpers.has(helperKey(h)) && !wrapperNames.has(h.name));

  progress({ phase: 'call-sites', files: files.length, message: `finding call sites (${known.size} wrappers known)` });
  const wrappers = [...known.values()];
  const reports = await Promise.all(shards.map((s) => s.callSites(wrappers, newNames, [...helperList, ...seeded])));
  const sites = reports.flatMap((r) => r.sites).sort(bySite);
  const helperCalls: Record<string, Record<string, number>> = {};
  for (const r of reports) {
    for (const [file, key, n] of r.helperCalls ?? []) (helperCalls[file] ??= {})[key] = (helperCalls[file]![key] ?? 0) + n;
  }
  applyCallers(sites, [...helperList, ...seeded], Object.values(helperCalls));
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
    helpers: helperList,
    helperCalls,
    errors,
    notes,
    stats: { files: files.length, parsedFiles, bytes, rounds, wrappers: known.size, tsFiles },
  };
}

/**
 * Sets `callers` on every site inside one of `helpers`: how many calls of that helper `counts`
 * (per-file tallies, helperKey → calls) hold. The scan and the workspace index both use it.
 */
export function applyCallers(sites: CallSite[], helpers: readonly ResizeHelper[], counts: Iterable<Record<string, number>>): void {
  const total = new Map<string, number>();
  for (const c of counts) for (const [k, n] of Object.entries(c)) total.set(k, (total.get(k) ?? 0) + n);
  const at = new Map(helpers.map((h) => [`${h.file}\u0000${h.name}`, h]));
  for (const s of sites) {
    const h = s.enclosingFunction !== null && s.kind !== 'helper-call' ? at.get(`${s.file}\u0000${s.enclosingFunction}`) : undefined;
    if (h) s.callers = total.get(helperKey(h)) ?? 0;
    else delete s.callers;
  }
}

/**
 * The wrapper a pointer store makes: the stored function's def (a primitive's arguments, or the
 * wrapper's own def) under the pointer's name. A wrapper local to another file is still what the
 * pointer holds: the def is looked up in the store's own file first.
 */
function resolvePointer(fact: PointerFact, known: Map<string, WrapperDef>): WrapperDef | null {
  // A variable spelled like a primitive (`resize_fn mremap = …;` in one function) would stand for it in the whole file.
  if (fact.form === 'variable' && (primitives as readonly string[]).includes(fact.name)) return null;
  const arityOf: Record<string, number> = { realloc: 2, reallocf: 2, reallocarray: 3 };
  if ((primitives as readonly string[]).includes(fact.target)) {
    const p = fact.target as Primitive;
    const base: WrapperDef = {
      name: p, kind: 'config', callee: p, via: [], params: { ...(PRIMITIVE_ARGS[p] as WrapperDef['params']) },
      diesOnFailure: false, onFailure: primitiveContract(p), file: null, line: null,
    };
    return pointerDef(fact, base, arityOf[p]);
  }
  const target = known.get(`${fact.targetFile}\u0000${fact.target}`) ?? known.get(fact.target);
  if (!target || (target.kind === 'macro' && target.macroForm !== 'alias')) return null;
  return pointerDef(fact, target, target.kind === 'function' ? target.paramNames?.length : target.pointer?.arity);
}

function byLocation(a: { file: string | null; line: number | null; name: string }, b: { file: string | null; line: number | null; name: string }): number {
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function bySite(a: CallSite, b: CallSite): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.column - b.nameRange.start.column;
}
