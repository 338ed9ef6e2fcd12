// The cost model's estimate for each benchmark point: the "modelled" column of `pagecost bench`
// and the prediction the calibration fit compares with measurements. Each harness op is
// mapped onto the model's Operation with the same setup the harness uses (harness.c), so that
// a ratio far from 1 means the model is off, not that the two measure different things.
import {
  estimateNs, isOpName, makeContext, namedOperation,
  type ModelContext, type Operation, type Params, type Profile,
} from '../model';
import type { PointKey } from './protocol';
import type { ModelFn } from './table';

/** The glibc mmap threshold the harness fixes with mallopt (harness.c, main). */
export const HARNESS_MMAP_THRESHOLD = 128 * 1024;

/** Ops the harness measures that the model's named-op list does not have: composed here. */
const COMPOSED = new Set(['syscall', 'fault-4k', 'fault-2m', 'swap-pages-mremap', 'swap-pages-memcpy']);

export function isModelled(op: string): boolean {
  return isOpName(op) || COMPOSED.has(op);
}

function ptiNs(p: Params, profile: Profile): number {
  return profile.machine.pti === 'off' ? 0 : profile.machine.pti === 'pti-pcid' ? p.t_pti : p.t_pti_nopcid;
}

/**
 * The model's operation for a named op at a point, with the harness's placement: mremap-move's
 * `aligned` points are mutually 2 MiB aligned, `huge` points have a THP source; everything
 * else is advised MADV_NOHUGEPAGE by the harness, so THP is off for it.
 */
export function pointOperation(key: PointKey, ctx: ModelContext): Operation | null {
  if (!isOpName(key.op)) return null;
  // mremap-grow's source sits 4 KiB into its 2 MiB slot (with the guard page after it), so
  // wherever the kernel puts the grown mapping, source and target are mutually misaligned.
  const alignment = key.aligned ? 'pmd' : key.op === 'mremap-grow' ? 'misaligned' : undefined;
  const op = namedOperation(key.op, key.bytes, ctx, alignment ? { alignment } : {});
  if (op.kind === 'mremap') return { ...op, thpSource: key.op === 'mremap-move' && key.huge };
  return op;
}

/** Modelled ns of one point under a parameter set (the fit calls this with trial parameters). */
export function modelPoint(profile: Profile, params: Params, key: PointKey): number | null {
  // The harness repeats each point on the same heap, so small blocks come back from free lists
  // already touched (heap "reused"); blocks at or above the threshold are fresh mmaps anyway.
  const ctx = makeContext(profile, { threads: key.threads, glibcMmapThreshold: HARNESS_MMAP_THRESHOLD, heapDestination: 'reused' });
  const page = profile.machine.pageSize;
  const slot = (page * page) / 8;
  switch (key.op) {
    case 'syscall':
      return params.t_sys + ptiNs(params, profile);
    case 'fault-4k':
      // The harness writes one byte per page of a fresh MADV_NOHUGEPAGE mapping.
      return Math.ceil(key.bytes / page) * (params.t_fault4k + ptiNs(params, profile));
    case 'fault-2m':
      return Math.ceil(key.bytes / slot) * (params.t_fault2M + ptiNs(params, profile));
    case 'swap-pages-mremap': {
      // Three MREMAP_FIXED moves of N bytes within one mapping: its page tables stay.
      const move: Operation = { kind: 'mremap', oldBytes: key.bytes, newBytes: key.bytes, mode: 'move', fixed: 'empty', alignment: 'misaligned', tablesFreed: false, thpSource: false };
      return 3 * estimateNs(params, ctx, move);
    }
    case 'swap-pages-memcpy':
      return 3 * estimateNs(params, ctx, { kind: 'memcpy', bytes: key.bytes, destination: 'warm' });
    default: {
      const op = pointOperation(key, ctx);
      return op ? estimateNs(params, ctx, op) : null;
    }
  }
}

/** The ModelFn for `pagecost bench`'s table. */
export function modelFor(profile: Profile): ModelFn {
  return (key) => modelPoint(profile, profile.params, key);
}
