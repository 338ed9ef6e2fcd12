// The cost equations of MODEL-FACTS §2, as pure functions of (params, context, operation).
// Each estimate is a total plus the terms it is made of ("33 × per-page TLB invalidation at
// 100 ns"), so every number can be traced to one row of the parameter table (./params.ts).
import type { BreakdownTerm, EstimateSummary } from '../types';
import { MAX_BYTES, ModelInputError, checkBytes, checkThreads } from './errors';
import { formatBytes } from './describe';
import { kernelAtLeast, type MachineFacts } from './machine';
import type { Params } from './params';

/** What realloc does when it cannot resize in place: glibc and musl use mremap for mmapped blocks, jemalloc and mimalloc always copy. */
export type Allocator = 'glibc' | 'musl' | 'copying';
export const ALLOCATORS: readonly Allocator[] = ['glibc', 'musl', 'copying'];

/** glibc DEFAULT_MMAP_THRESHOLD_MIN / _MAX on 64-bit (MODEL-FACTS §1.10, malloc.c). */
export const GLIBC_MMAP_THRESHOLD_MIN = 128 * 1024;
export const GLIBC_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024;
/**
 * glibc M_TOP_PAD default (DEFAULT_TOP_PAD, 128 KiB, malloc-machine.h): how much free space the
 * top chunk keeps after a trim, i.e. what a heap block at the top can grow into without brk.
 */
export const GLIBC_TOP_PAD = 128 * 1024;
/** musl mallocng MMAP_THRESHOLD (MODEL-FACTS §1.11). */
export const MUSL_MMAP_THRESHOLD = 131052;
/** glibc chunk header in front of an mmapped block's data (two size words on 64-bit). */
const GLIBC_MMAP_HEADER = 16;

export interface ModelContext {
  machine: MachineFacts;
  /** T: threads of the process running on distinct CPUs during the call (1 = single-threaded). */
  threads: number;
  allocator: Allocator;
  /** Where glibc's dynamic mmap threshold stands: 128 KiB at start, up to 32 MiB after large frees. */
  glibcMmapThreshold: number;
  /** Whether a heap block malloc hands out is fresh (never touched: faults on first write) or reused. */
  heapDestination: 'fresh' | 'reused';
}

/** Relative placement of source and destination in their 2 MiB (PMD) / 1 GiB (PUD) slots. */
export type Alignment = 'misaligned' | 'pmd' | 'pud' | 'auto';

export type Operation =
  | {
      kind: 'mremap';
      oldBytes: number;
      newBytes: number;
      /** `auto`: derived from the sizes and flags the way do_mremap() classifies them. */
      mode?: 'auto' | 'no-resize' | 'shrink' | 'grow-inplace' | 'grow-enomem' | 'move';
      maymove?: boolean;
      /** MREMAP_FIXED target: none (kernel picks), an empty hole, or a range with live pages (unmapped first). */
      fixed?: 'none' | 'empty' | 'populated';
      dontunmap?: boolean;
      alignment?: Alignment;
      /** The source is backed by transparent huge pages (whole 2 MiB slots). */
      thpSource?: boolean;
      /** The range was never written: no page-table entries exist, so nothing moves or flushes. */
      untouched?: boolean;
      /** Source page tables are freed when the old mapping goes (isolated source): one more shootdown. */
      tablesFreed?: boolean;
      /** For `auto` alignment: both lengths are multiples of 2 MiB (kernel 6.12+ aligns only those). */
      lengthsPmdMultiple?: boolean;
      /**
       * Where source and destination start inside their 2 MiB (PMD) slots, in pages, when known
       * (a benchmark that places them). With `misaligned` moves the extents then end exactly
       * where get_extent() ends them: at the next source or destination slot boundary. Unknown
       * (user code): extents of half a slot, the average over placements.
       */
      slotOffsets?: { source: number; destination: number };
    }
  /**
   * `untouched`: the source was never written, so reading it maps the shared zero page, page by
   * page. `newMapping` (fresh destinations only; default true): the destination is a mapping
   * made for this copy, so its first fault pays t_fault_first; false for fresh memory carved
   * from an existing mapping (a heap that grows, an arena). `workingSetBytes`: what the caches
   * must hold for the copy to stay in them, when more than its source and destination (2N, the
   * default): copies that take turns over more buffers.
   */
  | { kind: 'memcpy'; bytes: number; destination: 'warm' | 'fresh'; untouched?: boolean; newMapping?: boolean; workingSetBytes?: number }
  /**
   * `slotLeadPages`: pages between the start of the source's 2 MiB slot and the mapping, when the
   * unmap frees that slot's page table. Freeing it widens the flush range down to the table's
   * address (pte_free_tlb → tlb_flush_pmd_range), so a 33-page unmap 1 page into its slot
   * flushes 34 pages and crosses the INVLPG ceiling. Unknown for user code (0); the benchmark
   * harness maps 1 page into the slot.
   */
  | { kind: 'munmap'; bytes: number; untouched?: boolean; slotLeadPages?: number }
  /**
   * `heapGrows`: the new block is below the mmap threshold but larger than the free space at the
   * top of the heap, so malloc first extends the heap with brk (glibc sysmalloc). Unknown in user
   * code (false); the benchmark harness knows it from its block sizes and glibc's M_TOP_PAD.
   */
  | { kind: 'malloc-copy-free'; oldBytes: number; newBytes: number; untouched?: boolean; heapGrows?: boolean }
  /**
   * `topPageFault` (with `inPlace`): the block is the last one on a heap that brk has just
   * extended, so growing it moves the top chunk's header onto a page nothing has touched yet and
   * glibc's write of that header is a first-touch fault inside realloc (our check: 4–120 KiB
   * grown in place on a freshly trimmed heap, 0.63 µs each, against 22 ns when the page had been
   * touched before). Unknown in user code (false); the benchmark harness trims the heap before
   * each repetition, so it knows.
   */
  | {
      kind: 'realloc'; oldBytes: number; newBytes: number; allocator?: Allocator; inPlace?: boolean; untouched?: boolean; topPageFault?: boolean;
      /** An mmapped block moved by mremap: where the old and new mappings start in their 2 MiB slots, in pages, when known (the harness places them); as for `mremap`. */
      slotOffsets?: { source: number; destination: number };
    };

