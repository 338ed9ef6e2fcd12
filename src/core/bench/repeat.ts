// Repeatability of two runs of the same sweep: which medians agree within a tolerance, and how
// far apart they are overall. Pure; scripts/bench-repeat.ts prints it.
import { pointId, type MeasuredPoint } from './protocol';
import { quantile } from './quantile';

export interface PointSpread {
  id: string;
  a: number;
  b: number;
  /** |a − b| / mean(a, b). */
  relDiff: number;
}

export interface Repeatability {
  /** Points measured in both runs. */
  compared: number;
  /** Of those, how many agree within the tolerance. */
  agreeing: number;
  fraction: number;
  tolerance: number;
  /** Median and 90th percentile of the relative differences. */
  medianRelDiff: number;
  p90RelDiff: number;
  maxRelDiff: number;
  /** The points furthest apart, worst first. */
  worst: PointSpread[];
  /** Present in one run only (a point measured once and skipped or failed the other time). */
  unmatched: string[];
}


export function compareRuns(a: MeasuredPoint[], b: MeasuredPoint[], tolerance = 0.1, worstCount = 8): Repeatability {
  const mb = new Map(b.map((p) => [pointId(p), p]));
  const spreads: PointSpread[] = [];
  const unmatched: string[] = [];
  for (const p of a) {
    const id = pointId(p);
    const q = mb.get(id);
    if (!q) {
      unmatched.push(id);
      continue;
    }
    mb.delete(id);
    const mean = (p.medianNs + q.medianNs) / 2;
    spreads.push({ id, a: p.medianNs, b: q.medianNs, relDiff: mean > 0 ? Math.abs(p.medianNs - q.medianNs) / mean : 0 });
  }
  unmatched.push(...mb.keys());
  const diffs = spreads.map((s) => s.relDiff).sort((x, y) => x - y);
  const agreeing = spreads.filter((s) => s.relDiff <= tolerance).length;
  return {
    compared: spreads.length,
    agreeing,
    fraction: spreads.length ? agreeing / spreads.length : 0,
    tolerance,
    medianRelDiff: quantile(diffs, 0.5),
    p90RelDiff: quantile(diffs, 0.9),
    maxRelDiff: diffs.length ? diffs[diffs.length - 1]! : NaN,
    worst: [...spreads].sort((x, y) => y.relDiff - x.relDiff).slice(0, worstCount),
    unmatched,
  };
}
