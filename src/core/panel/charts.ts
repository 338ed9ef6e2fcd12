// Which charts the benchmark panel draws (one per pair of operations a user chooses between),
// the sizes its model curves are drawn at, and the aligned arrays a uPlot chart takes: one x
// array (bytes) shared by every series, null where a series has no value. Pure: the webview
// imports this file, and the unit tests check it.
import type { MeasuredPoint } from '../bench/protocol';

export type ChartId = 'move' | 'grow' | 'realloc' | 'swap' | 'js' | 'wasm';

export interface ChartDef {
  id: ChartId;
  title: string;
  /** Ops drawn, the page-moving (or in-place) one first. */
  ops: string[];
  /** The pair whose crossover is marked: [mover, copier]; null when there is none to mark. */
  pair: [string, string] | null;
  /** One sentence under the title: what the pair means for code. */
  question: string;
}

export const CHARTS: readonly ChartDef[] = [
  {
    id: 'move', title: 'mremap move vs memcpy', ops: ['mremap-move', 'memcpy-warm'], pair: ['mremap-move', 'memcpy-warm'],
    question: 'Moving resident pages to another address with mremap, or copying the bytes.',
  },
  {
    id: 'grow', title: 'mremap grow vs copy', ops: ['mremap-grow', 'malloc-copy-free'], pair: ['mremap-grow', 'malloc-copy-free'],
    question: 'Growing a mapping N → 2N with mremap(MREMAP_MAYMOVE), or allocating 2N and copying N.',
  },
  {
    id: 'realloc', title: 'realloc vs malloc + copy + free', ops: ['realloc-grow', 'malloc-copy-free'], pair: ['realloc-grow', 'malloc-copy-free'],
    question: 'glibc realloc N → 2N (mremap above the mmap threshold), or doing it by hand.',
  },
  {
    id: 'swap', title: 'swap two blocks: 3 × mremap vs 3 × memcpy', ops: ['swap-pages-mremap', 'swap-pages-memcpy'], pair: ['swap-pages-mremap', 'swap-pages-memcpy'],
    question: 'Exchanging two blocks of N bytes through a spare one: three page moves, or three copies.',
  },
  {
    id: 'js', title: 'JS buffers: copy vs resize in place', ops: ['js-resize', 'js-transfer', 'js-copy-grow', 'js-concat', 'js-transfer-same'], pair: ['js-resize', 'js-copy-grow'],
    question: 'Growing a JS buffer N → 2N: a resizable ArrayBuffer, transfer(), a new array + set(), Buffer.concat.',
  },
  {
    id: 'wasm', title: 'WebAssembly.Memory.grow', ops: ['wasm-memory-grow'], pair: null,
    question: 'Growing a wasm memory of N bytes by N (64 KiB pages), the new pages then written.',
  },
];

export function chartOf(op: string): ChartDef[] {
  return CHARTS.filter((c) => c.ops.includes(op));
}

/** Model curves are drawn at 4 points per octave from 256 bytes to 256 MiB (whole bytes). */
export function modelGrid(): number[] {
  const out: number[] = [];
  for (let i = 8 * 4; i <= 28 * 4; i++) out.push(Math.round(2 ** (i / 4)));
  return out;
}

/** One model curve: an op under one profile at one thread count, evaluated on `modelGrid()`. */
export interface Curve {
  profileId: string;
  op: string;
  threads: number;
  /** ns per grid size; null where the model has no value. */
  ns: (number | null)[];
}

/** Where a curve pair crosses (the page-moving op strictly cheaper from `bytes` up). */
export type CurveCrossover =
  | { kind: 'at'; bytes: number }
  | { kind: 'always' }
  | { kind: 'never' }
  | { kind: 'unknown' };

/**
 * The crossover of two curves sampled on the same grid: the last size at which the mover is not
 * cheaper, then `refine` (an exact evaluation, when given) bisects between the two grid sizes.
 * It is found from the curves the chart draws, so the mark sits where the lines cross.
 */
export function curveCrossover(
  grid: number[], mover: (number | null)[], copier: (number | null)[], refine?: (bytes: number) => boolean,
): CurveCrossover {
  let lastLose = -2;
  let any = false;
  for (let i = grid.length - 1; i >= 0; i--) {
    const m = mover[i];
    const c = copier[i];
    if (m == null || c == null) continue;
    any = true;
    if (!(m < c)) {
      lastLose = i;
      break;
    }
  }
  if (!any) return { kind: 'unknown' };
  if (lastLose === -2) return { kind: 'always' };
  if (lastLose === grid.length - 1) return { kind: 'never' };
  let lo = grid[lastLose]!;
  let hi = grid[lastLose + 1]!;
  if (refine) {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (refine(mid)) hi = mid;
      else lo = mid;
    }
  }
  return { kind: 'at', bytes: hi };
}

/** uPlot's aligned data: x (bytes) then one array per series. */
export type AlignedData = [number[], ...(number | null)[][]];

/** What each series of a chart's aligned data is, in order (the webview styles them from this). */
export type SeriesRole =
  | { kind: 'median'; op: string }
  | { kind: 'p10'; op: string }
  | { kind: 'p90'; op: string }
  | { kind: 'model'; op: string; profileId: string };

export interface ChartInput {
  chart: ChartDef;
  threads: number;
  points: readonly MeasuredPoint[];
  curves: readonly Curve[];
  /** Profiles to draw, in order (their ids). */
  profiles: readonly string[];
}

/** Plain, base-page, unaligned points growing N to 2N (when they grow): the variant the model curves describe. */
export function isPlainPoint(p: MeasuredPoint): boolean {
  return !p.huge && !p.aligned && (p.newBytes === undefined || p.newBytes === 2 * p.bytes);
}

/** The series roles of a chart, in the order chartData lays them out. */
export function seriesRoles(chart: ChartDef, profiles: readonly string[]): SeriesRole[] {
  const roles: SeriesRole[] = [];
  for (const op of chart.ops) roles.push({ kind: 'median', op }, { kind: 'p10', op }, { kind: 'p90', op });
  for (const profileId of profiles) for (const op of chart.ops) roles.push({ kind: 'model', op, profileId });
  return roles;
}

/**
 * The aligned arrays for one chart at one thread count: x is the union of the model grid and the
 * measured sizes; measured series have values only at their sizes, model curves only on the grid.
 */
export function chartData(input: ChartInput): { data: AlignedData; roles: SeriesRole[] } {
  const { chart, threads } = input;
  const grid = modelGrid();
  const measured = input.points.filter((p) => p.threads === threads && isPlainPoint(p) && chart.ops.includes(p.op));
  const xs = [...new Set([...grid, ...measured.map((p) => p.bytes)])].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const roles = seriesRoles(chart, input.profiles);
  const series = roles.map(() => new Array<number | null>(xs.length).fill(null));
  roles.forEach((role, s) => {
    if (role.kind === 'model') {
      const curve = input.curves.find((c) => c.profileId === role.profileId && c.op === role.op && c.threads === threads);
      if (!curve) return;
      grid.forEach((x, i) => {
        const v = curve.ns[i];
        if (v != null && Number.isFinite(v) && v > 0) series[s]![at.get(x)!] = v;
      });
      return;
    }
    for (const p of measured) {
      if (p.op !== role.op) continue;
      const v = role.kind === 'median' ? p.medianNs : role.kind === 'p10' ? p.p10Ns : p.p90Ns;
      // A log axis cannot show 0 ns (a too-fast point): leave it out of the chart, the table has it.
      if (v > 0) series[s]![at.get(p.bytes)!] = v;
    }
  });
  return { data: [xs, ...series], roles };
}