export interface Estimate extends EstimateSummary {
  /** Plain-words assumptions the number rests on. */
  assumptions: string[];
  /** Which path the operation takes ("glibc: mmapped chunk → mremap"). */
  path: string;
}

// ---------------------------------------------------------------------------------------------
// Accumulator: collects terms, or only sums them when `fast` (crossover search).

class Acc {
  readonly terms: BreakdownTerm[] = [];
  total = 0;
  /** Sums only: no breakdown, and callers skip building assumption text (see `note`). */
  constructor(readonly fast: boolean) {}
  /**
   * `label` may be a function when building it costs more than the sum (a calibration fit runs
   * the model ~5·10⁵ times); hot paths pass `a.fast ? '' : () => …`, so that not even the
   * function is made when nobody reads the label.
   */
  add(term: string, labelOrFn: string | (() => string), count: number, unitNs: number): void {
    const ns = count * unitNs;
    // Below a femtosecond a term is nothing (parameters at a zero edge of their range).
    if (!(ns > 1e-6)) return;
    this.total += ns;
    if (this.fast) return;
    const label = typeof labelOrFn === 'string' ? labelOrFn : labelOrFn();
    const prev = this.terms.find((t) => t.term === term && t.label === label && t.unitNs === unitNs);
    if (prev) {
      prev.count += count;
      prev.ns += ns;
    } else this.terms.push({ term, label, count, unitNs, ns, share: 0 });
  }
}

// ---------------------------------------------------------------------------------------------
// Derived machine quantities.

interface Derived {
  p: Params;
  m: MachineFacts;
  ctx: ModelContext;
  page: number;
  /** Entries per page table = pages per PMD slot (512 for 4 KiB pages). */
  slotPages: number;
  slotBytes: number;
  /** Flushes of at most this many pages invalidate page by page. */
  ceiling: number;
  /** k: other CPUs running the process. */
  k: number;
  /** Extra cost of one kernel entry from page-table isolation. */
  ptiNs: number;
  ptiLabel: string;
  /** Cost of one remote shootdown and its term id/label. */
  sdNs: number;
  sdTerm: string;
  sdLabel: string;
  /** Local flush overlaps the shootdown (x86, Linux ≥5.13). */
  overlap: boolean;
}

/** What a context fixes whatever the parameters: worked out once per context (a fit makes ~10⁵ estimates per context). */
interface ContextFacts {
  page: number;
  slotPages: number;
  k: number;
  /** Which PTI term a kernel entry pays, or none. */
  pti: 'none' | 't_pti' | 't_pti_nopcid';
  ptiLabel: string;
  /** How a shootdown is paid: none (no other CPU), INVLPGB broadcast, or IPIs. */
  shootdown: 'none' | 'a_bcast' | 'ipi';
  sdTerm: string;
  sdLabel: string;
  overlap: boolean;
}

const contextFacts = new WeakMap<ModelContext, ContextFacts>();

function factsOf(ctx: ModelContext): ContextFacts {
  const hit = contextFacts.get(ctx);
  // The threads are checked on every call: a context is a plain object its caller may change.
  if (hit && hit.k === Math.max(0, Math.min(checkThreads(ctx.threads) - 1, ctx.machine.cpus - 1))) return hit;
  const m = ctx.machine;
  const page = m.pageSize;
  const threads = checkThreads(ctx.threads);
  const k = Math.max(0, Math.min(threads - 1, m.cpus - 1));
  const pti = m.pti === 'off' ? 'none' : m.pti === 'pti-nopcid' || !kernelAtLeast(m.kernel, 4, 14) ? 't_pti_nopcid' : 't_pti';
  let shootdown: ContextFacts['shootdown'] = 'none';
  let sdLabel = '';
  if (k > 0) {
    if (m.arch === 'x86-64' && m.invlpgb && k >= 2 && kernelAtLeast(m.kernel, 6, 15)) {
      shootdown = 'a_bcast';
      sdLabel = `broadcast TLB invalidation to ${k} other CPUs (INVLPGB, no interrupts)`;
    } else {
      shootdown = 'ipi';
      sdLabel =
        m.arch === 'arm64'
          ? `broadcast TLB invalidation reaching ${k} other CPU${k > 1 ? 's' : ''}`
          : `interrupting ${k} other CPU${k > 1 ? 's' : ''} to flush ${k > 1 ? 'their TLBs' : 'its TLB'} (shootdown)`;
    }
  }
  const facts: ContextFacts = {
    page, slotPages: page / 8, k, pti,
    ptiLabel: `page-table isolation on kernel entry (${m.pti === 'pti-pcid' ? 'PTI with PCID' : 'PTI without PCID'})`,
    shootdown, sdTerm: shootdown === 'a_bcast' ? 'a_bcast' : 'T_sd', sdLabel,
    overlap: m.arch === 'x86-64' && kernelAtLeast(m.kernel, 5, 13),
  };
  contextFacts.set(ctx, facts);
  return facts;
}

// The last Derived of each context, by parameter set: a fit evaluates all its points with one
// parameter set before it tries the next, so most evaluations find theirs here.
const lastDerived = new WeakMap<ModelContext, Derived>();

function derive(p: Params, ctx: ModelContext): Derived {
  const f = factsOf(ctx);
  const m = ctx.machine;
  const ceiling = m.arch === 'arm64' ? f.slotPages - 1 : p.n_ceil;
  const ptiNs = f.pti === 'none' ? 0 : p[f.pti];
  const sdNs = f.shootdown === 'none' ? 0 : f.shootdown === 'a_bcast' ? p.a_bcast : p.a_ipi + p.b_ipi * f.k;
  // The same values, not only the same object: a caller may change a parameter set in place.
  const hit = lastDerived.get(ctx);
  if (hit && hit.p === p && hit.k === f.k && hit.ceiling === ceiling && hit.ptiNs === ptiNs && hit.sdNs === sdNs) return hit;
  const d: Derived = {
    p, m, ctx, page: f.page, slotPages: f.slotPages, slotBytes: f.page * f.slotPages,
    ceiling, k: f.k, ptiNs, ptiLabel: f.ptiLabel, sdNs, sdTerm: f.sdTerm, sdLabel: f.sdLabel, overlap: f.overlap,
  };
  lastDerived.set(ctx, d);
  return d;
}

