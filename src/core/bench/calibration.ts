// From a finished sweep to a calibration profile: the measured machine's facts in the model's
// terms, the fit, and the file `pagecost calibrate --out` writes. That file is a profile
// loadProfile() reads (so `--profile FILE` works in explain, bench and the editor) and also
// keeps the measurements and the fit summary it came from. Pure.
import {
  CALIBRATABLE_PARAM_IDS, MODEL_VERSION, PROFILE_FORMAT_VERSION, builtinProfile, machineKey, paramDef,
  type BuiltinProfileName, type MachineFacts as ModelMachine, type ParamId, type Profile,
} from '../model';
import { fitProfile, type FitResult } from './fit';
import type { MeasurementsFile } from './measurements';
import { distribution, errorFactor, pointErrors, type ErrorDistribution } from './pointErrors';
import type { MeasuredPoint, MachineFacts as HarnessFacts } from './protocol';

/** The built-in parameter set closest to the measured machine: the fit starts from it. */
export function baseFor(f: HarnessFacts): BuiltinProfileName {
  if (f.arch === 'aarch64' || f.arch === 'arm64') return 'arm64';
  return f.flags.includes('hypervisor') ? 'x86-64-vm' : 'x86-64';
}

/** The harness's facts in the model's vocabulary; facts it could not read keep the base's. */
export function modelMachine(f: HarnessFacts, base: ModelMachine): ModelMachine {
  const thp = /\[(always|madvise|never)\]/.exec(f.thp)?.[1] as ModelMachine['thp'] | undefined;
  const pti = /PTI/i.test(f.meltdown) ? (f.flags.includes('pcid') ? 'pti-pcid' : 'pti-nopcid') : 'off';
  return {
    arch: f.arch === 'aarch64' || f.arch === 'arm64' ? 'arm64' : 'x86-64',
    pageSize: [4096, 16384, 65536].includes(f.pageSize) ? f.pageSize : base.pageSize,
    cpus: f.cpus,
    thp: thp ?? 'never',
    pti,
    kernel: /^\d+\.\d+/.test(f.kernel) ? f.kernel : base.kernel,
    hypervisor: f.flags.includes('hypervisor'),
    invlpgb: f.flags.includes('invlpgb'),
    caches: {
      l1d: f.l1d > 0 ? f.l1d : base.caches.l1d,
      l2: f.l2 > 0 ? f.l2 : base.caches.l2,
      l3: f.l3 > 0 ? f.l3 : base.caches.l3,
    },
  };
}

/** The machine key (src/core/model/machine.ts) of the machine a harness run measured. */
export function measuredMachineKey(f: HarnessFacts): string {
  return machineKey(modelMachine(f, builtinProfile(baseFor(f)).machine), f.cpuModel);
}

export interface CalibrationFile {
  pagecostProfile: number;
  modelVersion: number;
  name: string;
  base: BuiltinProfileName;
  created: string;
  machine: ModelMachine;
  params: Partial<Record<ParamId, number>>;
  notes: Partial<Record<ParamId, string>>;
  fit: {
    points: number;
    excluded: number;
    iterations: number;
    medianAbsLogError: number;
    p90AbsLogError: number;
    parameters: FitResult['fitted'];
    /** Parameters left at their defaults, and why. */
    unfitted: Unfitted[];
    /** Measured / modelled with the written parameters, per point. */
    errors: { id: string; ratio: number }[];
    /** The fit predicted its own points no better than the start: nothing fitted was written. */
    keptStart: boolean;
    /** The start's own accuracy on the same points, for comparison. */
    start: { within1_5: number; median: number };
  };
  measurements: MeasurementsFile;
}

