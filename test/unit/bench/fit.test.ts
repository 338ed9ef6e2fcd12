import { strict as assert } from 'node:assert';
import { builtinProfile, paramDef, type ParamId, type Params, type Profile } from '../../../src/core/model';
import { fitProfile } from '../../../src/core/bench/fit';
import { isModelled, modelFor, modelPoint } from '../../../src/core/bench/modelled';
import type { MeasuredPoint } from '../../../src/core/bench/protocol';
import { BENCH_OPS } from '../../../src/core/bench/sweep';
import { syntheticSweep } from './fixtures';

const MiB = 1024 * 1024;
const base = builtinProfile('x86-64-vm');
// Four CPUs, so that 1, 2 and 4 threads separate the fixed and per-CPU parts of a shootdown.
const profile: Profile = { ...base, machine: { ...base.machine, cpus: 4 } };

const TRUTH: Partial<Params> = {
  t_sys: 95, t_vma_move: 2600, t_vma_grow: 500, c_pte: 11, c_pmd: 200, c_thp: 250, c_split: 7000,
  c_invlpg: 120, c_flush_full: 220, a_ipi: 12000, b_ipi: 600, t_fault4k: 1200, t_fault2M: 120000,
  t_unmap0: 1200, c_unmap: 70, t_mmap: 1500, B_L1: 120, B_L2: 40, B_L3: 15, B_mem: 7, t_call: 8,
};

/** What the harness would print for the full sweep on 4 CPUs if the model with `truth` were exact. */
function synthetic(truth: Params, distort?: (i: number, v: number) => number): MeasuredPoint[] {
  return syntheticSweep(profile, truth, 4, distort);
}

const truth: Params = { ...profile.params, ...TRUTH };
const CORE: ParamId[] = ['t_sys', 't_vma_move', 't_vma_grow', 'c_pte', 'c_split', 'c_invlpg', 'a_ipi', 't_fault4k', 't_fault2M', 't_unmap0', 'c_unmap', 'B_L1', 'B_L2', 'B_L3', 'B_mem'];

describe('bench modelled column', () => {
  it('models every harness op', () => {
    for (const op of BENCH_OPS) assert.ok(isModelled(op), op);
    const fn = modelFor(profile);
    for (const op of BENCH_OPS) {
      const v = fn({ op, bytes: op === 'syscall' ? 0 : 2 * MiB, threads: 1, huge: op === 'fault-2m', aligned: false });
      assert.ok(v !== null && v > 0 && Number.isFinite(v), op);
    }
  });

  it('follows the harness setup: aligned and THP moves are cheaper than misaligned ones, spinners add shootdowns', () => {
    const fn = modelFor(profile);
    const k = { op: 'mremap-move', bytes: 16 * MiB, threads: 1, huge: false, aligned: false };
    assert.ok(fn({ ...k, aligned: true })! < fn(k)! / 3);
    assert.ok(fn({ ...k, aligned: true, huge: true })! < fn(k)!);
    assert.ok(fn({ ...k, huge: true })! > fn(k)!, 'a misaligned THP source is split');
    assert.ok(fn({ ...k, threads: 2 })! > fn(k)!);
    assert.equal(fn({ op: 'syscall', bytes: 0, threads: 1, huge: false, aligned: false }), profile.params.t_sys);
    assert.equal(fn({ op: 'no-such-op', bytes: 4096, threads: 1, huge: false, aligned: false }), null);
  });
});

describe('bench calibration fit', function () {
  // Each fit of the full sweep on four CPUs (≈1300 points) takes a few seconds of CPU; a machine
  // shared with other builds stretched one past 20 s.
  this.timeout(180_000);

  it('recovers known parameters from synthetic measurements within 5%', () => {
    const fit = fitProfile(profile, synthetic(truth));
    for (const id of CORE) {
      const f = fit.fitted.find((p) => p.id === id)!;
      assert.ok(f.identified, `${id} should be pinned down by the full sweep`);
    }
    for (const f of fit.fitted.filter((p) => p.identified)) {
      const want = truth[f.id];
      assert.ok(Math.abs(f.value / want - 1) < 0.05, `${f.id}: fitted ${f.value}, truth ${want}`);
    }
    assert.ok(fit.medianAbsLogError < 0.01);
  });

  it('shrugs off disturbed points: every 10th measurement 3× too slow, the rest ±4%', () => {
    const noisy = synthetic(truth, (i, v) => (i % 10 === 3 ? 3 * v : v * (1 + 0.04 * Math.sin(i * 7.1))));
    const fit = fitProfile(profile, noisy);
    for (const id of CORE) {
      const f = fit.fitted.find((p) => p.id === id)!;
      assert.ok(Math.abs(f.value / truth[id] - 1) < 0.05, `${id}: fitted ${f.value}, truth ${truth[id]}`);
    }
  });

  it('with one thread count on two CPUs, fits the whole shootdown into a_ipi and leaves b_ipi alone', () => {
    const two: Profile = { ...profile, machine: { ...profile.machine, cpus: 2 } };
    const pts = synthetic(truth).filter((p) => p.threads <= 2);
    const fit = fitProfile(two, pts.map((p) => ({ ...p, medianNs: modelPoint(two, truth, p)! })));
    assert.equal(fit.fitted.some((p) => p.id === 'b_ipi'), false);
    assert.equal(fit.params.b_ipi, two.params.b_ipi);
    const a = fit.fitted.find((p) => p.id === 'a_ipi')!;
    assert.ok(a.identified);
    // What a shootdown to one other CPU costs comes out right, however it is split.
    const fitted = fit.params.a_ipi + fit.params.b_ipi;
    assert.ok(Math.abs(fitted / (truth.a_ipi + truth.b_ipi) - 1) < 0.05, `${fitted}`);
  });

  it('keeps parameters inside their plausible ranges and says which stopped at an edge', () => {
    const low = paramDef('t_fault2M')!.range[0];
    const fit = fitProfile(profile, synthetic({ ...truth, t_fault2M: low / 2 }));
    const f = fit.fitted.find((p) => p.id === 't_fault2M')!;
    assert.equal(f.atBound, 'low');
    assert.ok(Math.abs(f.value - low) < 1e-6 * low);
    for (const p of fit.fitted) {
      const [a, b] = paramDef(p.id)!.range;
      assert.ok(p.value >= Math.max(a, 1e-3) * (1 - 1e-9) && p.value <= b * (1 + 1e-9), `${p.id} = ${p.value} outside ${a}–${b}`);
    }
  });

  it('leaves parameters the data never touch where they were, and excludes unusable points with a reason', () => {
    const pts = synthetic(truth).filter((p) => p.op === 'syscall');
    pts.push({ ...pts[0]!, op: 'mystery-op' });
    pts.push({ ...pts[0]!, op: 'fault-2m', bytes: 2 * MiB, huge: true, note: 'the kernel did not provide huge pages in every repetition' });
    const fit = fitProfile(profile, pts);
    assert.ok(Math.abs(fit.params.t_sys / 95 - 1) < 0.05);
    assert.equal(fit.params.c_pte, profile.params.c_pte);
    assert.equal(fit.fitted.find((p) => p.id === 'c_pte')!.identified, false);
    assert.deepEqual(fit.excluded.map((e) => e.reason), ['not modelled', 'the kernel did not provide huge pages in every repetition']);
  });
});
