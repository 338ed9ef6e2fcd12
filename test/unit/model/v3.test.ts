// Model v3 terms (issue 4, accuracy floors): the first fault of a new mapping (t_fault_first),
// the in-place grow's L2 step (t_grow_l2), and exact move extents when the slot offsets are
// known. Each: what it adds, where it is not paid, that terms still add up to the total.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  builtinProfile, copyShares, estimateNamed, estimateOp, makeContext, MODEL_VERSION,
  type Operation, type Params, type Profile,
} from '../../../src/core/model';
import { moveExtents } from '../../../src/core/model/estimate';

const KiB = 1024;
const MiB = 1024 * KiB;
const x86 = builtinProfile('x86-64');
const withParams = (p: Profile, over: Partial<Params>): Profile => ({ ...p, params: { ...p.params, ...over } });
const sumOfTerms = (e: { breakdown: { ns: number }[] }) => e.breakdown.reduce((s, t) => s + t.ns, 0);

/** get_extent() of mm/mremap.c, page by page: each extent ends at the next source or destination slot boundary. */
function bruteExtents(n: number, src: number, dst: number, S: number): number[] {
  const out: number[] = [];
  let done = 0;
  while (done < n) {
    const toSrc = S - ((src + done) % S);
    const toDst = S - ((dst + done) % S);
    const len = Math.min(toSrc, toDst, n - done);
    out.push(len);
    done += len;
  }
  return out;
}

describe('model v3', () => {
  it('is model version 3 or later (calibrations of v2 are refused: their fits lack the new terms)', () => {
    assert.ok(MODEL_VERSION >= 3);
  });

  it('new terms default to 0 in the built-ins, so MODEL-FACTS §3 crossovers are unchanged', () => {
    for (const name of ['x86-64', 'x86-64-vm', 'arm64'] as const) {
      const p = builtinProfile(name).params;
      assert.equal(p.t_fault_first, 0);
      assert.equal(p.t_grow_l2, 0);
    }
  });
});

describe('model v3: first fault of a new mapping (t_fault_first)', () => {
  const cal = withParams(x86, { t_fault_first: 1000 });
  const ctx = makeContext(cal);
  const base = makeContext(x86);
  const diff = (op: Operation) => estimateOp(cal.params, ctx, op).ns - estimateOp(x86.params, base, op).ns;

  it('a copy into fresh memory pays it once, whatever the size; a warm copy never', () => {
    for (const bytes of [4 * KiB, 64 * KiB, 2 * MiB, 256 * MiB]) {
      assert.ok(Math.abs(diff({ kind: 'memcpy', bytes, destination: 'fresh' }) - 1000) < 1e-6, `${bytes}`);
      assert.equal(diff({ kind: 'memcpy', bytes, destination: 'warm' }), 0);
      const e = estimateOp(cal.params, ctx, { kind: 'memcpy', bytes, destination: 'fresh' });
      const term = e.breakdown.filter((t) => t.term === 't_fault_first');
      assert.equal(term.length, 1);
      assert.equal(term[0]!.count, 1);
      assert.ok(Math.abs(sumOfTerms(e) - e.ns) < 1e-6 * e.ns, 'terms add up to the total');
    }
  });

  it('fresh memory carved from an existing mapping (newMapping: false, heap blocks below the threshold) does not pay it', () => {
    assert.equal(diff({ kind: 'memcpy', bytes: 64 * KiB, destination: 'fresh', newMapping: false }), 0);
    const heapFresh = makeContext(cal, { heapDestination: 'fresh' });
    const heapBase = makeContext(x86, { heapDestination: 'fresh' });
    const op: Operation = { kind: 'malloc-copy-free', oldBytes: 16 * KiB, newBytes: 32 * KiB };
    assert.equal(estimateOp(cal.params, heapFresh, op).ns, estimateOp(x86.params, heapBase, op).ns);
  });

  it('malloc + copy + free pays it when the new block is mmapped (glibc and musl), not with a copying allocator', () => {
    assert.ok(Math.abs(diff({ kind: 'malloc-copy-free', oldBytes: 1 * MiB, newBytes: 2 * MiB }) - 1000) < 1e-6);
    const copying = makeContext(cal, { allocator: 'copying' });
    const copyingBase = makeContext(x86, { allocator: 'copying' });
    const op: Operation = { kind: 'malloc-copy-free', oldBytes: 1 * MiB, newBytes: 2 * MiB };
    assert.equal(estimateOp(cal.params, copying, op).ns, estimateOp(x86.params, copyingBase, op).ns);
  });

  it('mremap never pays it (no page is faulted in)', () => {
    assert.equal(estimateNamed(cal, 'mremap-move', 2 * MiB).ns, estimateNamed(x86, 'mremap-move', 2 * MiB).ns);
  });
});

