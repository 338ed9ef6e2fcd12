// Measured against modelled, before and after calibration: the accuracy figures of issue 4.
// Pure: scripts/bench-accuracy.ts runs the sweep (or reads a measurements file) and prints
// what accuracyReport() returns.
//
// Error of a point = measured median / modelled; "within 1.5×" means 1/1.5 ≤ ratio ≤ 1.5.
// Held-out check: the fit sees only the training sizes and is judged on the sizes it never
// saw, so a model that merely memorises points cannot look good.
import { paramDef, type ParamId } from '../model';
import { calibrationStart, unfittedParams, writtenParams, type Unfitted } from './calibration';
import { fitProfile, type FitResult } from './fit';
import type { MeasurementsFile } from './measurements';
import { distribution, pointErrors, type ErrorDistribution } from './pointErrors';
import { pointId, type MeasuredPoint } from './protocol';

export { distribution, errorFactor, pointErrors, type ErrorDistribution, type PointError } from './pointErrors';

/** Sizes held out by default: every third distinct size, starting with the second. */
export function defaultHoldout(points: MeasuredPoint[]): number[] {
  const sizes = [...new Set(points.filter((p) => p.op !== 'syscall').map((p) => p.bytes))].sort((a, b) => a - b);
  return sizes.filter((_, i) => i % 3 === 1);
}

export interface ParamChange {
  id: ParamId;
  unit: string;
  start: number;
  value: number;
  /** value / start */
  factor: number;
  atBound: 'low' | 'high' | null;
  logSd: number;
}

export interface AccuracyReport {
  /** Defaults (the built-in parameters, this machine's facts), single-threaded points. */
  defaultsSingle: ErrorDistribution;
  /** Defaults, all points. */
  defaultsAll: ErrorDistribution;
  heldOutSizes: number[];
  /** Fitted on the training sizes only. */
  train: ErrorDistribution;
  heldOut: ErrorDistribution;
  /**
   * Three-fold check by size: the sizes are dealt into three groups, each group is predicted by
   * a fit on the other two, so every point is judged by a fit that never saw its size. Null when
   * `crossValidate` is off.
   */
  crossValidated: ErrorDistribution | null;
  /** Fitted on every point: what `pagecost calibrate` writes. */
  all: ErrorDistribution;
  /** Wall time of the fits, ms (training fit, full fit). */
  fitMs: { train: number; all: number };
  /** CPU time of the same fits, ms, when a CPU clock was given (on a busy machine wall time also counts waiting). */
  fitCpuMs: { train: number; all: number } | null;
  /** Identified parameters of the full fit that moved more than 5% from their start. */
  moved: ParamChange[];
  /** Identified, but within 5% of the start. */
  confirmed: ParamChange[];
  unfitted: Unfitted[];
  fit: FitResult;
}

export interface AccuracyOptions {
  heldOutSizes?: number[];
  /** Clock for the fit time (performance.now in the script). */
  now?: () => number;
  /** CPU clock in ms (process.cpuUsage in the script). */
  cpuNow?: () => number;
  /** Also run the three-fold check (three more fits). */
  crossValidate?: boolean;
}

/** Every point predicted by a fit on the sizes of the other folds (sizes dealt round-robin). */
function crossValidated(start: Parameters<typeof fitProfile>[0], pts: MeasuredPoint[], clockNs: number, folds = 3): ErrorDistribution {
  const sizes = [...new Set(pts.map((p) => p.bytes))].sort((a, b) => a - b);
  const fold = new Map(sizes.map((b, i) => [b, i % folds]));
  const errors = [];
  for (let k = 0; k < folds; k++) {
    // The size-less syscall point always stays in training: no fold can predict it otherwise.
    const out = (p: MeasuredPoint) => p.op !== 'syscall' && fold.get(p.bytes) === k;
    const fit = fitProfile(start, pts.filter((p) => !out(p)), { clockNs });
    errors.push(...pointErrors(start, { ...start.params, ...writtenParams(fit) }, pts.filter(out), clockNs));
  }
  return distribution(errors);
}

