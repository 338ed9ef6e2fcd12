// The probe behind the `this-machine` profile (issue 12): a harness run of about a second that
// measures the terms that move most between machines — the system call, a never-written and a
// one-page move, first-touch faults, mmap and munmap, copy speed at each cache level, a heap
// block, and one remote shootdown when there is a second CPU — and fits only those terms, the
// rest staying at the built-in closest to the machine. Pure: src/cli/probe.ts runs it and keeps
// the result per machine key and kernel.
import {
  MODEL_VERSION, builtinProfile, isBuiltinName, isParamId, paramDef,
  type BuiltinProfileName, type MachineFacts, type ParamId, type Params, type Profile,
} from '../model';
import { fitProfile, type FitResult } from './fit';
import type { MeasuredPoint } from './protocol';
import type { BenchOp, Sweep } from './sweep';

/** Bumped when what the probe measures or fits changes: older probe files are measured again. */
export const PROBE_VERSION = 1;

const KiB = 1024;
const MiB = 1024 * KiB;

/** The terms the probe's points pin down; the others keep the built-in's values. */
export const PROBE_IDS: readonly ParamId[] = [
  't_sys', 't_vma_move', 'c_pte', 'c_invlpg', 'a_ipi', 't_fault4k', 't_fault_first', 't_mmap', 't_unmap0', 'c_unmap',
  'B_L1', 'B_L2', 'B_L3', 'B_mem', 't_call', 't_heap_alloc', 't_ptfree', 'c_flush_full',
];

function small(ops: BenchOp[], sizes: number[], threads: number[], over: Partial<Sweep> = {}): Sweep {
  // Few repetitions and a short budget per point: medians of 5–40 calls, the whole run ≈1 s.
  return { ops, sizes, threads, reps: 40, minReps: 5, timeBudgetMs: 40, timeLimitMs: 20_000, ...over };
}

/**
 * The probe's harness runs. Copies are measured at a quarter of each cache (and at a size that
 * no cache holds: 2N beyond the L3, at most 32 MiB, since a guest may report a host's 482 MB
 * L3), so that each bandwidth is pinned by a point of its own.
 */
export function probeSweeps(m: MachineFacts): Sweep[] {
  const page = m.pageSize;
  const round = (n: number) => Math.max(page, Math.floor(n / page) * page);
  const copies = [
    round(m.caches.l1d / 4), round(m.caches.l2 / 4), round(Math.min(m.caches.l3 / 4, 8 * MiB)), round(Math.min(m.caches.l3, 32 * MiB)),
  ];
  const runs = [
    small(['syscall', 'mremap-move-untouched', 'mremap-move', 'mmap', 'munmap', 'fault-4k'], [page, 16 * page], [1]),
    // 64 pages: past the 33-page flush ceiling, a full flush instead of one per page.
    small(['mremap-move'], [64 * page], [1]),
    small(['memcpy-warm'], [...new Set(copies)], [1]),
    small(['realloc-grow', 'malloc-copy-free'], [4 * KiB], [1], { byteSizes: [256] }),
  ];
  if (m.cpus >= 2) runs.push(small(['mremap-move'], [page], [2]));
  return runs;
}

/** What `this-machine` keeps of a probe: its parameters and the points they came from. */
export interface ProbeFile {
  pagecostProbe: typeof PROBE_VERSION;
  modelVersion: number;
  machineKey: string;
  /** The built-in the probe's fit started from, whose other values the profile keeps. */
  base: BuiltinProfileName;
  created: string;
  elapsedMs: number;
  params: Partial<Record<ParamId, number>>;
  points: MeasuredPoint[];
}

/** Fits the probe's terms to its points, from the built-in `start` (with the machine's facts). */
export function fitProbe(start: Profile, points: MeasuredPoint[], clockNs = 0): { params: Partial<Record<ParamId, number>>; fit: FitResult } {
  const fit = fitProfile(start, points, { ids: [...PROBE_IDS], clockNs, maxIterations: 15 });
  return { params: fit.written, fit };
}

/** Reads a probe file's JSON, or says why it cannot be used (another format, model or machine). */
export function checkProbe(value: unknown, key: string): { ok: true; probe: ProbeFile } | { ok: false; error: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (v.pagecostProbe !== PROBE_VERSION) return { ok: false, error: `probe format ${String(v.pagecostProbe)}, this pagecost writes ${PROBE_VERSION}` };
  if (v.modelVersion !== MODEL_VERSION) return { ok: false, error: `made for model v${String(v.modelVersion)}, this is v${MODEL_VERSION}` };
  if (v.machineKey !== key) return { ok: false, error: `made on ${String(v.machineKey)}, this is ${key}` };
  if (typeof v.base !== 'string' || !isBuiltinName(v.base)) return { ok: false, error: '"base" is not a built-in profile' };
  if (typeof v.params !== 'object' || v.params === null) return { ok: false, error: '"params" is missing' };
  for (const [id, x] of Object.entries(v.params as Record<string, unknown>)) {
    const def = isParamId(id) ? paramDef(id) : undefined;
    if (!def || typeof x !== 'number' || !(x >= def.limits[0] && x <= def.limits[1])) return { ok: false, error: `parameter ${id} = ${String(x)} is not usable` };
  }
  return { ok: true, probe: value as ProbeFile };
}

/** `this-machine` with a probe: the machine's facts, the probe's terms, the built-in's others. */
export function probedProfile(machine: Profile, probe: ProbeFile): Profile {
  const base = builtinProfile(probe.base);
  const params: Params = { ...base.params };
  const origins = { ...machine.origins };
  for (const [id, v] of Object.entries(probe.params) as [ParamId, number][]) {
    params[id] = v;
    origins[id] = `probed on this machine (${probe.created}, ${probe.points.length} points in ${(probe.elapsedMs / 1000).toFixed(1)} s)`;
  }
  return {
    ...machine,
    source: `live system, probed ${probe.created}`,
    description: `${machine.description.replace(/, [^,]* parameters$/, '')}, probed (${Object.keys(probe.params).length} terms measured, the rest ${probe.base})`,
    params,
    origins,
  };
}
