// The JS model: each primitive priced from the C model's terms, the terms adding up, the engine
// caveats said in words, and constant-step growth against doubling.
import { strict as assert } from 'node:assert';
import {
  builtinProfile, estimateJs, estimateOp, growthTotals, jsAlternative, makeContext, ModelInputError,
  type Estimate, type JsGrow,
} from '../../../src/core/model';
import type { JsPrimitive } from '../../../src/core/types';

const profile = builtinProfile('x86-64');
const p = profile.params;
const ctx = makeContext(profile);
const KiB = 1024;
const MiB = 1024 * KiB;

function addsUp(e: Estimate): void {
  const sum = e.breakdown.reduce((s, t) => s + t.ns, 0);
  assert.ok(Math.abs(sum - e.ns) <= 1e-9 * e.ns, `${e.op}: terms ${sum} ≠ total ${e.ns}`);
  const shares = e.breakdown.reduce((s, t) => s + t.share, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9, `${e.op}: shares add up to ${shares}`);
  for (const t of e.breakdown) assert.ok(Math.abs(t.count * t.unitNs - t.ns) <= 1e-6 * Math.max(1, t.ns), `${e.op}: ${t.term} count × unit ≠ ns`);
}

/** Bytes the estimate copies (the B_* terms count bytes). */
function copied(e: Estimate): number {
  return e.breakdown.filter((t) => t.term.startsWith('B_')).reduce((s, t) => s + t.count, 0);
}

function grow(primitive: JsPrimitive, oldBytes: number | null, newBytes: number | null, more: Partial<JsGrow> = {}): Estimate {
  return estimateJs(p, ctx, { primitive, oldBytes, newBytes, ...more });
}

describe('JS model: one call', () => {
  it('every primitive gives an estimate whose terms add up, and says in words what it rests on', () => {
    const all: Estimate[] = [
      grow('wasm-realloc', MiB, 2 * MiB), grow('wasm-realloc', 2 * MiB, MiB),
      grow('memory-grow', null, null, { deltaBytes: 4 * 64 * KiB }),
      grow('buffer-resize', MiB, 2 * MiB), grow('buffer-resize', 2 * MiB, MiB), grow('buffer-resize', MiB, MiB), grow('buffer-resize', MiB, 0),
      grow('buffer-transfer', MiB, 2 * MiB), grow('buffer-transfer', 2 * MiB, MiB),
      grow('copy-grow', MiB, 2 * MiB), grow('concat-grow', MiB, MiB + 64 * KiB),
    ];
    for (const e of all) {
      addsUp(e);
      assert.ok(e.assumptions.length > 0, e.op);
      assert.ok(!e.assumptions.some((a) => /MREMAP_|glibc|jemalloc|mimalloc|mmap threshold/.test(a)), `${e.op} borrows C words: ${e.assumptions.join(' | ')}`);
      for (const t of e.breakdown) assert.doesNotMatch(t.label, /malloc|memcpy|mremap|realloc/, `${e.op}: ${t.term}`);
    }
  });

  it('wasm realloc is the copying-allocator path, says it may grow in place, and a shrink stays put', () => {
    const up = grow('wasm-realloc', MiB, 2 * MiB);
    const manual = estimateOp(p, { ...ctx, allocator: 'copying' }, { kind: 'malloc-copy-free', oldBytes: MiB, newBytes: 2 * MiB });
    assert.equal(up.ns, manual.ns, 'a growing wasm realloc costs what malloc + copy + free costs');
    assert.equal(copied(up), MiB);
    assert.ok(up.assumptions.some((a) => /grows in place/.test(a) && /modelled as a copy/.test(a)));
    const down = grow('wasm-realloc', 2 * MiB, MiB);
    assert.equal(copied(down), 0);
    assert.ok(down.ns < up.ns / 100);
  });

  it('transfer is priced as a copy of the old bytes plus the zero-filled tail, and says the engine is not known', () => {
    const e = grow('buffer-transfer', MiB, 3 * MiB);
    assert.equal(copied(e), MiB);
    const faults = e.breakdown.filter((t) => t.term === 't_fault4k').reduce((s, t) => s + t.count, 0);
    assert.equal(faults, (3 * MiB) / 4096, 'the copied pages and the tail pages each fault once');
    assert.ok(e.assumptions.some((a) => a.startsWith('engine behaviour not known: modelled as a copy')));
    assert.equal(copied(grow('buffer-transfer', 3 * MiB, MiB)), MiB, 'a shrinking transfer copies the new length');
  });

  it('copy-grow copies the old bytes; concat copies old and chunk; resize and Memory.grow copy nothing', () => {
    assert.equal(copied(grow('copy-grow', MiB, 2 * MiB)), MiB);
    assert.equal(copied(grow('concat-grow', MiB, MiB + 64 * KiB)), MiB + 64 * KiB);
    const r = grow('buffer-resize', MiB, 2 * MiB);
    assert.equal(copied(r), 0);
    assert.ok(r.breakdown.some((t) => t.term === 't_vma_grow' && /committing/.test(t.label)));
    const m = grow('memory-grow', null, null, { deltaBytes: 64 * KiB, shared: false });
    assert.equal(copied(m), 0);
    assert.ok(m.assumptions.some((a) => /engine behaviour not known/.test(a)), 'a non-shared memory may move: said');
    assert.ok(m.assumptions.some((a) => /detached/.test(a)));
    const shared = grow('memory-grow', null, null, { deltaBytes: 64 * KiB, shared: true });
    assert.ok(shared.assumptions.some((a) => /shared memory never moves/.test(a)));
    assert.ok(!shared.assumptions.some((a) => /detached/.test(a)), 'a shared memory keeps its buffer');
  });

  it('a bigger growth never costs less', () => {
    for (const prim of ['wasm-realloc', 'buffer-transfer', 'copy-grow', 'buffer-resize'] as const) {
      let prev = 0;
      for (const n of [4 * KiB, 64 * KiB, MiB, 16 * MiB, 256 * MiB]) {
        const ns = grow(prim, n, 2 * n).ns;
        assert.ok(ns >= prev, `${prim} at ${n}: ${ns} < ${prev}`);
        prev = ns;
      }
    }
  });

  it('refuses what it cannot price, with what to do', () => {
    assert.throws(() => grow('buffer-transfer', null, MiB), (e: unknown) => e instanceof ModelInputError && /old size is not known/.test(e.message));
    assert.throws(() => grow('memory-grow', null, null), ModelInputError);
    assert.throws(() => grow('concat-grow', MiB, MiB), /must exceed the old one/);
    assert.throws(() => grow('buffer-resize', 2 * MiB, MiB, { shared: true }), /cannot shrink/);
  });

  it('the alternatives: resize() in place for transfer and copy-grow, one concat for a concat loop, none otherwise', () => {
    const g = (primitive: JsPrimitive): JsGrow => ({ primitive, oldBytes: MiB, newBytes: 2 * MiB });
    const t = jsAlternative(p, ctx, g('buffer-transfer'), false)!;
    assert.equal(t.op, 'buffer-resize');
    assert.equal(t.ns, grow('buffer-resize', MiB, 2 * MiB).ns);
    assert.ok(t.ns < grow('buffer-transfer', MiB, 2 * MiB).ns, 'growing in place costs less than copying');
    assert.equal(jsAlternative(p, ctx, g('copy-grow'), false)!.op, 'buffer-resize');
    assert.equal(jsAlternative(p, ctx, g('concat-grow'), true)!.op, 'concat-once');
    assert.equal(jsAlternative(p, ctx, g('concat-grow'), false), null);
    for (const prim of ['wasm-realloc', 'memory-grow', 'buffer-resize'] as const) assert.equal(jsAlternative(p, ctx, g(prim), true), null, prim);
  });
});

