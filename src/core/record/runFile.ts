// The record file `pagecost record` writes (`.pagecost/<name>.run.json`) and everything else
// reads (`pagecost scan --run`, the editor). Documented in the README; `version` only changes when
// a field changes meaning: fields are only ever added. Pure: parsing never throws at a caller, it
// returns the problems it found.
import type { CPrimitive, Nanoseconds, ObservedSizes } from '../types';
import type { MachineFacts } from '../model/machine';

export const RUN_FILE_VERSION = 1;
export const RUN_FILE_KIND = 'pagecost-run';

/** A distribution of sizes over the calls of one site (the same shape findings' `observed` carries). */
export type SizeDistribution = ObservedSizes;

export interface TimeDistribution {
  /** Estimated total time of the real calls at this site. */
  total: Nanoseconds;
  p50: Nanoseconds | null;
  p99: Nanoseconds | null;
  /** Calls actually timed (the rest are estimated from them: see `sampling.timing`). */
  timedCalls: number;
}

export interface RunSite {
  /** Relative to `root`, with forward slashes. */
  file: string;
  line: number;
  column: number;
  function: string | null;
  /** The primitive at the end of the chain. */
  callee: CPrimitive;
  /** As the scan reports the site: wrapper chain, outermost first. */
  via: string[];
  /** The source line at the time of the run (trimmed): a changed line makes the record stale. */
  text: string;
  calls: number;
  /** Calls whose block ended up at another address. */
  moved: number;
  /** Calls on blocks glibc had mmapped (mremap: all); null when the allocator does not say. */
  mmapped: number | null;
  failed: number;
  fromNull: number;
  toZero: number;
  oldBytes: SizeDistribution;
  newBytes: SizeDistribution;
  growth: { constantStep: number; geometric: number; shrink: number; fits: number; otherGrowth: number };
  ns: TimeDistribution;
  threadsMax: number;
  /** True when the calls were split between several sites of one wrapper from sampled stacks. */
  sampled: boolean;
  /** The most frequent call paths to this site (function (file:line), innermost first). */
  stacks: { frames: string[]; calls: number }[];
}

export interface UnattributedReason {
  reason: string;
  calls: number;
  /** Where those calls came from, most calls first (at most 5): `getline (libc.so.6)`, `src/x.c:12`. */
  places: { where: string; calls: number }[];
}

export interface RunFile {
  kind: typeof RUN_FILE_KIND;
  version: number;
  toolVersion: string;
  program: string;
  argv: string[];
  cwd: string;
  /** The folder the scan ran on; every `file` is relative to it. */
  root: string;
  /** The machine's facts, as calibration files record them. */
  machine: Partial<MachineFacts> | null;
  startedAt: string;
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  totals: { calls: number; attributedCalls: number; ns: Nanoseconds; processes: number };
  sampling: {
    calls: string;
    backtraces: string;
    timing: string;
    clock: string;
    frames: number;
    backtracesChecked: number;
    backtraceMismatches: number;
  };
  sites: RunSite[];
  unattributed: { calls: number; reasons: UnattributedReason[] };
  /** Calls that found no room in the fixed-size tables (not counted anywhere else). */
  overflow: number;
  processes: { pid: number; ppid: number; exe: string; calls: number; end: 'exited' | 'exec' | 'stopped' }[];
  /** What the run could not see or keep, in words. */
  notes: string[];
}

