// Profiles: built-ins, calibration files (validation with useful errors), "this machine" from
// a fake sysfs/procfs.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CALIBRATABLE_PARAM_IDS, MODEL_VERSION, ModelInputError, PARAMS, calibrationFile, builtinProfile, estimateNamed, loadProfile, readMachineFacts, resolveProfile,
} from '../../../src/core/model';

const fakeFs = (files: Record<string, string>) => (p: string): string | null => files[p] ?? null;

const SYS: Record<string, string> = {
  '/proc/sys/kernel/arch': 'x86_64\n',
  '/proc/sys/kernel/osrelease': '6.8.0-45-generic\n',
  '/sys/kernel/mm/transparent_hugepage/enabled': 'always [madvise] never\n',
  '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size': '2097152\n',
  '/sys/devices/system/cpu/vulnerabilities/meltdown': 'Mitigation: PTI\n',
  '/sys/devices/system/cpu/online': '0-15\n',
  '/proc/cpuinfo': 'processor\t: 0\nflags\t\t: fpu sse2 pcid hypervisor\n',
  '/sys/devices/system/cpu/cpu0/cache/index0/level': '1\n',
  '/sys/devices/system/cpu/cpu0/cache/index0/type': 'Data\n',
  '/sys/devices/system/cpu/cpu0/cache/index0/size': '32K\n',
  '/sys/devices/system/cpu/cpu0/cache/index1/level': '1\n',
  '/sys/devices/system/cpu/cpu0/cache/index1/type': 'Instruction\n',
  '/sys/devices/system/cpu/cpu0/cache/index1/size': '32K\n',
  '/sys/devices/system/cpu/cpu0/cache/index2/level': '2\n',
  '/sys/devices/system/cpu/cpu0/cache/index2/type': 'Unified\n',
  '/sys/devices/system/cpu/cpu0/cache/index2/size': '1024K\n',
  '/sys/devices/system/cpu/cpu0/cache/index3/level': '3\n',
  '/sys/devices/system/cpu/cpu0/cache/index3/type': 'Unified\n',
  '/sys/devices/system/cpu/cpu0/cache/index3/size': '16384K\n',
};

function calib(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { pagecostProfile: 1, modelVersion: MODEL_VERSION, name: 'lab box', base: 'x86-64', created: '2026-11-25T20:00:00Z', params: { c_pte: 20 }, ...over };
}

const rejects = (json: unknown, pattern: RegExp): void => {
  assert.throws(() => loadProfile(json, 'calib.json'), (e: unknown) => e instanceof ModelInputError && pattern.test(e.message) && e.message.includes('calib.json'));
};