const pages = (bytes: number, page: number): number => Math.ceil(bytes / page);

function kernelEntries(d: Derived, a: Acc, syscalls: number): void {
  a.add('t_sys', 'kernel entry and exit (system call)', syscalls, d.p.t_sys);
  if (d.ptiNs > 0) a.add(d.m.pti === 'pti-pcid' ? 't_pti' : 't_pti_nopcid', d.ptiLabel, syscalls, d.ptiNs);
}

/**
 * One TLB flush event covering `n` pages: local invalidation (per page up to the ceiling, else a
 * full flush) plus, when other CPUs run the process, one shootdown. On x86 since ~5.13 the local
 * part runs while the IPIs are in flight, so only the part longer than the shootdown shows.
 */
function flushEvents(d: Derived, a: Acc, n: number, events: number): void {
  if (events <= 0) return;
  const perPage = n <= d.ceiling;
  const local = perPage ? n * d.p.c_invlpg : d.p.c_flush_full;
  const hidden = d.sdNs > 0 && d.overlap ? Math.min(local, d.sdNs) : 0;
  const visible = local - hidden;
  const note = hidden > 0 ? ' (partly hidden behind the shootdown)' : '';
  if (visible > 0) {
    if (perPage) a.add('c_invlpg', `per-page TLB invalidation${note}`, n * events, visible / n);
    else a.add('c_flush_full', `full TLB flush of this process${note}`, events, visible);
  }
  if (d.sdNs > 0) a.add(d.sdTerm, d.sdLabel, events, d.sdNs);
}

/**
 * First-touch faults over `bytes` of fresh memory. `newMapping`: the memory is a mapping made
 * for this call (an mmap, or malloc of a block above the mmap threshold), so its first fault
 * also pays t_fault_first (anon_vma, page table, the retry under the mmap lock); fresh heap
 * memory below the threshold extends a heap mapping that has all of that already.
 */
function pageFaults(d: Derived, a: Acc, bytes: number, newMapping: boolean, smallPages = pages(bytes, d.page)): void {
  const p = d.p;
  if (newMapping) a.add('t_fault_first', 'first fault of a new mapping (reverse-map setup, page table, retry under the mmap lock)', 1, p.t_fault_first);
  const small = smallPages;
  const ptiTerm = d.m.pti === 'pti-pcid' ? 't_pti' : 't_pti_nopcid';
  // With THP "always" a destination region that covers whole 2 MiB slots gets one huge-page
  // fault per slot instead of 512 small ones. Which happens depends on the region's placement,
  // so take the cheaper of the two: it keeps the cost non-decreasing in the size.
  if (d.m.thp === 'always' && d.page === 4096) {
    const huge = Math.ceil(bytes / d.slotBytes);
    if (huge * (p.t_fault2M + d.ptiNs) < small * (p.t_fault4k + d.ptiNs)) {
      a.add('t_fault2M', 'first-touch fault of a huge page (allocate and zero 2 MiB)', huge, p.t_fault2M);
      if (d.ptiNs > 0) a.add(ptiTerm, d.ptiLabel, huge, d.ptiNs);
      hostHugeFaults(d.p, d.m, a, bytes, d.k);
      return;
    }
  }
  a.add('t_fault4k', 'first-touch page fault (allocate and zero one page)', small, p.t_fault4k);
  if (d.ptiNs > 0) a.add(ptiTerm, d.ptiLabel, small, d.ptiNs);
  hostFaults(d.p, d.m, a, bytes, d.k);
}

/** Pages of a run of first-touch faults over `bytes` that the host must back anew (VM guests). */
export function hostFaultPages(p: Params, m: MachineFacts, bytes: number): number {
  if (!(p.c_fault_host > 0)) return 0;
  return Math.max(0, Math.ceil(bytes / m.pageSize) - (p.s_fault_pool * 1024 * 1024) / m.pageSize);
}

/** How much dearer a host-backed fault is while k other CPUs run the process (f_host_corun). */
export function hostCorun(p: Params, k: number): number {
  return k > 0 ? 1 + p.f_host_corun : 1;
}

/** Huge pages of a run of THP faults over `bytes` beyond the pool (VM guests). */
export function hostHugePages(p: Params, m: MachineFacts, bytes: number): number {
  if (!(p.t_fault2M_host > 0)) return 0;
  const slot = (m.pageSize * m.pageSize) / 8;
  return Math.max(0, Math.ceil(bytes / slot) - (p.s_fault_pool_huge * 1024 * 1024) / slot);
}

// Huge pages pay their own host term: our 2–16 MiB THP runs took ≈80 µs per huge page and the
// 64–256 MiB ones ≈210–235 µs, far less extra per byte than 4 KiB faults pay (c_fault_host).
function hostHugeFaults(p: Params, m: MachineFacts, a: Acc, bytes: number, k: number): void {
  a.add('t_fault2M_host', a.fast ? '' : () => `host backing fresh huge pages beyond the first ${+p.s_fault_pool_huge.toPrecision(3)} MiB (VM guest)${k > 0 && p.f_host_corun > 0 ? ', slowed by the other running CPUs' : ''}`, hostHugePages(p, m, bytes), p.t_fault2M_host * hostCorun(p, k));
}

function hostFaults(p: Params, m: MachineFacts, a: Acc, bytes: number, k: number): void {
  a.add('c_fault_host', a.fast ? '' : () => `host backing fresh memory beyond the first ${+p.s_fault_pool.toPrecision(3)} MiB (VM guest)${k > 0 && p.f_host_corun > 0 ? ', slowed by the other running CPUs' : ''}`, hostFaultPages(p, m, bytes), p.c_fault_host * hostCorun(p, k));
}

