// Version of the cost model's equations and parameter set. Bump it when an equation or a
// default changes the numbers a user may have saved or compared; it appears in every estimate,
// hover and JSON output, and calibration files record it (a mismatch is refused).
// v2 (issue 4): in-place grow rises with size (c_grow, t_grow_cap), munmap pays its local TLB
// flush, copies blend bandwidth across a cache size, VM guests pay host faults beyond a pool of
// recently freed memory (c_fault_host, s_fault_pool).
// v3 (issue 4, accuracy floors): the first fault of a new mapping has a fixed cost of its own
// (t_fault_first); mremap moves with known slot offsets count get_extent()'s extents exactly;
// the in-place grow's L2 step (t_grow_l2); copies leave L1 sharply (all L1 up to 2N = L1, all L2
// from √2·L1); a THP split flushes its huge page; a malloc that grows the heap pays t_brk
// where the caller knows it does.
// v4 (issue 4, v3b): the VM built-in prices a huge-page fault as the bare-metal 150 µs inside
// the pool plus 150 µs of host work beyond it (t_fault2M_host), no longer a flat 300 µs; realloc
// may say that growing in place faults the new top chunk's page (topPageFault) and where an
// mmapped block and its grown mapping sit in their slots (slotOffsets). v3 calibrations of a VM
// were fitted without the host term and would now get it added on top: refused.
// v5 (issue 12): what each op means in users' code, and the state it assumes (docs/MODEL.md,
// "What each operation means"): heap memory below the mmap threshold is warm (written before)
// unless said otherwise, so a small realloc that moves pays no page fault; a MREMAP_FIXED move
// keeps the page tables of its end slots (ranges the program keeps). Harness protocol 2
// measures those states under the same names; v4 calibrations were fitted to protocol 1's.
// Still v5 (unreleased): c_slot (each slot a move walks), f_host_corun (host faults slowed by
// another running CPU), s_fault_pool_huge, and c_pmd/c_thp including their slot's flush.
export const MODEL_VERSION = 5;

/** Version of the calibration profile file format read by loadProfile(). */
export const PROFILE_FORMAT_VERSION = 1;
