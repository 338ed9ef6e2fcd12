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
  'realloc-grow-top',
  'realloc-grow-fresh',
  'mremap-move-isolated',
  'mremap-move-untouched',
] as const;
export type BenchOp = (typeof BENCH_OPS)[number];

/**
 * What each op times, in terms of the code users write and the state it runs in (docs/MODEL.md,
 * "What each operation means"). The unsuffixed ops are the states the editor's hints assume.
 */
export const BENCH_OP_DOCS: Record<BenchOp, string> = {
  'mremap-move': 'mremap(p, n, n, MREMAP_MAYMOVE|MREMAP_FIXED, q) of n written bytes into a hole, both ends in ranges the program keeps (their page tables exist and stay)',
  'mremap-grow': 'p = mremap(p, n, m, MREMAP_MAYMOVE) of n written bytes that cannot grow in place: the kernel moves them to an address of its choosing',
  'mremap-grow-inplace': 'mremap(p, n, m, 0) with free address space after the mapping: it just grows',
  'mremap-shrink': 'mremap(p, n, n/2, 0): the tail is unmapped',
  'memcpy-warm': 'memcpy(dst, src, n) between buffers already written (as warm as their size allows)',
  'memcpy-cold': 'memcpy(dst, src, n) into a fresh mapping: every destination page faults in',
  'malloc-copy-free': 'q = malloc(m); memcpy(q, p, n); free(p) on a warm heap (memory written before, never trimmed)',
  'realloc-grow': 'p = realloc(p, m) of an n-byte block followed by another block, on a warm heap: it must move (from 128 KiB the block is mmapped and realloc is an mremap)',
  munmap: 'munmap(p, n) of n written bytes',
  syscall: 'one system call round trip (getppid)',
  'fault-4k': 'writing one byte per page of n bytes of fresh memory (4 KiB faults)',
  'fault-2m': 'writing one byte per 2 MiB of n bytes of fresh memory advised MADV_HUGEPAGE (huge-page faults)',
  'swap-pages-mremap': 'exchanging two adjacent n-byte blocks with three MREMAP_FIXED moves through a hole',
  'swap-pages-memcpy': 'exchanging two adjacent n-byte blocks with three memcpy calls through a buffer',
  mmap: 'one anonymous mmap of n bytes, never touched',
  'realloc-grow-top': 'p = realloc(p, m) of the last block on a heap brk has just extended: it grows in place, and the new top header may fault a fresh page',
  'realloc-grow-fresh': 'p = realloc(p, m) of a block that must move into heap pages never written (a young program, or a heap just trimmed)',
  'mremap-move-isolated': 'mremap-move of a source alone in its 2 MiB slots into slots no mapping uses: the target\'s page tables are allocated and the source\'s freed',
  'mremap-move-untouched': 'mremap-move of a mapping never written: no pages, so only the system call and the mapping bookkeeping',
};

/** Ops that take any byte count (heap blocks and copies); the others need whole pages. */
export const BYTE_GRANULAR_OPS: ReadonlySet<BenchOp> = new Set<BenchOp>([
  'memcpy-warm', 'memcpy-cold', 'malloc-copy-free', 'realloc-grow', 'realloc-grow-top', 'realloc-grow-fresh',
]);

/** Ops that grow N to M (M = 2N unless a size pair says otherwise). */
export const TWO_SIZE_OPS: ReadonlySet<BenchOp> = new Set<BenchOp>([
  'mremap-grow', 'mremap-grow-inplace', 'malloc-copy-free', 'realloc-grow', 'realloc-grow-top', 'realloc-grow-fresh',
]);

/** An explicit old → new size for the ops that grow (the others measure `from`). */
export interface SizePair {
  from: number;
  to: number;
}

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
  /** Bytes, any count from 1: measured by the byte-granular ops only (heap blocks below a page). */
  byteSizes?: number[];
  /**
   * Explicit old → new sizes: the ops that grow take both, the others `from`. A pair whose sizes
   * are not both whole pages reaches the byte-granular ops only.
   */
  pairs?: SizePair[];
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
  /**
   * Further harness runs after this one, for points the cross product of ops × sizes × threads
   * would make too dear (the quick sweep's 64 MiB points of a few ops). runBenchmark runs them
   * and merges their output; their own extras are ignored.
   */
  extras?: Sweep[];
}

