// The JS/TS benchmark operations (what dist/js-harness.js times, harness.ts here), the TS/JS model's
// estimate for each point, the sweeps, and the site → ops mapping of "Benchmark the call at the
// cursor" for TS/JS calls. Pure.
import { estimateJs, makeContext, type Params, type Profile } from '../../model';
import type { CallSite, JsPrimitive } from '../../types';
import { JS_BENCH_OPS, isJsBenchOp, type JsBenchOp } from './names';
import type { PointKey } from '../protocol';
import { parseSize } from '../sweep';

export { JS_BENCH_OPS, JS_OP_DOCS, isJsBenchOp, type JsBenchOp } from './names';

/** Each op as the TS/JS model names it: the primitive and its sizes at N (see harness.ts). */
const AS_PRIMITIVE: Record<JsBenchOp, { primitive: JsPrimitive; grow: (n: number) => { oldBytes: number; newBytes: number; deltaBytes?: number } }> = {
  'js-concat': { primitive: 'concat-grow', grow: (n) => ({ oldBytes: n, newBytes: 2 * n }) },
  'js-copy-grow': { primitive: 'copy-grow', grow: (n) => ({ oldBytes: n, newBytes: 2 * n }) },
  'js-transfer': { primitive: 'buffer-transfer', grow: (n) => ({ oldBytes: n, newBytes: 2 * n }) },
  'js-transfer-same': { primitive: 'buffer-transfer', grow: (n) => ({ oldBytes: n, newBytes: n }) },
  'js-resize': { primitive: 'buffer-resize', grow: (n) => ({ oldBytes: n, newBytes: 2 * n }) },
  'wasm-memory-grow': { primitive: 'memory-grow', grow: (n) => ({ oldBytes: n, newBytes: 2 * n, deltaBytes: n }) },
};

/** The TS/JS model's estimate of one point in ns, or null when it has none. */
export function jsModelPoint(profile: Profile, params: Params, key: PointKey, clockNs = 0): number | null {
  if (!isJsBenchOp(key.op)) return null;
  const m = AS_PRIMITIVE[key.op];
  try {
    const ctx = makeContext(profile, { threads: 1 });
    return estimateJs(params, ctx, { primitive: m.primitive, ...m.grow(key.bytes) }).ns + clockNs;
  } catch {
    return null;
  }
}

/** A bench table's model (the C ops') that prices the JS ops with the TS/JS model too. */
export function withJsModel(fn: (key: PointKey) => number | null, profile: Profile): (key: PointKey) => number | null {
  return (key) => (isJsBenchOp(key.op) ? jsModelPoint(profile, profile.params, key) : fn(key));
}

export interface JsSweep {
  ops: JsBenchOp[];
  sizes: number[];
  reps: number;
  minReps: number;
  timeBudgetMs: number;
  timeLimitMs: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Every JS op at sizes from one page to 16 MiB (64 KiB multiples for Memory.grow): a few seconds. */
export function quickJsSweep(): JsSweep {
  return {
    ops: [...JS_BENCH_OPS],
    sizes: [4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 16 * MiB],
    reps: 200,
    minReps: 5,
    timeBudgetMs: 150,
    timeLimitMs: 60_000,
  };
}

/** Why a JS sweep cannot run, or null. */
export function validateJsSweep(s: JsSweep): string | null {
  if (s.ops.length === 0) return 'no operations selected';
  for (const op of s.ops) if (!isJsBenchOp(op)) return `unknown JS operation "${String(op)}"`;
  if (s.sizes.length === 0 || s.sizes.length > 64) return 'between 1 and 64 sizes';
  for (const b of s.sizes) if (!Number.isSafeInteger(b) || b <= 0 || b > 1024 * MiB) return `size ${b} is not 1 byte … 1 GiB`;
  if (!Number.isInteger(s.reps) || s.reps < 1 || s.reps > 100_000) return 'reps must be 1..100000';
  if (!Number.isInteger(s.minReps) || s.minReps < 1) return 'min reps must be at least 1';
  if (!(s.timeBudgetMs > 0) || !(s.timeLimitMs > 0)) return 'time budgets must be positive';
  return null;
}

/** The JS harness's arguments (an array: no shell). */
export function jsHarnessArgs(s: JsSweep): string[] {
  return [
    '--ops', s.ops.join(','),
    '--sizes', s.sizes.join(','),
    '--reps', String(s.reps),
    '--min-reps', String(Math.min(s.minReps, s.reps)),
    '--time-budget-ms', String(s.timeBudgetMs),
  ];
}

/** Result lines the JS harness prints for a sweep (progress denominator): one per op and size. */
export function expectedJsLines(s: JsSweep): number {
  return s.ops.length * s.sizes.length;
}

/** The ops that measure a TS/JS call site and what it is compared with; null for calls not measured here. */
export function jsOpsFor(site: CallSite): JsBenchOp[] | null {
  switch (site.callee) {
    case 'concat-grow': return ['js-concat', 'js-copy-grow'];
    case 'copy-grow': return ['js-copy-grow', 'js-resize'];
    case 'buffer-transfer': return ['js-transfer', 'js-transfer-same', 'js-copy-grow', 'js-resize'];
    case 'buffer-resize': return ['js-resize', 'js-copy-grow'];
    case 'memory-grow': return ['wasm-memory-grow'];
    default: return null;
  }
}

/** Parses "js-concat,js-resize": the ops, or the first unknown name. */
export function parseJsOps(text: string): { ops: JsBenchOp[] } | { error: string } {
  const ops: JsBenchOp[] = [];
  for (const name of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!isJsBenchOp(name)) return { error: `unknown JS operation "${name}": use ${JS_BENCH_OPS.join(', ')}` };
    ops.push(name);
  }
  return { ops };
}

/** Sizes for a JS sweep given as text ("4K,1M"): any positive byte count. */
export function parseJsSizes(text: string): number[] | null {
  const out: number[] = [];
  for (const t of text.split(',')) {
    const v = parseSize(t);
    if (v === null || v <= 0) return null;
    out.push(v);
  }
  return out.length ? out : null;
}
