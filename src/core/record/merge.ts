// All processes of one run (the program, its fork children, the images it exec'd) merged into one
// table of immediate callers, each with the stacks seen above it. Addresses differ between
// processes (ASLR), so slots are merged by module and address in the file, never by raw address.
// Clock ticks become nanoseconds here, with the tick rate measured over the longest process.
import type { CPrimitive } from '../types';
import { addInto, bucketLow } from './histogram';
import type { RawProcess, RawSlot, SlotStats } from './rawFormat';

/** A return address as a module and the address inside its ELF file. */
export interface CodeAddress {
  module: string;
  address: number;
}

export interface MergedStats extends Omit<SlotStats, 'ticksWeighted' | 'ticksHist'> {
  /** Estimated total time of the real calls (ns), from the timed calls weighted back. */
  nsTotal: number;
  /** Weighted counts of call times by log2 of ns (same bucketing as sizes). */
  nsHist: number[];
}

export interface MergedStack extends MergedStats {
  /** Innermost first; null where the address was in no known module. */
  frames: (CodeAddress | null)[];
}

export interface MergedCaller extends MergedStats {
  callee: CPrimitive;
  frame: CodeAddress | null;
  /** 'mono': all its calls came from one stack; 'poly': from several (every call's stack was taken). */
  mode: 'learn' | 'mono' | 'poly';
  stacks: MergedStack[];
}

export interface ProcessSummary {
  pid: number;
  ppid: number;
  exe: string;
  calls: number;
  /** exited: ran its exit handlers; exec: replaced itself by another program; stopped: killed, crashed or _exit'ed (its counts so far are kept). */
  end: 'exited' | 'exec' | 'stopped';
  forked: boolean;
}

export interface MergedRun {
  callers: MergedCaller[];
  processes: ProcessSummary[];
  clock: 'tsc' | 'monotonic' | 'mixed';
  /** Ticks per ns of the TSC (1 for the monotonic clock). */
  ticksPerNs: number;
  frames: number;
  verifyOneIn: number;
  glibcMalloc: boolean;
  /** The processes' counters, summed. */
  counters: Pick<RawProcess, CounterName>;
}

const COUNTER_NAMES = ['overflow', 'stackOverflow', 'bootstrapCalls', 'internalCalls', 'unwindFull', 'unwindVerified', 'unwindMismatch', 'pcTableFull', 'stacksTaken', 'timingDiscarded'] as const;
type CounterName = (typeof COUNTER_NAMES)[number];

export function emptyStats(): MergedStats {
  return {
    calls: 0, moved: 0, mmapped: 0, fromNull: 0, toZero: 0, failed: 0, shrink: 0, fits: 0, constantStep: 0, geometric: 0, otherGrowth: 0,
    timed: 0, threadsMax: 0, oldMin: null, oldMax: 0, newMin: null, newMax: 0,
    oldHist: new Array<number>(65).fill(0), newHist: new Array<number>(65).fill(0), nsTotal: 0, nsHist: new Array<number>(65).fill(0),
  };
}

const COUNTERS = ['calls', 'moved', 'mmapped', 'fromNull', 'toZero', 'failed', 'shrink', 'fits', 'constantStep', 'geometric', 'otherGrowth', 'timed'] as const;

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Adds stats into a total (scale: a weight for sampled stats). */
export function addStats(into: MergedStats, from: MergedStats, scale = 1): void {
  for (const k of COUNTERS) into[k] += k === 'timed' ? from[k] : from[k] * scale;
  into.threadsMax = Math.max(into.threadsMax, from.threadsMax);
  into.oldMin = minOf(into.oldMin, from.oldMin);
  into.newMin = minOf(into.newMin, from.newMin);
  into.oldMax = Math.max(into.oldMax, from.oldMax);
  into.newMax = Math.max(into.newMax, from.newMax);
  addInto(into.oldHist, from.oldHist, scale);
  addInto(into.newHist, from.newHist, scale);
  addInto(into.nsHist, from.nsHist, scale);
  into.nsTotal += from.nsTotal * scale;
}

export function cloneStats(s: MergedStats): MergedStats {
  const out = emptyStats();
  addStats(out, s);
  return out;
}

/** A slot's counters with its times in ns. */
function toMerged(s: RawSlot, ticksPerNs: number): MergedStats {
  const nsHist = new Array<number>(65).fill(0);
  s.ticksHist.forEach((c, k) => {
    if (c <= 0) return;
    // The middle of the tick bucket, in ns, lands in one ns bucket.
    const ns = k === 0 ? 0 : Math.sqrt(bucketLow(k) * 2 ** k) / ticksPerNs;
    const b = ns < 1 ? (ns > 0 ? 1 : 0) : Math.min(64, Math.floor(Math.log2(ns)) + 1);
    nsHist[b] = nsHist[b]! + c;
  });
  return {
    calls: s.calls, moved: s.moved, mmapped: s.mmapped, fromNull: s.fromNull, toZero: s.toZero, failed: s.failed, shrink: s.shrink,
    fits: s.fits, constantStep: s.constantStep, geometric: s.geometric, otherGrowth: s.otherGrowth, timed: s.timed,
    threadsMax: s.threadsMax, oldMin: s.oldMin, oldMax: s.oldMax, newMin: s.newMin, newMax: s.newMax,
    oldHist: [...s.oldHist], newHist: [...s.newHist], nsTotal: s.ticksWeighted / ticksPerNs, nsHist,
  };
}