/** 1, 2, 4, … up to the CPU count (and the CPU count itself). */
export function threadLadder(cpus: number): number[] {
  const out: number[] = [];
  for (let t = 1; t < cpus; t *= 2) out.push(t);
  out.push(Math.max(1, cpus));
  return out;
}

/** Named variants (docs/MODEL.md): the full sweep measures them, the quick one leaves them out. */
export const VARIANT_OPS: ReadonlySet<BenchOp> = new Set<BenchOp>(['realloc-grow-top', 'realloc-grow-fresh', 'mremap-move-isolated']);

/**
 * The quick sweep (`calibrate --quick`): every op but the named variants at the sizes that show
 * the model's shape (1 and 4 pages, the 33/34-page INVLPG ceiling, the mmap threshold region,
 * one PMD, 16 MiB, and a 256-byte heap block), alone and with spinners. 16 KiB (a copy still in
 * L1) tells the L1 speed from the fixed cost of a copy (with 4 KiB alone a quick calibration left
 * 4 KiB copies 1.7× off, our run of 2026-11-25). The variants add nothing the others do not pin
 * (the isolated move's t_ptfree is in every move of whole slots), and leaving them out and
 * capping each point at 150 ms keeps the whole under a minute on a busy 2-vCPU guest (with them
 * and 250 ms: 66 s at a load average of 14, most of it setting up the 1–16 MiB points).
 */
export function quickSweep(cpus: number): Sweep {
  return {
    // realloc-grow-top below a page is t_libc alone; without it t_libc was pinned only inside
    // 5 µs mremaps of mmapped blocks and drifted to 2 µs (ours, under load).
    ops: BENCH_OPS.filter((o) => !VARIANT_OPS.has(o) || o === 'realloc-grow-top'),
    sizes: [4 * KiB, 16 * KiB, 64 * KiB, 33 * PAGE, 34 * PAGE, 1 * MiB, 2 * MiB, 16 * MiB],
    byteSizes: [256],
    // Two counts of other CPUs where the machine has them, so that a shootdown's fixed and
    // per-CPU parts are told apart (with 1 and 2 threads alone b_ipi was not pinned, and the
    // full sweep's 8-thread points of a synthetic 8-CPU machine came out 1.9× off).
    threads: cpus >= 4 ? [1, 2, 4] : cpus === 3 ? [1, 2, 3] : cpus === 2 ? [1, 2] : [1],
    // Many cheap repetitions steady the medians of the small points; the budget caps the big ones.
    reps: 300,
    minReps: 5,
    timeBudgetMs: 150,
    timeLimitMs: 120_000,
  };
}

/**
 * What a quick calibration measures (`pagecost calibrate --quick`, the editor's Calibrate): the
 * quick sweep, then one size no cache holds for the few ops whose cost changes past the L3 or
 * beyond a VM's pool of recently freed memory (copy speed from memory, host faults, unmapping,
 * the grow's cap, the walk of a long move). Without it a quick calibration predicted the full
 * sweep's 32–256 MiB points from 16 MiB ones: 81% of the full sweep within 1.5× on our EPYC
 * guest, 87% with it (docs/MODEL.md). Every op at 64 MiB would cost ≈20 s; these six ≈3 s,
 * and one 256 MiB munmap ≈1–2 s more.
 * Kept out of quickSweep() so that sweeps made from it (the panel's presets, the call at the
 * cursor, `bench --quick`) do not inherit the extra run.
 */
