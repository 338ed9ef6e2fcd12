// The panel's results as files: the JSON it exports and reads back (versioned; every field is
// checked on the way in, so a damaged or hostile file is refused whole with a reason and changes
// nothing), and the CSV it exports. Pure.
import type { FailedPoint, MachineFacts, PointKey, SkippedPoint } from '../bench/protocol';
import { renderCsv } from '../bench/table';
import type { JsEngine } from '../bench/js/protocol';
import type { Checked, RunResults, ViewPoint } from './messages';

export const RESULTS_FORMAT = 'pagecost-panel-results';
export const RESULTS_VERSION = 1;

/** Files larger than this are not read (a results file of the full sweep is about 200 KB). */
export const MAX_RESULTS_BYTES = 8 * 1024 * 1024;
const MAX_POINTS = 20_000;
const MAX_TEXT = 500;

export interface ResultsFile {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
  exportedAt: string;
  /** The profile whose figures fill the "modelled" column. */
  modelledWith: string;
  results: RunResults;
}

export function resultsFile(results: RunResults, modelledWith: string, now: Date): ResultsFile {
  return { format: RESULTS_FORMAT, version: RESULTS_VERSION, exportedAt: now.toISOString(), modelledWith, results };
}

export function resultsJson(file: ResultsFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** One row per point (measured, skipped, failed): the columns of `pagecost bench --csv`. */
export function resultsCsv(results: RunResults): string {
  const rows = results.points.map((p) => ({ ...p, ratio: p.modelledNs ? p.medianNs / p.modelledNs : null }));
  return renderCsv(rows, results.skipped, results.failed);
}

class Refused extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Refused(`${where} is not an object`);
  return v as Obj;
}

function text(v: unknown, where: string, opts: { optional?: boolean; max?: number } = {}): string {
  if (v === undefined && opts.optional) return '';
  if (typeof v !== 'string') throw new Refused(`${where} is not a string`);
  if (v.length > (opts.max ?? MAX_TEXT)) throw new Refused(`${where} is longer than ${opts.max ?? MAX_TEXT} characters`);
  return v;
}