describe('model v3: copies step out of L1 sharply', () => {
  const m = x86.machine;
  const l1 = m.caches.l1d;

  it('all L1 up to a working set of the L1 size, all L2 from √2 times it; the L2 and L3 transitions are unchanged', () => {
    assert.deepEqual(copyShares(m, l1 / 2), [1, 0, 0, 0]);
    assert.deepEqual(copyShares(m, (l1 / 2) * Math.SQRT2), [0, 1, 0, 0]);
    const mid = copyShares(m, (l1 / 2) * 2 ** 0.25);
    assert.ok(Math.abs(mid[0] - 0.5) < 1e-12 && Math.abs(mid[1] - 0.5) < 1e-12, `${mid}`);
    // L2: all inner at S/√2, a third beyond at S, all outer at 2S (as in v2).
    const l2mid = copyShares(m, m.caches.l2 / 2);
    assert.ok(Math.abs(l2mid[2] - 1 / 3) < 1e-12);
  });

  it('our sweep: a 24 KiB copy (2N = the 48 KiB L1) costs the L1 rate, a 32 KiB one (2N = 1.33·L1) mostly the L2 rate', () => {
    const e24 = estimateNamed(x86, 'memcpy-warm', 24 * KiB).ns;
    assert.ok(Math.abs(e24 - (x86.params.t_call + (24 * KiB) / x86.params.B_L1)) < 1e-6);
    const [s1, s2] = copyShares(m, 32 * KiB);
    assert.ok(s2 > 0.8 && s1 + s2 === 1, `${s1} ${s2}`);
  });

  it('a copy that takes turns with other buffers (workingSetBytes) leaves the caches as that larger set does', () => {
    const ctx = makeContext(x86);
    const alone = estimateOp(x86.params, ctx, { kind: 'memcpy', bytes: 24 * KiB, destination: 'warm' }).ns;
    const inSwap = estimateOp(x86.params, ctx, { kind: 'memcpy', bytes: 24 * KiB, destination: 'warm', workingSetBytes: 72 * KiB }).ns;
    assert.ok(Math.abs(inSwap - (x86.params.t_call + (24 * KiB) / x86.params.B_L2)) < 1e-6, `${inSwap}`);
    assert.ok(inSwap > alone);
    // Never below the copy's own 2N.
    assert.equal(estimateOp(x86.params, ctx, { kind: 'memcpy', bytes: 24 * KiB, destination: 'warm', workingSetBytes: 1 }).ns, alone);
  });
});