/** Reading a never-written source: one zero-page fault per page (MODEL-FACTS §1.7). */
function zeroPageFaults(d: Derived, a: Acc, bytes: number): void {
  const n = pages(bytes, d.page);
  a.add('t_fault0', 'first read of a never-written page (maps the zero page)', n, d.p.t_fault0);
  if (d.ptiNs > 0) a.add(d.m.pti === 'pti-pcid' ? 't_pti' : 't_pti_nopcid', d.ptiLabel, n, d.ptiNs);
}

type CopyLevel = 'L1' | 'L2' | 'L3' | 'mem';
const COPY_LEVELS: readonly CopyLevel[] = ['L1', 'L2', 'L3', 'mem'];
const COPY_BANDWIDTHS = ['B_L1', 'B_L2', 'B_L3', 'B_mem'] as const;

function copyLabel(d: Derived, level: number, share: number): string {
  const lvl = COPY_LEVELS[level]!;
  const where = lvl === 'mem' ? 'from main memory' : `in ${lvl} cache`;
  const part = share < 1 ? ` (${Math.round(share * 100)}% of the bytes: the copy straddles a cache size)` : '';
  return `copying bytes at ${+d.p[COPY_BANDWIDTHS[level]!].toPrecision(4)} GB/s (${where})${part}`;
}

/** Which cache level a copy of `bytes` mostly works in (source + destination = 2N). */
export function copyLevel(m: MachineFacts, bytes: number): CopyLevel {
  const shares = copyShares(m, bytes);
  let best = 0;
  for (let i = 1; i < shares.length; i++) if (shares[i]! > shares[best]!) best = i;
  return COPY_LEVELS[best]!;
}

/**
 * How the bytes of a copy split between the cache levels' speeds. A cache does not stop
 * holding a working set at one byte past its size: MODEL-FACTS §1.9 [M] has copies with a
 * working set 2N of 64 KiB–1 MiB at L2 speed (≈55 GB/s), exactly 2 MiB (= L2) at ≈32 GB/s, and
 * 4–32 MiB at L3 speed (≈15 GB/s). So around the L2 and L3 sizes S the time per byte moves
 * from the inner to the outer level linearly in log2(2N/S), from all inner at S/√2 to all outer
 * at 2S: a third beyond at S (1 MiB with 55 and 15 GB/s: 29 GB/s, vs ≈32 measured; an even
 * split would give 24).
 * The L1 steps sharply instead (v3), from all L1 at S to all L2 at √2·S: a copy that sweeps
 * the same 2N bytes again and again through a small cache with (pseudo-)LRU replacement hits
 * until 2N reaches the capacity and then misses on every line, while the large outer caches
 * (adaptive replacement, prefetchers) lose a working set gradually. At the 48 KiB L1: 2N = 32
 * KiB at 175–190 GB/s (§1.9), and in our sweep 2N = 48 KiB (a 24 KiB copy, 141 ns) still at
 * ≈175 GB/s, 2N = 64 KiB (32 KiB, 546–558 ns) already at the L2's ≈60 GB/s; the S/√2…2S law put
 * a third of the 24 KiB copy and 61% of the 32 KiB one beyond L1, and missed the first by 1.8×.
 * Returns the shares of L1, L2, L3 and memory (sum 1). `l3Share` scales the L3 size (f_l3: the
 * part of a reported L3 one copy really gets).
 */
export function copyShares(m: MachineFacts, bytes: number, l3Share = 1): [number, number, number, number] {
  const ws = 2 * bytes;
  const outerL1 = Math.min(1, Math.max(0, Math.log2(ws / m.caches.l1d) / 0.5));
  // Fraction of bytes beyond each cache; never more beyond an outer cache than an inner one.
  const w1 = outerL1;
  const w2 = Math.min(w1, beyondCache(ws, m.caches.l2));
  const w3 = Math.min(w2, beyondCache(ws, m.caches.l3 * l3Share));
  return [1 - w1, w1 - w2, w2 - w3, w3];
}

/** Share of a working set of `ws` bytes beyond an outer cache of `size` bytes (copyShares). */
function beyondCache(ws: number, size: number): number {
  return Math.min(1, Math.max(0, (Math.log2(ws / size) + 0.5) / 1.5));
}

/** Share of an L2 emptied by writing `bytes`: 0 up to L2/√2, 1 from twice the L2 (the copy law with the written bytes as the working set). */
function l2Evicted(m: MachineFacts, bytes: number): number {
  const [, , l3, mem] = copyShares(m, bytes / 2);
  return l3 + mem;
}

function copy(d: Derived, a: Acc, bytes: number, workingSet = 2 * bytes): void {
  a.add('t_call', 'calling memcpy', 1, d.p.t_call);
  // copyShares takes the bytes copied and counts source + destination as the working set.
  const shares = copyShares(d.m, Math.max(bytes, workingSet / 2), d.p.f_l3);
  for (let i = 0; i < shares.length; i++) {
    const share = shares[i]!;
    if (!(share > 0)) continue;
    const id = COPY_BANDWIDTHS[i]!;
    a.add(id, a.fast ? '' : () => copyLabel(d, i, share), bytes * share, 1 / d.p[id]);
  }
}

/**
 * Freeing `n` present pages in one call: c_unmap each, and on a VM guest c_unmap_host for each
 * page beyond the first s_unmap_pool (large batches go back to the host; slowed like host faults
 * while other CPUs run the process).
 */
function freePages(d: Derived, a: Acc, n: number): void {
  a.add('c_unmap', 'unmapping and freeing one page', n, d.p.c_unmap);
  if (!(d.p.c_unmap_host > 0)) return;
  const beyond = Math.max(0, n - (d.p.s_unmap_pool * 1024 * 1024) / d.page);
  a.add('c_unmap_host', a.fast ? '' : () => `freeing pages beyond the first ${+d.p.s_unmap_pool.toPrecision(3)} MiB of one call (VM guest)`, beyond, d.p.c_unmap_host * hostCorun(d.p, d.k));
}

