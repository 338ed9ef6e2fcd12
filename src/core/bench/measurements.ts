// The file `pagecost calibrate --out FILE` writes: the measured points of a sweep plus the facts
// of the machine and of the build that measured them. Versioned, so a fit written later can
// refuse (or convert) files it does not understand. Pure.
import { upgradeLegacyPoint, type FailedPoint, type MachineFacts, type MeasuredPoint, type ParsedOutput, type PointKey, type SkippedPoint } from './protocol';
import type { BuiltHarness } from './runner';
import type { Sweep } from './sweep';

export const MEASUREMENTS_FORMAT = 'pagecost-measurements';
export const MEASUREMENTS_VERSION = 1;

export interface MeasurementsFile {
  format: typeof MEASUREMENTS_FORMAT;
  version: typeof MEASUREMENTS_VERSION;
  /** ISO 8601 time the run finished. */
  measuredAt: string;
  machine: MachineFacts;
  harness: { key: string; compiler: string; compilerVersion: string };
  sweep: Sweep;
  elapsedMs: number;
  /** Times in ns. */
  points: MeasuredPoint[];
  skipped: SkippedPoint[];
  failed: FailedPoint[];
  /**
   * Load averages (1, 5, 15 min) before and after the run, when the writer knew them: other
   * programs on the machine move the medians more than anything in the harness does.
   */
  load?: { before: number[]; after: number[] };
}

/** The measurements file of a finished run (its output has the hello line's facts). */
export function measurementsOf(output: ParsedOutput, harness: BuiltHarness, sweep: Sweep, elapsedMs: number, now: Date): MeasurementsFile {
  return {
    format: MEASUREMENTS_FORMAT,
    version: MEASUREMENTS_VERSION,
    measuredAt: now.toISOString(),
    machine: output.facts!,
    harness: { key: harness.key, compiler: harness.compiler.path, compilerVersion: harness.compiler.version },
    sweep,
    elapsedMs,
    points: output.points,
    skipped: output.skipped,
    failed: output.failed,
  };
}

/** Reads a measurements file's JSON, or says why it is not one this version understands. */
export function checkMeasurements(value: unknown): { ok: true; file: MeasurementsFile } | { ok: false; error: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (v.format !== MEASUREMENTS_FORMAT) return { ok: false, error: `"format" is not "${MEASUREMENTS_FORMAT}"` };
  if (v.version !== MEASUREMENTS_VERSION) {
    return { ok: false, error: `version ${String(v.version)} is not supported (this build reads version ${MEASUREMENTS_VERSION})` };
  }
  if (!Array.isArray(v.points)) return { ok: false, error: '"points" is not an array' };
  for (const [i, p] of (v.points as unknown[]).entries()) {
    const q = p as Record<string, unknown>;
    if (typeof q?.op !== 'string' || typeof q.bytes !== 'number' || typeof q.threads !== 'number' || typeof q.medianNs !== 'number' || !(q.medianNs >= 0)) {
      return { ok: false, error: `points[${i}] lacks op/bytes/threads/medianNs` };
    }
  }
  if (typeof v.machine !== 'object' || v.machine === null) return { ok: false, error: '"machine" is missing' };
  return { ok: true, file: upgradeMeasurements(value as MeasurementsFile) };
}

/**
 * A file measured with harness protocol 1 carries that protocol's op names, which meant other
 * states than today's ops of the same name (LEGACY_OPS): its points are renamed to the states
 * they measured, so a replay models each as what it was.
 */
export function upgradeMeasurements(m: MeasurementsFile): MeasurementsFile {
  if (m.machine.harness !== 1) return m;
  const up = <T extends PointKey>(p: T): T => upgradeLegacyPoint(p);
  return { ...m, points: m.points.map(up), skipped: (m.skipped ?? []).map(up), failed: (m.failed ?? []).map(up) };
}