describe('model v3: malloc that grows the heap with brk (t_brk)', () => {
  const ctx = makeContext(x86, { heapDestination: 'reused' });
  const op = (heapGrows: boolean, oldBytes = 48 * KiB): Operation => ({ kind: 'malloc-copy-free', oldBytes, newBytes: 2 * oldBytes, heapGrows });

  it('adds one kernel entry and t_brk to a heap allocation whose block does not fit the top of the heap', () => {
    const grown = estimateOp(x86.params, ctx, op(true));
    const plain = estimateOp(x86.params, ctx, op(false));
    assert.ok(Math.abs(grown.ns - plain.ns - (x86.params.t_sys + x86.params.t_brk)) < 1e-6);
    assert.ok(Math.abs(sumOfTerms(grown) - grown.ns) < 1e-6 * grown.ns);
    assert.ok(grown.assumptions.some((s) => /brk/.test(s)));
  });

  it('never for blocks at or above the mmap threshold (mmap instead) or with a copying allocator', () => {
    assert.equal(estimateOp(x86.params, ctx, op(true, MiB)).ns, estimateOp(x86.params, ctx, op(false, MiB)).ns);
    const copying = makeContext(x86, { allocator: 'copying' });
    assert.equal(estimateOp(x86.params, copying, op(true)).ns, estimateOp(x86.params, copying, op(false)).ns);
  });

  it('user code (no heapGrows) is unchanged', () => {
    assert.equal(estimateNamed(x86, 'malloc-copy-free', 48 * KiB).breakdown.some((t) => t.term === 't_brk'), false);
  });
});

describe('model v3: in-place grow after the writes emptied L2 (t_grow_l2)', () => {
  const cal = withParams(x86, { t_grow_l2: 1000 });
  const l2 = x86.machine.caches.l2;
  const part = (p: Profile, bytes: number, untouched = false) =>
    estimateNamed(p, 'mremap-grow-inplace', bytes, { untouched }).breakdown.find((t) => t.term === 't_grow_l2')?.ns ?? 0;

  it('is 0 while the written buffer fits well inside L2, all of t_grow_l2 from twice its size, rising in between', () => {
    assert.equal(part(cal, Math.floor(l2 / Math.SQRT2) - 4096), 0);
    assert.ok(Math.abs(part(cal, 2 * l2) - 1000) < 1e-6);
    assert.ok(Math.abs(part(cal, 64 * l2) - 1000) < 1e-6);
    let prev = 0;
    for (let b = 256 * KiB; b <= 8 * l2; b += 256 * KiB) {
      const v = part(cal, b);
      assert.ok(v >= prev - 1e-9 && v <= 1000 + 1e-9, `${b}: ${v}`);
      prev = v;
    }
  });

  it('uses the copy speeds’ transition: the share equals the bytes beyond L2 of a copy whose working set is the buffer', () => {
    const b = l2;
    const [, , s3, sm] = copyShares(x86.machine, b / 2);
    assert.ok(Math.abs(part(cal, b) - 1000 * (s3 + sm)) < 1e-6);
  });

  it('a never-written buffer does not pay it; the built-in (0) adds nothing', () => {
    assert.equal(part(cal, 16 * MiB, true), 0);
    assert.equal(part(x86, 16 * MiB), 0);
    const e = estimateNamed(cal, 'mremap-grow-inplace', 16 * MiB);
    assert.ok(Math.abs(sumOfTerms(e) - e.ns) < 1e-6 * e.ns);
  });
});