function munmapWork(d: Derived, a: Acc, bytes: number, untouched = false, slotLeadPages = 0): void {
  a.add('t_unmap0', 'unmapping a range (fixed part)', 1, d.p.t_unmap0);
  if (untouched) return; // no pages, no page tables, nothing to flush
  const n = pages(bytes, d.page);
  freePages(d, a, n);
  // One batched flush of the range (tlb_finish_mmu → flush_tlb_mm_range), per page up to the
  // ceiling like any other (MODEL-FACTS §1.5; Appendix A munmap 64 KiB 4.2–4.7 µs vs 1.6–1.8 µs
  // for one page ⇒ ≈0.17 µs per page over 15 pages, c_unmap + c_invlpg). Unmapping frees page
  // tables, so the shootdown reaches every CPU in the mask, lazy ones too.
  flushEvents(d, a, n + Math.max(0, Math.floor(slotLeadPages)), 1);
}

// ---------------------------------------------------------------------------------------------
// mremap (MODEL-FACTS §2.1)

type MremapOp = Extract<Operation, { kind: 'mremap' }>;

function resolveAlignment(d: Derived, op: MremapOp, movedBytes: number): Exclude<Alignment, 'auto'> {
  const al = op.alignment ?? 'auto';
  if (al !== 'auto') return al;
  if (op.fixed && op.fixed !== 'none') return 'misaligned';
  // The kernel picks the destination. 6.7–6.11 THP-align every anonymous mapping ≥ 2 MiB; from
  // 6.12 only lengths that are multiples of 2 MiB (efa7df3e3bb5, d4148aeab412).
  if (d.m.thp === 'never' || movedBytes < d.slotBytes || !kernelAtLeast(d.m.kernel, 6, 7)) return 'misaligned';
  if (!kernelAtLeast(d.m.kernel, 6, 12)) return 'pmd';
  return op.lengthsPmdMultiple ? 'pmd' : 'misaligned';
}

function mremapMode(op: MremapOp): NonNullable<MremapOp['mode']> {
  const mode = op.mode ?? 'auto';
  if (mode !== 'auto') return mode;
  const fixed = op.fixed && op.fixed !== 'none';
  if (fixed || op.dontunmap) return 'move';
  if (op.newBytes === op.oldBytes) return 'no-resize';
  if (op.newBytes < op.oldBytes) return 'shrink';
  return op.maymove === false ? 'grow-enomem' : 'move';
}

function mremap(d: Derived, a: Acc, op: MremapOp, as: string[]): string {
  const p = d.p;
  const A = checkBytes(op.oldBytes, 'old size');
  const B = checkBytes(op.newBytes, 'new size');
  let mode = mremapMode(op);
  if (op.dontunmap && A !== B) throw new ModelInputError('MREMAP_DONTUNMAP needs old size == new size (the kernel returns EINVAL)');
  kernelEntries(d, a, 1);
  a.add('t_lock', 'taking the address-space lock', 1, p.t_lock);
  const pa = pages(A, d.page);
  const pb = pages(B, d.page);
  if (mode === 'shrink' && pb >= pa) mode = 'no-resize';
  if (mode === 'no-resize') return 'no resize: nothing to do after the lookup';
  if (mode === 'shrink') {
    const freed = pa - pb;
    a.add('t_unmap0', 'unmapping the tail (fixed part)', 1, p.t_unmap0);
    if (op.untouched) {
      as.push('the tail was never written: there are no pages to free');
      return 'shrink in place: the tail is unmapped';
    }
    freePages(d, a, freed);
    flushEvents(d, a, freed, 1);
    as.push('the shrunk tail was written (its pages are freed)');
    return 'shrink in place: the tail is unmapped';
  }
  if (mode === 'grow-inplace') {
    a.add('t_vma_grow', 'enlarging the mapping in place', 1, p.t_vma_grow);
    // Appendix A [M]: the grow of a written buffer gets dearer with its size (≈1.2 ns/page) and
    // levels off at ≈10 µs, although vma_merge_extend() does no per-page work: writing the
    // buffer has emptied the caches the kernel then misses in (an untouched mapping grows in a
    // flat ≈0.5 µs; see c_grow). A smooth saturation, cap·(1 − e^(−pages·c_grow/cap)).
    const rise = p.t_grow_cap > 0 && !op.untouched ? p.t_grow_cap * -Math.expm1((-pa * p.c_grow) / p.t_grow_cap) : 0;
    a.add('c_grow', a.fast ? '' : () => `cold caches after writing the buffer (${pa} pages × c_grow, levelling off at t_grow_cap)`, 1, rise);
    // Our sweep: the rise is not smooth around the L2 size. 1 MiB written adds ≈0.1 µs, 2 MiB
    // ≈0.6 µs, 4 MiB ≈1.4 µs, 8 MiB ≈2.0 µs: once the writes no longer fit in L2, what the grow
    // needs (VMA tree, mm, its code) comes from L3. Paid in the share of the written bytes
    // beyond the L2 (the same cache transition as a copy's, with the N bytes written as the
    // working set), so the step is as sharp as the copy speed's step at that size.
    const l2 = !op.untouched && p.t_grow_l2 > 0 ? p.t_grow_l2 * l2Evicted(d.m, A) : 0;
    a.add('t_grow_l2', 'the grow misses in L2: writing the buffer evicted it', 1, l2);
    if (rise > 0) as.push('the buffer was written just before: the grow runs with caches emptied by those writes');
    as.push('the address range after the mapping is free, so it grows in place (new pages fault in later, when touched)');
    return 'grow in place: no page-table work, no flush';
  }
  if (mode === 'grow-enomem') {
    a.add('t_enomem', 'failed in-place grow (ENOMEM)', 1, p.t_enomem);
    as.push('no MREMAP_MAYMOVE and the range after the mapping is taken: the call fails with ENOMEM');
    return 'grow without MREMAP_MAYMOVE: fails with ENOMEM';
  }
  // Move.
  a.add('t_vma_move', 'bookkeeping of the move (new mapping, old one removed)', 1, p.t_vma_move);
  // move_page_tables() looks up every slot of the range, mapped or not.
  a.add('c_slot', 'walking the page-table slots of the moved range', Math.ceil(pa / d.slotPages), p.c_slot);
  if (op.fixed === 'populated') {
    as.push('MREMAP_FIXED target held live pages: they are unmapped first');
    munmapWork(d, a, B);
  }
  if (op.untouched) {
    as.push('the buffer was never written: no page-table entries exist, so nothing moves and nothing is flushed');
    return `move (${A === B ? 'same size' : 'grow'}, nothing resident)`;
  }
  const align = resolveAlignment(d, op, A);
  // With THP "always", written anonymous memory is backed by huge pages in every whole 2 MiB slot.
  const thp = (op.thpSource ?? d.m.thp === 'always') && d.page === 4096 && pa >= d.slotPages;
  if (thp) as.push('the buffer is backed by transparent huge pages (THP "always")');
  movePages(d, a, pa, align, thp, as, op.slotOffsets);
  const freed = op.tablesFreed ?? pa >= d.slotPages;
  if (freed && !op.dontunmap) {
    // MODEL-FACTS §1.2 [M]: a 1-page move from an isolated source (its page table is freed)
    // took 3.5–4.0 µs against 2.0–2.2 µs with a neighbour keeping the table. §2.1 charges only
    // the shootdown for it, so the built-ins keep t_ptfree at 0; calibration measures it.
    a.add('t_ptfree', 'freeing the old page tables', 1, p.t_ptfree);
    if (d.sdNs > 0) a.add(d.sdTerm, 'one more shootdown: the old page tables are freed', 1, d.sdNs);
  }
  if (op.dontunmap) as.push('MREMAP_DONTUNMAP: the old range stays mapped but empty');
  as.push('all pages of the buffer were written (resident); untouched pages would cost nothing to move');
  if (a.fast) return 'move';
  return `move (${A === B ? 'same size' : 'grow'}, ${align === 'misaligned' ? 'entry by entry' : align === 'pmd' ? 'whole page tables' : 'whole 1 GiB tables'})`;
}