export function quickCalibrationSweep(cpus: number): Sweep {
  return {
    ...quickSweep(cpus),
    extras: [{
      ops: ['memcpy-warm', 'fault-4k', 'fault-2m', 'munmap', 'mremap-grow-inplace', 'mremap-move-untouched'],
      sizes: [64 * MiB], threads: [1], reps: 20, minReps: 5, timeBudgetMs: 400, timeLimitMs: 60_000,
    }, {
      // Freeing 256 MiB at once: the per-page cost beyond a guest's batch (c_unmap_host), which
      // 64 MiB alone cannot tell from c_unmap. ≈1–2 s (the writes that fault it in are most).
      ops: ['munmap'], sizes: [256 * MiB], threads: [1], reps: 3, minReps: 3, timeBudgetMs: 400, timeLimitMs: 30_000,
    }],
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
    // Heap blocks and copies below a page, the common case of realloc in real code.
    byteSizes: [64, 256, 1024, 2048],
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

/** Whether a size pair is measured by page ops too (both sizes whole pages). */
function pagePair(p: SizePair): boolean {
  return p.from % PAGE === 0 && p.to % PAGE === 0;
}

/** Why a sweep (or one of its extras) cannot be run as given, or null. */
export function validateSweep(s: Sweep): string | null {
  for (const e of s.extras ?? []) {
    const why = validateOne(e);
    if (why) return `extra run: ${why}`;
  }
  return validateOne(s);
}

function validateOne(s: Sweep): string | null {
  if (s.ops.length === 0) return 'no operations selected';
  const byteSizes = s.byteSizes ?? [];
  const pairs = s.pairs ?? [];
  if (s.sizes.length + byteSizes.length + pairs.length === 0) return 'no sizes selected';
  if (s.sizes.length + pairs.filter(pagePair).length > 64) return 'at most 64 sizes';
  if (byteSizes.length + pairs.filter((p) => !pagePair(p)).length > 64) return 'at most 64 byte sizes';
  const limit = (b: number) => (b > 4096 * MiB ? `size ${formatBytes(b)} is above the 4 GiB limit of the harness` : null);
  for (const b of s.sizes) {
    if (!Number.isSafeInteger(b) || b <= 0 || b % PAGE !== 0) return `size ${b} is not a positive multiple of 4096 bytes`;
    if (limit(b)) return limit(b);
  }
  for (const b of byteSizes) {
    if (!Number.isSafeInteger(b) || b <= 0) return `byte size ${b} is not a positive whole number`;
    if (limit(b)) return limit(b);
  }
  for (const p of pairs) {
    if (!Number.isSafeInteger(p.from) || !Number.isSafeInteger(p.to) || p.from <= 0) return `size pair ${p.from} → ${p.to} is not two positive whole numbers`;
    if (p.to <= p.from) return `size pair ${p.from} → ${p.to} does not grow`;
    if (limit(p.to)) return limit(p.to);
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
  const pairs = s.pairs ?? [];
  const sizes = [...s.sizes.map(String), ...pairs.filter(pagePair).map((p) => `${p.from}:${p.to}`)];
  const bytes = [...(s.byteSizes ?? []).map(String), ...pairs.filter((p) => !pagePair(p)).map((p) => `${p.from}:${p.to}`)];
  return [
    '--ops', s.ops.join(','),
    ...(sizes.length ? ['--sizes', sizes.join(',')] : []),
    ...(bytes.length ? ['--byte-sizes', bytes.join(',')] : []),
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
  return sweepKeys(s).length;
}

/**
 * The points a sweep asks the harness for, in the harness's order (op, size, thread count, and
 * mremap-move's aligned and THP variants at 2 MiB multiples): what `expectedLines` counts, as keys.
 * Points the harness will skip on a given machine (mremap-shrink of one page, huge pages where
 * THP is off, more threads than CPUs) are included; the caller filters what its machine lacks.
 */
export function sweepKeys(s: Sweep): { op: BenchOp; bytes: number; newBytes?: number; threads: number; huge: boolean; aligned: boolean }[] {
  return [s, ...(s.extras ?? [])].flatMap(oneSweepKeys);
}

function oneSweepKeys(s: Sweep): ReturnType<typeof sweepKeys> {
  const pairs = s.pairs ?? [];
  const pageSizes: [number, number | undefined][] = [...s.sizes.map((b): [number, undefined] => [b, undefined]), ...pairs.filter(pagePair).map((p): [number, number] => [p.from, p.to])];
  const byteSizes: [number, number | undefined][] = [...(s.byteSizes ?? []).map((b): [number, undefined] => [b, undefined]), ...pairs.filter((p) => !pagePair(p)).map((p): [number, number] => [p.from, p.to])];
  const out: ReturnType<typeof sweepKeys> = [];
  for (const op of s.ops) {
    const sizes = op === 'syscall' ? [[0, undefined] as [number, undefined]] : [...(BYTE_GRANULAR_OPS.has(op) ? byteSizes : []), ...pageSizes];
    for (const [bytes, to] of sizes) {
      for (const threads of s.threads) {
        const newBytes = TWO_SIZE_OPS.has(op) ? (to ?? 2 * bytes) : undefined;
        const base = { op, bytes, ...(newBytes !== undefined ? { newBytes } : {}), threads, huge: op === 'fault-2m', aligned: false };
        out.push(base);
        if (op === 'mremap-move' && bytes % (2 * MiB) === 0) {
          out.push({ ...base, aligned: true }, { ...base, aligned: true, huge: true }, { ...base, huge: true });
        }
      }
    }
  }
  return out;
}