/** The ticks-per-ns rate of one process's TSC, when it ran long enough to measure it. */
function measuredRate(p: RawProcess): { rate: number; spanNs: number } | null {
  const spanNs = p.lastMonoNs - p.startMonoNs;
  const spanTicks = p.lastTicks - p.startTicks;
  if (!p.tsc || spanNs < 100_000 || spanTicks <= 0) return null;
  return { rate: spanTicks / spanNs, spanNs };
}

function addressOf(p: RawProcess, pc: number): CodeAddress | null {
  for (const m of p.modules) {
    if (pc >= m.lo && pc < m.hi) return { module: m.path, address: pc - m.base };
  }
  return null;
}

function addressKey(a: CodeAddress | null): string {
  return a ? `${a.module}\u0000${a.address}` : '?';
}

function processEnd(p: RawProcess, all: RawProcess[]): ProcessSummary['end'] {
  if (p.finished) return 'exited';
  // exec keeps the pid: a later image of the same pid says this one was replaced.
  if (p.exec || all.some((q) => q.pid === p.pid && q.seq > p.seq)) return 'exec';
  return 'stopped';
}

export function mergeProcesses(processes: RawProcess[]): MergedRun {
  const rates = processes.map(measuredRate).filter((r): r is { rate: number; spanNs: number } => r !== null);
  rates.sort((a, b) => b.spanNs - a.spanNs);
  const tscRate = rates[0]?.rate ?? null;
  const anyTsc = processes.some((p) => p.tsc);
  const anyMono = processes.some((p) => !p.tsc);
  const callers = new Map<string, MergedCaller>();
  const stacks = new Map<string, MergedStack>();
  const counters = Object.fromEntries(COUNTER_NAMES.map((k) => [k, 0])) as MergedRun['counters'];
  const summaries: ProcessSummary[] = [];
  let frames = 0;
  let verifyOneIn = 0;
  let glibcMalloc = processes.length > 0;
  const order = { learn: 0, mono: 1, poly: 2 } as const;
  for (const p of processes) {
    // Without any measured TSC rate the ticks stay as they are: times are then uncertain, and the
    // record says which clock it used.
    const perNs = p.tsc ? (tscRate ?? 1) : 1;
    frames = Math.max(frames, p.frames);
    verifyOneIn = Math.max(verifyOneIn, p.verifyOneIn);
    glibcMalloc = glibcMalloc && p.glibcMalloc;
    for (const k of COUNTER_NAMES) counters[k] += p[k];
    let calls = 0;
    for (const s of p.callers) {
      const frame = addressOf(p, s.pcs[0]!);
      const key = `${s.callee}|${addressKey(frame)}`;
      let c = callers.get(key);
      if (!c) callers.set(key, (c = { ...emptyStats(), callee: s.callee, frame, mode: s.mode, stacks: [] }));
      addStats(c, toMerged(s, perNs));
      if (order[s.mode] > order[c.mode]) c.mode = s.mode;
      calls += s.calls;
    }
    for (const s of p.stacks) {
      const fr = s.pcs.map((pc) => addressOf(p, pc));
      const key = `${s.callee}|${fr.map(addressKey).join('|')}`;
      let st = stacks.get(key);
      if (!st) {
        stacks.set(key, (st = { ...emptyStats(), frames: fr }));
        const callerKey = `${s.callee}|${addressKey(fr[0] ?? null)}`;
        let c = callers.get(callerKey);
        // A stack whose caller slot was lost (the caller table was full): its caller is known
        // only from the samples.
        if (!c) callers.set(callerKey, (c = { ...emptyStats(), callee: s.callee, frame: fr[0] ?? null, mode: 'poly', stacks: [] }));
        c.stacks.push(st);
      }
      addStats(st, toMerged(s, perNs));
    }
    summaries.push({ pid: p.pid, ppid: p.ppid, exe: p.exe, calls, end: processEnd(p, processes), forked: p.forked });
  }
  return {
    callers: [...callers.values()],
    processes: summaries,
    clock: anyTsc && anyMono ? 'mixed' : anyTsc ? 'tsc' : 'monotonic',
    ticksPerNs: anyTsc ? (tscRate ?? 1) : 1,
    frames,
    verifyOneIn,
    glibcMalloc,
    counters,
  };
}
