// Synthetic machines for the calibration tests (issue 12): parameter vectors drawn log-uniformly
// over the parameter ranges (which span real machines, docs/MODEL.md), slow-VM corners like the
// issue's EPYC guest with page-table isolation, and the harness output such a machine would give
// for a sweep, with per-point noise and a deliberate model mismatch. Seeded: the same machines on
// every run.
import { PARAMS, builtinProfile, type BuiltinProfileName, type MachineFacts, type ParamId, type Params, type Profile } from '../../../src/core/model';
import { MEASUREMENTS_FORMAT, MEASUREMENTS_VERSION, type MeasurementsFile } from '../../../src/core/bench/measurements';
import type { MachineFacts as HarnessFacts, MeasuredPoint, PointKey } from '../../../src/core/bench/protocol';
import type { Sweep } from '../../../src/core/bench/sweep';
import { syntheticSweep } from './fixtures';

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticMachine {
  name: string;
  /** The built-in a calibration of this machine starts from, and the machine's facts. */
  base: BuiltinProfileName;
  machine: MachineFacts;
  /** The parameters the machine really has. */
  truth: Params;
  /** Per-point noise: each median is off by up to ±noise (uniform). */
  noise: number;
  /** A cost the model does not have: up to ±mismatch, smooth in the size, different per op. */
  mismatch: number;
  seed: number;
}

const KINDS: { kind: string; base: BuiltinProfileName; machine: Partial<MachineFacts> }[] = [
  { kind: 'bare x86-64, 8 CPUs', base: 'x86-64', machine: { cpus: 8, hypervisor: false, pti: 'off', kernel: '6.12.0' } },
  { kind: 'x86-64 guest, 2 vCPUs, PTI', base: 'x86-64-vm', machine: { cpus: 2, hypervisor: true, pti: 'pti-pcid', kernel: '6.18.44' } },
  { kind: 'x86-64 guest, 2 vCPUs', base: 'x86-64-vm', machine: { cpus: 2, hypervisor: true, pti: 'off', kernel: '6.18.44', caches: { l1d: 48 * 1024, l2: 1024 * 1024, l3: 32 * 1024 * 1024 } } },
  { kind: 'x86-64 guest, 4 vCPUs, no THP', base: 'x86-64-vm', machine: { cpus: 4, hypervisor: true, pti: 'off', thp: 'never', kernel: '6.1.0' } },
  { kind: 'arm64, 4 CPUs', base: 'arm64', machine: { cpus: 4, kernel: '6.8.0' } },
];

/** Terms that are 0 on a machine that has no such cost (bare metal has no host faults). */
const ZERO_ABLE = new Set<ParamId>(['t_ptfree', 't_fault_first', 't_grow_l2', 'c_fault_host', 't_fault2M_host']);
const HOST_ONLY = new Set<ParamId>(['c_fault_host', 't_fault2M_host']);

function logUniform(r: () => number, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo)));
}

/**
 * Terms added (or made calibratable) after these machines were drawn: kept at the built-in's value in the random draws,
 * so that adding a term does not redraw every machine (the corners set them).
 */
const NOT_DRAWN = new Set<ParamId>(['c_unmap_host', 's_unmap_pool', 't_heap_free']);

/** One parameter vector drawn log-uniformly over the calibratable parameters' ranges. */
function drawParams(r: () => number, base: Params, hypervisor: boolean): Params {
  const p: Params = { ...base };
  for (const d of PARAMS) {
    if (!d.calibratable || d.id === 'n_ceil' || NOT_DRAWN.has(d.id)) continue;
    const [lo, hi] = d.range;
    if (HOST_ONLY.has(d.id) && !hypervisor) p[d.id] = 0;
    else if (ZERO_ABLE.has(d.id) && r() < 0.3) p[d.id] = 0;
    else p[d.id] = logUniform(r, Math.max(lo, hi / 1000), hi);
  }
  // A copy never gets faster from a bigger working set.
  const bw = [p.B_L1, p.B_L2, p.B_L3, p.B_mem].sort((a, b) => b - a);
  [p.B_L1, p.B_L2, p.B_L3, p.B_mem] = bw as [number, number, number, number];
  return p;
}

/**
 * Slow-VM and fast-metal corners: the issue-12 guest (page-table isolation; a system call
 * ≈1 µs, a 4 KiB fault 10–12 µs, a faulted one-page move 9–11 µs, shootdowns of tens of µs) and
 * machines with every term near one end of its range.
 */
