// Properties of the model that must hold for every input, not only for the defaults.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DOUBLING, builtinProfile, estimateNamed, makeContext, namedNs, solveCrossover, OP_NAMES, type OpName } from '../../../src/core/model';
import { arbAlignment, arbAllocator, arbBytes, arbOp, arbProfile, arbThreads } from './arbitraries';

/**
 * a ≤ b up to float rounding: sums of the same terms in another order may differ in the last
 * bit (fast-check found 82360821.00086541 ns against …0008654 for 2 and 29 threads, where the
 * shootdown's per-CPU term was 6.6e-11 ns).
 */
function notAbove(a: number, b: number): boolean {
  return a <= b + 1e-12 * Math.abs(b);
}

const MREMAP_OPS: OpName[] = ['mremap-move', 'mremap-grow', 'mremap-grow-inplace', 'mremap-shrink', 'realloc-grow', 'munmap'];

describe('model: properties (fast-check)', () => {
  it('every estimate is positive and finite, and its breakdown adds up to it', () => {
    fc.assert(
      fc.property(arbProfile(), arbOp(), arbBytes(), arbThreads(), arbAllocator(), arbAlignment(), fc.boolean(), (p, op, n0, t, allocator, alignment, untouched) => {
        // Ops that grow N to 2N take N up to 2^47 so that 2N stays a mappable size.
        const n = DOUBLING.has(op) ? Math.max(1, Math.floor(n0 / 2)) : n0;
        const e = estimateNamed(p, op, n, { threads: t, allocator, untouched, ...(alignment ? { alignment } : {}) });
        assert.ok(Number.isFinite(e.ns) && e.ns > 0, `${op} ${n}: ${e.ns}`);
        const sum = e.breakdown.reduce((s, x) => s + x.ns, 0);
        assert.ok(Math.abs(sum - e.ns) <= 1e-9 * e.ns, `sum ${sum} vs ${e.ns}`);
        for (const term of e.breakdown) {
          assert.ok(Number.isFinite(term.ns) && term.ns > 0 && term.share > 0 && term.share <= 1, JSON.stringify(term));
          assert.ok(Math.abs(term.count * term.unitNs - term.ns) <= 1e-9 * Math.max(1, term.ns), JSON.stringify(term));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('memcpy never gets cheaper as the size grows (warm and fresh destination)', () => {
    fc.assert(
      fc.property(arbProfile(), arbBytes(), arbBytes(), fc.constantFrom<OpName>('memcpy-warm', 'memcpy-cold'), fc.boolean(), (p, a, b, op, untouched) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const o = { untouched };
        const ctx = makeContext(p, o);
        assert.ok(notAbove(namedNs(p, ctx, op, lo, o), namedNs(p, ctx, op, hi, o)), `${op} ${lo} vs ${hi}`);
      }),
      { numRuns: 400 },
    );
  });

  it('memcpy into fresh memory under THP "always" does not get cheaper at a 2 MiB boundary', () => {
    for (const base of ['x86-64', 'x86-64-vm'] as const) {
      const p = builtinProfile(base);
      const thp = { ...p, machine: { ...p.machine, thp: 'always' as const } };
      const ctx = makeContext(thp);
      for (let k = 1; k <= 8; k++) {
        const n = k * 2 * 1024 * 1024;
        assert.ok(namedNs(thp, ctx, 'memcpy-cold', n - 1) <= namedNs(thp, ctx, 'memcpy-cold', n), String(n));
        assert.ok(namedNs(thp, ctx, 'memcpy-cold', n) <= namedNs(thp, ctx, 'memcpy-cold', n + 1), String(n));
      }
    }
  });

  it('more threads never make an mremap (or a call that uses one) cheaper, without AMD INVLPGB', () => {
    fc.assert(
      fc.property(arbProfile({ invlpgb: false }), fc.constantFrom(...MREMAP_OPS), arbBytes(2 ** 40), arbThreads(), arbThreads(), fc.boolean(), (p, op, n, t1, t2, untouched) => {
        const [lo, hi] = t1 <= t2 ? [t1, t2] : [t2, t1];
        assert.ok(
          notAbove(estimateNamed(p, op, n, { threads: lo, untouched }).ns, estimateNamed(p, op, n, { threads: hi, untouched }).ns),
          `${op} ${n}: ${lo} vs ${hi} threads`,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the crossover is where the two curves meet: mover dearer one byte below, cheaper at it', () => {
    const pairs: [OpName, OpName][] = [['mremap-move', 'memcpy-warm'], ['mremap-move', 'memcpy-cold'], ['mremap-grow', 'malloc-copy-free'], ['realloc-grow', 'malloc-copy-free']];
    fc.assert(
      fc.property(arbProfile(), fc.constantFrom(...pairs), fc.integer({ min: 1, max: 128 }), arbAllocator(), (p, [mover, copier], t, allocator) => {
        const o = { threads: t, allocator };
        const ctx = makeContext(p, o);
        const f = (n: number): number => namedNs(p, ctx, mover, n, o);
        const g = (n: number): number => namedNs(p, ctx, copier, n, o);
        const c = solveCrossover(p, mover, copier, o);
        if (c.kind === 'at') {
          assert.ok(f(c.bytes) < g(c.bytes), `at ${c.bytes}: ${f(c.bytes)} !< ${g(c.bytes)}`);
          assert.ok(f(c.bytes - 1) >= g(c.bytes - 1), `below ${c.bytes}`);
        } else if (c.kind === 'always') {
          assert.ok(f(1) < g(1) && f(4096) < g(4096));
        } else {
          assert.ok(f(2 ** 40) >= g(2 ** 40));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the mover stays cheaper at every size above the crossover (any profile, pair, threads, allocator, placement)', () => {
    const pairs: [OpName, OpName][] = [['mremap-move', 'memcpy-warm'], ['mremap-move', 'memcpy-cold'], ['mremap-grow', 'malloc-copy-free'], ['realloc-grow', 'malloc-copy-free']];
    fc.assert(
      fc.property(arbProfile(), fc.constantFrom(...pairs), fc.integer({ min: 1, max: 128 }), arbAllocator(), arbAlignment(), fc.boolean(), fc.array(arbBytes(2 ** 40), { minLength: 10, maxLength: 10 }), (p, [a, b], t, allocator, alignment, untouched, sizes) => {
        const o = { threads: t, allocator, untouched, ...(alignment ? { alignment } : {}) };
        const c = solveCrossover(p, a, b, o);
        fc.pre(c.kind !== 'never');
        const from = c.kind === 'at' ? c.bytes : 1;
        const ctx = makeContext(p, o);
        for (const s of sizes) {
          // Doubling ops stay below 2^47 so that 2N is a mappable size.
          const n = Math.max(from, Math.floor(s / 2));
          assert.ok(namedNs(p, ctx, a, n, o) < namedNs(p, ctx, b, n, o), `${a} vs ${b}, ${JSON.stringify(o)}, ${n} bytes ≥ ${JSON.stringify(c)}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every named op is covered by the generators', () => {
    assert.equal(new Set(OP_NAMES).size, 9);
  });
});
