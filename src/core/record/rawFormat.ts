// The per-process files the recording library writes (src/core/record/preload.c), read back.
// The field lists below are the C structs' fields in declaration order; offsets are computed from
// them, and a test compiles the C source and compares every offset with `offsetof`. Change both
// together and bump RAW_VERSION.
import type { CPrimitive } from '../types';

export const RAW_VERSION = 1;
export const RAW_MAGIC = [0x50, 0x43, 0x52, 0x45, 0x43, 0, 0, 1]; // "PCREC\0\0\1"

/** u32 fields of `struct header` after the 8-byte magic, in order. */
const HEADER_U32 = [
  'version', 'headerSize', 'slotSize', 'callerSlots', 'stackSlots', 'maxFrames', 'frames', 'moduleSize', 'moduleMax',
  'pid', 'ppid', 'flags', 'moduleCount', 'verifyOneIn', 'monoOneIn', 'learnSamples', 'usedSlots', 'pad0',
] as const;
/** u64 fields after them, in order; then `char exe[4096]`. */
const HEADER_U64 = [
  'indexOff', 'slotsOff', 'modulesOff', 'startRealtimeNs', 'startMonoNs', 'startTicks', 'lastMonoNs', 'lastTicks',
  'endMonoNs', 'endTicks', 'overflow', 'stackOverflow', 'bootstrapCalls', 'internalCalls', 'unwindFull',
  'unwindVerified', 'unwindMismatch', 'pcTableFull', 'threadsMax', 'stacksTaken', 'timingDiscarded',
] as const;
export const EXE_BYTES = 4096;

/**
 * `struct slot`: 16 return addresses, these u32s, `first_stack` (u64), `first_b` and `mono_depth`
 * (u32), `mono_cum` (15 × u32) and a pad word, then these u64s, then the histograms.
 */
export const MAX_FRAMES = 16;
const SLOT_U32 = ['state', 'callee', 'depth', 'mode', 'tshift', 'samples'] as const;
const SLOT_U64 = [
  'calls', 'moved', 'mmapped', 'fromNull', 'toZero', 'failed', 'shrink', 'fits', 'constantStep',
  'geometric', 'otherGrowth', 'timed', 'ticksWeighted', 'lastDelta', 'threadsMax', 'oldMin', 'oldMax', 'newMin', 'newMax',
] as const;
/** Size histograms: bucket 0 holds 0 bytes, bucket k ≥ 1 holds [2^(k−1), 2^k). */
export const SIZE_BUCKETS = 65;
/** Time histogram in clock ticks, same bucketing without the zero bucket's special meaning. */
export const TIME_BUCKETS = 64;
/** `struct module`: three u64s, two u32s, then the path (the rest of the entry). */
const MODULE_FIELDS = { base: 0, lo: 8, hi: 16, pathLen: 24, truncated: 28, path: 32 } as const;

type HeaderU32 = (typeof HEADER_U32)[number];
type HeaderU64 = (typeof HEADER_U64)[number];
type SlotU32 = (typeof SLOT_U32)[number];
type SlotU64 = (typeof SLOT_U64)[number];

function offsets<T extends string>(names: readonly T[], start: number, width: number): Record<T, number> {
  const out = {} as Record<T, number>;
  names.forEach((n, i) => (out[n] = start + i * width));
  return out;
}

export const HEADER_OFFSETS = {
  ...offsets(HEADER_U32, 8, 4),
  ...offsets(HEADER_U64, 8 + HEADER_U32.length * 4, 8),
  exe: 8 + HEADER_U32.length * 4 + HEADER_U64.length * 8,
};
const SLOT_U32_START = MAX_FRAMES * 8;
const FIRST_STACK = SLOT_U32_START + SLOT_U32.length * 4;
const SLOT_U64_START = FIRST_STACK + 8 + 4 + 4 + (MAX_FRAMES - 1) * 4 + 4;
export const SLOT_OFFSETS = {
  pcs: 0,
  ...offsets(SLOT_U32, SLOT_U32_START, 4),
  firstStack: FIRST_STACK,
  firstB: FIRST_STACK + 8,
  monoDepth: FIRST_STACK + 12,
  monoCum: FIRST_STACK + 16,
  ...offsets(SLOT_U64, SLOT_U64_START, 8),
  oldHist: SLOT_U64_START + SLOT_U64.length * 8,
  newHist: SLOT_U64_START + SLOT_U64.length * 8 + SIZE_BUCKETS * 8,
  ticksHist: SLOT_U64_START + SLOT_U64.length * 8 + 2 * SIZE_BUCKETS * 8,
};
export const MODULE_OFFSETS = MODULE_FIELDS;

