// The named operations of `pagecost explain --op` (stable: scripts use these names), the
// alternative each one is compared with, and the pair whose crossover is reported.
import { MAX_BYTES, ModelInputError, checkBytes, checkThreads } from './errors';
import {
  ALLOCATORS, GLIBC_MMAP_THRESHOLD_MAX, GLIBC_MMAP_THRESHOLD_MIN, estimateNs, estimateOp,
  type Alignment, type Allocator, type Estimate, type ModelContext, type Operation,
} from './estimate';
import type { Profile } from './profile';
import { MODEL_VERSION } from './version';

export const OP_NAMES = [
  'mremap-move', 'mremap-grow', 'mremap-grow-inplace', 'mremap-shrink',
  'memcpy-warm', 'memcpy-cold', 'malloc-copy-free', 'realloc-grow', 'munmap',
] as const;
export type OpName = (typeof OP_NAMES)[number];

/** One line per op, for `--help` and docs. */
export const OP_DOCS: Record<OpName, string> = {
  'mremap-move': 'move N bytes of resident pages with MREMAP_MAYMOVE|MREMAP_FIXED to an empty target',
  'mremap-grow': 'grow a mapping of N bytes to 2N where it must move (MREMAP_MAYMOVE)',
  'mremap-grow-inplace': 'grow a mapping of N bytes to 2N in place (free space after it)',
  'mremap-shrink': 'shrink a mapping of N bytes to N/2 in place',
  'memcpy-warm': 'copy N bytes into a destination that is already faulted in',
  'memcpy-cold': 'copy N bytes into fresh memory (first-touch page faults included)',
  'malloc-copy-free': 'malloc(2N) + memcpy(N) + free(old): the manual alternative to realloc',
  'realloc-grow': 'realloc a block of N written bytes to 2N (glibc unless --allocator says otherwise)',
  munmap: 'unmap N bytes of resident pages',
};

export function isOpName(s: string): s is OpName {
  return (OP_NAMES as readonly string[]).includes(s);
}

export interface ScenarioOptions {
  threads?: number;
  allocator?: Allocator;
  /** glibc mmap threshold in bytes (128 KiB at start; the dynamic threshold may raise it to 32 MiB). */
  glibcMmapThreshold?: number;
  /**
   * Whether heap memory malloc hands out below the mmap threshold was written before ('reused',
   * the default: a long-running program's warm heap) or is fresh (faults on first write: a
   * young program, or a heap just trimmed). docs/MODEL.md, "What each operation means".
   */
  heapDestination?: 'fresh' | 'reused';
  /** Placement for mremap moves: default misaligned for `mremap-move`, kernel-chosen for grows. */
  alignment?: Alignment;
  /** The buffer was never written: mremap has nothing to move, a copy reads zero pages. */
  untouched?: boolean;
  /** Ops that grow N: the new size (default 2N). */
  newBytes?: number;
}

export function makeContext(profile: Profile, o: ScenarioOptions = {}): ModelContext {
  const threads = checkThreads(o.threads ?? 1);
  const allocator = o.allocator ?? 'glibc';
  if (!ALLOCATORS.includes(allocator)) {
    throw new ModelInputError(`unknown allocator "${String(allocator)}": use one of ${ALLOCATORS.join(', ')}`);
  }
  const thr = o.glibcMmapThreshold ?? GLIBC_MMAP_THRESHOLD_MIN;
  if (!Number.isInteger(thr) || thr < 0 || thr > GLIBC_MMAP_THRESHOLD_MAX) {
    throw new ModelInputError(`glibc mmap threshold must be 0–${GLIBC_MMAP_THRESHOLD_MAX} bytes (32 MiB), got ${String(thr)}`);
  }
  return {
    machine: profile.machine, threads, allocator, glibcMmapThreshold: thr,
    heapDestination: o.heapDestination ?? 'reused',
  };
}