function corners(): { name: string; kind: number; over: Partial<Params> }[] {
  return [
    {
      name: 'issue-12 EPYC guest with PTI', kind: 1,
      over: {
        t_sys: 300, t_pti: 750, t_vma_move: 2000, c_pte: 20, c_invlpg: 1500, c_flush_full: 3000, a_ipi: 40_000,
        t_fault4k: 9500, t_fault_first: 3000, c_fault_host: 4000, s_fault_pool: 64, t_ptfree: 6000, t_unmap0: 3000,
        c_unmap: 600, c_unmap_host: 900, s_unmap_pool: 48, t_mmap: 1500, t_fault2M: 400_000, t_fault2M_host: 600_000, B_L1: 150, B_L2: 70, B_L3: 30, B_mem: 12,
      },
    },
    {
      name: 'slow nested guest', kind: 2,
      over: {
        t_sys: 2500, t_vma_move: 15_000, t_vma_grow: 6000, c_pte: 50, c_invlpg: 4000, c_flush_full: 15_000, a_ipi: 90_000,
        t_fault4k: 25_000, t_fault_first: 20_000, c_fault_host: 20_000, t_unmap0: 15_000, c_unmap: 2500, t_mmap: 8000,
        t_ptfree: 15_000, c_split: 80_000, t_fault2M: 2_500_000, B_L1: 30, B_L2: 15, B_L3: 6, B_mem: 2,
      },
    },
    {
      name: 'fast bare metal', kind: 0,
      over: {
        t_sys: 55, t_vma_move: 400, t_vma_grow: 150, c_pte: 4, c_invlpg: 15, c_flush_full: 40, a_ipi: 700, b_ipi: 50,
        t_fault4k: 250, t_fault_first: 100, t_unmap0: 300, c_unmap: 15, t_mmap: 150, t_ptfree: 200, c_split: 800,
        t_fault2M: 30_000, B_L1: 500, B_L2: 250, B_L3: 150, B_mem: 80,
      },
    },
  ];
}

/** `count` machines: the corners first, then random draws over the kinds. */
export function syntheticMachines(count: number, seed: number): SyntheticMachine[] {
  const r = rng(seed);
  const out: SyntheticMachine[] = [];
  const make = (name: string, kind: number, truthOf: (base: Params, hypervisor: boolean) => Params) => {
    const k = KINDS[kind]!;
    const base = builtinProfile(k.base);
    const machine: MachineFacts = { ...structuredClone(base.machine), ...k.machine } as MachineFacts;
    out.push({
      name: `${name} (${k.kind})`, base: k.base, machine, truth: truthOf(base.params, machine.hypervisor),
      noise: 0.1 + 0.1 * r(), mismatch: 0.05 + 0.1 * r(), seed: Math.floor(r() * 2 ** 31),
    });
  };
  for (const c of corners()) make(c.name, c.kind, (base) => ({ ...base, ...c.over }));
  for (let i = out.length; i < count; i++) {
    const kind = Math.floor(r() * KINDS.length);
    make(`random #${i}`, kind, (base, hv) => drawParams(r, base, hv));
  }
  return out;
}

/** The machine as a profile with its true parameters (what perfect calibration would give). */
export function trueProfile(m: SyntheticMachine): Profile {
  const base = builtinProfile(m.base);
  return { ...base, name: m.name, machine: m.machine, params: m.truth };
}

/** A smooth mismatch in log size, with a phase of its own per op (a cost the model lacks). */
function mismatchFactor(m: SyntheticMachine, key: PointKey): number {
  let h = 0;
  for (const ch of key.op) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const phase = (h % 628) / 100;
  const x = Math.log2(Math.max(1, key.bytes));
  return 1 + m.mismatch * Math.sin(0.6 * x + phase + key.threads);
}

/** The harness output of `sweep` on the machine: model × mismatch × noise, per point. */
export function measure(m: SyntheticMachine, sweep: Sweep, noiseSeed: number): MeasuredPoint[] {
  const r = rng(m.seed ^ noiseSeed);
  const profile = trueProfile(m);
  return syntheticSweep(profile, m.truth, m.machine.cpus, (_, v, key) => v * mismatchFactor(m, key) * (1 + m.noise * (2 * r() - 1)), sweep);
}

/** A measurements file as `pagecost calibrate` would write it for these points. */
export function measurementsOf(m: SyntheticMachine, sweep: Sweep, points: MeasuredPoint[]): MeasurementsFile {
  const f = m.machine;
  const facts: HarnessFacts = {
    harness: 2, kernel: f.kernel, arch: f.arch === 'arm64' ? 'aarch64' : 'x86_64', cpuModel: m.name, cpus: f.cpus, onlineCpus: f.cpus,
    pageSize: f.pageSize, thp: f.thp === 'always' ? '[always] madvise never' : f.thp === 'never' ? 'always madvise [never]' : 'always [madvise] never',
    meltdown: f.pti === 'off' ? 'Not affected' : 'Mitigation: PTI', tlbFlushCeiling: null, glibc: '2.36',
    flags: [...(f.pti === 'pti-pcid' || f.arch === 'x86-64' ? ['pcid'] : []), ...(f.hypervisor ? ['hypervisor'] : []), ...(f.invlpgb ? ['invlpgb'] : [])],
    l1d: f.caches.l1d, l2: f.caches.l2, l3: f.caches.l3, clockNs: 0, mmapThreshold: 131072,
  };
  return {
    format: MEASUREMENTS_FORMAT, version: MEASUREMENTS_VERSION, measuredAt: '2026-12-06T00:00:00.000Z', machine: facts,
    harness: { key: 'synthetic', compiler: 'none', compilerVersion: 'none' }, sweep, elapsedMs: 0, points, skipped: [], failed: [],
  };
}