/** The profile a fit starts from: the closest built-in's parameters with the measured machine's facts. */
export function calibrationStart(m: MeasurementsFile, name: string): { start: Profile; baseName: BuiltinProfileName } {
  const baseName = baseFor(m.machine);
  const base = builtinProfile(baseName);
  const machine = modelMachine(m.machine, base.machine);
  const params = { ...base.params };
  // The INVLPG ceiling is a kernel setting; use it when debugfs let the harness read it.
  if (m.machine.tlbFlushCeiling !== null && m.machine.tlbFlushCeiling > 0) params.n_ceil = m.machine.tlbFlushCeiling;
  return { start: { ...base, name, machine, params, origins: { ...base.origins }, warnings: [] }, baseName };
}

/** The parameters a calibration file carries (FitResult.written: see chooseWritten in fit.ts). */
export function writtenParams(fit: FitResult): Partial<Record<ParamId, number>> {
  return fit.written;
}

export interface Unfitted {
  id: ParamId;
  reason: string;
  /**
   * Written anyway: the points pin its sum with other terms and need its fitted value (the
   * split within the sum follows the pull to the start). False: the start's value is kept.
   */
  written: boolean;
}

/** Each calibratable parameter the fit did not pin down alone: why, and whether it is written. */
export function unfittedParams(start: Profile, fit: FitResult, points: MeasuredPoint[]): Unfitted[] {
  const ks = new Set(points.filter((p) => p.threads > 1).map((p) => Math.min(p.threads - 1, start.machine.cpus - 1))).size;
  const identified = new Set(fit.fitted.filter((f) => f.identified).map((f) => f.id));
  return CALIBRATABLE_PARAM_IDS.filter((id) => !identified.has(id)).map((id) => {
    const written = !fit.keptStart && fit.written[id] !== undefined;
    return { id, reason: why(id, start, fit, ks, written), written };
  });
}

