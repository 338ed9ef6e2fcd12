// Log2 histograms as the recording library keeps them: bucket 0 holds the value 0, bucket k ≥ 1
// holds [2^(k−1), 2^k). Quantiles are estimated inside a bucket (log-linear) and clamped to the
// exact minimum and maximum, so a site that always used one size reports that size exactly.
import type { Bytes } from '../types';

/** The bucket of a value (the C side's log2_bucket). */
export function bucketOf(v: number): number {
  if (v <= 0) return 0;
  return Math.floor(Math.log2(v)) + 1;
}

/** Lowest value of bucket k. */
export function bucketLow(k: number): number {
  return k <= 0 ? 0 : 2 ** (k - 1);
}

export function total(hist: readonly number[]): number {
  let t = 0;
  for (const c of hist) t += c;
  return t;
}

export function addInto(into: number[], from: readonly number[], scale = 1): void {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + from[i]! * scale;
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram, between min and max when they are known. Inside a
 * bucket the values are taken to spread evenly on a log scale.
 */
export function quantile(hist: readonly number[], q: number, min: number | null = null, max: number | null = null): number | null {
  const t = total(hist);
  if (t <= 0) return null;
  const want = q * t;
  let cum = 0;
  for (let k = 0; k < hist.length; k++) {
    const c = hist[k]!;
    if (c <= 0) continue;
    if (cum + c >= want) {
      let v: number;
      if (k === 0) v = 0;
      else {
        const f = Math.min(1, Math.max(0, (want - cum) / c));
        const lo = Math.max(bucketLow(k), min ?? 0);
        const hi = Math.min(2 ** k - 1, max ?? Infinity);
        v = hi <= lo ? lo : Math.exp(Math.log(lo) + f * (Math.log(hi) - Math.log(lo)));
      }
      if (min !== null) v = Math.max(v, min);
      if (max !== null) v = Math.min(v, max);
      return v;
    }
    cum += c;
  }
  return max;
}

/** [lowest value of the bucket, count] for every non-empty bucket. */
export function log2Pairs(hist: readonly number[]): [Bytes, number][] {
  const out: [Bytes, number][] = [];
  hist.forEach((c, k) => {
    if (c > 0) out.push([bucketLow(k), Math.round(c)]);
  });
  return out;
}

/** Back from the pairs of a record file to a histogram. Pairs that are not buckets are dropped. */
export function fromPairs(pairs: readonly (readonly [number, number])[]): number[] {
  const hist = new Array<number>(65).fill(0);
  for (const [low, count] of pairs) {
    const k = bucketOf(low);
    if (bucketLow(k) !== low || !(count >= 0) || k >= hist.length) continue;
    hist[k] = hist[k]! + count;
  }
  return hist;
}

/**
 * One value per non-empty bucket standing for the calls in it (the geometric middle of the bucket,
 * kept within the exact minimum and maximum), with the number of calls it stands for.
 */
export function representatives(hist: readonly number[], min: number | null, max: number | null): { value: number; calls: number }[] {
  const out: { value: number; calls: number }[] = [];
  hist.forEach((c, k) => {
    if (!(c > 0)) return;
    let v = k === 0 ? 0 : Math.round(Math.sqrt(bucketLow(k) * (2 ** k - 1)));
    if (min !== null) v = Math.max(v, min);
    if (max !== null) v = Math.min(v, max);
    out.push({ value: v, calls: c });
  });
  return out;
}
