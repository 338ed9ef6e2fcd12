// Model v2 terms (issue 4): each checked against the MODEL-FACTS figure it rests on, plus the
// shape properties the fit relies on (continuity across cache sizes, the in-place grow plateau).
import { strict as assert } from 'node:assert';
import {
  builtinProfile, copyShares, estimateNamed, estimateOp, makeContext, MODEL_VERSION,
  type Profile,
} from '../../../src/core/model';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const x86 = builtinProfile('x86-64');
const vm = builtinProfile('x86-64-vm');
const ns = (p: Profile, op: string, bytes: number): number => estimateNamed(p, op, bytes).ns;
const within = (v: number, lo: number, hi: number, slack = 0): boolean => v >= lo * (1 - slack) && v <= hi * (1 + slack);

describe('model v2: in-place grow rises with size up to a plateau (MODEL-FACTS Appendix A, §1.2 [M])', () => {
  it('is a new model version', () => {
    assert.ok(MODEL_VERSION >= 2);
  });

  it('matches the Appendix A grow-in-place column: 2 MiB 1.3–1.5 µs, 16 MiB 4.6–6.1 µs, 256 MiB 11–13 µs, 1 GiB 8–13 µs (±10%)', () => {
    assert.ok(within(ns(x86, 'mremap-grow-inplace', 2 * MiB), 1300, 1500, 0.1), `${ns(x86, 'mremap-grow-inplace', 2 * MiB)}`);
    assert.ok(within(ns(x86, 'mremap-grow-inplace', 16 * MiB), 4600, 6100, 0.1), `${ns(x86, 'mremap-grow-inplace', 16 * MiB)}`);
    assert.ok(within(ns(x86, 'mremap-grow-inplace', 256 * MiB), 11_000, 13_000, 0.1), `${ns(x86, 'mremap-grow-inplace', 256 * MiB)}`);
    assert.ok(within(ns(x86, 'mremap-grow-inplace', GiB), 8000, 13_000, 0.1), `${ns(x86, 'mremap-grow-inplace', GiB)}`);
  });

  it('never falls with size; the size-dependent part is pages·c_grow while small and levels off below t_grow_cap', () => {
    let prev = 0;
    for (let b = 4096; b <= 4 * GiB; b *= 2) {
      const t = ns(x86, 'mremap-grow-inplace', b);
      assert.ok(t >= prev, `${b}: ${t} < ${prev}`);
      prev = t;
    }
    const part = (b: number) => estimateNamed(x86, 'mremap-grow-inplace', b).breakdown.find((t) => t.term === 'c_grow')!.ns;
    const small = (64 * KiB) / 4096;
    assert.ok(Math.abs(part(64 * KiB) / (small * x86.params.c_grow) - 1) < 0.01);
    assert.ok(part(4 * GiB) <= x86.params.t_grow_cap && part(4 * GiB) > 0.99 * x86.params.t_grow_cap);
  });
});

describe('model v2: in-place grow of a never-written buffer', () => {
  it('stays flat: the rise is a cold-cache cost of having written the buffer', () => {
    const u = (b: number) => estimateNamed(x86, 'mremap-grow-inplace', b, { untouched: true }).ns;
    assert.equal(u(64 * MiB), u(4096));
    assert.ok(ns(x86, 'mremap-grow-inplace', 64 * MiB) > 5 * u(64 * MiB));
  });
});

describe('model v2: munmap pays its local TLB flush (MODEL-FACTS §1.5, §1.8)', () => {
  it('per page up to the ceiling, one full flush above it', () => {
    const inv = (pages: number) => estimateNamed(x86, 'munmap', pages * 4096).breakdown.find((t) => t.term === 'c_invlpg')?.count;
    assert.equal(inv(16), 16);
    assert.equal(inv(33), 33);
    assert.equal(inv(34), undefined);
    assert.ok(estimateNamed(x86, 'munmap', 34 * 4096).breakdown.some((t) => t.term === 'c_flush_full'));
  });

  it('reproduces Appendix A munmap 64 KiB 4.2–4.7 µs and 256 KiB 5.2–5.7 µs within 10%, 1 page 1.6–1.8 µs', () => {
    assert.ok(within(ns(x86, 'munmap', 64 * KiB), 4200, 4700, 0.1), `${ns(x86, 'munmap', 64 * KiB)}`);
    assert.ok(within(ns(x86, 'munmap', 256 * KiB), 5200, 5700, 0.1), `${ns(x86, 'munmap', 256 * KiB)}`);
    assert.ok(within(ns(x86, 'munmap', 4096), 1600, 1800), `${ns(x86, 'munmap', 4096)}`);
  });

  it('a freed page table widens the flush back to the slot start: 33 pages one page into the slot cross the ceiling', () => {
    const ctx = makeContext(x86);
    const at = (lead: number) => estimateOp(x86.params, ctx, { kind: 'munmap', bytes: 33 * 4096, slotLeadPages: lead });
    assert.ok(at(0).breakdown.some((t) => t.term === 'c_invlpg'));
    assert.ok(at(1).breakdown.some((t) => t.term === 'c_flush_full'));
    assert.ok(at(1).ns < at(0).ns);
  });

  it('a never-written range has nothing to flush', () => {
    const e = estimateNamed(x86, 'munmap', 64 * KiB, { untouched: true });
    assert.ok(!e.breakdown.some((t) => t.term === 'c_invlpg' || t.term === 'c_flush_full'));
  });
});