export interface ParsedRun {
  run: RunFile | null;
  problems: string[];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const nonNeg = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function distribution(v: unknown): SizeDistribution | null {
  if (!isObj(v)) return null;
  const { min, p50, p90, max, log2Histogram } = v;
  if (![min, p50, p90, max].every(nonNeg) || !Array.isArray(log2Histogram)) return null;
  const pairs: [number, number][] = [];
  for (const p of log2Histogram) {
    if (!Array.isArray(p) || p.length !== 2 || !nonNeg(p[0]) || !nonNeg(p[1])) return null;
    pairs.push([p[0], p[1]]);
  }
  return { min: min as number, p50: p50 as number, p90: p90 as number, max: max as number, log2Histogram: pairs };
}

const CALLEES: readonly string[] = ['realloc', 'reallocarray', 'reallocf', 'mremap'];

/** Checks one site; null with a problem when it cannot be used. */
function site(v: unknown, i: number, problems: string[]): RunSite | null {
  const bad = (what: string) => {
    problems.push(`sites[${i}]: ${what}`);
    return null;
  };
  if (!isObj(v)) return bad('not an object');
  if (typeof v.file !== 'string' || v.file === '' || v.file.startsWith('/') || v.file.split('/').includes('..')) return bad('"file" must be a path relative to the root');
  if (!Number.isInteger(v.line) || (v.line as number) < 1) return bad('"line" must be a line number');
  if (typeof v.callee !== 'string' || !CALLEES.includes(v.callee)) return bad(`"callee" must be one of ${CALLEES.join(', ')}`);
  if (!nonNeg(v.calls)) return bad('"calls" must be a count');
  const oldBytes = distribution(v.oldBytes);
  const newBytes = distribution(v.newBytes);
  if (!oldBytes || !newBytes) return bad('"oldBytes"/"newBytes" must be size distributions');
  const ns = isObj(v.ns) && nonNeg(v.ns.total) ? v.ns : null;
  if (!ns) return bad('"ns.total" must be a duration');
  const g = isObj(v.growth) ? v.growth : {};
  const count = (x: unknown) => (nonNeg(x) ? x : 0);
  return {
    file: v.file,
    line: v.line as number,
    column: Number.isInteger(v.column) && (v.column as number) > 0 ? (v.column as number) : 1,
    function: typeof v.function === 'string' ? v.function : null,
    callee: v.callee as CPrimitive,
    via: Array.isArray(v.via) ? v.via.filter((x): x is string => typeof x === 'string') : [],
    text: typeof v.text === 'string' ? v.text : '',
    calls: v.calls,
    moved: count(v.moved),
    mmapped: nonNeg(v.mmapped) ? v.mmapped : null,
    failed: count(v.failed),
    fromNull: count(v.fromNull),
    toZero: count(v.toZero),
    oldBytes,
    newBytes,
    growth: { constantStep: count(g.constantStep), geometric: count(g.geometric), shrink: count(g.shrink), fits: count(g.fits), otherGrowth: count(g.otherGrowth) },
    ns: {
      total: ns.total as number,
      p50: nonNeg(ns.p50) ? ns.p50 : null,
      p99: nonNeg(ns.p99) ? ns.p99 : null,
      timedCalls: count(ns.timedCalls),
    },
    threadsMax: nonNeg(v.threadsMax) && v.threadsMax >= 1 ? v.threadsMax : 1,
    sampled: v.sampled === true,
    stacks: Array.isArray(v.stacks)
      ? v.stacks.filter(isObj).map((s) => ({ frames: Array.isArray(s.frames) ? s.frames.filter((f): f is string => typeof f === 'string') : [], calls: count(s.calls) }))
      : [],
  };
}

/**
 * Reads a record file's text. Sites that cannot be used are dropped with a problem each; a file
 * that is not a record at all gives `run: null`. `source` names the file in the messages.
 */
export function parseRunFile(text: string, source: string): ParsedRun {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { run: null, problems: [`${source}: not valid JSON (${(e as Error).message})`] };
  }
  if (!isObj(json) || json.kind !== RUN_FILE_KIND) {
    return { run: null, problems: [`${source}: not a pagecost run record (no "kind": "${RUN_FILE_KIND}"); make one with \`pagecost record --out ${source} -- PROGRAM\``] };
  }
  if (typeof json.version !== 'number' || json.version > RUN_FILE_VERSION) {
    return { run: null, problems: [`${source}: record version ${String(json.version)} is newer than this pagecost reads (${RUN_FILE_VERSION}); update pagecost`] };
  }
  const problems: string[] = [];
  const sites: RunSite[] = [];
  if (!Array.isArray(json.sites)) problems.push(`${source}: "sites" must be a list`);
  else json.sites.forEach((s, i) => {
    const p: string[] = [];
    const ok = site(s, i, p);
    if (ok) sites.push(ok);
    problems.push(...p.map((m) => `${source}: ${m}`));
  });
  const u = isObj(json.unattributed) ? json.unattributed : {};
  const run: RunFile = {
    kind: RUN_FILE_KIND,
    version: json.version,
    toolVersion: typeof json.toolVersion === 'string' ? json.toolVersion : '',
    program: typeof json.program === 'string' ? json.program : '',
    argv: Array.isArray(json.argv) ? json.argv.filter((a): a is string => typeof a === 'string') : [],
    cwd: typeof json.cwd === 'string' ? json.cwd : '',
    root: typeof json.root === 'string' ? json.root : '',
    machine: isObj(json.machine) ? (json.machine as Partial<MachineFacts>) : null,
    startedAt: typeof json.startedAt === 'string' ? json.startedAt : '',
    durationMs: nonNeg(json.durationMs) ? json.durationMs : 0,
    exitCode: Number.isInteger(json.exitCode) ? (json.exitCode as number) : null,
    signal: typeof json.signal === 'string' ? json.signal : null,
    totals: isObj(json.totals)
      ? { calls: Number(json.totals.calls) || 0, attributedCalls: Number(json.totals.attributedCalls) || 0, ns: Number(json.totals.ns) || 0, processes: Number(json.totals.processes) || 0 }
      : { calls: 0, attributedCalls: 0, ns: 0, processes: 0 },
    sampling: isObj(json.sampling) ? (json.sampling as unknown as RunFile['sampling']) : { calls: '', backtraces: '', timing: '', clock: '', frames: 0, backtracesChecked: 0, backtraceMismatches: 0 },
    sites,
    unattributed: {
      calls: nonNeg(u.calls) ? u.calls : 0,
      reasons: Array.isArray(u.reasons)
        ? u.reasons.filter(isObj).map((r) => ({
            reason: String(r.reason ?? ''),
            calls: Number(r.calls) || 0,
            places: Array.isArray(r.places) ? r.places.filter(isObj).map((x) => ({ where: String(x.where ?? ''), calls: Number(x.calls) || 0 })) : [],
          }))
        : [],
    },
    overflow: nonNeg(json.overflow) ? json.overflow : 0,
    processes: Array.isArray(json.processes) ? (json.processes.filter(isObj) as unknown as RunFile['processes']) : [],
    notes: Array.isArray(json.notes) ? json.notes.filter((n): n is string => typeof n === 'string') : [],
  };
  return { run, problems };
}
