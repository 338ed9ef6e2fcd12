// What "Benchmark this call" measures: the operations the call's finding compares (the call's
// own and its alternative) at the call's sizes, or at sizes around the usual crossover when the
// sizes are not known, at the thread count the user assumes. Pure; the Node host runs it.
import type { BenchOp, Sweep } from '../bench/sweep';
import { quickSweep } from '../bench/sweep';
import type { CallSite } from '../types';
import { benchSizes } from './findings';

const KiB = 1024;

export function benchOpsFor(site: CallSite): BenchOp[] {
  if (site.callee !== 'mremap') return ['realloc-grow', 'malloc-copy-free', 'memcpy-warm'];
  const flags = site.flags ?? [];
  const sameSize = site.oldSize?.bytes != null && site.oldSize.bytes === site.newSize?.bytes;
  if (flags.includes('MREMAP_FIXED') || flags.includes('MREMAP_DONTUNMAP') || sameSize) return ['mremap-move', 'memcpy-warm'];
  if (flags.length && !flags.includes('MREMAP_MAYMOVE')) return ['mremap-grow-inplace', 'malloc-copy-free'];
  return ['mremap-grow', 'malloc-copy-free'];
}

/** The sweep for one call: a short run (seconds), capped at 60 s. */
export function benchSweepFor(site: CallSite, threads: number, cpus: number): { sweep: Sweep; sizesKnown: boolean } {
  const base = quickSweep(cpus);
  const known = benchSizes(site);
  const sizes = known.length ? known : [4 * KiB, 64 * KiB, 256 * KiB, 1024 * KiB];
  return {
    sweep: { ...base, ops: benchOpsFor(site), sizes, threads: [Math.max(1, Math.min(threads, Math.max(1, cpus)))], timeLimitMs: 60_000 },
    sizesKnown: known.length > 0,
  };
}