/** Header flag bits (enum hflag). */
export const FLAGS = { finished: 1, forked: 2, glibcMalloc: 4, tsc: 8, fastUnwind: 16, exec: 32 } as const;
const CALLEES: readonly CPrimitive[] = ['realloc', 'reallocarray', 'reallocf', 'mremap'];
const MODES = ['learn', 'mono', 'poly'] as const;
const UNSET = 2 ** 64 - 1;

export interface RawModule {
  /** Load bias: a return address minus this is the address in the ELF file. */
  base: number;
  /** Executable range [lo, hi) in the process. */
  lo: number;
  hi: number;
  path: string;
  truncated: boolean;
}

/** The counters a slot keeps (caller slots: every call; stack slots: weighted samples). */
export interface SlotStats {
  calls: number;
  moved: number;
  mmapped: number;
  fromNull: number;
  toZero: number;
  failed: number;
  shrink: number;
  fits: number;
  constantStep: number;
  geometric: number;
  otherGrowth: number;
  /** Calls whose time was measured (not weighted). */
  timed: number;
  /** Σ weight × ticks over the timed calls: an estimate of the total time in ticks. */
  ticksWeighted: number;
  threadsMax: number;
  oldMin: number | null;
  oldMax: number;
  newMin: number | null;
  newMax: number;
  oldHist: number[];
  newHist: number[];
  /** Weighted counts of call times by log2 of ticks. */
  ticksHist: number[];
}

export interface RawSlot extends SlotStats {
  /** The slot's number in its file (stack slots follow the caller slots). */
  index: number;
  callee: CPrimitive;
  /** Return addresses, innermost first. */
  pcs: number[];
  /** Caller slots: how the stack of its calls is taken. */
  mode: 'learn' | 'mono' | 'poly';
  /** Caller slots: the number of the first stack's slot, or null. */
  firstB: number | null;
}

export interface RawProcess {
  file: string;
  /** Order of this file among the files of one pid (an exec'd image writes the next one). */
  seq: number;
  pid: number;
  ppid: number;
  frames: number;
  finished: boolean;
  forked: boolean;
  exec: boolean;
  glibcMalloc: boolean;
  tsc: boolean;
  fastUnwind: boolean;
  verifyOneIn: number;
  monoOneIn: number;
  startRealtimeNs: number;
  startMonoNs: number;
  startTicks: number;
  lastMonoNs: number;
  lastTicks: number;
  endMonoNs: number;
  endTicks: number;
  overflow: number;
  stackOverflow: number;
  bootstrapCalls: number;
  internalCalls: number;
  unwindFull: number;
  unwindVerified: number;
  unwindMismatch: number;
  pcTableFull: number;
  threadsMax: number;
  stacksTaken: number;
  /** Timed calls longer than any call of their size can take (the thread was preempted): not used. */
  timingDiscarded: number;
  exe: string;
  modules: RawModule[];
  callers: RawSlot[];
  stacks: RawSlot[];
}

