// The panel's sentences and small figures: the original question's verdict, the time left of a
// run, and the model's error per op before and after a calibration. Pure.
import { formatNs } from '../bench/table';
import type { MeasuredPoint } from '../bench/protocol';
import type { Profile } from '../model';
import type { CalibrationView } from './messages';
export { crossoverLabel, describeTimeLeft } from './text';
import { modelValue } from './model';

const PAGE = 4096;

/**
 * The original question in one sentence: swapping two single 4 KiB pages with three mremap calls
 * against three memcpy calls. Measured when the run has both points, else modelled.
 */
export function questionVerdict(points: readonly MeasuredPoint[], profile: Profile, profileLabel: string): string {
  const find = (op: string) => points.find((p) => p.op === op && p.bytes === PAGE && p.threads === 1 && !p.huge && !p.aligned);
  const m = find('swap-pages-mremap');
  const c = find('swap-pages-memcpy');
  const key = (op: string) => ({ op, bytes: PAGE, threads: 1, huge: false, aligned: false });
  const [a, b, how] = m && c && m.medianNs > 0 && c.medianNs > 0
    ? [m.medianNs, c.medianNs, 'measured here']
    : [modelValue(profile, key('swap-pages-mremap')), modelValue(profile, key('swap-pages-memcpy')), `modelled with ${profileLabel}`];
  if (a === null || b === null) return 'Swapping two 4 KiB pages: the model has no figure for this profile.';
  const faster = a < b ? 'mremap' : 'memcpy';
  const ratio = Math.max(a, b) / Math.min(a, b);
  return `Swapping two 4 KiB pages: three mremap calls take ${formatNs(a)}, three memcpy calls ${formatNs(b)} — ${faster} is ${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}× faster (${how}).`;
}

/**
 * Time left of a run: the measured pace once a few points are in, else the per-point budget.
 * Null when nothing is known yet.
 */
export function timeLeftMs(done: number, total: number, elapsedMs: number, budgetMsPerPoint: number): number | null {
  const left = Math.max(0, total - done);
  if (left === 0) return 0;
  if (done >= 3 && elapsedMs > 0) return Math.round((elapsedMs / done) * left);
  return budgetMsPerPoint > 0 ? Math.round(budgetMsPerPoint * left) : null;
}

/** Median over points of max(measured/modelled, modelled/measured). */
function medianFactor(points: readonly MeasuredPoint[], profile: Profile): { n: number; factor: number } {
  const f: number[] = [];
  for (const p of points) {
    if (p.note || !(p.medianNs > 0)) continue;
    const v = modelValue(profile, p);
    if (v === null) continue;
    const r = p.medianNs / v;
    f.push(Math.max(r, 1 / r));
  }
  f.sort((a, b) => a - b);
  return { n: f.length, factor: f.length ? f[Math.floor((f.length - 1) / 2)]! : NaN };
}

/**
 * A run whose measurements the model misses by more than `limit` (median factor over its points,
 * either way): the sentence that offers to calibrate, naming the op missed most. Null when the
 * model holds, or when too few points were measured to say.
 */
export function modelMiss(points: readonly MeasuredPoint[], profile: Profile, limit = 2): string | null {
  const all = medianFactor(points, profile);
  if (all.n < 1 || !(all.factor > limit)) return null;
  let worst: { op: string; factor: number } | null = null;
  for (const op of new Set(points.map((p) => p.op))) {
    const f = medianFactor(points.filter((p) => p.op === op), profile);
    if (f.n && (!worst || f.factor > worst.factor)) worst = { op, factor: f.factor };
  }
  const most = worst && worst.factor > all.factor * 1.05 ? ` (${worst.op} ${worst.factor.toFixed(1)}×)` : '';
  return `The model is ${all.factor.toFixed(1)}× off this machine's measurements${most}: calibrating fits it to this machine, and hints then use the fit.`;
}

/** How far the model was off per op (median factor) with the profile before the calibration and with the calibrated one. */
export function calibrationView(points: readonly MeasuredPoint[], before: Profile, after: Profile, inUse: boolean, summary: string): CalibrationView {
  const ops = [...new Set(points.map((p) => p.op))].sort();
  const rows = ops
    .map((op) => {
      const mine = points.filter((p) => p.op === op);
      const b = medianFactor(mine, before);
      const a = medianFactor(mine, after);
      return { op, points: a.n, before: b.factor, after: a.factor };
    })
    .filter((r) => r.points > 0);
  return { rows, beforeAll: medianFactor(points, before).factor, afterAll: medianFactor(points, after).factor, inUse, summary };
}
