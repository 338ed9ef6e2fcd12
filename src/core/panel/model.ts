// The model's side of the panel: each profile's curves for every chart, and where each pair
// crosses, computed on the extension host (the webview only draws). The value at a point is the
// one `pagecost bench` prints beside the measurement (the harness's setup, bench/modelled.ts;
// the TS/JS model for the JS ops), so a curve and the table agree. Pure.
import { modelPoint } from '../bench/modelled';
import { jsModelPoint } from '../bench/js/ops';
import type { PointKey } from '../bench/protocol';
import type { Profile } from '../model';
import { CHARTS, curveCrossover, modelGrid, type ChartId, type Curve, type CurveCrossover } from './charts';

/** Modelled ns of one point under a profile, or null when the model has no value for it. */
export function modelValue(profile: Profile, key: PointKey): number | null {
  try {
    const v = key.op.startsWith('js-') || key.op.startsWith('wasm-')
      ? jsModelPoint(profile, profile.params, key)
      : modelPoint(profile, profile.params, key);
    return v !== null && Number.isFinite(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

const plain = (op: string, bytes: number, threads: number): PointKey => ({ op, bytes, threads, huge: false, aligned: false });

/** Every chart's curves for one profile at the given thread counts. */
export function profileCurves(profileId: string, profile: Profile, threads: readonly number[]): Curve[] {
  const grid = modelGrid();
  const out: Curve[] = [];
  const ops = [...new Set(CHARTS.flatMap((c) => c.ops))];
  for (const t of threads) {
    for (const op of ops) out.push({ profileId, op, threads: t, ns: grid.map((b) => modelValue(profile, plain(op, b, t))) });
  }
  return out;
}

export interface ProfileCrossover {
  chart: ChartId;
  threads: number;
  crossover: CurveCrossover;
}

/** Where each chart's pair crosses under one profile, refined to the byte with the model itself. */
export function profileCrossovers(profile: Profile, curves: readonly Curve[], threads: readonly number[]): ProfileCrossover[] {
  const grid = modelGrid();
  const out: ProfileCrossover[] = [];
  for (const chart of CHARTS) {
    if (!chart.pair) continue;
    const [mover, copier] = chart.pair;
    for (const t of threads) {
      const m = curves.find((c) => c.op === mover && c.threads === t)?.ns;
      const c = curves.find((x) => x.op === copier && x.threads === t)?.ns;
      if (!m || !c) continue;
      const refine = (b: number) => {
        const a = modelValue(profile, plain(mover, b, t));
        const d = modelValue(profile, plain(copier, b, t));
        return a !== null && d !== null && a < d;
      };
      out.push({ chart: chart.id, threads: t, crossover: curveCrossover(grid, m, c, refine) });
    }
  }
  return out;
}
