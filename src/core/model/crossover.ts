// Crossover solver: the size above which the page-moving operation (mremap, realloc via
// mremap) is cheaper than the copying one. Both cost curves are piecewise linear with jumps
// (page counts, the 33-page flush ceiling, 2 MiB extents, cache sizes, allocator thresholds),
// so the solver evaluates every place where the difference can peak, then bisects the last
// sign change to the byte.
import { ModelInputError } from './errors';
import type { ModelContext } from './estimate';
import { kernelAtLeast } from './machine';
import { CROSSOVER_PAIR, isOpName, makeContext, namedNs, OP_NAMES, type OpName, type ScenarioOptions } from './ops';
import type { Profile } from './profile';

/** Upper end of the search: 1 TiB, past any buffer a realloc call site plausibly handles. */
export const CROSSOVER_MAX_BYTES = 2 ** 40;

export type Crossover =
  /** `mover` is cheaper for every size ≥ bytes (within the search range), dearer just below. */
  | { kind: 'at'; mover: OpName; copier: OpName; bytes: number }
  /** `mover` is cheaper at every size from 1 byte up. */
  | { kind: 'always'; mover: OpName; copier: OpName }
  /** `mover` is not cheaper at the largest sizes: no size above which moving wins. */
  | { kind: 'never'; mover: OpName; copier: OpName };

function candidates(ctx: ModelContext, ceiling: number): number[] {
  const m = ctx.machine;
  const page = m.pageSize;
  const slot = (page * page) / 8;
  const set = new Set<number>([1, CROSSOVER_MAX_BYTES]);
  const add = (x: number): void => {
    if (x >= 1 && x <= CROSSOVER_MAX_BYTES) set.add(Math.round(x));
  };
  // Small moves page by page (each page adds an entry and maybe an invalidation), and both
  // sides of the flush-ceiling step, where moving is at its dearest relative to copying.
  for (let n = 1; n <= 16; n++) {
    add(n * page);
    add(n * page + 1);
  }
  for (let n = ceiling - 1; n <= ceiling + 2; n++) {
    add(n * page);
    add(n * page + 1);
  }
  // A geometric grid, 4 points per octave, for the smooth parts. Between the structural points
  // above and below, both curves are linear in the page count, so their difference is monotone
  // there and a sign change cannot hide between grid points without one at a listed point.
  for (let i = 0; i <= 40 * 4; i++) add(2 ** (i / 4));
  // Extents are half a slot when source and destination are misaligned: a new extent (one more
  // flush and shootdown) starts one byte past each half-slot boundary, and within an extent the
  // difference peaks again just before the flush-ceiling step. Past the last cache size both
  // curves are linear, so a few extents beyond it settle the trend; the end point does the rest.
  const lastStep = Math.max(m.caches.l3 / 2, ctx.glibcMmapThreshold, slot);
  const halves = Math.min(1024, Math.ceil((2 * lastStep) / slot) + 4);
  for (let j = 1; j <= halves; j++) {
    const base = (j * slot) / 2;
    add(base);
    add(base + 1);
    if (ceiling < slot / page / 2) add(base + ceiling * page);
  }
  // Before Linux 4.18 a flush (and shootdown) came every 64 pages (LATENCY_LIMIT).
  if (!kernelAtLeast(m.kernel, 4, 18)) {
    // The next flush comes one page past each multiple of 64 (a chunk's last page is counted with it).
    for (let j = 1; j * 64 * page <= 2 * lastStep; j++) {
      add(j * 64 * page + 1);
      add((j * 64 + 1) * page + 1);
    }
  }
  // Cache-size steps of the copy (working set 2N) and allocator thresholds.
  for (const c of [m.caches.l1d, m.caches.l2, m.caches.l3]) {
    add(c / 2);
    add(c / 2 + 1);
  }
  for (const t of [ctx.glibcMmapThreshold, 131052]) {
    add(t - 1);
    add(t);
    add(t + 1);
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * Where `mover` starts beating `copier` (strictly cheaper) for this profile and scenario.
 * Answers "always"/"never" when that is the truth within 1 byte … 1 TiB.
 */
export function solveCrossover(profile: Profile, mover: OpName, copier: OpName, o: ScenarioOptions = {}): Crossover {
  for (const n of [mover, copier]) {
    if (!isOpName(n)) throw new ModelInputError(`unknown operation "${String(n)}": use one of ${OP_NAMES.join(', ')}`);
  }
  const ctx = makeContext(profile, o);
  const wins = (n: number): boolean => namedNs(profile, ctx, mover, n, o) < namedNs(profile, ctx, copier, n, o);
  const ceiling = ctx.machine.arch === 'arm64' ? ctx.machine.pageSize / 8 - 1 : profile.params.n_ceil;
  const xs = candidates(ctx, ceiling);
  let lastLose = -1;
  for (let i = xs.length - 1; i >= 0; i--) {
    if (!wins(xs[i]!)) {
      lastLose = i;
      break;
    }
  }
  if (lastLose === -1) return { kind: 'always', mover, copier };
  if (lastLose === xs.length - 1) return { kind: 'never', mover, copier };
  let lo = xs[lastLose]!;
  let hi = xs[lastLose + 1]!;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wins(mid)) hi = mid;
    else lo = mid;
  }
  return { kind: 'at', mover, copier, bytes: hi };
}

/** Crossover for the pair a named op belongs to (null for ops without one, like munmap). */
export function crossoverFor(profile: Profile, op: OpName, o: ScenarioOptions = {}): Crossover | null {
  const pair = CROSSOVER_PAIR[op];
  return pair ? solveCrossover(profile, pair[0], pair[1], o) : null;
}
