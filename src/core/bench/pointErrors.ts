// Measured against modelled, point by point: the error of a point is measured median /
// modelled, and "within 1.5×" means 1/1.5 ≤ ratio ≤ 1.5. Pure; used by the calibration report
// and by the accuracy script.
import type { Profile } from '../model';
import { modelPoint } from './modelled';
import { pointId, type MeasuredPoint } from './protocol';
import { quantile } from './quantile';

export interface PointError {
  id: string;
  measuredNs: number;
  modelledNs: number;
  /** measured / modelled */
  ratio: number;
}

export interface ErrorDistribution {
  points: number;
  /** Fractions of points whose ratio lies within the factor, either way. */
  within1_25: number;
  within1_5: number;
  within2: number;
  within4: number;
  /** Quantiles of max(ratio, 1/ratio). */
  median: number;
  p90: number;
  max: number;
  /** Furthest off first. */
  worst: PointError[];
}

export function errorFactor(ratio: number): number {
  return ratio >= 1 ? ratio : 1 / ratio;
}


export function distribution(errors: PointError[], worstCount = 8): ErrorDistribution {
  const f = errors.map((e) => errorFactor(e.ratio)).sort((a, b) => a - b);
  const frac = (k: number) => (f.length ? f.filter((x) => x <= k).length / f.length : NaN);
  return {
    points: f.length,
    within1_25: frac(1.25),
    within1_5: frac(1.5),
    within2: frac(2),
    within4: frac(4),
    median: quantile(f, 0.5),
    p90: quantile(f, 0.9),
    max: f.length ? f[f.length - 1]! : NaN,
    worst: [...errors].sort((a, b) => errorFactor(b.ratio) - errorFactor(a.ratio)).slice(0, worstCount),
  };
}

/** Measured / modelled for each point the model speaks about (points with a note are left out, as in the fit). */
export function pointErrors(profile: Profile, params: Profile['params'], points: MeasuredPoint[], clockNs = 0): PointError[] {
  const out: PointError[] = [];
  for (const p of points) {
    if (!(p.medianNs > 0) || p.note) continue;
    let v: number | null;
    try {
      v = modelPoint(profile, params, p, clockNs);
    } catch {
      continue;
    }
    if (v === null || !(v > 0)) continue;
    out.push({ id: pointId(p), measuredNs: p.medianNs, modelledNs: v, ratio: p.medianNs / v });
  }
  return out;
}
