// Harness output lines for tests, in the format harness.c prints, and synthetic sweeps.
import type { Params, Profile } from '../../../src/core/model';
import { modelPoint } from '../../../src/core/bench/modelled';
import type { MeasuredPoint } from '../../../src/core/bench/protocol';
import { fullSweep } from '../../../src/core/bench/sweep';

const MiB = 1024 * 1024;

/**
 * What the harness would print for the full sweep on `cpus` CPUs if the model with `truth` were
 * exact (every point the harness measures, with its aligned/THP variants), `distort`ed per point.
 */
export function syntheticSweep(
  profile: Profile, truth: Params, cpus: number, distort: (i: number, v: number) => number = (_, v) => v,
): MeasuredPoint[] {
  const sweep = fullSweep(cpus);
  const out: MeasuredPoint[] = [];
  for (const threads of sweep.threads) {
    for (const op of sweep.ops) {
      for (const bytes of op === 'syscall' ? [0] : sweep.sizes) {
        const variants: [boolean, boolean][] =
          op === 'mremap-move' && bytes % (2 * MiB) === 0 ? [[false, false], [true, false], [true, true], [false, true]] : [[false, op === 'fault-2m']];
        for (const [aligned, huge] of variants) {
          if (op === 'fault-2m' && bytes % (2 * MiB) !== 0) continue;
          const key = { op, bytes, threads, huge, aligned };
          const v = distort(out.length, modelPoint(profile, truth, key)!);
          out.push({ ...key, medianNs: v, p10Ns: v, p90Ns: v, reps: 5 });
        }
      }
    }
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