function why(id: ParamId, profile: Profile, fit: FitResult, ks: number, written: boolean): string {
  const m = profile.machine;
  const f = fit.fitted.find((p) => p.id === id);
  if (!f) {
    if (id === 'n_ceil') return 'a kernel setting: read from /sys/kernel/debug/x86/tlb_single_page_flush_ceiling when readable (root), else the default 33';
    if (id === 'b_ipi') return `the sweep has ${ks} count${ks === 1 ? '' : 's'} of other CPUs (${m.cpus} CPUs): only a_ipi + b_ipi is measurable, a_ipi takes it all`;
    return 'not among the fitted ids';
  }
  if (!Number.isFinite(f.logSd)) {
    const reasons: Partial<Record<ParamId, string>> = {
      t_pti: `no page-table isolation on this machine (${m.pti})`,
      t_pti_nopcid: `no page-table isolation without PCID on this machine (${m.pti})`,
      a_bcast: 'no AMD INVLPGB broadcast flush here',
      t_fault0: 'no benchmark reads a never-written buffer',
      t_fault2M: 'no huge pages were granted (THP unavailable or refused)',
      c_thp: 'no huge pages were granted (THP unavailable or refused)',
      c_split: 'no huge pages were granted (THP unavailable or refused)',
      a_ipi: 'one CPU: no other CPU to interrupt',
      s_fault_pool: 'c_fault_host is zero (no host faults modelled), so the pool size has no effect',
      t_fault2M_host: 'no huge-page fault run reaches beyond s_fault_pool_huge, or no huge pages were granted',
      s_fault_pool_huge: 't_fault2M_host is zero (no host faults for huge pages modelled), so the pool size has no effect',
      c_unmap_host: 'no unmap or shrink frees more than s_unmap_pool at once',
      s_unmap_pool: 'c_unmap_host is zero (freeing large batches costs no more per page), so the pool size has no effect',
      t_fault_first: 'no point faults in a mapping made for it (fault-4k, memcpy-cold, malloc-copy-free of 64 KiB and up)',
      t_grow_l2: 'no in-place grow of a written buffer larger than about 70% of the L2 was measured',
    };
    return reasons[id] ?? 'no measured point depends on it';
  }
  const sd = `±${(100 * f.logSd).toFixed(0)}% at 10% noise per point`;
  const sum = (ids: ParamId[]) => ids.map((i) => fit.params[i]).reduce((a, b) => a + b, 0).toFixed(0);
  const together: Partial<Record<ParamId, string>> = {
    c_pmd: `aligned moves measure c_pmd + c_flush_full per 2 MiB slot together (fitted sum ${sum(['c_pmd', 'c_flush_full'])} ns); the split stays at the defaults`,
    c_thp: `aligned THP moves measure c_thp + c_flush_full per huge page together (fitted sum ${sum(['c_thp', 'c_flush_full'])} ns)`,
    c_flush_full: 'a full flush is ≈150 ns inside moves and unmaps of 2 µs or more (the 33/34-page step is 33 INVLPGs minus one full flush): under the per-point noise, so only its sums with c_pmd/c_thp are measured',
    t_call: 'page-multiple copy sizes cannot separate the fixed cost of a call from the L1 bandwidth (both ≈10–40 ns at 4 KiB)',
    B_L1: 'few copies run purely in L1 (working set up to 70% of it: 4–16 KiB on a 48 KiB L1; the quick sweep has 4 KiB only), and the clock read (≈16 ns) is as large as such a copy',
    t_fault_first: 'it shows only in points of one to a few pages (fault-4k, memcpy-cold), where it and t_fault4k are of the same size',
    t_grow_l2: 'only the in-place grows between about 70% and twice the L2 size separate it from c_grow and t_grow_cap',
    t_pti: 'every system call pays t_sys + t_pti and every fault t_fault4k + t_pti: only those sums are measured',
    t_pti_nopcid: 'every system call pays t_sys + t_pti_nopcid and every fault t_fault4k + t_pti_nopcid: only those sums are measured',
    t_sys: 'with page-table isolation every system call pays t_sys + the isolation surcharge: only the sum is measured',
    t_fault4k: 'with page-table isolation every fault pays t_fault4k + the isolation surcharge: only the sum is measured',
    t_grow_cap: 'no in-place grow large enough to reach the cap was measured (the full sweep grows up to 256 MiB)',
  };
  const tail = written ? 'written as fitted: the points need it (its sum with the others is pinned)' : 'default kept';
  return `${together[id] ?? 'the points do not separate it from the terms it always comes with'} (${sd}); ${tail}`;
}

/** Fits the model to a sweep and builds the profile file. */
export function calibrate(m: MeasurementsFile, name: string): { file: CalibrationFile; fit: FitResult; start: Profile; unfitted: Unfitted[]; errors: ErrorDistribution } {
  const { start, baseName } = calibrationStart(m, name);
  const base = builtinProfile(baseName);
  const machine = start.machine;
  const params = start.params;
  const fit = fitProfile(start, m.points, { clockNs: m.machine.clockNs > 0 ? m.machine.clockNs : 0 });
  const outParams: CalibrationFile['params'] = {};
  const notes: CalibrationFile['notes'] = {};
  const written = writtenParams(fit);
  for (const f of fit.fitted) {
    if (written[f.id] === undefined) continue; // the sweep did not pin it down: the base default stands
    outParams[f.id] = written[f.id];
    const unit = paramDef(f.id)?.unit ?? '';
    const edge = f.atBound ? ` (held at the ${f.atBound} edge of its plausible range)` : '';
    notes[f.id] = `fitted to ${fit.points} points, ±${(100 * f.logSd).toFixed(0)}% at 10% noise, start ${f.start} ${unit}${edge}`;
  }
  if (params.n_ceil !== base.params.n_ceil) {
    outParams.n_ceil = params.n_ceil;
    notes.n_ceil = 'read from /sys/kernel/debug/x86/tlb_single_page_flush_ceiling';
  }
  const unfitted = unfittedParams(start, fit, m.points);
  const errs = pointErrors(start, { ...params, ...outParams }, m.points, m.machine.clockNs > 0 ? m.machine.clockNs : 0);
  const startErrs = distribution(pointErrors(start, params, m.points, m.machine.clockNs > 0 ? m.machine.clockNs : 0));
  const file: CalibrationFile = {
    pagecostProfile: PROFILE_FORMAT_VERSION,
    modelVersion: MODEL_VERSION,
    name,
    base: baseName,
    created: m.measuredAt,
    machine,
    params: outParams,
    notes,
    fit: {
      points: fit.points,
      excluded: fit.excluded.length,
      iterations: fit.iterations,
      medianAbsLogError: fit.medianAbsLogError,
      p90AbsLogError: fit.p90AbsLogError,
      parameters: fit.fitted,
      unfitted,
      errors: errs.map((e) => ({ id: e.id, ratio: +e.ratio.toPrecision(4) })),
      keptStart: fit.keptStart,
      start: { within1_5: startErrs.within1_5, median: startErrs.median },
    },
    measurements: m,
  };
  return { file, fit, start, unfitted, errors: distribution(errs) };
}