describe('JS model: constant-step growth against doubling', () => {
  it('sums every call: bytes copied match the arithmetic series, the total matches the calls one by one', () => {
    const t = growthTotals(p, ctx, 'copy-grow', 4 * KiB, 4 * KiB, 400 * KiB);
    assert.equal(t.linear.calls, 99);
    let bytes = 0;
    let ns = 0;
    for (let s = 4 * KiB; s < 400 * KiB; s += 4 * KiB) {
      bytes += s;
      ns += grow('copy-grow', s, s + 4 * KiB).ns;
    }
    assert.equal(t.linear.copied, bytes);
    assert.equal(copied(t.linear.estimate), bytes);
    assert.ok(Math.abs(t.linear.estimate.ns - ns) < 1e-6 * ns);
    addsUp(t.linear.estimate);
    addsUp(t.doubling.estimate);
    // 4 → 8 → … → 256 → 400 KiB: 7 calls, each copying the size before it.
    assert.equal(t.doubling.calls, 7);
    assert.equal(t.doubling.copied, (4 + 8 + 16 + 32 + 64 + 128 + 256) * KiB);
  });

  it('groups many calls without drifting from the exact sum', () => {
    // 1023 calls: sampled in groups, checked against pricing each call.
    const t = growthTotals(p, ctx, 'buffer-transfer', KiB, KiB, 1024 * KiB);
    assert.equal(t.linear.calls, 1023);
    let ns = 0;
    for (let s = KiB; s < 1024 * KiB; s += KiB) ns += grow('buffer-transfer', s, s + KiB).ns;
    assert.ok(Math.abs(t.linear.estimate.ns - ns) / ns < 0.02, `${t.linear.estimate.ns} vs ${ns}`);
    addsUp(t.linear.estimate);
  });

  it('is quadratic: twice the final size costs about four times as much by a step, about twice by doubling', () => {
    const a = growthTotals(p, ctx, 'copy-grow', 64 * KiB, 64 * KiB, 64 * MiB);
    const b = growthTotals(p, ctx, 'copy-grow', 64 * KiB, 64 * KiB, 128 * MiB);
    const lin = b.linear.estimate.ns / a.linear.estimate.ns;
    const dbl = b.doubling.estimate.ns / a.doubling.estimate.ns;
    assert.ok(lin > 3.3 && lin < 4.5, `linear ratio ${lin}`);
    assert.ok(dbl > 1.7 && dbl < 2.4, `doubling ratio ${dbl}`);
    assert.ok(a.linear.estimate.ns > 50 * a.doubling.estimate.ns);
  });

  it('concat copies the chunk as well, every call', () => {
    const t = growthTotals(p, ctx, 'concat-grow', 8 * KiB, 8 * KiB, 80 * KiB);
    let bytes = 0;
    for (let s = 8 * KiB; s < 80 * KiB; s += 8 * KiB) bytes += s + 8 * KiB;
    assert.equal(t.linear.copied, bytes);
    assert.equal(copied(t.linear.estimate), bytes);
  });

  it('refuses a final size not above the start', () => {
    assert.throws(() => growthTotals(p, ctx, 'copy-grow', MiB, KiB, MiB), /must exceed the start size/);
  });
});
