// Accuracy of the cost model against this machine (issue 4): runs the benchmark sweep (or reads
// a measurements file), then prints measured/modelled error distributions with the default
// parameters (single-threaded points: target within 4×), after a fit on a training subset of
// sizes (training points and held-out sizes: targets ≥ 90% within 1.5×, all within 2×), after a
// fit on everything (what `pagecost calibrate` writes), the fit time (target < 1 s), and which
// parameters moved or could not be fitted.
//
//   npx tsx scripts/bench-accuracy.ts [--quick] [--from FILE] [--save FILE] [--report FILE]
//                                     [--no-keep] [--holdout 16K,1M,...] [--cc PATH] [--cache-dir DIR] [--json]
//                                     [--calibrate-quick | --profile FILE|this-machine|x86-64|... [--refit]]
//
// Issue 12's floors, in one command: --calibrate-quick runs a real `pagecost calibrate --quick`
// (node dist/cli.js: `npm run build` first) right after the sweep, and judges the profile it
// writes against the sweep's points: all of them and the sizes the quick sweep never measured
// (≥ 90% within 1.5×, median ≤ 1.2×, calibration under 60 s); then the probe (`this-machine`:
// ≥ 70% within 2×, ≥ 90% within 4×). --profile judges a profile already made instead: a
// calibration file as it was written (with --refit: its measurements fitted again by this
// code, to replay an older calibration with a newer model), the probe, or a built-in.
//
// The first line names the machine key (CPU, CPU count, kernel and a hash of every fact the model
// reads; src/core/model/machine.ts). A fresh run is kept under docs/measurements/<machine key>/
// (<date>-full.json or -quick.json, and the printed report as <date>-full-accuracy.txt) unless
// --no-keep; --save and --report name other files. --from reads a measurements file (or a
// calibration profile, which embeds its measurements) and writes a report only with --report.
// The load average is printed with every figure: on a shared machine it explains the spread.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { abortOnInterrupt, harnessSourcePaths, nodeBenchHost } from '../src/cli/benchHost';
import { probedThisMachine, thisMachine } from '../src/cli/probe';
import { MODEL_VERSION, builtinProfile, isBuiltinName } from '../src/core/model';
import { accuracyReport, errorFactor, judgeProfile, type ErrorDistribution, type ProfileJudgement } from '../src/core/bench/accuracy';
import { calibrate, measuredMachineKey, renderFit, type CalibrationFile } from '../src/core/bench/calibration';
import { MEASUREMENTS_FORMAT, MEASUREMENTS_VERSION, checkMeasurements, type MeasurementsFile } from '../src/core/bench/measurements';
import { BenchError, runBenchmark } from '../src/core/bench/runner';
import { formatBytes, fullSweep, parseSize, quickSweep } from '../src/core/bench/sweep';
import { formatNs } from '../src/core/bench/table';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

async function measure(): Promise<MeasurementsFile | null> {
  const cpus = availableParallelism();
  const sweep = process.argv.includes('--quick') ? quickSweep(cpus) : fullSweep(cpus);
  const controller = new AbortController();
  const uninstall = abortOnInterrupt(controller);
  const t0 = Date.now();
  const before = loadavg();
  process.stderr.write(`bench-accuracy: running the ${process.argv.includes('--quick') ? 'quick' : 'full'} sweep; load average before: ${load()}\n`);
  try {
    const run = await runBenchmark(nodeBenchHost(), {
      sweep, cc: flag('--cc'), cacheDir: flag('--cache-dir'), sourcePaths: harnessSourcePaths(), signal: controller.signal,
    });
    const o = run.output;
    return {
      format: MEASUREMENTS_FORMAT, version: MEASUREMENTS_VERSION, measuredAt: new Date().toISOString(),
      machine: o.facts!, harness: { key: run.harness.key, compiler: run.harness.compiler.path, compilerVersion: run.harness.compiler.version },
      sweep, elapsedMs: Date.now() - t0, points: o.points, skipped: o.skipped, failed: o.failed,
      load: { before, after: loadavg() },
    };
  } catch (e) {
    if (e instanceof BenchError) {
      process.stderr.write(`bench-accuracy: ${e.message}\n`);
      return null;
    }
    throw e;
  } finally {
    uninstall();
  }
}