/** The Operation a named op stands for, at N bytes. */
export function namedOperation(name: OpName, bytes: number, ctx: ModelContext, o: ScenarioOptions = {}): Operation {
  const N = bytes;
  const page = ctx.machine.pageSize;
  const slot = (page * page) / 8;
  const untouched = o.untouched ?? false;
  const M = o.newBytes ?? 2 * N;
  switch (name) {
    case 'mremap-move':
      // Page tables of the first and last slot exist at both ends and stay (a program moving
      // pages between ranges it keeps); whole slots in between are freed at the source.
      return { kind: 'mremap', oldBytes: N, newBytes: N, mode: 'move', fixed: 'empty', alignment: o.alignment ?? 'misaligned', untouched };
    case 'mremap-grow':
      return { kind: 'mremap', oldBytes: N, newBytes: M, mode: 'move', maymove: true, alignment: o.alignment ?? 'auto', lengthsPmdMultiple: N % slot === 0 && M % slot === 0, untouched };
    case 'mremap-grow-inplace':
      return { kind: 'mremap', oldBytes: N, newBytes: M, mode: 'grow-inplace', untouched };
    case 'mremap-shrink':
      return { kind: 'mremap', oldBytes: N, newBytes: Math.max(1, Math.ceil(N / 2)), mode: 'shrink', untouched };
    case 'memcpy-warm':
      return { kind: 'memcpy', bytes: N, destination: 'warm', untouched };
    case 'memcpy-cold':
      return { kind: 'memcpy', bytes: N, destination: 'fresh', untouched };
    case 'malloc-copy-free':
      return { kind: 'malloc-copy-free', oldBytes: N, newBytes: M, untouched };
    case 'realloc-grow':
      return { kind: 'realloc', oldBytes: N, newBytes: M, untouched };
    case 'munmap':
      return { kind: 'munmap', bytes: N, untouched };
  }
}

/** What each op is compared with (null: nothing sensible to compare). */
export const ALTERNATIVE: Record<OpName, OpName | null> = {
  'mremap-move': 'memcpy-warm',
  'mremap-grow': 'malloc-copy-free',
  'mremap-grow-inplace': 'malloc-copy-free',
  'mremap-shrink': null,
  'memcpy-warm': 'mremap-move',
  'memcpy-cold': 'mremap-move',
  'malloc-copy-free': 'realloc-grow',
  'realloc-grow': 'malloc-copy-free',
  munmap: null,
};

/** The (page-moving, copying) pair whose crossover answers "above which size does moving win". */
export const CROSSOVER_PAIR: Record<OpName, [OpName, OpName] | null> = {
  'mremap-move': ['mremap-move', 'memcpy-warm'],
  'memcpy-warm': ['mremap-move', 'memcpy-warm'],
  'memcpy-cold': ['mremap-move', 'memcpy-cold'],
  'mremap-grow': ['mremap-grow', 'malloc-copy-free'],
  'mremap-grow-inplace': ['mremap-grow-inplace', 'malloc-copy-free'],
  'realloc-grow': ['realloc-grow', 'malloc-copy-free'],
  'malloc-copy-free': ['realloc-grow', 'malloc-copy-free'],
  'mremap-shrink': null,
  munmap: null,
};

/** Ops whose second size is 2N. */
export const DOUBLING: ReadonlySet<OpName> = new Set<OpName>(['mremap-grow', 'mremap-grow-inplace', 'malloc-copy-free', 'realloc-grow']);

/** An estimate of a named op with the profile and model version attached (what `explain --json` prints). */
export interface NamedEstimate extends Estimate {
  bytes: number;
  threads: number;
  profile: { name: string; source: string };
  modelVersion: number;
}

export function estimateNamed(profile: Profile, name: string, bytes: number, o: ScenarioOptions = {}): NamedEstimate {
  if (!isOpName(name)) throw new ModelInputError(`unknown operation "${name}": use one of ${OP_NAMES.join(', ')}`);
  checkBytes(bytes);
  if (DOUBLING.has(name) && 2 * bytes > MAX_BYTES) {
    throw new ModelInputError(`${name} grows N to 2N, so N may be at most 2^47 bytes (128 TiB), got ${bytes}`);
  }
  const ctx = makeContext(profile, o);
  const e = estimateOp(profile.params, ctx, namedOperation(name, bytes, ctx, o), name);
  return {
    op: name, bytes, threads: ctx.threads, ns: e.ns, breakdown: e.breakdown,
    assumptions: [...e.assumptions, `profile ${profile.name} (${profile.source})`], path: e.path,
    profile: { name: profile.name, source: profile.source }, modelVersion: MODEL_VERSION,
  };
}

/** Fast total of a named op (no breakdown), for searches and benchmarks. */
export function namedNs(profile: Profile, ctx: ModelContext, name: OpName, bytes: number, o: ScenarioOptions = {}): number {
  return estimateNs(profile.params, ctx, namedOperation(name, bytes, ctx, o));
}