describe('model v3: move extents from known slot offsets (get_extent)', () => {
  it('a 2 MiB move from 1 page to 3 pages into their slots has three extents: 509, 2, 1', () => {
    const flat = moveExtents(512, 1, 3, 512).flatMap(([len, count]) => new Array<number>(count).fill(len));
    assert.deepEqual(flat, [509, 2, 1]);
  });

  it('equals a page-by-page get_extent() walk for any size and offsets (multiset of lengths)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 511 }), fc.integer({ min: 0, max: 511 }), (n, s, d) => {
        const want = bruteExtents(n, s, d, 512).sort((a, b) => a - b);
        const got = moveExtents(n, s, d, 512).flatMap(([len, count]) => new Array<number>(count).fill(len)).sort((a, b) => a - b);
        assert.deepEqual(got, want);
      }),
      { numRuns: 300 },
    );
  });

  it('counts a terabyte move in closed form (no page-by-page loop)', () => {
    const n = 2 ** 28; // 1 TiB of 4 KiB pages
    const ext = moveExtents(n, 1, 3, 512);
    assert.ok(ext.length <= 5);
    assert.equal(ext.reduce((s, [len, count]) => s + len * count, 0), n);
  });

  it('with another CPU, each extent is a shootdown: a 2 MiB move from +1 to +3 pays one more than the half-slot guess', () => {
    const ctx = makeContext(x86, { threads: 2 });
    const op: Operation = { kind: 'mremap', oldBytes: 2 * MiB, newBytes: 2 * MiB, mode: 'move', fixed: 'empty', alignment: 'misaligned', tablesFreed: true };
    const sd = (o: Operation) => estimateOp(x86.params, ctx, o).breakdown.filter((t) => t.term === 'T_sd').reduce((s, t) => s + t.count, 0);
    assert.equal(sd(op), 3, 'two half-slot extents + the freed page table');
    assert.equal(sd({ ...op, slotOffsets: { source: 1, destination: 3 } }), 4, 'three extents + the freed page table');
    const e = estimateOp(x86.params, ctx, { ...op, slotOffsets: { source: 1, destination: 3 } });
    assert.ok(Math.abs(sumOfTerms(e) - e.ns) < 1e-6 * e.ns);
  });

  it('each THP split flushes its huge page: with another CPU, one shootdown per split on top of the extents', () => {
    const one = makeContext(x86, { threads: 1 });
    const two = makeContext(x86, { threads: 2 });
    const op: Operation = {
      kind: 'mremap', oldBytes: 4 * MiB, newBytes: 4 * MiB, mode: 'move', fixed: 'empty', alignment: 'misaligned',
      tablesFreed: true, thpSource: true, slotOffsets: { source: 0, destination: 3 },
    };
    const count = (ctx: ReturnType<typeof makeContext>, term: string) =>
      estimateOp(x86.params, ctx, op).breakdown.filter((t) => t.term === term).reduce((s, t) => s + t.count, 0);
    assert.equal(count(one, 'c_split'), 2);
    // Extents of 509, 3, 509, 3 pages (offsets 0 and 3), two splits, one freed page table.
    assert.equal(count(two, 'T_sd'), 4 + 2 + 1);
    const e = estimateOp(x86.params, two, op);
    assert.ok(Math.abs(sumOfTerms(e) - e.ns) < 1e-6 * e.ns);
  });

  it('large moves cost the same per slot either way (two extents per slot), so user-code estimates keep their shape', () => {
    const ctx = makeContext(x86, { threads: 2 });
    const op: Operation = { kind: 'mremap', oldBytes: 1024 * MiB, newBytes: 1024 * MiB, mode: 'move', fixed: 'empty', alignment: 'misaligned', tablesFreed: true };
    const guess = estimateOp(x86.params, ctx, op).ns;
    const exact = estimateOp(x86.params, ctx, { ...op, slotOffsets: { source: 1, destination: 3 } }).ns;
    assert.ok(Math.abs(exact / guess - 1) < 0.02, `${exact} vs ${guess}`);
  });
});

describe('model v4', () => {
  it('is model version 4 or later (v3 calibrations of a VM were fitted without the huge-page host term)', () => {
    assert.ok(MODEL_VERSION >= 4);
  });

  it('the VM built-in: a huge-page fault costs the bare-metal 150 µs inside the pool and 300 µs beyond it; bare metal is unchanged', () => {
    const vm = builtinProfile('x86-64-vm').params;
    const bare = builtinProfile('x86-64').params;
    assert.equal(vm.t_fault2M, bare.t_fault2M);
    assert.equal(vm.t_fault2M + vm.t_fault2M_host, 300_000);
    assert.equal(bare.t_fault2M_host, 0);
    assert.equal(builtinProfile('arm64').params.t_fault2M_host, 0);
  });
});