/** How to read parts of a file: the header first, then only the slots in use. */
export interface RawReader {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

export class RawFormatError extends Error {}

function u64(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  return hi * 2 ** 32 + lo;
}

function text(bytes: Uint8Array, at: number, max: number): string {
  let end = at;
  while (end < at + max && end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(at, end));
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Parses "<pid>.<seq>.pcrec". */
export function rawFileName(name: string): { pid: number; seq: number } | null {
  const m = /^(\d+)\.(\d+)\.pcrec$/.exec(name);
  return m ? { pid: Number(m[1]), seq: Number(m[2]) } : null;
}

/**
 * Reads one process's file. Throws RawFormatError for a file that is not ours or from another
 * version of the library; slots still being written when the process stopped are skipped.
 */
export function readRawProcess(reader: RawReader, file: string): RawProcess {
  const headBytes = reader.read(0, Math.min(reader.size, HEADER_OFFSETS.exe + EXE_BYTES));
  if (headBytes.length < HEADER_OFFSETS.exe) throw new RawFormatError(`${file}: too short to be a pagecost record (${headBytes.length} bytes)`);
  for (let i = 0; i < RAW_MAGIC.length; i++) {
    if (headBytes[i] !== RAW_MAGIC[i]) throw new RawFormatError(`${file}: not a pagecost record (or the process stopped before writing its header)`);
  }
  const hv = viewOf(headBytes);
  const h32 = (k: HeaderU32) => hv.getUint32(HEADER_OFFSETS[k], true);
  const h64 = (k: HeaderU64) => u64(hv, HEADER_OFFSETS[k]);
  if (h32('version') !== RAW_VERSION) {
    throw new RawFormatError(`${file}: written by recording library version ${h32('version')}, this pagecost reads version ${RAW_VERSION}`);
  }
  const slotSize = h32('slotSize');
  const callerSlots = h32('callerSlots');
  const stackSlots = h32('stackSlots');
  const total = callerSlots + stackSlots;
  if (slotSize < SLOT_OFFSETS.ticksHist + TIME_BUCKETS * 8 || h32('maxFrames') !== MAX_FRAMES) {
    throw new RawFormatError(`${file}: slot layout differs from this pagecost's (slot ${slotSize} bytes, ${h32('maxFrames')} frames)`);
  }
  const flags = h32('flags');
  const ids = rawFileName(file.split('/').pop() ?? file);

  const moduleCount = Math.min(h32('moduleCount'), h32('moduleMax'));
  const moduleSize = h32('moduleSize');
  const modules: RawModule[] = [];
  if (moduleCount > 0) {
    const mb = reader.read(h64('modulesOff'), moduleCount * moduleSize);
    const mv = viewOf(mb);
    for (let i = 0; i < moduleCount && (i + 1) * moduleSize <= mb.length; i++) {
      const at = i * moduleSize;
      modules.push({
        base: u64(mv, at + MODULE_OFFSETS.base),
        lo: u64(mv, at + MODULE_OFFSETS.lo),
        hi: u64(mv, at + MODULE_OFFSETS.hi),
        path: text(mb, at + MODULE_OFFSETS.path, moduleSize - MODULE_OFFSETS.path),
        truncated: mv.getUint32(at + MODULE_OFFSETS.truncated, true) !== 0,
      });
    }
  }

  const used = Math.min(h32('usedSlots'), total);
  const index = viewOf(reader.read(h64('indexOff'), used * 4));
  const callers: RawSlot[] = [];
  const stacks: RawSlot[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < used && (i + 1) * 4 <= index.byteLength; i++) {
    const n = index.getUint32(i * 4, true);
    if (n >= total || seen.has(n)) continue;
    seen.add(n);
    const slot = readSlot(reader.read(h64('slotsOff') + n * slotSize, slotSize), n);
    if (slot) (n < callerSlots ? callers : stacks).push(slot);
  }
  completeFirstStacks(callers, stacks);

  return {
    file,
    seq: ids?.seq ?? 0,
    pid: h32('pid'),
    ppid: h32('ppid'),
    frames: h32('frames'),
    finished: (flags & FLAGS.finished) !== 0,
    forked: (flags & FLAGS.forked) !== 0,
    exec: (flags & FLAGS.exec) !== 0,
    glibcMalloc: (flags & FLAGS.glibcMalloc) !== 0,
    tsc: (flags & FLAGS.tsc) !== 0,
    fastUnwind: (flags & FLAGS.fastUnwind) !== 0,
    verifyOneIn: h32('verifyOneIn'),
    monoOneIn: h32('monoOneIn'),
    startRealtimeNs: h64('startRealtimeNs'),
    startMonoNs: h64('startMonoNs'),
    startTicks: h64('startTicks'),
    lastMonoNs: h64('lastMonoNs'),
    lastTicks: h64('lastTicks'),
    endMonoNs: h64('endMonoNs'),
    endTicks: h64('endTicks'),
    overflow: h64('overflow'),
    stackOverflow: h64('stackOverflow'),
    bootstrapCalls: h64('bootstrapCalls'),
    internalCalls: h64('internalCalls'),
    unwindFull: h64('unwindFull'),
    unwindVerified: h64('unwindVerified'),
    unwindMismatch: h64('unwindMismatch'),
    pcTableFull: h64('pcTableFull'),
    threadsMax: h64('threadsMax'),
    stacksTaken: h64('stacksTaken'),
    timingDiscarded: h64('timingDiscarded'),
    exe: text(headBytes, HEADER_OFFSETS.exe, EXE_BYTES),
    modules,
    callers,
    stacks,
  };
}

function readSlot(b: Uint8Array, index: number): RawSlot | null {
  const v = viewOf(b);
  const s32 = (k: SlotU32) => v.getUint32(SLOT_OFFSETS[k], true);
  const s64 = (k: SlotU64) => u64(v, SLOT_OFFSETS[k]);
  if (s32('state') !== 2) return null;
  const depth = s32('depth');
  const callee = CALLEES[s32('callee')];
  if (!callee || depth < 1 || depth > MAX_FRAMES) return null;
  const pcs: number[] = [];
  for (let i = 0; i < depth; i++) pcs.push(u64(v, SLOT_OFFSETS.pcs + i * 8));
  const hist = (at: number, n: number) => Array.from({ length: n }, (_, i) => u64(v, at + i * 8));
  const min = (k: SlotU64) => {
    const x = s64(k);
    return x >= UNSET ? null : x;
  };
  const firstB = v.getUint32(SLOT_OFFSETS.firstB, true);
  return {
    index,
    callee,
    pcs,
    mode: MODES[s32('mode')] ?? 'poly',
    firstB: firstB === 0xffffffff ? null : firstB,
    calls: s64('calls'),
    moved: s64('moved'),
    mmapped: s64('mmapped'),
    fromNull: s64('fromNull'),
    toZero: s64('toZero'),
    failed: s64('failed'),
    shrink: s64('shrink'),
    fits: s64('fits'),
    constantStep: s64('constantStep'),
    geometric: s64('geometric'),
    otherGrowth: s64('otherGrowth'),
    timed: s64('timed'),
    ticksWeighted: s64('ticksWeighted'),
    threadsMax: s64('threadsMax'),
    oldMin: min('oldMin'),
    oldMax: s64('oldMax'),
    newMin: min('newMin'),
    newMax: s64('newMax'),
    oldHist: hist(SLOT_OFFSETS.oldHist, SIZE_BUCKETS),
    newHist: hist(SLOT_OFFSETS.newHist, SIZE_BUCKETS),
    ticksHist: hist(SLOT_OFFSETS.ticksHist, TIME_BUCKETS),
  };
}

const COUNTS = ['calls', 'moved', 'mmapped', 'fromNull', 'toZero', 'failed', 'shrink', 'fits', 'constantStep', 'geometric', 'otherGrowth', 'timed', 'ticksWeighted'] as const;

/**
 * A monomorphic caller counts its calls in its own slot only, not in its first stack's: every
 * call of another stack is in that stack's slot, so the first stack's calls are the caller's
 * minus all the others'. Histograms subtract exactly; times are estimates and are kept ≥ 0.
 */
export function completeFirstStacks(callers: RawSlot[], stacks: RawSlot[]): void {
  const byIndex = new Map(stacks.map((s) => [s.index, s]));
  const key = (s: RawSlot) => `${s.callee}:${s.pcs[0]}`;
  const ofCaller = new Map<string, RawSlot[]>();
  for (const s of stacks) {
    const list = ofCaller.get(key(s));
    if (list) list.push(s);
    else ofCaller.set(key(s), [s]);
  }
  for (const a of callers) {
    const first = a.firstB === null ? undefined : byIndex.get(a.firstB);
    if (!first || key(first) !== key(a)) continue;
    const others = (ofCaller.get(key(a)) ?? []).filter((s) => s !== first);
    const rest = (k: (typeof COUNTS)[number]) => Math.max(0, a[k] - others.reduce((n, s) => n + s[k], 0));
    for (const k of COUNTS) first[k] = rest(k);
    const histRest = (h: 'oldHist' | 'newHist' | 'ticksHist') => a[h].map((c, i) => Math.max(0, c - others.reduce((n, s) => n + s[h][i]!, 0)));
    first.oldHist = histRest('oldHist');
    first.newHist = histRest('newHist');
    first.ticksHist = histRest('ticksHist');
    // The only stack has all the caller's calls: its extremes are the caller's. Otherwise the
    // library gave the first stack the caller's extremes when the second stack appeared.
    const alone = others.length === 0;
    if (alone) {
      first.oldMin = a.oldMin;
      first.oldMax = a.oldMax;
      first.newMin = a.newMin;
      first.newMax = a.newMax;
    }
    first.threadsMax = alone ? a.threadsMax : Math.max(first.threadsMax, 1);
  }
}
