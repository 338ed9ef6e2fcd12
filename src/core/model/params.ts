// THE PARAMETER TABLE. Every number the cost model uses lives here, once, with its unit, a
// default per built-in profile, a plausible range, and where it comes from (MODEL-FACTS.md
// section and tag). To change a default: edit the `defaults` of one row below, run
// `npx mocha 'test/unit/model/**/*.test.ts'` (the published-figure checks must still pass),
// and bump MODEL_VERSION in ./version.ts if the change alters results users may have saved.
//
// Tags: [S] from a named source, [M] measured by us (Appendix A, a 2-vCPU KVM guest),
// [E] our estimate. Durations are nanoseconds; bandwidths GB/s (= bytes per ns).

export type BuiltinProfileName = 'x86-64' | 'x86-64-vm' | 'arm64';
export const BUILTIN_PROFILE_NAMES: readonly BuiltinProfileName[] = ['x86-64', 'x86-64-vm', 'arm64'];

export type ParamUnit = 'ns' | 'ns/page' | 'pages' | 'GB/s' | 'MiB' | 'share';
export type SourceTag = 'S' | 'M' | 'E' | 'S/M' | 'M/E' | 'S/E' | 'E/M';

export interface ParamDef {
  id: string;
  unit: ParamUnit;
  /** Plain words, as a hover shows them. */
  label: string;
  /** What the term stands for and when it is paid. */
  doc: string;
  defaults: Record<BuiltinProfileName, number>;
  /**
   * Range across real machines (bare metal to slow VM guests): calibration fits within it, and a
   * calibrated value outside it is accepted with a warning. Issue 12: ranges that spanned one
   * machine left a guest with page-table isolation at their edges.
   */
  range: [number, number];
  /** Where the range's ends come from (docs/MODEL.md, "Parameters"). */
  rangeSource: string;
  /** Hard limits: a profile value outside them is rejected as a mistake (wrong unit, typo). */
  limits: [number, number];
  tag: SourceTag;
  /** Citation, MODEL-FACTS.md section first. */
  source: string;
  /** True when `pagecost calibrate` fits it from measurements. */
  calibratable: boolean;
}

const same = (v: number): Record<BuiltinProfileName, number> => ({ 'x86-64': v, 'x86-64-vm': v, arm64: v });