describe('model v2: copy bandwidth changes smoothly across a cache size (MODEL-FACTS §1.9 [M])', () => {
  it('a 1 MiB copy (working set = the 2 MiB L2) runs between L2 and L3 speed: 32–33 µs measured, ±15%', () => {
    const t = ns(x86, 'memcpy-warm', MiB);
    assert.ok(within(t, 32_000, 33_000, 0.15), `${t}`);
    const l2Only = MiB / x86.params.B_L2;
    const l3Only = MiB / x86.params.B_L3;
    assert.ok(t > l2Only && t < l3Only);
  });

  it('working sets up to S/√2 run at the cache\'s speed, from 2S at the next level\'s, a third beyond at S', () => {
    const m = x86.machine;
    assert.deepEqual(copyShares(m, m.caches.l2 / 2 / Math.SQRT2), [0, 1, 0, 0]);
    assert.deepEqual(copyShares(m, m.caches.l2), [0, 0, 1, 0]);
    const mid = copyShares(m, m.caches.l2 / 2);
    assert.ok(Math.abs(mid[1] - 2 / 3) < 1e-12 && Math.abs(mid[2] - 1 / 3) < 1e-12, `${mid}`);
    // 16 KiB (working set 32 KiB, below 48 KiB/√2) is all L1: §1.9's fastest figure.
    assert.deepEqual(copyShares(m, 16 * KiB), [1, 0, 0, 0]);
  });

  it('f_l3 shrinks the L3 a copy can use: 64 MiB goes to memory speed when only a tenth of a 480 MiB L3 counts', () => {
    const m = { ...x86.machine, caches: { ...x86.machine.caches, l3: 480 * MiB } };
    assert.equal(copyShares(m, 64 * MiB)[3], 0);
    assert.equal(copyShares(m, 64 * MiB, 0.1)[3], 1);
  });

  it('shares always sum to 1 and the cost per byte never falls as the copy grows', () => {
    let prevPerByte = 0;
    for (let b = 1024; b <= 4 * GiB; b = Math.ceil(b * 1.19)) {
      const s = copyShares(x86.machine, b);
      assert.ok(Math.abs(s.reduce((a, c) => a + c, 0) - 1) < 1e-12 && s.every((x) => x >= 0), `${b}: ${s}`);
      const perByte = (ns(x86, 'memcpy-warm', b) - x86.params.t_call) / b;
      assert.ok(perByte >= prevPerByte * (1 - 1e-12), `${b}: ${perByte} < ${prevPerByte}`);
      prevPerByte = perByte;
    }
  });

  it('no jump at a cache size: one page more costs about one page more', () => {
    for (const size of [x86.machine.caches.l1d, x86.machine.caches.l2, x86.machine.caches.l3]) {
      const n = size / 2;
      const step = ns(x86, 'memcpy-warm', n + 4096) - ns(x86, 'memcpy-warm', n);
      assert.ok(step < 2 * (4096 / x86.params.B_mem), `${size}: step ${step}`);
    }
  });
});

describe('model v2: VM host faults beyond recently freed memory (MODEL-FACTS §1.9, §0 [M])', () => {
  it('bare metal has none', () => {
    assert.equal(x86.params.c_fault_host, 0);
    assert.ok(!estimateNamed(x86, 'memcpy-cold', GiB).breakdown.some((t) => t.term === 'c_fault_host'));
  });

  it('a VM guest pays them only for pages beyond s_fault_pool', () => {
    const pool = vm.params.s_fault_pool * MiB;
    assert.ok(!estimateNamed(vm, 'memcpy-cold', pool).breakdown.some((t) => t.term === 'c_fault_host'));
    const e = estimateNamed(vm, 'memcpy-cold', pool + 10 * 4096);
    assert.equal(e.breakdown.find((t) => t.term === 'c_fault_host')?.count, 10);
  });

  it('memcpy of 1 GiB into fresh memory in the VM profile lands in the measured 0.98–1.47 s (§1.9 [M])', () => {
    const t = ns(vm, 'memcpy-cold', GiB);
    assert.ok(within(t, 0.98e9, 1.47e9), `${t}`);
  });
});
