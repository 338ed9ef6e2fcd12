// Issue 12 item 3: the probe behind `this-machine`. A couple of dozen points fitted to the terms
// that differ most between machines must bring uncalibrated estimates within 2× for ≥ 70% and
// within 4× for ≥ 90% of the full sweep's points — checked on the 24 synthetic machines of the
// calibration tests (slow guests, fast bare metal, arm64; noise and a model mismatch included).
import { strict as assert } from 'node:assert';
import { checkProbe, fitProbe, probeSweeps, probedProfile, PROBE_IDS, PROBE_VERSION, type ProbeFile } from '../../../src/core/bench/probe';
import { distribution, pointErrors } from '../../../src/core/bench/pointErrors';
import { expectedLines, fullSweep, validateSweep } from '../../../src/core/bench/sweep';
import { MODEL_VERSION, builtinProfile, machineKey, type Profile } from '../../../src/core/model';
import { measure, syntheticMachines, trueProfile, type SyntheticMachine } from './machines';

const MACHINES = syntheticMachines(24, 12);

function startOf(m: SyntheticMachine): Profile {
  return { ...builtinProfile(m.base), machine: m.machine };
}

function probeOf(m: SyntheticMachine): ProbeFile {
  const points = probeSweeps(m.machine).flatMap((s, i) => measure(m, s, 100 + i));
  const { params } = fitProbe(startOf(m), points);
  return { pagecostProbe: PROBE_VERSION, modelVersion: MODEL_VERSION, machineKey: 'k', base: m.base, created: '2026-12-07T00:00:00Z', elapsedMs: 1500, params, points };
}

describe('the this-machine probe (issue 12)', function () {
  this.timeout(120_000);

  it('is a few dozen points in a handful of short runs: the system call, moves, faults, copies per cache level, a shootdown with a second CPU', () => {
    for (const cpus of [1, 2, 8]) {
      const m = { ...MACHINES[0]!.machine, cpus };
      const runs = probeSweeps(m);
      for (const r of runs) assert.equal(validateSweep(r), null);
      const points = runs.reduce((n, r) => n + expectedLines(r), 0);
      assert.ok(points <= 30, `${points} points`);
      const ops = new Set(runs.flatMap((r) => r.ops));
      for (const op of ['syscall', 'mremap-move', 'mremap-move-untouched', 'fault-4k', 'memcpy-warm'] as const) assert.ok(ops.has(op), op);
      assert.equal(runs.some((r) => r.threads.includes(2)), cpus >= 2, 'a remote shootdown only where there is a second CPU');
      // One copy per cache level and one beyond the L3 (at most 32 MiB: a guest may report the host's L3).
      assert.equal(runs.find((r) => r.ops.includes('memcpy-warm'))!.sizes.length, 4);
    }
  });

  for (const [i, m] of MACHINES.entries()) {
    it(`#${i} ${m.name}: uncalibrated estimates within 2× for ≥ 70% and within 4× for ≥ 90% of the full sweep`, () => {
      const probe = probeOf(m);
      const profile = probedProfile(startOf(m), probe);
      const full = measure(m, fullSweep(m.machine.cpus), 2);
      const d = distribution(pointErrors(trueProfile(m), profile.params, full));
      const built = distribution(pointErrors(trueProfile(m), startOf(m).params, full));
      assert.ok(d.within2 >= 0.7, `${(100 * d.within2).toFixed(1)}% within 2×`);
      assert.ok(d.within4 >= 0.9, `${(100 * d.within4).toFixed(1)}% within 4×`);
      assert.ok(d.within2 >= built.within2, `no worse than the built-in (${(100 * built.within2).toFixed(1)}% within 2×)`);
    });
  }

  it('fits only its own terms; the profile names the probe and the built-in it kept for the rest', () => {
    const m = MACHINES[0]!;
    const probe = probeOf(m);
    for (const id of Object.keys(probe.params)) assert.ok((PROBE_IDS as readonly string[]).includes(id), id);
    const p = probedProfile({ ...startOf(m), description: 'this machine, x86-64-vm parameters' }, probe);
    assert.match(p.description, /probed \(\d+ terms measured, the rest x86-64-vm\)/);
    assert.match(p.origins.t_sys ?? '', /probed on this machine/);
    assert.equal(p.params.c_split, builtinProfile('x86-64-vm').params.c_split);
  });

  it('a kept probe is used only on the machine, model version and format it was made for', () => {
    const probe = { ...probeOf(MACHINES[1]!), machineKey: 'box-2cpu-6.18-00' };
    assert.equal(checkProbe(JSON.parse(JSON.stringify(probe)), 'box-2cpu-6.18-00').ok, true);
    const refusal = (v: unknown, key = 'box-2cpu-6.18-00'): string => {
      const c = checkProbe(v, key);
      return c.ok ? '' : c.error;
    };
    assert.match(refusal(probe, 'box-2cpu-6.19-00'), /made on box-2cpu-6\.18-00, this is box-2cpu-6\.19-00/);
    assert.match(refusal({ ...probe, modelVersion: MODEL_VERSION - 1 }), /model v/);
    assert.match(refusal({ ...probe, pagecostProbe: 99 }), /probe format 99/);
    assert.match(refusal({ ...probe, params: { t_sys: -5 } }), /t_sys = -5 is not usable/);
    assert.match(refusal({ ...probe, params: { nope: 1 } }), /nope/);
    assert.match(refusal('text'), /not a JSON object/);
  });

  it('machine keys: readable at the front, different for another kernel, CPU count or PTI state', () => {
    const f = MACHINES[2]!.machine;
    const k = machineKey(f, 'AMD EPYC 9R14 96-Core Processor');
    assert.ok(k.startsWith('amd-epyc-9r14-96-core-'), k);
    assert.match(k, new RegExp(`-${f.cpus}cpu-${f.kernel.replace(/\./g, '\\.')}-[0-9a-f]{16}$`));
    assert.equal(machineKey(f, 'AMD EPYC 9R14 96-Core Processor'), k, 'stable');
    assert.notEqual(machineKey({ ...f, kernel: '6.19.0' }, 'AMD EPYC 9R14 96-Core Processor'), k);
    assert.notEqual(machineKey({ ...f, cpus: f.cpus + 1 }, 'AMD EPYC 9R14 96-Core Processor'), k);
    assert.notEqual(machineKey({ ...f, pti: f.pti === 'off' ? 'pti-pcid' : 'off' }, 'AMD EPYC 9R14 96-Core Processor'), k);
    assert.match(machineKey({}, ''), /^machine-\?cpu-unknown-[0-9a-f]{16}$/);
  });
});
