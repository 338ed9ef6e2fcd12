// Issue 12: calibration must fit machines unlike ours. Twenty-four synthetic machines (three
// corners, among them the EPYC guest with page-table isolation, and parameter vectors
// drawn log-uniformly over the ranges), each measured by the quick sweep with 10–20% noise and a
// 5–15% cost the model does not have, calibrated as `pagecost calibrate --quick` would, and
// judged on its own points and on the full sweep's (fresh noise, sizes the fit never saw).
import { strict as assert } from 'node:assert';
import { calibrate, renderCalibrationReport } from '../../../src/core/bench/calibration';
import { distribution, pointErrors } from '../../../src/core/bench/pointErrors';
import { fullSweep, quickCalibrationSweep } from '../../../src/core/bench/sweep';
import { loadProfile } from '../../../src/core/model';
import { measure, measurementsOf, syntheticMachines, trueProfile } from './machines';

const MACHINES = syntheticMachines(24, 12);

describe('calibration on synthetic machines (issue 12)', function () {
  this.timeout(240_000);

  it('draws at least 20 machines, slow-VM corners included, with 10–20% noise and a model mismatch', () => {
    assert.ok(MACHINES.length >= 20);
    assert.ok(MACHINES.some((m) => m.machine.pti === 'pti-pcid' && m.truth.t_sys + m.truth.t_pti >= 1000 && m.truth.t_fault4k >= 9000), 'the issue-12 guest');
    for (const m of MACHINES) {
      assert.ok(m.noise >= 0.1 && m.noise <= 0.2, `${m.name}: noise ${m.noise}`);
      assert.ok(m.mismatch > 0, m.name);
    }
    // Fixed seeds: the same machines every run.
    assert.deepEqual(syntheticMachines(24, 12).map((m) => m.truth.a_ipi), MACHINES.map((m) => m.truth.a_ipi));
  });

  for (const [i, m] of MACHINES.entries()) {
    it(`#${i} ${m.name}: ≥ 95% of the quick sweep's and of the full sweep's points within 1.5×`, () => {
      const quick = quickCalibrationSweep(m.machine.cpus);
      const points = measure(m, quick, 1);
      const { file } = calibrate(measurementsOf(m, quick, points), 'synthetic');
      const profile = loadProfile(file, 'synthetic.json');
      const truth = trueProfile(m);
      const own = distribution(pointErrors(truth, profile.params, points));
      const full = distribution(pointErrors(truth, profile.params, measure(m, fullSweep(m.machine.cpus), 2)));
      const worst = (d: typeof own) => d.worst.slice(0, 3).map((w) => `${w.id} ${w.ratio.toFixed(2)}`).join(', ');
      assert.ok(own.within1_5 >= 0.95, `own points: ${(100 * own.within1_5).toFixed(1)}% within 1.5× (${worst(own)})`);
      assert.ok(full.within1_5 >= 0.95, `full sweep: ${(100 * full.within1_5).toFixed(1)}% within 1.5× (${worst(full)})`);
    });
  }
});

describe('calibration: what it writes', function () {
  this.timeout(120_000);

  it('never writes a profile that predicts its own points worse than its start, and says so', () => {
    const m = MACHINES[5]!;
    const quick = quickCalibrationSweep(m.machine.cpus);
    // Points the start predicts exactly: no fit can do better.
    const { start } = calibrate(measurementsOf(m, quick, measure(m, quick, 1)), 'x');
    const exact = { ...m, truth: start.params, noise: 0, mismatch: 0 };
    const { file, fit } = calibrate(measurementsOf(exact, quick, measure(exact, quick, 3)), 'exact');
    assert.equal(fit.keptStart, true);
    assert.deepEqual(file.params, {});
    assert.equal(file.fit.keptStart, true);
    assert.match(renderCalibrationReport(distribution(pointErrors(start, start.params, [])), file.fit.unfitted, true), /no better than the built-in parameters/);
  });

  it('writes a term the points pin only as a sum (a guest with PTI: t_fault4k + t_pti), and reports it as not pinned alone', () => {
    const m = MACHINES[0]!;
    const quick = quickCalibrationSweep(m.machine.cpus);
    const { file, unfitted } = calibrate(measurementsOf(m, quick, measure(m, quick, 1)), 'pti');
    const p = loadProfile(file, 'pti.json');
    const fault = p.params.t_fault4k + p.params.t_pti;
    const truth = m.truth.t_fault4k + m.truth.t_pti;
    // Within the noise and mismatch of single points (the built-in sums are 4.5× and 6× off).
    const near = (a: number, b: number) => a / b < 1.5 && b / a < 1.5;
    assert.ok(near(fault, truth), `fault ${fault} vs ${truth}`);
    const sys = p.params.t_sys + p.params.t_pti;
    assert.ok(near(sys, m.truth.t_sys + m.truth.t_pti), `system call ${sys} vs ${m.truth.t_sys + m.truth.t_pti}`);
    for (const u of unfitted.filter((x) => x.written)) assert.match(u.reason, /written as fitted/);
    assert.ok(unfitted.some((u) => u.id === 't_pti'), 'the split is reported');
  });
});
