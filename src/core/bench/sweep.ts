// Sweep definitions: which operations, sizes and thread counts a run measures, and the
// harness command line for them. Pure data; the harness itself has only fallback defaults.

/** Operation names, spelled as the cost model and `pagecost explain --op` spell them. */
export const BENCH_OPS = [
  'mremap-move',
  'mremap-grow',
  'mremap-grow-inplace',
  'mremap-shrink',
  'memcpy-warm',
  'memcpy-cold',
  'malloc-copy-free',
  'realloc-grow',
  'munmap',
  'syscall',
  'fault-4k',
  'fault-2m',
  'swap-pages-mremap',
  'swap-pages-memcpy',
  'mmap',
] as const;
export type BenchOp = (typeof BENCH_OPS)[number];

export function isBenchOp(s: string): s is BenchOp {
  return (BENCH_OPS as readonly string[]).includes(s);
}

const KiB = 1024;
const MiB = 1024 * KiB;
const PAGE = 4096;

export interface Sweep {
  ops: BenchOp[];
  /** Bytes; positive multiples of 4 KiB. */
  sizes: number[];
  /** Total threads (1 = the measuring thread alone). */
  threads: number[];
  /** Upper bound of timed repetitions per point. */
  reps: number;
  /** Lower bound, kept even when the per-point budget is spent. */
  minReps: number;
  /** Wall time per point, setup included, after which the harness moves on. */
  timeBudgetMs: number;
  /** Wall time for the whole run; the runner kills the harness after it. */
  timeLimitMs: number;
}

/** 1, 2, 4, … up to the CPU count (and the CPU count itself). */
export function threadLadder(cpus: number): number[] {
  const out: number[] = [];
  for (let t = 1; t < cpus; t *= 2) out.push(t);
  out.push(Math.max(1, cpus));
  return out;
}

/**
 * The quick sweep: every op at the sizes that show the model's shape (1 and 4 pages, the
 * 33/34-page INVLPG ceiling, the mmap threshold region, one PMD, 16 MiB), alone and with one
 * spinner. 16 KiB (a copy still in L1) is there so that the L1 speed and the fixed cost of a
 * copy are told apart: with 4 KiB alone neither is pinned down, both keep their defaults, and a
 * quick calibration left 4 KiB copies 1.7× and 4 KiB malloc + copy + free 2.2× off (our quick
 * run of 2026-11-25). Sized to finish well under a minute on a 2-core machine (≈20 s; 16 KiB adds
 * well under a second).
 */
export function quickSweep(cpus: number): Sweep {
  return {
    ops: [...BENCH_OPS],
    sizes: [4 * KiB, 16 * KiB, 64 * KiB, 33 * PAGE, 34 * PAGE, 1 * MiB, 2 * MiB, 16 * MiB],
    threads: cpus >= 2 ? [1, 2] : [1],
    // Many cheap repetitions steady the medians of the small points; the budget caps the big ones.
    reps: 300,
    minReps: 5,
    timeBudgetMs: 250,
    timeLimitMs: 120_000,
  };
}

/** The full sweep: 4 KiB … 256 MiB, thread counts up to the CPU count. Under 5 minutes on 2 cores. */
export function fullSweep(cpus: number): Sweep {
  return {
    ops: [...BENCH_OPS],
    // Besides the shape: 8 and 30–36 pages put the per-page invalidation slope and the full
    // flush of the 33/34-page step on several points (c_invlpg, c_flush_full); 8 and 32 MiB add
    // mutually aligned 2 MiB multiples (c_pmd, c_thp) between the others. 2, 3, 6 and 12 pages
    // put several sizes below and around a 32–48 KiB L1 (working set 2N: 16–96 KiB), so that
    // B_L1 and the first-fault cost rest on more than one size and a held-out size there can be
    // interpolated (with 4 and 16 KiB alone, holding out 16 KiB left one L1 point). 128 MiB
    // puts a point between 64 and 256 MiB, where a VM's host faults set in (s_fault_pool).
    sizes: [
      4 * KiB, 2 * PAGE, 3 * PAGE, 16 * KiB, 6 * PAGE, 8 * PAGE, 12 * PAGE, 64 * KiB, 30 * PAGE, 32 * PAGE, 33 * PAGE, 34 * PAGE,
      36 * PAGE, 256 * KiB, 1 * MiB, 2 * MiB, 4 * MiB, 8 * MiB, 16 * MiB, 32 * MiB, 64 * MiB, 128 * MiB, 256 * MiB,
    ],
    threads: threadLadder(cpus),
    reps: 300,
    minReps: 5,
    timeBudgetMs: 300,
    timeLimitMs: 600_000,
  };
}

