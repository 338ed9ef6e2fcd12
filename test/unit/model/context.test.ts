// Context that changes the answer: threads, page size, THP, kernel version (MODEL-FACTS §1.12),
// architecture, VM, PTI, allocator. Each test compares two contexts, not a stored number.
import { strict as assert } from 'node:assert';
import {
  builtinProfile, estimateNamed, estimateOp, makeContext, solveCrossover, type MachineFacts, type Profile,
} from '../../../src/core/model';

const MiB = 1024 * 1024;
const x86 = builtinProfile('x86-64');
const withMachine = (p: Profile, m: Partial<MachineFacts>): Profile => ({ ...p, machine: { ...p.machine, ...m } });
const terms = (p: Profile, op: string, n: number, o = {}): Set<string> => new Set(estimateNamed(p, op, n, o).breakdown.map((t) => t.term));

describe('model: context', () => {
  it('single-threaded programs never pay shootdowns; two threads do (MODEL-FACTS §1.6)', () => {
    assert.ok(!terms(x86, 'mremap-move', 4096).has('T_sd'));
    assert.ok(terms(x86, 'mremap-move', 4096, { threads: 2 }).has('T_sd'));
    assert.ok(!terms(x86, 'memcpy-warm', 4096, { threads: 8 }).has('T_sd'), 'a copy sends no IPIs');
  });

  it('threads beyond the CPU count add nothing (k = min(T−1, C−1))', () => {
    const small = withMachine(x86, { cpus: 2 });
    assert.equal(estimateNamed(small, 'mremap-move', 4096, { threads: 2 }).ns, estimateNamed(small, 'mremap-move', 4096, { threads: 50 }).ns);
  });

  it('AMD INVLPGB on Linux ≥6.15 replaces IPIs for processes on ≥3 CPUs (MODEL-FACTS §1.6), so 3 threads can be cheaper than 2', () => {
    const amd = withMachine(x86, { invlpgb: true, kernel: '6.15' });
    const t3 = estimateNamed(amd, 'mremap-move', 4096, { threads: 3 });
    assert.ok(t3.breakdown.some((t) => t.term === 'a_bcast'));
    assert.ok(t3.ns < estimateNamed(amd, 'mremap-move', 4096, { threads: 2 }).ns);
    assert.ok(!terms(withMachine(amd, { kernel: '6.14' }), 'mremap-move', 4096, { threads: 3 }).has('a_bcast'));
  });

  it('page-table isolation makes every kernel entry dearer, more without PCID (MODEL-FACTS §1.1)', () => {
    const off = estimateNamed(x86, 'mremap-move', 4096).ns;
    const pcid = estimateNamed(withMachine(x86, { pti: 'pti-pcid' }), 'mremap-move', 4096).ns;
    const nopcid = estimateNamed(withMachine(x86, { pti: 'pti-nopcid' }), 'mremap-move', 4096).ns;
    assert.ok(off < pcid && pcid < nopcid);
    const faults = estimateNamed(withMachine(x86, { pti: 'pti-pcid' }), 'memcpy-cold', 16 * 4096);
    assert.equal(faults.breakdown.find((t) => t.term === 't_pti')?.count, 16, 'each fault enters the kernel');
  });

  it('kernels before 5.0 cannot move whole page tables (commit 2c91bd4a4e2e)', () => {
    assert.ok(terms(x86, 'mremap-move', 64 * MiB, { alignment: 'pmd' }).has('c_pmd'));
    const old = withMachine(x86, { kernel: '4.19' });
    assert.ok(!terms(old, 'mremap-move', 64 * MiB, { alignment: 'pmd' }).has('c_pmd'));
    assert.ok(estimateNamed(old, 'mremap-move', 64 * MiB, { alignment: 'pmd' }).ns > 5 * estimateNamed(x86, 'mremap-move', 64 * MiB, { alignment: 'pmd' }).ns);
  });

  it('kernels before 4.18 flush every 64 pages instead of once per extent (commit 37a4094e828f)', () => {
    const flushes = (p: Profile): number => estimateNamed(p, 'mremap-move', 16 * MiB).breakdown.find((t) => t.term === 'c_flush_full')?.count ?? 0;
    assert.ok(flushes(withMachine(x86, { kernel: '4.17' })) >= 4 * flushes(x86));
  });

  it('6.7–6.11 align every ≥2 MiB anonymous mapping, so glibc realloc gets whole-table moves; 6.12+ does not (efa7df3e3bb5, d4148aeab412)', () => {
    assert.ok(terms(withMachine(x86, { kernel: '6.8' }), 'realloc-grow', 8 * MiB).has('c_pmd'));
    assert.ok(!terms(x86, 'realloc-grow', 8 * MiB).has('c_pmd'));
    assert.ok(terms(x86, 'mremap-grow', 8 * MiB).has('c_pmd'), 'a 2 MiB-multiple length is aligned on 6.12+');
    assert.ok(!terms(withMachine(x86, { thp: 'never' }), 'mremap-grow', 8 * MiB).has('c_pmd'));
  });

  it('arm64 invalidates page by page up to a whole page table and sends no IPIs (MODEL-FACTS §1.5)', () => {
    const arm = builtinProfile('arm64');
    assert.ok(terms(arm, 'mremap-move', 100 * 4096).has('c_invlpg'));
    assert.ok(!terms(x86, 'mremap-move', 100 * 4096).has('c_invlpg'));
    const ipiArm = estimateNamed(arm, 'mremap-move', 4096, { threads: 8 }).breakdown.find((t) => t.term === 'T_sd')!;
    const ipiX86 = estimateNamed(x86, 'mremap-move', 4096, { threads: 8 }).breakdown.find((t) => t.term === 'T_sd')!;
    assert.ok(ipiArm.unitNs < ipiX86.unitNs);
  });

  it('bigger pages mean fewer entries to move (64 KiB arm64 pages)', () => {
    const arm64k = withMachine(builtinProfile('arm64'), { pageSize: 65536 });
    const e = estimateNamed(arm64k, 'mremap-move', MiB);
    assert.equal(e.breakdown.find((t) => t.term === 'c_pte')?.count, 16);
  });

  it('THP "always" makes fresh copies of ≥2 MiB pay huge-page faults; THP sources split when moved misaligned (MODEL-FACTS §1.4, §1.7)', () => {
    const thp = withMachine(x86, { thp: 'always' });
    assert.ok(terms(thp, 'memcpy-cold', 8 * MiB).has('t_fault2M'));
    assert.ok(!terms(x86, 'memcpy-cold', 8 * MiB).has('t_fault2M'));
    assert.ok(terms(thp, 'mremap-move', 8 * MiB).has('c_split'));
    assert.ok(terms(thp, 'mremap-move', 8 * MiB, { alignment: 'pmd' }).has('c_thp'));
    assert.ok(!terms(x86, 'mremap-move', 8 * MiB).has('c_split'));
  });

  it('a VM guest moves the crossover up with one sibling thread (S4)', () => {
    const bare = solveCrossover(x86, 'mremap-move', 'memcpy-warm', { threads: 2 });
    const vm = solveCrossover(builtinProfile('x86-64-vm'), 'mremap-move', 'memcpy-warm', { threads: 2 });
    assert.ok(bare.kind === 'at' && vm.kind === 'at' && vm.bytes > bare.bytes);
  });

  it('allocators: a copying allocator never beats malloc+copy+free; musl and glibc switch at their mmap thresholds (MODEL-FACTS §1.10–1.11)', () => {
    assert.equal(solveCrossover(x86, 'realloc-grow', 'malloc-copy-free', { allocator: 'copying' }).kind, 'never');
    const g = solveCrossover(x86, 'realloc-grow', 'malloc-copy-free');
    const m = solveCrossover(x86, 'realloc-grow', 'malloc-copy-free', { allocator: 'musl' });
    assert.ok(g.kind === 'at' && g.bytes === 128 * 1024, JSON.stringify(g));
    assert.ok(m.kind === 'at' && m.bytes === 131052, JSON.stringify(m));
    const raised = solveCrossover(x86, 'realloc-grow', 'malloc-copy-free', { glibcMmapThreshold: 32 * MiB });
    assert.ok(raised.kind === 'at' && raised.bytes === 32 * MiB, 'the dynamic threshold moves the crossover');
    assert.doesNotMatch(estimateNamed(x86, 'realloc-grow', MiB, { glibcMmapThreshold: 32 * MiB }).path, /mremap/);
  });

  it('MREMAP_FIXED onto live pages pays for unmapping them; DONTUNMAP keeps the old page tables', () => {
    const ctx = makeContext(x86, { threads: 2 });
    const mv = (o: object): number => estimateOp(x86.params, ctx, { kind: 'mremap', oldBytes: MiB, newBytes: MiB, mode: 'move', tablesFreed: true, ...o }).ns;
    const empty = mv({ fixed: 'empty' });
    const populated = mv({ fixed: 'populated' });
    const unmap = estimateNamed(x86, 'munmap', MiB, { threads: 2 }).ns - x86.params.t_sys;
    assert.ok(Math.abs(populated - empty - unmap) < 1e-6, `${populated} − ${empty} vs ${unmap}`);
    assert.ok(mv({ fixed: 'empty', dontunmap: true }) < empty);
  });

  it('glibc realloc: a grow that still fits the heap chunk is free; a same-page-count mmapped grow makes no system call (malloc.c)', () => {
    const ctx = makeContext(x86);
    assert.match(estimateOp(x86.params, ctx, { kind: 'realloc', oldBytes: 100, newBytes: 104 }).path, /still fits/);
    const mm = estimateOp(x86.params, ctx, { kind: 'realloc', oldBytes: 200_000, newBytes: 200_100 });
    assert.ok(!mm.breakdown.some((t) => t.term === 't_sys'));
    assert.ok(estimateOp(x86.params, ctx, { kind: 'realloc', oldBytes: 200_000, newBytes: 400_000 }).breakdown.some((t) => t.term === 't_sys'));
  });

  it('a never-written buffer: mremap moves nothing, a copy pays a zero-page fault per page (MODEL-FACTS §1.3, §1.7)', () => {
    const moved = estimateNamed(x86, 'mremap-move', 1 << 30, { untouched: true, threads: 8 });
    assert.ok(!moved.breakdown.some((t) => ['c_pte', 'c_flush_full', 'c_invlpg', 'T_sd'].includes(t.term)));
    assert.ok(moved.ns < estimateNamed(x86, 'mremap-move', 4096).ns);
    const copy = estimateNamed(x86, 'memcpy-warm', 16 * 4096, { untouched: true });
    assert.equal(copy.breakdown.find((t) => t.term === 't_fault0')?.count, 16);
    const c = solveCrossover(x86, 'mremap-move', 'memcpy-warm', { untouched: true });
    const w = solveCrossover(x86, 'mremap-move', 'memcpy-warm');
    assert.ok(c.kind === 'at' && w.kind === 'at' && c.bytes < w.bytes);
  });

  it('every estimate lists its assumptions, including the thread count and the kernel', () => {
    const e = estimateNamed(x86, 'mremap-move', 4096, { threads: 4 });
    assert.ok(e.assumptions.some((a) => a.includes('4 threads')));
    assert.ok(e.assumptions.some((a) => a.includes('Linux 6.12')));
    assert.ok(e.assumptions.some((a) => a.includes('profile x86-64')));
  });
});