/**
 * `count` extents of `n` pages moved entry by entry: one flush each (flush_tlb_range under the
 * page-table locks, 4.19+); before 4.18 (LATENCY_LIMIT) one every 64 pages instead.
 */
function flushExtents(d: Derived, a: Acc, n: number, count: number): void {
  if (count <= 0 || n <= 0) return;
  if (kernelAtLeast(d.m.kernel, 4, 18) || n <= 64) {
    flushEvents(d, a, n, count);
    return;
  }
  const whole = Math.floor(n / 64);
  flushEvents(d, a, 64, whole * count);
  if (n > whole * 64) flushEvents(d, a, n - whole * 64, count);
}

/** Page-table work and flushes of moving `pa` resident pages (source starts on a slot boundary). */
function movePages(d: Derived, a: Acc, pa: number, align: Exclude<Alignment, 'auto'>, thp: boolean, as: string[], offsets?: { source: number; destination: number }): void {
  const p = d.p;
  const S = d.slotPages;
  const pud = align === 'pud' && kernelAtLeast(d.m.kernel, 5, 11) && d.page === 4096;
  const pmdOk = d.m.arch === 'arm64' ? kernelAtLeast(d.m.kernel, 5, 10) : kernelAtLeast(d.m.kernel, 5, 0);
  let rest = pa;
  if (pud) {
    const pudPages = S * S;
    const units = Math.floor(rest / pudPages);
    if (units > 0) {
      a.add('c_pud', 'moving a whole 1 GiB page-table level', units, p.c_pud);
      a.add('c_flush_full', 'full TLB flush of this process', units, p.c_flush_full);
      if (d.sdNs > 0) a.add(d.sdTerm, d.sdLabel, units, d.sdNs);
      as.push('source and destination are 1 GiB-aligned to each other: whole 1 GiB tables move');
      rest -= units * pudPages;
    }
  }
  if ((align === 'pmd' || align === 'pud') && pmdOk) {
    const full = Math.floor(rest / S);
    if (full > 0) {
      // move_normal_pmd()/move_huge_pmd() flush the slot's 2 MiB once, on every kernel: the
      // local flush is part of c_pmd/c_thp (model v5), the shootdown is not. Our EPYC guest moved
      // aligned slots in 0.55 µs each with their flush, where its full flush of a misaligned
      // extent costs 1.3 µs alone: the flush after a whole-table move is not that full flush.
      if (thp) a.add('c_thp', 'moving a transparent huge page whole, with its flush', full, p.c_thp);
      else a.add('c_pmd', 'moving a whole page table (2 MiB worth of entries), with its flush', full, p.c_pmd);
      if (d.sdNs > 0) a.add(d.sdTerm, d.sdLabel, full, d.sdNs);
      rest -= full * S;
    }
    if (align === 'pmd') as.push('source and destination are 2 MiB-aligned to each other: whole page tables move');
    a.add('c_pte', 'moving one page-table entry', rest, p.c_pte);
    flushExtents(d, a, rest, 1);
    return;
  }
  if (align !== 'misaligned') as.push(`this kernel (${d.m.kernel}) cannot move whole page tables: entries move one by one`);
  else as.push('source and destination are not 2 MiB-aligned to each other: page-table entries move one by one');
  if (thp) {
    const splits = Math.floor(rest / S);
    a.add('c_split', 'splitting a transparent huge page', splits, p.c_split);
    // Splitting invalidates the huge PMD and flushes its 2 MiB (pmdp_invalidate →
    // flush_pmd_tlb_range): one more flush event per split, a shootdown when other CPUs run the
    // process (our 2–4 MiB THP moves with a spinner: 100 and 151 µs, 63 and 112 µs without it).
    flushEvents(d, a, S, splits);
  }
  a.add('c_pte', 'moving one page-table entry', rest, p.c_pte);
  // Each extent ends at the next source OR destination slot boundary (get_extent): with the
  // destination half a slot off, extents are S/2 pages; aligned addresses give whole slots.
  if (align === 'misaligned' && offsets) {
    for (const [len, count] of moveExtents(rest, offsets.source, offsets.destination, S)) flushExtents(d, a, len, count);
    return;
  }
  const ext = align === 'misaligned' ? S / 2 : S;
  const full = Math.floor(rest / ext);
  flushExtents(d, a, ext, full);
  flushExtents(d, a, rest - full * ext, 1);
}

/** Where page `x` lies in its slot of `S` pages. */
function slotOffset(x: number, S: number): number {
  return ((Math.floor(x) % S) + S) % S;
}