function readMeasurements(path: string): MeasurementsFile {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  // A calibration profile carries the measurements it was fitted to.
  const inner = json.measurements ?? json;
  const c = checkMeasurements(inner);
  if (!c.ok) throw new Error(`${path}: not a measurements file (${c.error})`);
  return c.file;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function dist(title: string, d: ErrorDistribution, target: string): string {
  const worst = d.worst
    .slice(0, 6)
    .map((w) => `      ${w.id}: measured ${formatNs(w.measuredNs)}, modelled ${formatNs(w.modelledNs)} (${w.ratio >= 1 ? '' : '1/'}${errorFactor(w.ratio).toFixed(2)}×)`)
    .join('\n');
  return (
    `  ${title}: ${d.points} points; within 1.25×: ${pct(d.within1_25)}, within 1.5×: ${pct(d.within1_5)}, within 2×: ${pct(d.within2)}, within 4×: ${pct(d.within4)}` +
    `; error factor median ${d.median.toFixed(2)}×, p90 ${d.p90.toFixed(2)}×, max ${d.max.toFixed(2)}×  [${target}]\n` +
    `    furthest off (measured/modelled):\n${worst}\n`
  );
}

/** Issue 4's floors, one line each, so that a run says at a glance what it met. */
function floors(r: ReturnType<typeof accuracyReport>): string {
  const line = (ok: boolean, what: string) => `  ${ok ? 'met    ' : 'NOT MET'}  ${what}\n`;
  return (
    `\nissue 4 floors:\n` +
    line(r.defaultsSingle.within4 === 1, `built-in parameters, single-threaded points all within 4× (${pct(r.defaultsSingle.within4)})`) +
    line(r.all.within1_5 >= 0.9, `after calibration ≥ 90% within 1.5× (${pct(r.all.within1_5)})`) +
    line(r.all.within2 === 1, `after calibration all within 2× (${pct(r.all.within2)}, worst ${r.all.max.toFixed(2)}×)`) +
    line(r.heldOut.within1_5 >= 0.9, `held-out sizes ≥ 90% within 1.5× (${pct(r.heldOut.within1_5)}; within 2×: ${pct(r.heldOut.within2)})`) +
    line(Math.max(r.fitMs.train, r.fitMs.all) < 1000, `fit under 1 s (${Math.max(r.fitMs.train, r.fitMs.all).toFixed(0)} ms wall${r.fitCpuMs ? `, ${Math.max(r.fitCpuMs.train, r.fitCpuMs.all).toFixed(0)} ms CPU` : ''})`)
  );
}

interface Judged {
  /** What was judged, in words (file, how it was made, the load while it was). */
  what: string;
  kind: 'calibration' | 'probe' | 'built-in';
  judgement: ProfileJudgement;
  /** Wall time of the calibration run, when this script ran it. */
  calibrateMs?: number;
}

/** Runs a real `pagecost calibrate --quick` (the built CLI) and returns the profile it wrote, timed. */
function calibrateQuick(out: string): { file: CalibrationFile; ms: number; load: { before: number[]; after: number[] } } {
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const before = loadavg();
  process.stderr.write(`bench-accuracy: running node dist/cli.js calibrate --quick --out ${out}; load average before: ${load()}\n`);
  const t0 = performance.now();
  execFileSync(process.execPath, [cli, 'calibrate', '--quick', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = performance.now() - t0;
  return { file: JSON.parse(readFileSync(out, 'utf8')) as CalibrationFile, ms, load: { before, after: loadavg() } };
}

/** The points a calibration file was fitted to. */
const ownPoints = (f: CalibrationFile) => f.measurements.points;

async function judged(m: MeasurementsFile, key: string): Promise<Judged | null> {
  if (process.argv.includes('--calibrate-quick')) {
    const keep = !process.argv.includes('--no-keep');
    const out = keep ? keptPath(key, `${new Date().toISOString().slice(0, 10)}-calibrate-quick`, '.json') : join(mkdtempSync(join(tmpdir(), 'pagecost-accuracy-')), 'calibrate-quick.json');
    const { file, ms, load: l } = calibrateQuick(out);
    return {
      what: `a real calibrate --quick, ${out} (${(ms / 1000).toFixed(1)} s wall; load average ${l.before.map((x) => x.toFixed(2)).join(' ')} before, ${l.after.map((x) => x.toFixed(2)).join(' ')} after)`,
      kind: 'calibration', judgement: judgeProfile(m, file.params, ownPoints(file)), calibrateMs: ms,
    };
  }
  const name = flag('--profile');
  if (!name) return null;
  if (name === 'this-machine') return judgedProbe(m);
  if (isBuiltinName(name)) return { what: `the built-in ${name}`, kind: 'built-in', judgement: judgeProfile(m, builtinProfile(name).params) };
  const file = JSON.parse(readFileSync(name, 'utf8')) as CalibrationFile;
  if (!file.measurements) throw new Error(`${name}: not a calibration file (pagecost calibrate --out writes one)`);
  if (process.argv.includes('--refit')) {
    const { file: again } = calibrate(file.measurements, 'refit');
    return { what: `${name}, its ${file.measurements.points.length} points fitted again by this code (model v${MODEL_VERSION})`, kind: 'calibration', judgement: judgeProfile(m, again.params, ownPoints(file)) };
  }
  if (file.modelVersion !== MODEL_VERSION) throw new Error(`${name} was fitted by model v${file.modelVersion}, this is v${MODEL_VERSION}: add --refit`);
  return { what: `${name}, as written (${file.created})`, kind: 'calibration', judgement: judgeProfile(m, file.params, ownPoints(file)) };
}

/** `this-machine`: the probe kept for this machine (run now if there is none). */
async function judgedProbe(m: MeasurementsFile): Promise<Judged> {
  const t = await probedThisMachine({ allowProbe: true });
  return { what: `this-machine (${t.how})`, kind: t.kind === 'probe' ? 'probe' : 'built-in', judgement: judgeProfile(m, t.profile.params) };
}

function judgedText(j: Judged): string {
  const { all, heldOut, heldOutSizes, unseenByOp } = j.judgement;
  const line = (ok: boolean, what: string) => `  ${ok ? 'met    ' : 'NOT MET'}  ${what}\n`;
  let text = `\n${j.what}, against this sweep:\n` + dist('all points', all, j.kind === 'probe' ? 'targets: ≥ 70% within 2×, ≥ 90% within 4×' : j.kind === 'calibration' ? 'target: ≥ 90% within 1.5×, median ≤ 1.2×' : 'no target');
  if (heldOut) text += dist(`sizes it never measured (${heldOutSizes.map(formatBytes).join(', ')})`, heldOut, 'same target');
  if (unseenByOp) text += dist('every point whose op it never timed at that size (stricter: its 64 and 256 MiB runs cover a few ops)', unseenByOp, 'shown, no target of its own');
  if (j.kind === 'calibration') {
    text +=
      `\nissue 12 floors (after calibrate --quick, the full sweep):\n` +
      line(all.within1_5 >= 0.9, `≥ 90% of the points within 1.5× (${pct(all.within1_5)})`) +
      (heldOut ? line(heldOut.within1_5 >= 0.9, `≥ 90% of the sizes it never measured within 1.5× (${pct(heldOut.within1_5)}; every point whose op it never timed at its size: ${pct(unseenByOp!.within1_5)})`) : '') +
      line(all.median <= 1.2, `median error ≤ 1.2× (${all.median.toFixed(2)}×)`) +
      (j.calibrateMs !== undefined ? line(j.calibrateMs < 60_000, `calibration under 60 s (${(j.calibrateMs / 1000).toFixed(1)} s)`) : '');
  } else if (j.kind === 'probe') {
    text +=
      `\nissue 12 floors (this-machine, uncalibrated):\n` +
      line(all.within2 >= 0.7, `≥ 70% of the points within 2× (${pct(all.within2)})`) +
      line(all.within4 >= 0.9, `≥ 90% within 4× (${pct(all.within4)})`);
  }
  return text;
}

/** A file name under docs/measurements/<key>/ that is not taken yet (…-full.json, …-full-2.json). */
function keptPath(key: string, stem: string, suffix: string): string {
  const dir = join(__dirname, '..', 'docs', 'measurements', key);
  mkdirSync(dir, { recursive: true });
  for (let i = 1; ; i++) {
    const p = join(dir, `${stem}${i === 1 ? '' : `-${i}`}${suffix}`);
    if (!existsSync(p)) return p;
  }
}

async function main(): Promise<number> {
  const from = flag('--from');
  const live = thisMachine().key;
  if (!from) process.stdout.write(`machine key: ${live}\n`);
  const m = from ? readMeasurements(from) : await measure();
  if (!m) return 1;
  const key = measuredMachineKey(m.machine);
  const keyLine = from ? `machine key: ${key}${key === live ? ' (this machine)' : ` (not this machine, which is ${live})`}\n` : `machine key: ${key}\n`;
  const keep = !from && !process.argv.includes('--no-keep');
  const stem = `${m.measuredAt.slice(0, 10)}-${m.sweep.sizes.length < 12 ? 'quick' : 'full'}`;
  const save = flag('--save') ?? (keep ? keptPath(key, stem, '.json') : undefined);
  if (save && !from) {
    writeFileSync(save, `${JSON.stringify(m)}\n`, 'utf8');
    process.stderr.write(`bench-accuracy: measurements written to ${save}\n`);
  }
  const holdText = flag('--holdout');
  const heldOutSizes = holdText?.split(',').map((s) => {
    const n = parseSize(s);
    if (n === null) throw new Error(`--holdout: "${s}" is not a size`);
    return n;
  });
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // Back to back with the sweep: the calibration (or the probe) runs before the fits below.
  const j = await judged(m, key);
  const probe = process.argv.includes('--calibrate-quick') ? await judgedProbe(m) : null;
  const r = accuracyReport(m, { ...(heldOutSizes ? { heldOutSizes } : {}), now: () => performance.now(), cpuNow, crossValidate: true });
  if (process.argv.includes('--json')) {
    const { fit: _fit, ...rest } = r;
    process.stdout.write(`${JSON.stringify({ machineKey: key, measuredAt: m.measuredAt, loadNow: loadavg(), ...rest, judged: j, probe }, null, 2)}\n`);
    return 0;
  }
  const f = m.machine;
  const unit = (u: string) => (u ? ` ${u}` : '');
  const text =
    keyLine +
    `measurements: ${from ?? 'this run'}, taken ${m.measuredAt} (${(m.elapsedMs / 1000).toFixed(0)} s, ${m.points.length} points, ${m.sweep.threads.join('/')} threads)\n` +
      `machine: ${f.cpuModel || f.arch}, ${f.cpus} CPUs, Linux ${f.kernel}, glibc ${f.glibc}, THP ${f.thp}${f.flags.includes('hypervisor') ? ', VM guest' : ''}; clock read ${f.clockNs} ns\n` +
      (m.load ? `load average during the measurement (1/5/15 min): ${m.load.before.map((x) => x.toFixed(2)).join(' ')} before, ${m.load.after.map((x) => x.toFixed(2)).join(' ')} after, on ${f.cpus} CPUs\n` : '') +
      `load average now (1/5/15 min): ${load()}${from ? ' (of this machine now, not of the measurement)' : ''}\n\n` +
      `before calibration (built-in parameters, this machine's facts):\n` +
      dist('single-threaded', r.defaultsSingle, 'target: all within 4×') +
      dist('all points', r.defaultsAll, 'no target') +
      `\nafter calibration, fitted without the sizes ${r.heldOutSizes.map(formatBytes).join(', ')}:\n` +
      dist('training points', r.train, 'target: ≥ 90% within 1.5×, all within 2×') +
      dist('held-out sizes', r.heldOut, 'same targets, never seen by the fit') +
      (r.crossValidated ? dist('three-fold by size (each point predicted by a fit without its size)', r.crossValidated, 'same targets') : '') +
      `\nafter calibration on every point (what pagecost calibrate writes):\n` +
      dist('all points', r.all, 'target: ≥ 90% within 1.5×, all within 2×') +
      `\nfit time: ${r.fitMs.train.toFixed(0)} ms (training subset), ${r.fitMs.all.toFixed(0)} ms (all points) [target < 1000 ms]` +
      (r.fitCpuMs ? `; CPU time ${r.fitCpuMs.train.toFixed(0)} ms and ${r.fitCpuMs.all.toFixed(0)} ms; load average now ${load()}` : '') +
      '\n\n' +
      `parameters that moved (> 5% from the built-in default):\n` +
      r.moved.map((c) => `  ${c.id}: ${+c.start.toPrecision(4)} → ${+c.value.toPrecision(4)}${unit(c.unit)} (×${c.factor.toFixed(2)}, ±${(100 * c.logSd).toFixed(0)}%)${c.atBound ? `, held at the ${c.atBound} edge of its plausible range` : ''}`).join('\n') +
      `\nfitted and confirmed (within 5% of the default): ${r.confirmed.map((c) => c.id).join(', ') || 'none'}\n` +
      `could not be fitted here (defaults kept):\n` +
      r.unfitted.map((u) => `  ${u.id}: ${u.reason}`).join('\n') +
      `\n\n${renderFit(r.fit)}\n` +
      floors(r) +
      (j ? judgedText(j) : '') +
      (probe ? judgedText(probe) : '');
  // A fresh run printed the key before measuring: the report file has it, stdout once.
  process.stdout.write(from ? text : text.slice(keyLine.length));
  const report = flag('--report') ?? (keep && save ? save.replace(/\.json$/, '-accuracy.txt') : undefined);
  if (report) {
    writeFileSync(report, text, 'utf8');
    process.stderr.write(`bench-accuracy: report written to ${report}\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench-accuracy: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