/** Parses "4096", "4K", "4KiB", "2M", "1G", "33p" (pages). Returns null when malformed. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+)\s*(k|kib|m|mib|g|gib|p|b)?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mul = unit.startsWith('k') ? KiB : unit.startsWith('m') ? MiB : unit.startsWith('g') ? 1024 * MiB : unit === 'p' ? PAGE : 1;
  const v = n * mul;
  return Number.isSafeInteger(v) ? v : null;
}

/** "4 KiB", "132 KiB", "2 MiB", "1.5 MiB" — for tables. */
export function formatBytes(n: number): string {
  if (n === 0) return '—';
  if (n >= 1024 * MiB && n % (1024 * MiB) === 0) return `${n / (1024 * MiB)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(2)} MiB`;
  if (n >= KiB) return `${+(n / KiB).toFixed(2)} KiB`;
  return `${n} B`;
}

/** Why a sweep cannot be run as given, or null. */
export function validateSweep(s: Sweep): string | null {
  if (s.ops.length === 0) return 'no operations selected';
  if (s.sizes.length === 0) return 'no sizes selected';
  if (s.sizes.length > 64) return 'at most 64 sizes';
  for (const b of s.sizes) {
    if (!Number.isSafeInteger(b) || b <= 0 || b % PAGE !== 0) return `size ${b} is not a positive multiple of 4096 bytes`;
    if (b > 4096 * MiB) return `size ${formatBytes(b)} is above the 4 GiB limit of the harness`;
  }
  if (s.threads.length === 0) return 'no thread counts selected';
  if (s.threads.length > 16) return 'at most 16 thread counts';
  for (const t of s.threads) if (!Number.isInteger(t) || t < 1 || t > 1024) return `thread count ${t} is not 1..1024`;
  if (!Number.isInteger(s.reps) || s.reps < 1 || s.reps > 100000) return 'reps must be 1..100000';
  if (!Number.isInteger(s.minReps) || s.minReps < 1) return 'min reps must be at least 1';
  if (!(s.timeBudgetMs > 0)) return 'the per-point time budget must be positive';
  if (!(s.timeLimitMs > 0)) return 'the time limit must be positive';
  return null;
}

/** The harness's argument array for a sweep (no shell is involved: one argument per item). */
export function harnessArgs(s: Sweep): string[] {
  return [
    '--ops', s.ops.join(','),
    '--sizes', s.sizes.join(','),
    '--threads', s.threads.join(','),
    '--reps', String(s.reps),
    '--min-reps', String(Math.min(s.minReps, s.reps)),
    '--time-budget-ms', String(s.timeBudgetMs),
  ];
}

/**
 * How many result lines (points, skipped or failed) the harness will print for a sweep: the
 * denominator of progress. Mirrors the harness's loop: syscall has no size, and mremap-move at
 * 2 MiB multiples adds three variants (aligned, aligned THP, THP to a misaligned target).
 */
export function expectedLines(s: Sweep): number {
  let perThread = 0;
  for (const op of s.ops) {
    if (op === 'syscall') perThread += 1;
    else if (op === 'mremap-move') perThread += s.sizes.reduce((n, b) => n + (b % (2 * MiB) === 0 ? 4 : 1), 0);
    else perThread += s.sizes.length;
  }
  return perThread * s.threads.length;
}