/**
 * The extents get_extent() cuts a move of `n` pages into when the source starts `src` pages
 * and the destination `dst` pages into their slots of `S` pages: each extent ends at the next
 * source or destination slot boundary. Returned as [length, count] pairs (closed form: after
 * the first cut the pattern repeats every slot, so 1 TiB moves cost no more to count).
 * Example: 512 pages from +1 to +3 pages → 509, 2, 1 (three flushes; a half-slot guess says two).
 */
export function moveExtents(n: number, src: number, dst: number, S: number): [number, number][] {
  if (!(n > 0)) return [];
  const c1 = S - slotOffset(src, S); // first source boundary, 1..S pages in
  const d1 = S - slotOffset(dst, S);
  const x = Math.min(c1, d1);
  if (n <= x) return [[n, 1]];
  const out: [number, number][] = [[x, 1]];
  const g = Math.max(c1, d1) - x; // distance to the other boundary (0: the cuts coincide)
  const r = n - x;
  const q = Math.floor(r / S);
  const rem = r - q * S;
  if (g === 0) {
    if (q > 0) out.push([S, q]);
    if (rem > 0) out.push([rem, 1]);
    return out;
  }
  if (q > 0) out.push([g, q], [S - g, q]);
  if (rem > 0) {
    if (rem <= g) out.push([rem, 1]);
    else out.push([g, 1], [rem - g, 1]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Allocator paths (MODEL-FACTS §1.10, §1.11, §2.3)

function threshold(ctx: ModelContext, alloc: Allocator): number {
  return alloc === 'musl' ? MUSL_MMAP_THRESHOLD : ctx.glibcMmapThreshold;
}

function mallocCopyFree(d: Derived, a: Acc, A: number, B: number, alloc: Allocator, as: string[], untouched = false, heapGrows = false): string {
  const thr = threshold(d.ctx, alloc);
  const copied = Math.min(A, B);
  const bigNew = B >= thr;
  let fresh: boolean;
  if (bigNew && alloc !== 'copying') {
    kernelEntries(d, a, 1);
    a.add('t_mmap', 'creating a new mapping (mmap)', 1, d.p.t_mmap);
    fresh = true;
  } else {
    a.add('t_heap_alloc', 'malloc from the heap', 1, d.p.t_heap_alloc);
    if (heapGrows && !bigNew && alloc === 'glibc') {
      kernelEntries(d, a, 1);
      a.add('t_brk', 'growing the heap with brk (the block does not fit the top of the heap)', 1, d.p.t_brk);
      as.push('the top of the heap is too small for the new block: malloc extends the heap with brk first');
    }
    fresh = bigNew || d.ctx.heapDestination === 'fresh';
  }
  copy(d, a, copied);
  if (untouched) zeroPageFaults(d, a, copied);
  // Only the glibc/musl mmap path hands out a mapping made for this block. A fresh block carved
  // from the heap starts on a page its neighbour already touched: the copy faults the pages it
  // fills beyond that one, and the allocator's header at the block's end one more once the
  // block reaches half a page (medians, as the harness reports them: 256 → 512 bytes 50 ns,
  // 4 → 8 KiB two faults, 16 → 32 KiB five).
  // A big block of a copying allocator comes from its own mapped arena: whole pages, as a mapping.
  const mapped = bigNew && alloc !== 'copying';
  if (fresh) pageFaults(d, a, copied, mapped, bigNew ? undefined : Math.floor(copied / d.page) + (B >= d.page / 2 ? 1 : 0));
  as.push(fresh ? 'the new block is fresh memory: each page faults on first write' : 'the new block reuses memory already faulted in');
  if (A >= thr && alloc !== 'copying') {
    kernelEntries(d, a, 1);
    munmapWork(d, a, A, untouched);
    return 'malloc + memcpy + free (old block is mmapped: free unmaps it)';
  }
  a.add('t_heap_free', 'free to the heap', 1, d.p.t_heap_free);
  return 'malloc + memcpy + free';
}

function realloc(d: Derived, a: Acc, op: Extract<Operation, { kind: 'realloc' }>, as: string[]): string {
  const A = checkBytes(op.oldBytes, 'old size');
  const B = checkBytes(op.newBytes, 'new size');
  const alloc = op.allocator ?? d.ctx.allocator;
  const thr = threshold(d.ctx, alloc);
  if (op.inPlace) {
    a.add('t_libc', 'allocator bookkeeping of one realloc', 1, d.p.t_libc);
    as.push('the block can grow in place (free space right after it)');
    // The new top chunk's header goes at the block's new end: on a page nothing has touched
    // when it lies beyond the last page the block filled, which half the time or more is so
    // once it grows by half a page (a median, as the harness reports: 1000 → 2000 bytes took
    // 60 ns, 4 → 8 KiB 1.26 µs). No t_fault_first: the heap mapping has all of that already.
    if (op.topPageFault && B - A >= d.page / 2) {
      pageFaults(d, a, d.page, false);
      as.push('the new top-of-heap header goes on a page never touched before: one first-touch fault');
    }
    return `${alloc}: resized in place`;
  }
  if (alloc === 'copying') {
    as.push('jemalloc/mimalloc-style allocator: realloc copies, never remaps pages');
    return `copying allocator: ${mallocCopyFree(d, a, A, B, alloc, as, op.untouched)}`;
  }
  const mmapped = A >= thr;
  const hdr = alloc === 'glibc' ? GLIBC_MMAP_HEADER : 0;
  if (mmapped && (alloc === 'glibc' || B >= thr)) {
    if (!a.fast) as.push(`the block is mmapped (${formatBytes(A)} ≥ the ${alloc} mmap threshold of ${formatBytes(thr)})`);
    if (pages(A + hdr, d.page) === pages(B + hdr, d.page)) {
      a.add('t_fast', 'realloc that needs no work (same page count)', 1, d.p.t_fast);
      return `${alloc}: mmapped block, same number of pages: no system call`;
    }
    a.add('t_libc', 'allocator bookkeeping of one realloc', 1, d.p.t_libc);
    const sub = mremap(d, a, {
      // Capped so the 16-byte header never pushes a 2^48-byte request over the size limit.
      kind: 'mremap', oldBytes: Math.min(A + hdr, MAX_BYTES), newBytes: Math.min(B + hdr, MAX_BYTES), maymove: true, untouched: op.untouched ?? false,
      // The chunk length includes glibc's header, so it is never a multiple of 2 MiB.
      lengthsPmdMultiple: hdr === 0 && A % d.slotBytes === 0 && B % d.slotBytes === 0,
      ...(op.slotOffsets ? { slotOffsets: op.slotOffsets, alignment: 'misaligned' as const } : {}),
    }, as);
    if (B > A) as.push('the space after the block is taken (top-down placement), so mremap moves it');
    return a.fast ? sub : `${alloc}: mmapped block → mremap(MREMAP_MAYMOVE): ${sub}`;
  }
  // glibc heap chunks are 16-byte granular with an 8-byte size word: a request still fits if it
  // is within the chunk's usable size (malloc.c checks the slack against two size words).
  const usable = alloc === 'glibc' ? Math.max(24, Math.ceil((A + 8) / 16) * 16 - 8) : A;
  if (B > A && B <= usable) {
    a.add('t_fast', 'realloc that needs no work (fits in the block)', 1, d.p.t_fast);
    return `${alloc}: still fits in the heap block`;
  }
  if (B <= A) {
    a.add('t_heap_free', 'splitting off the freed tail', 1, d.p.t_heap_free);
    return `${alloc}: heap block shrinks in place`;
  }
  if (!a.fast) as.push(`the block is on the heap (below the ${alloc} mmap threshold of ${formatBytes(thr)}) and cannot grow in place`);
  const copied = mallocCopyFree(d, a, A, B, alloc, as, op.untouched);
  return a.fast ? copied : `${alloc}: heap block copied: ${copied}`;
}

// ---------------------------------------------------------------------------------------------

function run(p: Params, ctx: ModelContext, op: Operation, a: Acc, as: string[]): string {
  const d = derive(p, ctx);
  switch (op.kind) {
    case 'mremap':
      return mremap(d, a, op, as);
    case 'memcpy': {
      const n = checkBytes(op.bytes);
      copy(d, a, n, op.workingSetBytes);
      if (op.untouched) {
        zeroPageFaults(d, a, n);
        as.push('the source was never written: reading it maps the zero page, one fault per page');
      }
      if (op.destination === 'fresh') {
        pageFaults(d, a, n, op.newMapping ?? true);
        as.push('the destination is fresh memory: each page faults on first write');
        return 'memcpy into fresh memory';
      }
      as.push('the destination is already faulted in');
      return 'memcpy into memory already in use';
    }
    case 'munmap': {
      const n = checkBytes(op.bytes);
      kernelEntries(d, a, 1);
      munmapWork(d, a, n, op.untouched, op.slotLeadPages ?? 0);
      as.push(op.untouched ? 'the range was never written: no pages to free' : 'all pages of the range were written');
      return 'munmap of a populated range';
    }
    case 'malloc-copy-free': {
      const A = checkBytes(op.oldBytes, 'old size');
      const B = checkBytes(op.newBytes, 'new size');
      return mallocCopyFree(d, a, A, B, ctx.allocator, as, op.untouched, op.heapGrows);
    }
    case 'realloc':
      return realloc(d, a, op, as);
    default:
      throw new ModelInputError(`unknown operation kind ${JSON.stringify((op as { kind: unknown }).kind)}`);
  }
}

function contextAssumptions(ctx: ModelContext, d: { k: number }): string[] {
  const m = ctx.machine;
  const out: string[] = [];
  out.push(
    ctx.threads <= 1
      ? 'single-threaded: no other CPU runs this process, so TLB flushes stay local'
      : `${ctx.threads} threads running on distinct CPUs: every flush reaches ${d.k} other CPU${d.k === 1 ? '' : 's'}${ctx.threads - 1 > d.k ? ` (capped by the ${m.cpus} CPUs)` : ''}`,
  );
  out.push(
    `${m.arch}${m.hypervisor ? ' VM guest' : ''}, Linux ${m.kernel}, ${m.pageSize / 1024} KiB pages, THP ${m.thp}, ${m.pti === 'off' ? 'no page-table isolation' : m.pti}`,
  );
  return out;
}

/** Estimate one operation. Pure: same inputs, same output. Throws ModelInputError on bad input. */
export function estimateOp(params: Params, ctx: ModelContext, op: Operation, opName?: string): Estimate {
  const a = new Acc(false);
  const as: string[] = [];
  const path = run(params, ctx, op, a, as);
  const total = a.total;
  if (!(total > 0) || !Number.isFinite(total)) {
    throw new ModelInputError(`the model produced no finite cost for ${op.kind}; check the profile's parameters`);
  }
  for (const t of a.terms) t.share = t.ns / total;
  const k = Math.max(0, Math.min(ctx.threads - 1, ctx.machine.cpus - 1));
  if (k > 0 && ctx.machine.arch === 'x86-64' && kernelAtLeast(ctx.machine.kernel, 5, 13) && a.terms.some((t) => t.term === 'T_sd' || t.term === 'a_bcast')) {
    as.push('the local TLB flush runs while the other CPUs are interrupted (Linux ≥5.13), so only the longer of the two counts');
  }
  return {
    op: opName ?? op.kind, ns: total, breakdown: a.terms,
    assumptions: [...contextAssumptions(ctx, { k }), ...dedupe(as)], path,
  };
}

/** Total only, no breakdown: for the crossover search. */
export function estimateNs(params: Params, ctx: ModelContext, op: Operation): number {
  // One accumulator and one assumption list for every call (a fit makes ~5·10⁵ of them, and
  // allocating both each time was a tenth of its time in the garbage collector): run() never
  // calls estimateNs, so nothing else uses them meanwhile.
  const a = FAST_ACC;
  a.total = 0;
  try {
    run(params, ctx, op, a, UNREAD);
  } finally {
    UNREAD.length = 0;
  }
  return a.total;
}

const FAST_ACC = new Acc(true);
const UNREAD: string[] = [];

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