function num(v: unknown, where: string, opts: { int?: boolean; min?: number; max?: number } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Refused(`${where} is not a finite number`);
  if (opts.int && !Number.isInteger(v)) throw new Refused(`${where} is not a whole number`);
  if (opts.min !== undefined && v < opts.min) throw new Refused(`${where} is below ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw new Refused(`${where} is above ${opts.max}`);
  return v;
}

function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new Refused(`${where} is not true or false`);
  return v;
}

function list(v: unknown, where: string, max = MAX_POINTS): unknown[] {
  if (!Array.isArray(v)) throw new Refused(`${where} is not a list`);
  if (v.length > max) throw new Refused(`${where} has more than ${max} entries`);
  return v;
}

const OP = /^[a-z0-9][a-z0-9-]{0,39}$/;

function key(o: Obj, where: string): PointKey {
  const op = text(o.op, `${where}.op`, { max: 40 });
  if (!OP.test(op)) throw new Refused(`${where}.op is not an operation name`);
  const k: PointKey = {
    op,
    bytes: num(o.bytes, `${where}.bytes`, { int: true, min: 0, max: 2 ** 53 }),
    threads: num(o.threads, `${where}.threads`, { int: true, min: 1, max: 65536 }),
    huge: bool(o.huge, `${where}.huge`),
    aligned: bool(o.aligned, `${where}.aligned`),
  };
  if (o.newBytes !== undefined) k.newBytes = num(o.newBytes, `${where}.newBytes`, { int: true, min: 0, max: 2 ** 53 });
  return k;
}

function point(v: unknown, where: string): ViewPoint {
  const o = obj(v, where);
  const p: ViewPoint = {
    ...key(o, where),
    medianNs: num(o.medianNs, `${where}.medianNs`, { min: 0 }),
    p10Ns: num(o.p10Ns, `${where}.p10Ns`, { min: 0 }),
    p90Ns: num(o.p90Ns, `${where}.p90Ns`, { min: 0 }),
    reps: num(o.reps, `${where}.reps`, { int: true, min: 1 }),
    modelledNs: o.modelledNs === null || o.modelledNs === undefined ? null : num(o.modelledNs, `${where}.modelledNs`, { min: 0 }),
  };
  if (!(p.p10Ns <= p.medianNs && p.medianNs <= p.p90Ns)) throw new Refused(`${where}: p10 ≤ median ≤ p90 does not hold`);
  if (o.note !== undefined) p.note = text(o.note, `${where}.note`);
  if (o.discarded !== undefined) p.discarded = num(o.discarded, `${where}.discarded`, { int: true, min: 0 });
  return p;
}

function machine(v: unknown): MachineFacts | null {
  if (v === null || v === undefined) return null;
  const o = obj(v, 'results.machine');
  const w = (k: string) => `results.machine.${k}`;
  return {
    harness: num(o.harness, w('harness'), { int: true }),
    kernel: text(o.kernel, w('kernel'), { max: 100 }),
    arch: text(o.arch, w('arch'), { max: 40 }),
    cpuModel: text(o.cpuModel, w('cpuModel'), { optional: true, max: 200 }),
    cpus: num(o.cpus, w('cpus'), { int: true, min: 1, max: 65536 }),
    onlineCpus: num(o.onlineCpus, w('onlineCpus'), { int: true, min: 0, max: 65536 }),
    pageSize: num(o.pageSize, w('pageSize'), { int: true, min: 1 }),
    thp: text(o.thp, w('thp'), { max: 100 }),
    meltdown: text(o.meltdown, w('meltdown'), { max: 200 }),
    tlbFlushCeiling: o.tlbFlushCeiling === null || o.tlbFlushCeiling === undefined ? null : num(o.tlbFlushCeiling, w('tlbFlushCeiling'), { int: true, min: 0 }),
    glibc: text(o.glibc, w('glibc'), { optional: true, max: 40 }),
    flags: list(o.flags ?? [], w('flags'), 64).map((f, i) => text(f, `${w('flags')}[${i}]`, { max: 40 })),
    l1d: num(o.l1d, w('l1d'), { min: 0 }),
    l2: num(o.l2, w('l2'), { min: 0 }),
    l3: num(o.l3, w('l3'), { min: 0 }),
    clockNs: num(o.clockNs, w('clockNs'), { min: 0 }),
    mmapThreshold: num(o.mmapThreshold, w('mmapThreshold'), { min: 0 }),
  };
}

function engine(v: unknown): JsEngine | null {
  if (v === null || v === undefined) return null;
  const o = obj(v, 'results.engine');
  return {
    engine: text(o.engine, 'results.engine.engine', { max: 80 }),
    engineVersion: text(o.engineVersion, 'results.engine.engineVersion', { max: 80 }),
    runtime: text(o.runtime, 'results.engine.runtime', { max: 80 }),
    runtimeVersion: text(o.runtimeVersion, 'results.engine.runtimeVersion', { max: 80 }),
  };
}

/** Reads a results file the panel exported. Refuses anything else, saying what is wrong. */
export function checkResultsFile(textIn: string, name: string): Checked<ResultsFile> {
  const fail = (why: string): Checked<ResultsFile> => ({ ok: false, error: `${name} was not opened: ${why}. Nothing was changed.` });
  if (textIn.length > MAX_RESULTS_BYTES) return fail(`it is larger than ${MAX_RESULTS_BYTES / 1024 / 1024} MiB`);
  let raw: unknown;
  try {
    raw = JSON.parse(textIn);
  } catch (e) {
    return fail(`it is not JSON (${(e as Error).message.slice(0, 120)})`);
  }
  try {
    const o = obj(raw, 'the file');
    if (o.format !== RESULTS_FORMAT) {
      if (typeof o.pagecostProfile === 'number') throw new Refused('it is a calibration profile; open it with "Compare machines" instead');
      throw new Refused(`it is not a pagecost results file ("format" is not "${RESULTS_FORMAT}")`);
    }
    if (o.version !== RESULTS_VERSION) throw new Refused(`it is format version ${JSON.stringify(o.version)}, this pagecost reads version ${RESULTS_VERSION}`);
    const r = obj(o.results, 'results');
    const results: RunResults = {
      label: text(r.label, 'results.label', { max: 200 }),
      measuredAt: text(r.measuredAt, 'results.measuredAt', { max: 40 }),
      machine: machine(r.machine),
      engine: engine(r.engine),
      modelVersion: num(r.modelVersion, 'results.modelVersion', { int: true, min: 0 }),
      points: list(r.points, 'results.points').map((p, i) => point(p, `results.points[${i}]`)),
      skipped: list(r.skipped ?? [], 'results.skipped').map((p, i): SkippedPoint => ({ ...key(obj(p, `results.skipped[${i}]`), `results.skipped[${i}]`), reason: text((p as Obj).reason, `results.skipped[${i}].reason`) })),
      failed: list(r.failed ?? [], 'results.failed').map((p, i): FailedPoint => ({ ...key(obj(p, `results.failed[${i}]`), `results.failed[${i}]`), message: text((p as Obj).message, `results.failed[${i}].message`) })),
      elapsedMs: r.elapsedMs === null || r.elapsedMs === undefined ? null : num(r.elapsedMs, 'results.elapsedMs', { min: 0 }),
    };
    return {
      ok: true,
      value: {
        format: RESULTS_FORMAT, version: RESULTS_VERSION,
        exportedAt: text(o.exportedAt, 'exportedAt', { max: 40 }),
        modelledWith: text(o.modelledWith, 'modelledWith', { max: 200 }),
        results,
      },
    };
  } catch (e) {
    if (e instanceof Refused) return fail(e.message);
    throw e;
  }
}
