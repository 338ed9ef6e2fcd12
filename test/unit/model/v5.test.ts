// Model v5 (issue 12): what each op means in users' code. A realloc in a long-running program
// grows a block on a warm heap (written memory, no page fault); a MREMAP_FIXED move keeps the
// page tables of its end slots. The fresh and isolated states stay available by name.
import { strict as assert } from 'node:assert';
import { adviseSites } from '../../../src/core/advice';
import { builtinProfile, estimateNamed, estimateOp, makeContext, MODEL_VERSION } from '../../../src/core/model';
import type { CallSite } from '../../../src/core/types';
import { site, size } from '../advice/sites';

const vm = builtinProfile('x86-64-vm');

function reallocSite(newBytes: number): CallSite {
  return site({ newSize: size(newBytes), assignedBackTo: 'p' });
}

describe('model v5: the states users\' code runs in', () => {
  it('is model version 5', () => {
    assert.equal(MODEL_VERSION, 5);
  });

  it('a heap realloc below the mmap threshold is a copy into written memory: no page fault unless the heap is said to be fresh', () => {
    const warm = estimateNamed(vm, 'realloc-grow', 228, { newBytes: 456 });
    assert.ok(!warm.breakdown.some((t) => t.term === 't_fault4k'), JSON.stringify(warm.breakdown));
    assert.ok(warm.ns < 200, `${warm.ns}`);
    // A fresh heap: below a page the block shares its page with its neighbour (no fault in the
    // median call); 4 → 8 KiB fills one new page and puts its end header on another.
    const freshSmall = estimateNamed(vm, 'realloc-grow', 228, { newBytes: 456, heapDestination: 'fresh' });
    assert.ok(!freshSmall.breakdown.some((t) => t.term === 't_fault4k'));
    const fresh = estimateNamed(vm, 'realloc-grow', 4096, { heapDestination: 'fresh' });
    assert.equal(fresh.breakdown.find((t) => t.term === 't_fault4k')?.count, 2);
    assert.ok(fresh.ns > 5 * estimateNamed(vm, 'realloc-grow', 4096).ns);
  });

  it('the hover of a 228 → 456 byte realloc charges nothing to a first-touch fault (issue 12: it charged 89%)', () => {
    const [f] = adviseSites([reallocSite(456)], { profile: vm, correctness: false });
    assert.ok(f?.estimate, JSON.stringify(f));
    assert.ok(!f.estimate.breakdown.some((t) => /fault/.test(t.term)), JSON.stringify(f.estimate.breakdown));
    assert.ok(f.estimate.ns < 200, `${f.estimate.ns}`);
  });

  it('mremap-move keeps its end slots\' page tables; the isolated state (tablesFreed) pays t_ptfree and, with another CPU, one more shootdown', () => {
    const p = { ...vm.params, t_ptfree: 1500 };
    const ctx = makeContext(vm, { threads: 2 });
    const kept = estimateOp(p, ctx, { kind: 'mremap', oldBytes: 4096, newBytes: 4096, mode: 'move', fixed: 'empty', alignment: 'misaligned' }).ns;
    const isolated = estimateOp(p, ctx, { kind: 'mremap', oldBytes: 4096, newBytes: 4096, mode: 'move', fixed: 'empty', alignment: 'misaligned', tablesFreed: true }).ns;
    assert.equal(isolated - kept, 1500 + p.a_ipi + p.b_ipi);
    assert.equal(estimateNamed(vm, 'mremap-move', 4096, { threads: 2 }).ns, estimateOp(vm.params, ctx, { kind: 'mremap', oldBytes: 4096, newBytes: 4096, mode: 'move', fixed: 'empty', alignment: 'misaligned' }).ns);
  });

  it('ops that grow take any new size (N → M), not only 2N', () => {
    const a = estimateNamed(vm, 'malloc-copy-free', 4096, { newBytes: 5000 });
    const b = estimateNamed(vm, 'malloc-copy-free', 4096);
    assert.equal(a.ns, b.ns, 'a warm heap copy costs the old size, whatever the new one (below the threshold)');
    const big = estimateNamed(vm, 'malloc-copy-free', 4096, { newBytes: 256 * 1024 });
    assert.ok(big.ns > a.ns, 'a new block past the mmap threshold is a fresh mapping');
  });

  it('freeing beyond a guest\'s batch: pages past s_unmap_pool pay c_unmap_host in munmap and shrink; 0 in the built-ins', () => {
    const MiB = 1024 * 1024;
    const ctx = makeContext(vm, { threads: 1 });
    const munmap = (params: typeof vm.params, bytes: number) => estimateOp(params, ctx, { kind: 'munmap', bytes });
    assert.ok(!munmap(vm.params, 256 * MiB).breakdown.some((t) => t.term === 'c_unmap_host'), 'the built-ins have none');
    const guest = { ...vm.params, c_unmap_host: 400, s_unmap_pool: 64 };
    assert.equal(munmap(guest, 64 * MiB).ns, munmap(vm.params, 64 * MiB).ns, 'within the pool: the plain per-page cost');
    const big = munmap(guest, 256 * MiB).breakdown.find((t) => t.term === 'c_unmap_host');
    assert.deepEqual([big?.count, big?.unitNs], [(192 * MiB) / 4096, 400]);
    // A shrink from 256 to 128 MiB frees 128 MiB: 64 MiB of it beyond the pool.
    const shrink = estimateOp(guest, ctx, { kind: 'mremap', oldBytes: 256 * MiB, newBytes: 128 * MiB });
    assert.equal(shrink.breakdown.find((t) => t.term === 'c_unmap_host')?.count, (64 * MiB) / 4096);
    // Slowed like host faults while another CPU runs the process.
    const two = estimateOp({ ...guest, f_host_corun: 1 }, makeContext(vm, { threads: 2 }), { kind: 'munmap', bytes: 256 * MiB });
    assert.equal(two.breakdown.find((t) => t.term === 'c_unmap_host')?.unitNs, 800);
  });
});