export function accuracyReport(m: MeasurementsFile, o: AccuracyOptions = {}): AccuracyReport {
  const now = o.now ?? (() => 0);
  const { start } = calibrationStart(m, 'accuracy');
  const clockNs = m.machine.clockNs > 0 ? m.machine.clockNs : 0;
  const pts = m.points;
  const before = pointErrors(start, start.params, pts, clockNs);
  const singleIds = new Set(pts.filter((p) => p.threads === 1).map(pointId));
  const held = new Set(o.heldOutSizes ?? defaultHoldout(pts));
  const train = pts.filter((p) => !held.has(p.bytes));
  const test = pts.filter((p) => held.has(p.bytes));

  const cpu = o.cpuNow ?? (() => 0);
  let t0 = now();
  let c0 = cpu();
  const trainFit = fitProfile(start, train, { clockNs });
  const trainMs = now() - t0;
  const trainCpu = cpu() - c0;
  t0 = now();
  c0 = cpu();
  const allFit = fitProfile(start, pts, { clockNs });
  const allMs = now() - t0;
  const allCpu = cpu() - c0;

  // Judge what a calibration file would carry, not the fit's internal state.
  const trainParams = { ...start.params, ...writtenParams(trainFit) };
  const allParams = { ...start.params, ...writtenParams(allFit) };
  const changes = allFit.fitted
    .filter((f) => f.identified)
    .map((f): ParamChange => ({
      id: f.id, unit: paramDef(f.id)?.unit ?? '', start: f.start, value: f.value,
      factor: f.start > 0 ? f.value / f.start : Infinity, atBound: f.atBound, logSd: f.logSd,
    }));
  const unfitted = unfittedParams(start, allFit, pts);
  return {
    defaultsSingle: distribution(before.filter((e) => singleIds.has(e.id))),
    defaultsAll: distribution(before),
    heldOutSizes: [...held].sort((a, b) => a - b),
    train: distribution(pointErrors(start, trainParams, train, clockNs)),
    heldOut: distribution(pointErrors(start, trainParams, test, clockNs)),
    crossValidated: o.crossValidate ? crossValidated(start, pts, clockNs) : null,
    all: distribution(pointErrors(start, allParams, pts, clockNs)),
    fitMs: { train: trainMs, all: allMs },
    fitCpuMs: o.cpuNow ? { train: trainCpu, all: allCpu } : null,
    moved: changes.filter((c) => Math.abs(Math.log(c.factor)) > Math.log(1.05)),
    confirmed: changes.filter((c) => Math.abs(Math.log(c.factor)) <= Math.log(1.05)),
    unfitted,
    fit: allFit,
  };
}

/** How a given profile (a quick calibration, the probe, a built-in) predicts a sweep it did not see. */
export interface ProfileJudgement {
  /** Every point of the sweep. */
  all: ErrorDistribution;
  /** Sizes no op of the profile's own measurements has (a quick calibration's: all but 4–10 of them). */
  heldOutSizes: number[];
  /** The points at those sizes (the "held-out sizes"). */
  heldOut: ErrorDistribution | null;
  /** Stricter: every point whose op the profile's measurements never timed at its size (its 64 and 256 MiB runs cover a few ops only). */
  unseenByOp: ErrorDistribution | null;
}

/**
 * `params` (written over the sweep's start, as a calibration file's are loaded) against the
 * points of `m`; `own`: the points the profile was fitted to, so that the sizes it never
 * measured are judged apart (issue 12: a quick calibration must hold on the full sweep's sizes
 * too), and, stricter, every point its op was never timed at.
 */
export function judgeProfile(m: MeasurementsFile, params: Partial<Record<ParamId, number>>, own?: readonly Pick<MeasuredPoint, 'op' | 'bytes'>[]): ProfileJudgement {
  const { start } = calibrationStart(m, 'judged');
  const clockNs = m.machine.clockNs > 0 ? m.machine.clockNs : 0;
  const full = { ...start.params, ...params };
  const seen = new Set((own ?? []).map((p) => `${p.op}/${p.bytes}`));
  const sizes = new Set((own ?? []).map((p) => p.bytes));
  const unseen = (p: MeasuredPoint) => p.op !== 'syscall' && !seen.has(`${p.op}/${p.bytes}`);
  const heldOutSizes = own ? [...new Set(m.points.filter((p) => p.op !== 'syscall' && !sizes.has(p.bytes)).map((p) => p.bytes))].sort((a, b) => a - b) : [];
  const held = new Set(heldOutSizes);
  return {
    all: distribution(pointErrors(start, full, m.points, clockNs)),
    heldOutSizes,
    heldOut: own ? distribution(pointErrors(start, full, m.points.filter((p) => held.has(p.bytes)), clockNs)) : null,
    unseenByOp: own ? distribution(pointErrors(start, full, m.points.filter(unseen), clockNs)) : null,
  };
}

