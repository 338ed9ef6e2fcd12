// Calibration files from another machine or model version: refused with the reason and the way
// out, accepted with a warning when forced.
import { strict as assert } from 'node:assert';
import {
  MODEL_VERSION, ModelInputError, builtinProfile, loadProfile, machineDifferences, resolveProfile,
  type MachineFacts,
} from '../../../src/core/model';

const fakeFs = (files: Record<string, string>) => (p: string): string | null => files[p] ?? null;

// A machine as readMachineFacts() sees it through sysfs/procfs.
const SYS: Record<string, string> = {
  '/proc/sys/kernel/arch': 'x86_64\n',
  '/proc/sys/kernel/osrelease': '6.18.44-fc\n',
  '/sys/kernel/mm/transparent_hugepage/enabled': 'always [madvise] never\n',
  '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size': '2097152\n',
  '/sys/devices/system/cpu/vulnerabilities/meltdown': 'Not affected\n',
  '/proc/cpuinfo': 'processor\t: 0\nflags\t\t: fpu sse2 pcid hypervisor\n',
};
const HERE: MachineFacts = {
  arch: 'x86-64', pageSize: 4096, cpus: 2, thp: 'madvise', pti: 'off', kernel: '6.18.44-fc',
  hypervisor: true, invlpgb: false, caches: { ...builtinProfile('x86-64-vm').machine.caches },
};

function file(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pagecostProfile: 1, modelVersion: MODEL_VERSION, name: 'box', base: 'x86-64-vm', created: '2026-11-25T20:00:00Z',
    machine: HERE, params: { c_pte: 12 }, ...over,
  };
}

const refused = (fn: () => unknown, ...patterns: RegExp[]): void => {
  assert.throws(fn, (e: unknown) => e instanceof ModelInputError && patterns.every((p) => p.test(e.message)));
};

describe('model: calibration files from elsewhere', () => {
  it('machineDifferences names each fact that differs, both values, and ignores facts one side lacks', () => {
    const d = machineDifferences(HERE, { ...HERE, cpus: 8, kernel: '6.8.0', caches: { ...HERE.caches, l3: 1 << 26 } });
    assert.equal(d.length, 3);
    assert.ok(d.some((s) => /cpus 2 there, 8 here/.test(s)));
    assert.ok(d.some((s) => /kernel 6\.18\.44-fc there, 6\.8\.0 here/.test(s)));
    assert.ok(d.some((s) => /l3 cache/.test(s)));
    assert.deepEqual(machineDifferences({ cpus: 2 }, { kernel: '6.8' }), []);
    assert.deepEqual(machineDifferences(HERE, HERE), []);
  });

  it('refuses a file from another machine, saying what differs and how to proceed', () => {
    refused(() => loadProfile(file(), 'c.json', { live: { ...HERE, cpus: 64 } }), /another machine/, /cpus 2 there, 64 here/, /pagecost calibrate/, /--force/, /c\.json/);
  });

  it('accepts it when forced, with a warning, and still applies its parameters', () => {
    const p = loadProfile(file(), 'c.json', { live: { ...HERE, cpus: 64 }, force: true });
    assert.equal(p.params.c_pte, 12);
    assert.ok(p.warnings.some((w) => /another machine.*--force/.test(w)));
  });

  it('accepts a file from this machine, and a hand-written one that records no machine', () => {
    assert.equal(loadProfile(file(), 'c.json', { live: HERE }).warnings.length, 0);
    const { machine: _m, ...noMachine } = file();
    assert.equal(loadProfile(noMachine, 'c.json', { live: { ...HERE, cpus: 64 } }).params.c_pte, 12);
  });

  it('refuses another model version unless forced; forced, drops parameters this version does not know', () => {
    const old = file({ modelVersion: MODEL_VERSION - 1, params: { c_pte: 12, gone_param: 3 } });
    refused(() => loadProfile(old, 'old.json'), new RegExp(`model v${MODEL_VERSION - 1}, this is model v${MODEL_VERSION}`), /--force/);
    const p = loadProfile(old, 'old.json', { force: true });
    assert.equal(p.params.c_pte, 12);
    assert.ok(p.warnings.some((w) => /model v/.test(w)));
    assert.ok(p.warnings.some((w) => /gone_param/.test(w)));
    // Unknown ids in a current-version file are still mistakes.
    refused(() => loadProfile(file({ params: { gone_param: 3 } }), 'c.json', { force: true }), /unknown parameter "gone_param"/);
  });

  it('resolveProfile checks a file against the machine it reads, and lets force through', () => {
    const elsewhere = file({ machine: { ...HERE, kernel: '5.15.0' } });
    const fs = fakeFs({ ...SYS, '/p.json': JSON.stringify(elsewhere) });
    refused(() => resolveProfile('/p.json', fs, { cpus: 2 }), /kernel 5\.15\.0 there, 6\.18\.44-fc here/);
    assert.equal(resolveProfile('/p.json', fs, { cpus: 2 }, { force: true }).params.c_pte, 12);
    assert.equal(resolveProfile('/p.json', fs, { cpus: 2 }, { checkMachine: false }).params.c_pte, 12);
    const same = fakeFs({ ...SYS, '/q.json': JSON.stringify(file()) });
    assert.equal(resolveProfile('/q.json', same, { cpus: 2 }).name, 'box');
  });
});