describe('model: profiles', () => {
  it('every parameter has a unit, a default per built-in inside its limits, a range and a source', () => {
    for (const p of PARAMS) {
      assert.ok(p.source.length > 10 && p.label.length > 5, p.id);
      assert.ok(p.range[0] <= p.range[1] && p.limits[0] <= p.range[0] && p.range[1] <= p.limits[1], p.id);
      for (const v of Object.values(p.defaults)) assert.ok(v >= p.limits[0] && v <= p.limits[1], `${p.id} default ${v}`);
    }
  });

  it('docs/MODEL.md lists every parameter with the defaults in params.ts', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/MODEL.md'), 'utf8');
    for (const p of PARAMS) {
      const d = p.defaults;
      const row = new RegExp(`^\\| \`${p.id}\` \\|[^\\n]*\\| ${d['x86-64']} \\| ${d['x86-64-vm']} \\| ${d.arm64} \\|`, 'm');
      assert.match(doc, row, `${p.id}: update the parameter table in docs/MODEL.md`);
    }
  });

  it('built-ins differ where the machines differ (VM shootdowns dearer, arm64 broadcast cheaper)', () => {
    const x = builtinProfile('x86-64');
    assert.ok(builtinProfile('x86-64-vm').params.a_ipi > x.params.a_ipi);
    assert.ok(builtinProfile('arm64').params.a_ipi < x.params.a_ipi);
    assert.equal(builtinProfile('arm64').machine.arch, 'arm64');
    assert.ok(Object.isFrozen(x.params), 'built-ins are shared and frozen');
  });

  it('a calibration file overrides parameters and records where each value came from', () => {
    const p = loadProfile(calib({ notes: { c_pte: 'slope of the page sweep' } }), 'calib.json');
    assert.equal(p.params.c_pte, 20);
    assert.equal(p.params.t_sys, builtinProfile('x86-64').params.t_sys);
    assert.match(p.origins.c_pte!, /calibrated \(calib\.json, 2026-11-25.*slope of the page sweep/);
    assert.match(p.origins.t_sys!, /default/);
    assert.equal(p.source, 'file calib.json');
    assert.ok(estimateNamed(p, 'mremap-move', 2 ** 30).ns > estimateNamed(builtinProfile('x86-64'), 'mremap-move', 2 ** 30).ns);
  });

  it('calibrationFile() writes what loadProfile() reads back, for every calibratable parameter', () => {
    const base = builtinProfile('x86-64-vm');
    const params: Record<string, number> = {};
    for (const id of CALIBRATABLE_PARAM_IDS) params[id] = id === 'n_ceil' ? 40 : id === 'f_l3' ? 0.5 : base.params[id] * 1.1;
    // Keep the bandwidth order intact (all scaled alike).
    const file = calibrationFile({ name: 'vm', base: 'x86-64-vm', params, machine: { cpus: 2 } });
    const p = loadProfile(JSON.parse(JSON.stringify(file)), 'vm.json');
    for (const id of CALIBRATABLE_PARAM_IDS) assert.equal(p.params[id], params[id], id);
    assert.equal(p.machine.cpus, 2);
    assert.ok(CALIBRATABLE_PARAM_IDS.includes('c_pte') && !CALIBRATABLE_PARAM_IDS.includes('t_lock'));
  });

  it('refuses a wrong format version, a different model version, and wrong shapes, saying what to do', () => {
    rejects('hello', /pagecostProfile/);
    rejects(calib({ pagecostProfile: 2 }), /format 1.*calibrate/);
    rejects(calib({ modelVersion: MODEL_VERSION + 1 }), /model v.*calibrate/);
    rejects(calib({ base: 'sparc' }), /base.*x86-64/);
    rejects(calib({ params: [1, 2] }), /params/);
    rejects(calib({ params: { c_ptee: 13 } }), /unknown parameter "c_ptee".*c_pte/);
    rejects(calib({ params: { c_pte: '13' } }), /finite number/);
    rejects(calib({ params: { n_ceil: 33.5 } }), /whole number/);
    rejects(calib({ machine: { pageSize: 8192 } }), /pageSize.*4096/);
    rejects(calib({ machine: { gpu: true } }), /unknown machine fact/);
  });

  it('refuses impossible values and warns about unusual ones', () => {
    rejects(calib({ params: { c_pte: 13e6 } }), /c_pte.*outside its possible range.*unit/);
    rejects(calib({ params: { B_L1: 5, B_mem: 50 } }), /bandwidths must not increase/);
    const p = loadProfile(calib({ params: { a_ipi: 400_000 } }), 'calib.json');
    assert.ok(p.warnings.some((w) => w.includes('a_ipi')));
  });

  it('resolveProfile finds built-ins, files, and says which names exist', () => {
    assert.equal(resolveProfile('arm64', fakeFs({})).name, 'arm64');
    const p = resolveProfile('/tmp/c.json', fakeFs({ '/tmp/c.json': JSON.stringify(calib()) }));
    assert.equal(p.name, 'lab box');
    assert.throws(() => resolveProfile('nope', fakeFs({})), /no profile named "nope".*x86-64.*this-machine/);
    assert.throws(() => resolveProfile('/tmp/bad.json', fakeFs({ '/tmp/bad.json': '{' })), /not valid JSON/);
  });
});

describe('model: reading this machine', () => {
  it('reads every fact from sysfs/procfs and says where it came from', () => {
    const r = readMachineFacts(fakeFs(SYS));
    assert.deepEqual(r.facts.caches, { l1d: 32 * 1024, l2: 1024 * 1024, l3: 16 * 1024 * 1024 });
    assert.equal(r.facts.pageSize, 4096);
    assert.equal(r.facts.cpus, 16);
    assert.equal(r.facts.thp, 'madvise');
    assert.equal(r.facts.pti, 'pti-pcid');
    assert.equal(r.facts.kernel, '6.8.0-45-generic');
    assert.equal(r.facts.hypervisor, true);
    assert.equal(r.base, 'x86-64-vm');
    assert.match(r.origins.thp!, /sysfs/);
  });

  it('falls back to defaults when files are missing, and says so', () => {
    const p = resolveProfile('this-machine', fakeFs({}), {});
    assert.equal(p.name, 'this-machine');
    assert.equal(p.machine.pageSize, 4096);
    assert.match(p.origins['machine.thp']!, /default: THP file missing/);
    assert.ok(p.warnings.length >= 5, p.warnings.join('; '));
    assert.ok(estimateNamed(p, 'mremap-move', 4096).ns > 0);
  });

  it('a read function that throws is treated as a missing file', () => {
    const r = readMachineFacts(() => {
      throw new Error('EACCES');
    });
    assert.deepEqual(r.facts, {});
  });

  it('derives 64 KiB pages from a 512 MiB PMD size, arm64 from the runtime, PTI without PCID', () => {
    const r = readMachineFacts(
      fakeFs({
        '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size': String(512 * 1024 * 1024),
        '/sys/devices/system/cpu/vulnerabilities/meltdown': 'Mitigation: PTI',
        '/proc/cpuinfo': 'Features\t: fp asimd\n',
      }),
      { arch: 'arm64', cpus: 4 },
    );
    assert.equal(r.facts.pageSize, 65536);
    assert.equal(r.facts.arch, 'arm64');
    assert.equal(r.base, 'arm64');
    assert.equal(r.facts.pti, 'pti-nopcid');
    assert.equal(r.facts.cpus, 4);
  });

  it('this-machine uses the live facts in the estimate (PTI makes the syscall dearer)', () => {
    const p = resolveProfile('this-machine', fakeFs(SYS));
    const e = estimateNamed(p, 'mremap-move', 4096);
    assert.ok(e.breakdown.some((t) => t.term === 't_pti'));
    assert.equal(p.machine.caches.l2, 1024 * 1024);
  });
});