export const PARAMS = [
  {
    id: 't_sys', unit: 'ns', label: 'kernel entry and exit (one system call)',
    doc: 'Fixed cost of entering and leaving the kernel once, without page-table isolation.',
    defaults: { 'x86-64': 100, 'x86-64-vm': 80, arm64: 100 }, range: [50, 3000], rangeSource: 'bare metal without mitigations ≈50–80 ns (MODEL-FACTS §1.1: 77–86 ns in a Xeon guest); a Skylake with KPTI ≈300 ns (blog.i0.pm, "what a syscall actually costs you"); the issue-12 EPYC guest with PTI 1.0–1.1 µs; 3 µs leaves room for nested guests and PTI without PCID (Gregg 2018: KPTI without PCID up to 8× in syscall-bound loops)', limits: [1, 100_000],
    tag: 'S/M', source: 'MODEL-FACTS §1.1: getppid 77–86 ns [M]; FreeBSD D13985 339 ns on Haswell [S]', calibratable: true,
  },
  {
    id: 't_pti', unit: 'ns', label: 'extra kernel entry cost of page-table isolation (with PCID)',
    doc: 'Added to every kernel entry (syscall or page fault) when Meltdown mitigation PTI is on and the CPU has PCID.',
    defaults: same(150), range: [20, 2000], rangeSource: 'FreeBSD D13985 +140 ns with PCID on Haswell (MODEL-FACTS §1.1); a guest with PTI (issue 12) pays ≈1 µs per getppid in all, so up to 2 µs of it', limits: [0, 100_000],
    tag: 'S', source: 'MODEL-FACTS §1.1: FreeBSD D13985, PTI+PCID adds ~140 ns per getppid', calibratable: true,
  },
  {
    id: 't_pti_nopcid', unit: 'ns', label: 'extra kernel entry cost of page-table isolation (no PCID)',
    doc: 'Used instead of t_pti when PTI is on but the CPU lacks PCID (or the kernel is older than 4.14): every entry flushes the TLB.',
    defaults: same(400), range: [100, 5000], rangeSource: 'without PCID every entry flushes the TLB: ≥0.5 µs (MODEL-FACTS §1.1 [E]), several µs in guests', limits: [0, 100_000],
    tag: 'E', source: 'MODEL-FACTS §1.1: t_sys ≥0.5 µs with PTI and no PCID [E]; Gregg 2018 [S]', calibratable: true,
  },
  {
    id: 't_lock', unit: 'ns', label: 'taking the address-space lock',
    doc: 'Uncontended mmap write lock of a moving or resizing mremap.',
    defaults: same(30), range: [5, 1000], rangeSource: 'MODEL-FACTS §2.4: an uncontended lock [E]', limits: [0, 1_000_000],
    tag: 'E', source: 'MODEL-FACTS §2.4 t_lock [E]', calibratable: false,
  },
  {
    id: 't_vma_move', unit: 'ns', label: 'bookkeeping of a moving mremap (new mapping, old one removed)',
    doc: 'Fixed work of move_vma(): create the destination VMA, unmap the source VMA. Intercept of the move-time regression.',
    defaults: same(2000), range: [300, 20000], rangeSource: 'the fixed part of a move: 2.0–2.2 µs on the MODEL-FACTS Xeon guest, 2.1 µs for a never-written move on our EPYC guest, 2.5–3.5 µs on the issue-12 guest with PTI (system call included); down to a few hundred ns on fast bare metal, up to 20 µs for nested guests', limits: [10, 1_000_000],
    tag: 'M/E', source: 'MODEL-FACTS §1.2: 1-page move 2.0–2.2 µs [M]', calibratable: true,
  },
  {
    id: 't_vma_grow', unit: 'ns', label: 'enlarging a mapping in place',
    doc: 'vma_merge_extend() when the address space after the mapping is free: no page-table work, no flush.',
    defaults: same(600), range: [100, 10000], rangeSource: 'in-place grow 0.45–0.9 µs (MODEL-FACTS §1.2), 1.3 µs on our EPYC guest; a tenth of that to ten times as wide', limits: [10, 1_000_000],
    tag: 'M', source: 'MODEL-FACTS §1.2: in-place grow 0.45–0.9 µs [M] including entry and lock (≈0.13 µs), so 0.3–0.8 µs for this term', calibratable: true,
  },
  {
    id: 'c_grow', unit: 'ns/page', label: 'enlarging a mapping in place (per page it already has)',
    doc: 'Size-dependent part of an in-place grow of a written buffer, per page of the old mapping, levelling off at t_grow_cap. vma_merge_extend() itself does no page-table work, yet Appendix A measured the grow rising from ≈0.5–1 µs (≤1 MiB) to 1.3–1.5 µs at 2 MiB and 4.6–6.1 µs at 16 MiB: ≈1.2 ns per page. Our check (issue 4, docs/measurements/grow-inplace-cold.*): an untouched mapping grows in a flat 0.5–0.7 µs at 1–64 MiB, the same mapping just written takes 4.5–5.3 µs (16 MiB) and 8.0–9.2 µs (64 MiB), and a 1 MiB one 6.1–6.4 µs after 64 MiB were written elsewhere: the grow runs with caches emptied by the writes before it, so the term is a cold-cache cost, paid only by written buffers.',
    defaults: same(1.2), range: [0.05, 20], rangeSource: 'Appendix A: ≈1.2 ns per page; 0.5 ns fitted on our Xeon run; ×20 either way for caches and guests', limits: [0, 1000],
    tag: 'M', source: 'MODEL-FACTS Appendix A grow in place 1T: 2 MiB 1.3–1.5 µs, 16 MiB 4.6–6.1 µs ⇒ (t − 0.73 µs)/pages ≈ 1.1–1.3 ns/page [M]', calibratable: true,
  },
  {
    id: 't_grow_cap', unit: 'ns', label: 'ceiling of the size-dependent part of an in-place grow',
    doc: 'The per-page part of an in-place grow stops rising: Appendix A measured 11–13 µs at 256 MiB and 8–13 µs at 1 GiB (§1.2: 8–15 µs at 64 MiB–1 GiB), so min(pages·c_grow, t_grow_cap) is added to t_vma_grow.',
    defaults: same(10_000), range: [1000, 100000], rangeSource: 'Appendix A: 8–15 µs at 64 MiB–1 GiB; 18 µs at 16 MiB on our EPYC guest', limits: [0, 10_000_000],
    tag: 'M', source: 'MODEL-FACTS §1.2: in-place grow 8–15 µs at 64 MiB–1 GiB; Appendix A 256 MiB 11–13 µs, 1 GiB 8–13 µs [M]', calibratable: true,
  },
  {
    id: 't_grow_l2', unit: 'ns', label: 'in-place grow after the buffer\'s writes emptied the L2 cache',
    doc: 'Added to the in-place grow of a written buffer in the share of its bytes beyond the L2 size (0 while the buffer fits in half of L2, all of it from twice the L2 size, the transition of the copy speeds): the grow\'s own data and code then come from L3. The smooth c_grow rise misses this step at the L2 size. Not in MODEL-FACTS, so 0 in the built-ins (Appendix A\'s grow column is reproduced without it); calibration measures it.',
    defaults: same(0), range: [0, 20000], rangeSource: 'our Xeon sweep: ≈2 µs at 8 MiB; up to ten times that on slow guests', limits: [0, 1_000_000],
    tag: 'M', source: 'our sweep (docs/measurements/2026-11-25-full.json, 2 MiB L2): in-place grow 1 MiB 0.52 µs, 2 MiB 0.99 µs, 4 MiB 1.85 µs, 8 MiB 2.44 µs (one thread; 0.56 / 1.34 / 2.45 / 2.88 µs with a spinner), ≈0.42 µs below 1 MiB', calibratable: true,
  },
  {
    id: 't_ptfree', unit: 'ns', label: 'freeing the page tables a moved mapping leaves behind',
    doc: 'Paid once by a move whose source was alone in its page tables (MREMAP_FIXED from an isolated mapping, or moves of whole slots): free_pgtables() and its flush. MODEL-FACTS §2.1 charges only a shootdown for this and its S1 crossover assumes a neighbour keeps the table, so the built-ins use 0; §1.2 measured ≈1.5 µs, which calibration recovers.',
    defaults: same(0), range: [0, 20000], rangeSource: 'MODEL-FACTS §1.2: ≈1.5 µs (isolated move 3.5–4.0 µs against 2.0–2.2 µs); our EPYC probe: freeing 1.0 µs, allocating the target 1.0 µs (docs/measurements/2026-12-06-mremap-move-states.txt); guests with PTI several times that', limits: [0, 1_000_000],
    tag: 'M', source: 'MODEL-FACTS §1.2: 1-page move, isolated source (page table freed) 3.5–4.0 µs vs 2.0–2.2 µs with a neighbour [M]; default 0 keeps §2.1 and §3 S1', calibratable: true,
  },
  {
    id: 'c_slot', unit: 'ns', label: 'walking one 2 MiB slot of a moved range',
    doc: 'Per page-table slot (2 MiB for 4 KiB pages) that a moving mremap walks, whether or not anything is mapped there: move_page_tables() looks up the source and destination tables of every extent. Not in MODEL-FACTS, so 0 in the built-ins; a never-written move grew from 2.3 µs (up to 2 MiB) to 20.6 µs at 256 MiB on our EPYC guest (≈0.14 µs per slot).',
    defaults: same(0), range: [0, 5000], rangeSource: 'our EPYC guest: ≈140 ns per slot for a never-written move (docs/measurements); up to µs in slow guests', limits: [0, 1_000_000],
    tag: 'M', source: 'our EPYC guest, harness protocol 2 (mremap-move-untouched): 2.3 µs for 4 KiB–2 MiB, 3.5 µs at 16 MiB, 11.3 µs at 128 MiB, 20.6 µs at 256 MiB', calibratable: true,
  },
  {
    id: 't_enomem', unit: 'ns', label: 'failed in-place grow (ENOMEM without MREMAP_MAYMOVE)',
    doc: 'Lookup and failure path of a grow that cannot happen in place and may not move.',
    defaults: same(300), range: [100, 5000], rangeSource: 'a failed lookup: a system call\'s order of magnitude', limits: [10, 1_000_000],
    tag: 'E', source: 'MODEL-FACTS §1.2 t_enomem [E]', calibratable: true,
  },
  {
    id: 'c_pte', unit: 'ns/page', label: 'moving one page-table entry',
    doc: 'move_ptes(): clear, rewrite and install one present PTE. Never-touched pages cost nothing.',
    defaults: same(13), range: [3, 60], rangeSource: 'commit 2c91bd4a4e2e: ≈13 ns per entry; 11.8 ns on our Xeon guest, 20 ns on our EPYC guest; ×4 either way for slow cores and guests', limits: [0.5, 1000],
    tag: 'S/M', source: 'MODEL-FACTS §1.3: 1 GiB PTE-wise 3.4–3.6 ms ≈13 ns/PTE, commit 2c91bd4a4e2e [S]; slope 12.8 ns [M]', calibratable: true,
  },
  {
    id: 'c_pmd', unit: 'ns', label: 'moving one whole page table (2 MiB, aligned)',
    doc: 'move_normal_pmd() for a slot both addresses cover with the same 2 MiB offset, with the flush of the slot that follows it (model v5; v2–v4 charged that flush as c_flush_full, which calibration could not tell apart, and which on our EPYC guest costs 1.3 µs for a misaligned extent while a whole aligned slot took 0.55 µs in all). The published 0.29 µs per 2 MiB (commit 2c91bd4a4e2e) includes the flush.',
    defaults: same(290), range: [30, 10000], rangeSource: 'commit 2c91bd4a4e2e: 0.29 µs per 2 MiB with its flush; 2–4 µs per slot on our EPYC guest (a full flush there is dear)', limits: [1, 100_000],
    tag: 'S/M', source: 'MODEL-FACTS §1.4: 1 GiB PMD moves 144–160 µs ≈0.29 µs per 2 MiB incl. flush, commit 2c91bd4a4e2e [S]; 0.16–0.19 µs [M]', calibratable: true,
  },
  {
    id: 'c_pud', unit: 'ns', label: 'moving one whole 1 GiB page-table level (aligned)',
    doc: 'move_normal_pud() on Linux ≥5.11 when both addresses are 1 GiB-aligned to each other and the range covers the slot.',
    defaults: same(10_000), range: [1000, 200000], rangeSource: 'MODEL-FACTS §1.4: ≈10 µs per GiB [S-derived]', limits: [10, 10_000_000],
    tag: 'S/E', source: 'MODEL-FACTS §1.4/§2.4: ~13× faster than PMD moves (Kalesh Singh 2020) ≈10 µs per GiB', calibratable: false,
  },
  {
    id: 'c_thp', unit: 'ns', label: 'moving one transparent huge page (aligned)',
    doc: 'move_huge_pmd() for a THP whose slot is mutually aligned, with its flush (model v5): the measured 0.30–0.36 µs per huge page.',
    defaults: same(330), range: [30, 10000], rangeSource: 'MODEL-FACTS §1.4: 0.30–0.36 µs per huge page with its flush; as c_pmd in guests', limits: [1, 100_000],
    tag: 'M', source: 'MODEL-FACTS §1.4: 1 GiB of THPs 155–184 µs, 0.30–0.36 µs per huge PMD [M]', calibratable: true,
  },
  {
    id: 'c_split', unit: 'ns', label: 'splitting a transparent huge page',
    doc: 'split_huge_pmd() when a THP moves to a destination that is not 2 MiB-aligned with it; its 512 entries are then moved one by one.',
    defaults: same(5000), range: [500, 100000], rangeSource: 'MODEL-FACTS §1.4: ≈8 µs per split on a Xeon guest; ≥10 µs on our EPYC guest (the old range\'s edge)', limits: [10, 1_000_000],
    tag: 'M/E', source: 'MODEL-FACTS §1.4: THP 1 GiB misaligned 7.2 ms vs 3.2 ms ≈8 µs per split [M]', calibratable: true,
  },
  {
    id: 'n_ceil', unit: 'pages', label: 'per-page flush ceiling (x86)',
    doc: 'x86 tlb_single_page_flush_ceiling: flushes of at most this many pages invalidate page by page, larger ones drop the whole TLB. arm64 uses PTRS_PER_PTE−1 instead (MAX_DVM_OPS), whatever this says.',
    defaults: same(33), range: [1, 512], rangeSource: 'a kernel setting (debugfs)', limits: [0, 1_000_000],
    tag: 'S', source: 'MODEL-FACTS §1.5: arch/x86/mm/tlb.c default 33 (Dave Hansen 2014)', calibratable: true,
  },
  {
    id: 'c_invlpg', unit: 'ns/page', label: 'invalidating one TLB entry (INVLPG)',
    doc: 'Per-page invalidation, paid for flushes at or below the ceiling.',
    defaults: { 'x86-64': 100, 'x86-64-vm': 100, arm64: 50 }, range: [10, 5000], rangeSource: 'arch/x86/mm/tlb.c: ≈100 ns per page (MODEL-FACTS §1.5); 40–120 ns on our guests; a guest whose INVLPG exits to the host, or that must also flush the user page tables\' PCID with PTI, pays µs', limits: [0, 100_000],
    tag: 'S/M', source: 'MODEL-FACTS §1.5: tlb.c comment ~100 ns per single-page flush [S]; ≈124 ns [M]; arm64 TLBI [E]', calibratable: true,
  },
  {
    id: 'c_flush_full', unit: 'ns', label: 'flushing the whole TLB of this process',
    doc: 'Full local flush (CR3 reload/PCID invalidate; arm64 ASID flush) for ranges above the ceiling, plus early refills.',
    defaults: same(150), range: [30, 20000], rangeSource: 'MODEL-FACTS §1.5: ≈0.15 µs plus refills [E]; µs in guests where the flush exits to the host', limits: [0, 1_000_000],
    tag: 'E', source: 'MODEL-FACTS §1.5/§2.4 c_flush_full [E]; 34-page step [M]', calibratable: true,
  },
  {
    id: 'a_ipi', unit: 'ns', label: 'interrupting other CPUs to flush their TLBs (fixed part)',
    doc: 'Fixed part of one TLB shootdown when other CPUs run this process: T_sd(k) = a_ipi + b_ipi·k. On arm64 a broadcast TLBI, no interrupts.',
    defaults: { 'x86-64': 1500, 'x86-64-vm': 15_000, arm64: 500 }, range: [500, 100000], rangeSource: 'MODEL-FACTS §1.6: 1–3 µs on bare metal, ≈15 µs in a Xeon guest, 12 µs in our EPYC guest; a preempted vCPU delays a shootdown by orders of magnitude (Shoot4U, VEE 2016; KVM\'s PV TLB flush notes), so up to 100 µs', limits: [0, 10_000_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.6: bare metal 1.5 µs (1–5) [E]; VM ≈15 µs [M]; arm64 broadcast 0.3–1 µs [E]', calibratable: true,
  },
  {
    id: 'b_ipi', unit: 'ns', label: 'interrupting other CPUs (per extra CPU)',
    doc: 'Per-CPU part of a TLB shootdown, multiplied by k = the other CPUs running the process.',
    defaults: { 'x86-64': 300, 'x86-64-vm': 300, arm64: 0 }, range: [0, 10000], rangeSource: 'MODEL-FACTS §1.6: 0.1–1 µs per CPU on bare metal [E]; guests more', limits: [0, 1_000_000],
    tag: 'E', source: 'MODEL-FACTS §1.6: 0.3 µs per CPU (0.1–1) [E]; arm64 ≈0 [E]', calibratable: true,
  },
  {
    id: 'a_bcast', unit: 'ns', label: 'broadcast TLB invalidation (AMD INVLPGB)',
    doc: 'Replaces the IPI shootdown for processes on 3 or more CPUs on AMD Zen 3+ with Linux ≥6.15 (global ASID).',
    defaults: same(750), range: [200, 5000], rangeSource: 'MODEL-FACTS §1.6: INVLPGB ≈0.5–1 µs [E]; guests more', limits: [0, 1_000_000],
    tag: 'E', source: 'MODEL-FACTS §1.6: INVLPGB a ≈0.5–1 µs, b ≈0 [E] (Rik van Riel series [S])', calibratable: true,
  },
  {
    id: 't_fault4k', unit: 'ns', label: 'first-touch page fault (4 KiB page)',
    doc: 'Anonymous write fault: allocate, zero and map one page. Paid by copies into fresh memory, never by mremap.',
    defaults: { 'x86-64': 700, 'x86-64-vm': 1500, arm64: 700 }, range: [200, 30000], rangeSource: 'MODEL-FACTS §1.7: 0.4–1.5 µs on bare metal (zeroing dominates), 1.26–2.67 µs in a Xeon guest; 1.4 µs in our EPYC guest; 10–12 µs per page on the issue-12 guest with PTI; up to 30 µs for guests whose host must back every page', limits: [10, 1_000_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.7: 0.7 µs (0.4–1.5) bare metal [E]; 1.26–2.67 µs VM [M]', calibratable: true,
  },
  {
    id: 't_fault_first', unit: 'ns', label: 'first write fault in a freshly mapped region',
    doc: 'Once per fresh mapping that a copy or a touch loop faults in, on top of the per-page faults: the first write fault of an anonymous mapping sets up its reverse-map bookkeeping (anon_vma_prepare), allocates the page table the page goes into, and is retried under the mmap lock because the per-VMA-lock fast path refuses a mapping without anon_vma. Later faults of the same mapping skip all three. MODEL-FACTS §2 has no such term and its S1\' crossover is computed without it, so the built-ins keep 0; calibration measures it.',
    defaults: same(0), range: [0, 30000], rangeSource: 'our Xeon sweep: ≈1.2 µs; our EPYC guest ≈1.1 µs; as t_fault4k in slow guests', limits: [0, 1_000_000],
    tag: 'M', source: 'MODEL-FACTS §1.9 [M]: a 1-page memcpy into fresh memory 1.9–2.1 µs against 1.26–2.67 µs for a 4 KiB write fault (§1.7); our sweep (docs/measurements/2026-11-25-full.json): memcpy-cold 4 KiB 2.0–2.1 µs while 4–64 pages cost ≈0.65–0.8 µs per page, fault-4k 16 KiB–256 KiB ≈ 1.4 µs + 0.64 µs per page', calibratable: true,
  },
  {
    id: 'c_fault_host', unit: 'ns/page', label: 'host backing a fresh page (VM guest, beyond recently freed memory)',
    doc: 'Extra cost per first-touched page once a run of faults exceeds s_fault_pool. A guest with free-page reporting hands free memory back to the host; faulting such a page in again costs a second, host-side fault (VM exit, host allocation and zeroing). Small runs reuse recently freed memory the host still backs. Zero on bare metal.',
    defaults: { 'x86-64': 0, 'x86-64-vm': 3000, arm64: 0 }, range: [0, 30000], rangeSource: 'MODEL-FACTS §1.9: ≈0.85 µs per page at 1 MiB to 3.3–5.2 µs at 1 GiB in a Xeon guest; our EPYC guest ≈3 µs per page beyond its pool', limits: [0, 1_000_000],
    tag: 'M', source: 'MODEL-FACTS §1.9 [M]: memcpy into fresh memory 1 MiB 0.24–0.25 ms (≈0.85 µs per page beyond the copy) vs 1 GiB 0.98–1.47 s (≈3.3–5.2 µs per page); §0/§1.7: free-page reporting enabled, faults inflated by it [M]', calibratable: true,
  },
  {
    id: 't_fault2M_host', unit: 'ns', label: 'host backing a fresh huge page (VM guest, beyond recently freed memory)',
    doc: 'Extra cost per first-touched 2 MiB huge page once a run of faults exceeds s_fault_pool: the host-side counterpart of c_fault_host for THP faults. Bare metal has none; the VM built-in splits the VM figure into the bare-metal fault (t_fault2M, what a guest pays inside the pool) and this host part; calibration fits it.',
    defaults: { 'x86-64': 0, 'x86-64-vm': 150_000, arm64: 0 }, range: [0, 2000000], rangeSource: 'MODEL-FACTS §1.7: 235–590 µs per huge page in a guest against 130–180 µs on bare metal; room for slow hosts', limits: [0, 100_000_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.7: THP fault 130–180 µs bare metal [S] vs 235–590 µs in the VM [M]: VM 150 µs above the bare-metal 150 µs [E], so 300 µs beyond the pool; our VM (docs/measurements, v3b): ≈75 µs per huge page up to 16 MiB, ≈230 µs from 64 MiB [M]', calibratable: true,
  },
  {
    id: 'f_host_corun', unit: 'share', label: 'host faults slowed by another running CPU of the process (VM guest)',
    doc: 'A host-backed fault (c_fault_host, t_fault2M_host) or free (c_unmap_host) costs (1 + f) times as much while another CPU runs the process: the guest\'s other vCPU competes with the host\'s work for this one (a shared physical core or memory bandwidth). Only the host part: faults inside the pool are not slowed. Not in MODEL-FACTS, so 0 in the built-ins.',
    defaults: same(0), range: [0, 4], rangeSource: 'our EPYC guest: 4 KiB fault runs of 16–256 MiB with a spinner on the other vCPU took 1.3–2.7× as long (docs/measurements); none on the Xeon guest of MODEL-FACTS', limits: [0, 100],
    tag: 'M', source: 'our EPYC guest, harness protocol 2: fault-4k 16 MiB 16.7 ms alone, 32.7 ms with a spinner; 256 MiB 254 ms and 698 ms; ≤2 MiB the same', calibratable: true,
  },
  {
    id: 's_fault_pool', unit: 'MiB', label: 'fresh memory a VM guest gets without host faults',
    doc: 'How much first-touched memory comes from recently freed pages the host still backs; pages beyond it pay c_fault_host. Not pinned by MODEL-FACTS beyond "more than 1 MiB, less than 1 GiB"; calibration fits it where c_fault_host is not zero.',
    defaults: same(32), range: [1, 4096], rangeSource: 'how much recently freed memory a guest gets back without host faults: from 1 MiB to 4 GiB', limits: [0, 1_000_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.9 [M]: no extra at 1 MiB, ≈3–4 µs per page at 1 GiB; the knee in between [E]', calibratable: true,
  },
  {
    id: 's_fault_pool_huge', unit: 'MiB', label: 'fresh huge pages a VM guest gets without host faults',
    doc: 'As s_fault_pool, for runs of huge-page (THP) faults: beyond it each huge page pays t_fault2M_host. A pool of its own, because a guest finds free 2 MiB blocks elsewhere than single pages: on our EPYC guest 4 KiB faults got dearer between 2 and 4 MiB, huge-page faults between 32 and 64 MiB.',
    defaults: same(32), range: [1, 4096], rangeSource: 'as s_fault_pool; our EPYC guest ≈32–64 MiB, our Xeon guest ≈16–64 MiB', limits: [0, 1_000_000],
    tag: 'M', source: 'our EPYC guest, harness protocol 2: fault-2m 2–16 MiB ≈95 µs per huge page, 32 MiB 111 µs, 64 MiB 292 µs; fault-4k 2 MiB 1.3 µs per page, 4 MiB 3.4 µs', calibratable: true,
  },
  {
    id: 't_fault0', unit: 'ns', label: 'first read of a never-written page (zero page)',
    doc: 'Read fault that maps the shared zero page. Paid when a copy reads a buffer that was never written; mremap moves such a buffer for free.',
    defaults: { 'x86-64': 300, 'x86-64-vm': 700, arm64: 300 }, range: [50, 20000], rangeSource: 'MODEL-FACTS §1.7: 0.3 µs [E], 0.47–0.97 µs in a guest; as t_fault4k in slow guests', limits: [1, 1_000_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.7: t_fault0 0.3 µs [E]; zero-page read fault 0.47–0.97 µs VM [M]', calibratable: true,
  },
  {
    id: 't_fault2M', unit: 'ns', label: 'first-touch huge page fault (2 MiB THP)',
    doc: 'One fault that allocates and clears a 2 MiB transparent huge page.',
    defaults: same(150_000), range: [20000, 3000000], rangeSource: 'MODEL-FACTS §1.7: ≈130–180 µs (Ankur Arora 2025), 75–100 µs in our guests inside their pools, 235–590 µs in a guest; up to 3 ms for slow guests', limits: [1000, 100_000_000],
    tag: 'S', source: 'MODEL-FACTS §1.7: ≈130–180 µs per 2 MiB (Ankur Arora 2025) [S]; 235–590 µs VM [M], which the VM built-in prices as this plus t_fault2M_host beyond s_fault_pool; the range reaches 50 µs because our harness measured ≈75–80 µs per huge page for 2–16 MiB runs (docs/measurements)', calibratable: true,
  },
  {
    id: 't_unmap0', unit: 'ns', label: 'unmapping a range (fixed part)',
    doc: 'Fixed part of munmap/free of a mapping (the syscall entry is t_sys). Its local TLB flush is a term of its own since model v2 (per page up to the ceiling, else a full flush), as for every other flush.',
    defaults: same(1500), range: [200, 20000], rangeSource: 'MODEL-FACTS §1.8: 1-page munmap 1.6–1.8 µs; 2.6 µs fitted on our EPYC guest', limits: [10, 1_000_000],
    tag: 'M', source: 'MODEL-FACTS §1.8: 1-page munmap 1.6–1.8 µs [M] (= t_sys + t_unmap0 + c_unmap + one INVLPG)', calibratable: true,
  },
  {
    id: 'c_unmap', unit: 'ns/page', label: 'unmapping and freeing one page',
    doc: 'Per present page of an munmap: zap the entry, free the page.',
    defaults: same(50), range: [10, 3000], rangeSource: 'MODEL-FACTS §1.8: ≈70 ns per page at 16 MiB, 150–170 ns at 1 GiB; 0.35–1.3 µs per page on our EPYC guest, where freed pages go back to the host', limits: [0.5, 100_000],
    tag: 'M/E', source: 'MODEL-FACTS §1.8: ≈70 ns/page at 16 MiB, 150–170 at 1 GiB [M]', calibratable: true,
  },
  {
    id: 'c_unmap_host', unit: 'ns/page', label: 'freeing one page beyond a large batch (VM guest)',
    doc: 'Extra cost per page an munmap (or a shrinking mremap) frees beyond the first s_unmap_pool of one call: on our EPYC guest freeing costs ≈250 ns per page up to 32 MiB at once and 500–1000 ns per page from 64–128 MiB, in every run, while the Xeon guest of MODEL-FACTS shows 150–170 ns per page at 1 GiB. A guest with free page reporting hands large batches of freed pages back to the host. Not in MODEL-FACTS, so 0 in the built-ins; calibration fits it.',
    defaults: same(0), range: [0, 20000], rangeSource: 'our EPYC guest: 250–700 ns per page more beyond 32–64 MiB freed at once (docs/measurements); bare metal and our Xeon guest none', limits: [0, 1_000_000],
    tag: 'M', source: 'our EPYC guest, harness protocol 2, five full sweeps: munmap 1–32 MiB 230–270 ns per page, 64 MiB 280–950, 128 MiB 510–1250, 256 MiB 600–1490 ns per page (one thread)', calibratable: true,
  },
  {
    id: 's_unmap_pool', unit: 'MiB', label: 'memory one call frees before freeing gets dearer (VM guest)',
    doc: 'How much one munmap or shrink frees at the plain per-page cost (c_unmap); pages beyond it also pay c_unmap_host.',
    defaults: same(64), range: [1, 4096], rangeSource: 'our EPYC guest: the knee lies between 32 and 128 MiB freed at once', limits: [0, 1_000_000],
    tag: 'M', source: 'our EPYC guest, harness protocol 2: the per-page cost of munmap rises between 32 and 128 MiB (docs/measurements)', calibratable: true,
  },
  {
    id: 't_mmap', unit: 'ns', label: 'creating a new mapping (mmap)',
    doc: 'An anonymous mmap call (malloc of a large block); its pages are faulted in later.',
    defaults: same(1000), range: [100, 10000], rangeSource: 'MODEL-FACTS §2.4: ≈1 µs (0.5–3) [E]; 0.43 µs on our Xeon guest, 1.3 µs on our EPYC guest', limits: [10, 1_000_000],
    tag: 'E', source: 'MODEL-FACTS §2.2/§2.4 t_mmap ≈1 µs (0.5–3) [E]; the range reaches 0.2 µs because our harness measured 0.43 µs for a whole untouched anonymous mmap call, t_sys included (docs/measurements)', calibratable: true,
  },
  {
    id: 'B_L1', unit: 'GB/s', label: 'copy speed when source and destination fit in L1',
    doc: 'memcpy bandwidth (bytes copied per ns) for a working set 2N ≤ L1d.',
    defaults: same(100), range: [20, 600], rangeSource: 'MODEL-FACTS §1.9: 100–190 GB/s on a Xeon guest (4–16 KiB); 140 GB/s on our EPYC guest; older and smaller cores a few tens', limits: [0.1, 10_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.9: 4 KiB in 40–43 ns ≈100 GB/s [M]; 16 KiB in 87–94 ns ≈175–190 GB/s [M], hence the range up to 300', calibratable: true,
  },
  {
    id: 'B_L2', unit: 'GB/s', label: 'copy speed when the copy fits in L2',
    doc: 'memcpy bandwidth for L1d < 2N ≤ L2.',
    defaults: same(50), range: [10, 300], rangeSource: 'MODEL-FACTS §1.9: ≈55 GB/s on a Xeon guest; ≥75 GB/s on our EPYC guest (the old range\'s edge)', limits: [0.1, 10_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.9: 32–512 KiB ≈55 GB/s [M]', calibratable: true,
  },
  {
    id: 'B_L3', unit: 'GB/s', label: 'copy speed when the copy fits in L3',
    doc: 'memcpy bandwidth for L2 < 2N ≤ L3.',
    defaults: same(20), range: [4, 200], rangeSource: 'MODEL-FACTS §1.9: ≈15 GB/s; ≥30 GB/s on our EPYC guest (the old range\'s edge)', limits: [0.1, 10_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.9: 2–16 MiB ≈15 GB/s [M]', calibratable: true,
  },
  {
    id: 'B_mem', unit: 'GB/s', label: 'copy speed from main memory',
    doc: 'memcpy bandwidth when 2N exceeds L3 (DRAM-bound).',
    defaults: same(10), range: [1, 100], rangeSource: 'MODEL-FACTS §1.9: 5–11 GB/s for one thread on a Xeon guest; a few GB/s on small or shared machines, tens on wide servers', limits: [0.1, 10_000],
    tag: 'E/M', source: 'MODEL-FACTS §1.9: 64 MiB–1 GiB 5–11 GB/s [M]', calibratable: true,
  },
  {
    id: 'f_l3', unit: 'share', label: 'part of the reported L3 cache one copy can use',
    doc: 'Scales S_L3 in the choice of copy bandwidth. A VM guest reads the whole host L3 from sysfs (482 MB on the MODEL-FACTS VM) but shares it with other guests; 1 on bare metal.',
    defaults: same(1), range: [0.005, 1], rangeSource: 'a guest reads the host\'s whole L3 (482 MB on the MODEL-FACTS guest) and may use a hundredth of it', limits: [0.001, 1],
    tag: 'M', source: 'MODEL-FACTS §1.9 [M]: on a VM reporting a 482 MB L3, copies of 64 MiB–1 GiB (working set 128 MiB and up) already run at DRAM speed, 5–11 GB/s, so less than a quarter of it is usable', calibratable: true,
  },
  {
    id: 't_call', unit: 'ns', label: 'calling memcpy',
    doc: 'Fixed cost of a memcpy call (dispatch, small-size setup).',
    defaults: same(10), range: [1, 100], rangeSource: 'MODEL-FACTS §1.9: ≈10 ns [E]', limits: [0, 10_000],
    tag: 'E', source: 'MODEL-FACTS §1.9 t_call ≈10 ns [E]', calibratable: true,
  },
  {
    id: 't_libc', unit: 'ns', label: 'allocator bookkeeping of one realloc',
    doc: 'realloc entry, chunk checks, arena lock when multi-threaded.',
    defaults: same(50), range: [2, 2000], rangeSource: 'MODEL-FACTS §2.3: 20–100 ns [E]; an arena lock under contention and slow cores more', limits: [0, 100_000],
    tag: 'E/M', source: 'MODEL-FACTS §2.3 t_libc 20–100 ns [E]; §1.10 64→100 KiB heap grow in place 0.11 µs [M]; a single-threaded grow into the top chunk skips the arena lock, so the range reaches down to a few ns', calibratable: true,
  },
  {
    id: 't_fast', unit: 'ns', label: 'realloc that needs no work',
    doc: 'Block already big enough (slack or same page count): realloc returns the same pointer.',
    defaults: same(20), range: [2, 500], rangeSource: 'MODEL-FACTS §2.3: ≈20 ns [E]', limits: [0, 100_000],
    tag: 'E', source: 'MODEL-FACTS §2.3 t_fast ≈20 ns [E]; 0.11 µs in-place heap grow [M]', calibratable: false,
  },
  {
    id: 't_heap_alloc', unit: 'ns', label: 'malloc from the heap',
    doc: 'A heap allocation below the mmap threshold (free lists or the top chunk).',
    defaults: same(50), range: [1, 2000], rangeSource: 'MODEL-FACTS §2.3: ≈50 ns [E]; our warm-heap 4 KiB realloc ≈40 ns plus the copy; glibc\'s per-thread cache (tcache, 2.26+) hands a small block back in a few ns: a 64-byte malloc + copy + free took 30 ns on our EPYC guest, a 21 ns clock read included', limits: [0, 100_000],
    tag: 'E', source: 'MODEL-FACTS §2.3 heap allocation ≈50 ns [E]', calibratable: true,
  },
  {
    id: 't_brk', unit: 'ns', label: 'growing the heap with brk',
    doc: 'A glibc malloc below the mmap threshold whose block does not fit the free space at the top of the heap: sysmalloc extends the heap with brk (up to three brk calls: extend, align, find the end) before carving the block; the kernel entry of one call is counted apart (t_sys). The new memory is not touched here. Only charged where the caller knows the heap grows (malloc-copy-free with heapGrows: the benchmark harness).',
    defaults: same(1500), range: [100, 30000], rangeSource: 'our Xeon guest: a ≈1.8 µs step; a system call plus page-table work, as t_vma_grow', limits: [0, 1_000_000],
    tag: 'M', source: 'our harness (issue 4, a 2-vCPU KVM guest, glibc 2.36, M_TOP_PAD 128 KiB): malloc(2N) + copy N + free for N = 32–40 KiB (3N ≤ 128 KiB: the block fits the top) 0.67–1.0 µs, for N = 44–60 KiB (3N > 128 KiB) 2.9–3.3 µs, while the copy alone grows by 0.07–0.4 µs: a fixed ≈1.8 µs step', calibratable: true,
  },
  {
    id: 't_heap_free', unit: 'ns', label: 'free to the heap',
    doc: 'Freeing a heap chunk (no syscall).',
    defaults: same(20), range: [1, 500], rangeSource: 'MODEL-FACTS §2.3: 20–50 ns [E]; a free into glibc\'s per-thread cache takes a few ns (see t_heap_alloc)', limits: [0, 100_000],
    tag: 'E', source: 'MODEL-FACTS §2.3 t_libc_split 20–50 ns [E]', calibratable: true,
  },
  {
    id: 't_js_buffer', unit: 'ns', label: 'the JS engine\'s own work for one buffer resize',
    doc: 'What a JS engine adds to a buffer resize beyond the allocator, copy and faults the other terms price: the new ArrayBuffer object, its backing-store bookkeeping, external-memory accounting. Not in MODEL-FACTS; 0 until the JS harness measures it (the panel\'s calibration, src/core/bench/js/fit.ts). Not used for a WebAssembly module\'s own realloc.',
    defaults: same(0), range: [0, 5000], rangeSource: 'a JS object and its backing-store bookkeeping: up to a few µs on slow engines', limits: [0, 1_000_000],
    tag: 'E', source: 'our choice: 0 (not known) until a JS calibration measures it on the engine in use', calibratable: false,
  },
  {
    id: 'f_js_transfer_move', unit: 'share', label: 'share of ArrayBuffer.transfer() that reallocates instead of copying',
    doc: 'transfer() is priced as (1 − f) × a copy into new memory + f × a glibc realloc of the backing store (which grows in place or moves the pages of a large block). The spec copies; V8 reallocates the backing store where it can. 0 (copy) until the JS harness measures the engine in use (src/core/bench/js/fit.ts).',
    defaults: same(0), range: [0, 1], rangeSource: 'a share: from always copying (the spec) to always reallocating', limits: [0, 1],
    tag: 'E', source: 'MODEL-FACTS §1.11: treat JS growth as a copy unless the engine is known; fitted per engine by the JS calibration', calibratable: false,
  },
] as const satisfies readonly ParamDef[];

export type ParamId = (typeof PARAMS)[number]['id'];
export type Params = Record<ParamId, number>;

export const PARAM_IDS: readonly ParamId[] = PARAMS.map((p) => p.id);
/** The parameters `pagecost calibrate` fits; the others keep their defaults. */
export const CALIBRATABLE_PARAM_IDS: readonly ParamId[] = PARAMS.filter((p) => p.calibratable).map((p) => p.id);
const BY_ID = new Map<string, ParamDef>(PARAMS.map((p) => [p.id, p]));

export function paramDef(id: string): ParamDef | undefined {
  return BY_ID.get(id);
}

export function isParamId(id: string): id is ParamId {
  return BY_ID.has(id);
}

export function defaultParams(name: BuiltinProfileName): Params {
  const out = {} as Params;
  for (const p of PARAMS) out[p.id] = p.defaults[name];
  return out;
}
