// Harness output lines for tests, in the format harness.c prints, and synthetic sweeps.
import type { Params, Profile } from '../../../src/core/model';
import { modelPoint } from '../../../src/core/bench/modelled';
import type { MeasuredPoint, PointKey } from '../../../src/core/bench/protocol';
import { fullSweep, sweepKeys, type Sweep } from '../../../src/core/bench/sweep';

const MiB = 1024 * 1024;

/**
 * What the harness would print for a sweep (default: the full sweep on `cpus` CPUs) if the model
 * with `truth` were exact: every point it measures, with its aligned/THP variants, less the
 * points it skips (one-page shrinks, huge pages at sizes that are not 2 MiB multiples),
 * `distort`ed per point.
 */
export function syntheticSweep(
  profile: Profile, truth: Params, cpus: number, distort: (i: number, v: number, key: PointKey) => number = (_, v) => v,
  sweep: Sweep = fullSweep(cpus),
): MeasuredPoint[] {
  const out: MeasuredPoint[] = [];
  for (const key of sweepKeys(sweep)) {
    if (key.op === 'mremap-shrink' && key.bytes < 8192) continue;
    if ((key.huge || key.op === 'fault-2m') && (key.bytes % (2 * MiB) !== 0 || profile.machine.thp === 'never')) continue;
    if (key.threads > cpus) continue;
    const v = distort(out.length, modelPoint(profile, truth, key)!, key);
    out.push({ ...key, medianNs: v, p10Ns: v, p90Ns: v, reps: 5 });
  }
  return out;
}
export const HELLO =
  '{"type":"hello","harness":2,"kernel":"6.18.0","arch":"x86_64","cpu_model":"Test CPU","cpus":2,"online_cpus":2,' +
  '"page_size":4096,"thp":"always [madvise] never","meltdown":"Not affected","tlb_flush_ceiling":null,"glibc":"2.36",' +
  '"flags":["pcid","hypervisor"],"l1d":49152,"l2":2097152,"l3":503316480,"clock_ns":16.0,"mmap_threshold":131072,' +
  '"reps":20,"min_reps":5,"budget_ms":50}';

export const END = '{"type":"end","points":1,"interrupted":false,"elapsed_ms":12}';

export function point(
  op: string,
  bytes: number,
  o: { median?: number; p10?: number; p90?: number; reps?: number; threads?: number; note?: string } = {},
): string {
  const median = o.median ?? 1000;
  return JSON.stringify({
    type: 'point', op, bytes, threads: o.threads ?? 1, huge: false, aligned: false,
    median, p10: o.p10 ?? median * 0.9, p90: o.p90 ?? median * 1.1, reps: o.reps ?? 20,
    ...(o.note ? { note: o.note } : {}),
  });
}

export function skipped(op: string, bytes: number, reason: string): string {
  return JSON.stringify({ type: 'skipped', op, bytes, threads: 1, huge: false, aligned: false, reason });
}