/** Per-point error after the fit and the parameters left at their defaults, as calibrate prints them. */
export function renderCalibrationReport(errors: ErrorDistribution, unfitted: Unfitted[], keptStart = false): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const worst = errors.worst
    .slice(0, 6)
    .map((w) => `  ${w.id}: measured/modelled ${w.ratio >= 1 ? '' : '1/'}${errorFactor(w.ratio).toFixed(2)}×`)
    .join('\n');
  const list = (us: Unfitted[]) => us.map((u) => `  ${u.id}: ${u.reason}`).join('\n');
  const loose = unfitted.filter((u) => u.written);
  const kept = unfitted.filter((u) => !u.written);
  return (
    (keptStart
      ? 'the fit predicted the measured points no better than the built-in parameters it started from: nothing fitted is written, the file keeps the start\n'
      : '') +
    `measured/modelled with the ${keptStart ? 'built-in' : 'fitted'} parameters: ${pct(errors.within1_5)} of ${errors.points} points within 1.5×, ${pct(errors.within2)} within 2×, median ${errors.median.toFixed(2)}×, worst ${errors.max.toFixed(2)}×\n` +
    `furthest off:\n${worst}\n` +
    (loose.length ? `not pinned down alone, written as fitted (their sums are pinned):\n${list(loose)}\n` : '') +
    (kept.length ? `kept at their defaults:\n${list(kept)}\n` : '')
  );
}

/** The summary calibrate prints: each parameter's start, fitted value and resolution. */
export function renderFit(fit: FitResult): string {
  const rows = fit.fitted
    .filter((f) => Number.isFinite(f.logSd))
    .map((f) => {
      const unit = paramDef(f.id)?.unit ?? '';
      const written = !fit.keptStart && fit.written[f.id] !== undefined;
      const state = !written
        ? f.identified ? 'default kept (the fit did not beat the start)' : 'not pinned down, default kept'
        : !f.identified ? 'not pinned down alone, written (its sum is pinned)' : f.atBound ? `at ${f.atBound} edge of range` : '';
      return [f.id, `${+f.start.toPrecision(4)} ${unit}`, written ? `${+f.value.toPrecision(4)} ${unit}` : '—', `±${(100 * f.logSd).toFixed(0)}%`, state];
    });
  const header = ['parameter', 'default', 'written', 'resolution', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const pct = (x: number) => `${(100 * (Math.exp(x) - 1)).toFixed(1)}%`;
  return (
    [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') +
    `\nfit: ${fit.points} points, ${fit.iterations} iterations; model vs measured after the fit: median ${pct(fit.medianAbsLogError)}, p90 ${pct(fit.p90AbsLogError)} off` +
    (fit.excluded.length ? `; ${fit.excluded.length} points left out` : '') +
    '\n'
  );
}
