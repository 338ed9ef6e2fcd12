// `pagecost bench` and `pagecost calibrate`: run the C harness over a sweep, then print measured
// against modelled (bench) or write the measurements file (calibrate). Flag parsing and output
// are here; compiling and running live in src/core/bench/runner.ts, Node access in benchHost.ts.
import { promises as fs } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, resolve as resolvePath } from 'node:path';
import { MEASUREMENTS_FORMAT, MEASUREMENTS_VERSION, type MeasurementsFile } from '../core/bench/measurements';
import type { HarnessEvent, ParsedOutput } from '../core/bench/protocol';
import { BenchError, runBenchmark, type BenchHost, type BenchRun } from '../core/bench/runner';
import { JS_BENCH_OPS, expectedJsLines, isJsBenchOp, quickJsSweep, withJsModel, type JsBenchOp, type JsSweep } from '../core/bench/js/ops';
import { describeEngine } from '../core/bench/js/protocol';
import { runJsBenchmark } from '../core/bench/js/runner';
import { fitJs } from '../core/bench/js/fit';
import { loadProfile } from '../core/model';
import { jsHarnessInfo, jsHarnessPath, thisNodeEngine } from './jsBench';
import { BENCH_OPS, BYTE_GRANULAR_OPS, expectedLines, formatBytes, fullSweep, isBenchOp, parseSize, quickCalibrationSweep, quickSweep, type BenchOp, type Sweep } from '../core/bench/sweep';
import { compareRows, formatNs, renderCsv, renderTable, type ModelFn } from '../core/bench/table';
import { calibrate as fitCalibration, renderCalibrationReport, renderFit } from '../core/bench/calibration';
import { modelFor, withClock } from '../core/bench/modelled';
import { abortOnInterrupt, harnessSourcePaths, nodeBenchHost } from './benchHost';
import { UsageError, type CliIO, type Subcommand } from './io';
import { cliProfile, keepCalibration } from './probe';

export const BENCH_USAGE = `usage: pagecost bench [--quick] [--ops LIST] [--sizes LIST] [--threads LIST] [--json|--csv]
       pagecost calibrate [--quick] [--ops ...] --out FILE
options:
  --quick               the short sweep (under a minute on 2 cores); default is the full sweep
  --ops LIST            comma-separated: ${BENCH_OPS.join(', ')};
                        JS/TS (run by Node): ${JS_BENCH_OPS.join(', ')}
  --sizes LIST          4K, 64KiB, 33p (pages), 2M, 1G or bytes; N:M grows N to M (default 2N);
                        sizes below or between pages reach the heap and copy ops only
  --threads LIST        total threads, e.g. 1,2,4 (extra threads spin on other CPUs)
  --reps N              at most N timed repetitions per point
  --time-budget-ms MS   wall time per point before moving on (at least 5 repetitions)
  --time-limit SECONDS  stop the whole run after this long
  --cc PATH             C compiler (default: $CC, else cc, gcc, clang on PATH)
  --cache-dir DIR       where the compiled harness is kept (default: $XDG_CACHE_HOME/pagecost)
  --profile NAME|FILE   model profile for the "modelled" column: x86-64, x86-64-vm, arm64,
                        this-machine (default, or PAGECOST_PROFILE: this machine's probe,
                        measured once in ≈2 s), auto, or a calibration file
  --force               accept a --profile calibrated on another machine or model version
  --json | --csv        machine-readable output instead of the table (bench)
  --out FILE            where calibrate writes the measurements (JSON)
`;

export interface BenchArgs {
  quick: boolean;
  sweep: Sweep;
  format: 'table' | 'json' | 'csv';
  cc?: string;
  cacheDir?: string;
  profile?: string;
  /** Accept a --profile file from another machine or model version. */
  force?: boolean;
  out?: string;
  /** JS/TS primitives asked for with --ops (run by the JS harness after the C sweep, if any). */
  js?: JsSweep;
}

function list(value: string, flag: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs a comma-separated list`);
  return items;
}

function positiveInt(value: string, flag: string, max: number): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, got "${value}"`);
  const n = Number(value);
  if (n < 1 || n > max) throw new UsageError(`${flag} must be between 1 and ${max}, got ${n}`);
  return n;
}

/** Parses the flags shared by bench and calibrate. Throws UsageError with what was wrong. */
export function parseBenchArgs(argv: string[], cpus: number, command: 'bench' | 'calibrate'): BenchArgs {
  const valued = new Set(['--ops', '--sizes', '--threads', '--reps', '--time-budget-ms', '--time-limit', '--cc', '--cache-dir', '--profile', '--out']);
  const flags = new Map<string, string>();
  let quick = false;
  let force = false;
  let format: BenchArgs['format'] = 'table';
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (a === '--quick') quick = true;
    else if (a === '--force') force = true;
    else if (a === '--json' || a === '--csv') {
      if (command === 'calibrate') throw new UsageError(`${a} is for bench; calibrate always writes JSON to --out`);
      const f = a === '--json' ? 'json' : 'csv';
      if (format !== 'table' && format !== f) throw new UsageError('choose one of --json and --csv');
      format = f;
    } else if (valued.has(a)) {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${a} needs a value`);
      if (a === '--out' && command === 'bench') throw new UsageError('--out is for calibrate; bench prints to stdout');
      flags.set(a, v);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else throw new UsageError(`unexpected argument "${a}"`);
  }

  // A quick calibration adds the 64 MiB points of a few ops; a sweep narrowed by --ops, --sizes
  // or --threads is what was asked for, without them.
  const narrowed = flags.has('--ops') || flags.has('--sizes') || flags.has('--threads');
  const sweep = quick ? (command === 'calibrate' && !narrowed ? quickCalibrationSweep(cpus) : quickSweep(cpus)) : fullSweep(cpus);
  let jsOps: JsBenchOp[] = [];
  if (flags.has('--ops')) {
    const all = list(flags.get('--ops')!, '--ops');
    // The JS/TS primitives run in the JS harness (src/core/bench/js), the rest in the C one.
    jsOps = [...new Set(all.filter(isJsBenchOp))];
    const ops = all.filter((o) => !isJsBenchOp(o));
    const bad = ops.filter((o) => o !== 'all' && !isBenchOp(o));
    if (bad.length) throw new UsageError(`unknown op${bad.length > 1 ? 's' : ''} ${bad.join(', ')}; known: ${BENCH_OPS.join(', ')}, ${JS_BENCH_OPS.join(', ')}`);
    sweep.ops = ops.includes('all') ? [...BENCH_OPS] : [...new Set(ops as BenchOp[])];
  }
  if (flags.has('--sizes')) {
    // Whole pages go to every op; other byte counts to the heap and copy ops only; N:M grows N to M.
    const size = (s: string): number => {
      const n = parseSize(s);
      if (n === null) throw new UsageError(`--sizes: "${s}" is not a size (examples: 4096, 4K, 64KiB, 33p, 2M, 228, 228:456)`);
      if (n <= 0) throw new UsageError(`--sizes: ${s} is not a positive size`);
      if (n > 4 * 1024 ** 3) throw new UsageError(`--sizes: ${s} is above the 4 GiB limit`);
      return n;
    };
    sweep.sizes = [];
    sweep.byteSizes = [];
    sweep.pairs = [];
    for (const item of list(flags.get('--sizes')!, '--sizes')) {
      const [a, b, ...rest] = item.split(':');
      if (rest.length) throw new UsageError(`--sizes: "${item}" has more than one ":" (N:M grows N bytes to M)`);
      if (b !== undefined) {
        const from = size(a!);
        const to = size(b);
        if (to <= from) throw new UsageError(`--sizes: ${item} does not grow (N:M needs M > N)`);
        sweep.pairs.push({ from, to });
      } else {
        const n = size(a!);
        (n % 4096 === 0 ? sweep.sizes : sweep.byteSizes).push(n);
      }
    }
    if (sweep.sizes.length + sweep.pairs.length > 64) throw new UsageError('--sizes: at most 64 sizes');
    const pageSizes = sweep.sizes.length + sweep.pairs.filter((p) => p.from % 4096 === 0 && p.to % 4096 === 0).length;
    const pageOps = sweep.ops.filter((o) => !BYTE_GRANULAR_OPS.has(o));
    if (pageSizes === 0 && pageOps.length) {
      // Only byte counts: without --ops, the ops that take them; asked for by name, a refusal.
      if (flags.has('--ops')) {
        throw new UsageError(`--sizes: ${pageOps.join(', ')} need${pageOps.length === 1 ? 's' : ''} whole pages (multiples of 4 KiB); only ${[...BYTE_GRANULAR_OPS].join(', ')} take any byte count`);
      }
      sweep.ops = sweep.ops.filter((o) => BYTE_GRANULAR_OPS.has(o));
    }
  }
  if (flags.has('--threads')) {
    sweep.threads = [...new Set(list(flags.get('--threads')!, '--threads').map((t) => positiveInt(t, '--threads', 1024)))];
    if (sweep.threads.length > 16) throw new UsageError('--threads: at most 16 thread counts');
  }
  if (flags.has('--reps')) {
    sweep.reps = positiveInt(flags.get('--reps')!, '--reps', 100000);
    sweep.minReps = Math.min(sweep.minReps, sweep.reps);
  }
  if (flags.has('--time-budget-ms')) sweep.timeBudgetMs = positiveInt(flags.get('--time-budget-ms')!, '--time-budget-ms', 600_000);
  if (flags.has('--time-limit')) sweep.timeLimitMs = positiveInt(flags.get('--time-limit')!, '--time-limit', 86_400) * 1000;
  if (command === 'calibrate' && !flags.has('--out')) throw new UsageError('calibrate needs --out FILE');

  const args: BenchArgs = { quick, sweep, format, ...(force ? { force } : {}) };
  if (jsOps.length) {
    const q = quickJsSweep();
    args.js = { ...q, ops: jsOps, ...(flags.has('--sizes') ? { sizes: [...sweep.sizes, ...(sweep.byteSizes ?? [])].sort((x, y) => x - y) } : {}), ...(flags.has('--reps') ? { reps: sweep.reps, minReps: sweep.minReps } : {}), ...(flags.has('--time-limit') ? { timeLimitMs: sweep.timeLimitMs } : {}) };
  }
  if (flags.has('--cc')) args.cc = flags.get('--cc')!;
  if (flags.has('--cache-dir')) args.cacheDir = flags.get('--cache-dir')!;
  if (flags.has('--profile')) args.profile = flags.get('--profile')!;
  if (flags.has('--out')) args.out = flags.get('--out')!;
  return args;
}

/** What the subcommands need from outside; tests pass fakes. */
export interface BenchDeps {
  host: BenchHost;
  cpus: number;
  sourcePaths: string[];
  /** The "modelled" column and the profile's name; null when there is no model to compare with. */
  loadModel: (profile: string | undefined, cwd: string, force?: boolean) => Promise<{ fn: ModelFn; name: string } | null>;
  writeFile: (path: string, text: string) => Promise<void>;
  /** Keeps a calibration where `--profile auto` finds it for this machine; returns where. */
  keepCalibration?: (text: string, cacheDir?: string) => Promise<string>;
  /** Installs the Ctrl-C handler; returns its remover. */
  onInterrupt: (controller: AbortController) => () => void;
  now: () => number;
}

/**
 * The cost model for the "modelled" column. The default profile is this-machine: this machine's
 * probe over the built-in parameters closest to it (a VM guest gets the VM set) with its live
 * facts, which is what the measurements should be compared with. Bad profile names or files throw with the
 * model's message.
 */
async function cliModel(profile: string | undefined, cwd: string, force?: boolean): Promise<{ fn: ModelFn; name: string }> {
  // this-machine: this machine's probe (measured on first use, src/cli/probe.ts).
  const p = (await cliProfile(profile, cwd, { fallback: 'this-machine', force: force === true })).profile;
  return { fn: withJsModel(modelFor(p), p), name: `${p.name} (${p.source})` };
}

function defaultDeps(): BenchDeps {
  return {
    host: nodeBenchHost(),
    cpus: availableParallelism(),
    sourcePaths: harnessSourcePaths(),
    loadModel: cliModel,
    writeFile: (p, t) => fs.writeFile(p, t, 'utf8'),
    keepCalibration: (t, cacheDir) => keepCalibration(t, cacheDir ? { cacheDir } : {}),
    onInterrupt: abortOnInterrupt,
    now: () => Date.now(),
  };
}

/**
 * Progress on stderr: on a terminal one line redrawn in place per point; otherwise (CI logs) a
 * plain line at each quarter, since a full sweep runs for minutes.
 */
function progress(io: CliIO, total: number): { event: (e: HarnessEvent) => void; clear: () => void } {
  let done = 0;
  let drawn = false;
  let quarter = 0;
  return {
    event(e) {
      if (e.kind !== 'point' && e.kind !== 'skipped' && e.kind !== 'error') return;
      done++;
      if (!io.stderrIsTTY) {
        const q = Math.floor((4 * done) / total);
        if (q > quarter && q < 4) io.stderr(`  ${25 * q}% (${done}/${total} points)\n`);
        quarter = Math.max(quarter, q);
        return;
      }
      const p = e.point;
      const what = `${p.op} ${formatBytes(p.bytes)} ${p.threads}T${p.aligned ? ' aligned' : ''}${p.huge && p.op !== 'fault-2m' ? ' THP' : ''}`;
      const result = e.kind === 'point' ? formatNs(e.point.medianNs) : e.kind;
      io.stderr(`\r\x1b[K[${String(done).padStart(String(total).length)}/${total}] ${what}: ${result}`);
      drawn = true;
    },
    clear() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}

async function measure(args: BenchArgs, io: CliIO, deps: BenchDeps, command: string): Promise<{ run: BenchRun | null; partial: ParsedOutput | null; error: BenchError | null }> {
  const total = (args.sweep.ops.length ? expectedLines(args.sweep) : 0) + (args.js ? expectedJsLines(args.js) : 0);
  const bar = progress(io, total);
  const controller = new AbortController();
  const uninstall = deps.onInterrupt(controller);
  io.stderr(`pagecost ${command}: ${total} points (${args.quick ? 'quick' : 'full'} sweep); Ctrl-C stops it\n`);
  try {
    if (args.js) return await measureJs(args, args.js, io, deps, controller, bar);
    const run = await runBenchmark(deps.host, {
      sweep: args.sweep,
      cc: args.cc,
      cacheDir: args.cacheDir,
      sourcePaths: deps.sourcePaths,
      signal: controller.signal,
      onEvent: bar.event,
      onBuild: (h) => {
        if (h.built) io.stderr(`built the benchmark harness with ${h.compiler.path} (${h.compiler.version})\n`);
      },
    });
    bar.clear();
    return { run, partial: null, error: null };
  } catch (e) {
    bar.clear();
    if (e instanceof BenchError) return { run: null, partial: e.partial, error: e };
    throw e;
  } finally {
    uninstall();
  }
}

/** The C ops (if any), then the JS ops under this Node, as one output; the JS engine goes to stderr. */
async function measureJs(
  args: BenchArgs, js: JsSweep, io: CliIO, deps: BenchDeps, controller: AbortController, bar: ReturnType<typeof progress>,
): Promise<{ run: BenchRun | null; partial: ParsedOutput | null; error: BenchError | null }> {
  let c: BenchRun | null = null;
  try {
    if (args.sweep.ops.length) {
      c = await runBenchmark(deps.host, { sweep: args.sweep, cc: args.cc, cacheDir: args.cacheDir, sourcePaths: deps.sourcePaths, signal: controller.signal, onEvent: bar.event });
    }
    const r = await runJsBenchmark(deps.host, { sweep: js, runtime: { execPath: process.execPath }, harnessPath: jsHarnessPath(), signal: controller.signal, onEvent: bar.event });
    bar.clear();
    io.stderr(`JS measured by ${describeEngine(r.engine)}\n`);
    const output = c ? { ...c.output, points: [...c.output.points, ...r.output.points], skipped: [...c.output.skipped, ...r.output.skipped], failed: [...c.output.failed, ...r.output.failed] } : r.output;
    return { run: { output, harness: c?.harness ?? jsHarnessInfo(r.engine) }, partial: null, error: null };
  } catch (e) {
    bar.clear();
    if (e instanceof BenchError) return { run: null, partial: e.partial ?? c?.output ?? null, error: e };
    throw e;
  }
}

function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export async function runBench(argv: string[], io: CliIO, deps: BenchDeps): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout(BENCH_USAGE);
    return 0;
  }
  const args = parseBenchArgs(argv, deps.cpus, 'bench');
  let model: { fn: ModelFn; name: string } | null;
  try {
    model = await deps.loadModel(args.profile, io.cwd, args.force);
  } catch (e) {
    io.stderr(`pagecost bench: ${(e as Error).message}\n`);
    return 2;
  }
  const started = deps.now();
  const { run, partial, error } = await measure(args, io, deps, 'bench');
  const output = run?.output ?? partial;
  if (error) io.stderr(`pagecost bench: ${error.message}\n`);
  if (!output || (output.points.length === 0 && error)) return error?.kind === 'cancelled' ? 130 : 1;

  // Every timed interval contains one clock read; the model of a point counts it too.
  const rows = compareRows(output.points, model ? withClock(model.fn, output.facts?.clockNs ?? 0) : null);
  if (args.format === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          format: 'pagecost-bench',
          version: 1,
          complete: error === null,
          machine: output.facts,
          model: model?.name ?? null,
          points: rows,
          skipped: output.skipped,
          failed: output.failed,
          elapsedMs: deps.now() - started,
        },
        null,
        2,
      )}\n`,
    );
  } else if (args.format === 'csv') {
    io.stdout(renderCsv(rows, output.skipped, output.failed));
  } else {
    io.stdout(renderTable(rows, output.skipped, output.failed));
    io.stdout(model ? `\nmodelled with profile ${model.name}; ratio = measured median / modelled\n` : '\nmodelled: — (no cost model to compare with)\n');
    if (output.facts) {
      const f = output.facts;
      io.stdout(`machine: ${f.cpuModel || f.arch}, ${f.cpus} CPUs, Linux ${f.kernel}, glibc ${f.glibc}, THP ${f.thp}${f.flags.includes('hypervisor') ? ', virtual machine' : ''}\n`);
    }
  }
  io.stderr(`measured ${output.points.length} points in ${((deps.now() - started) / 1000).toFixed(1)} s${error ? ' (incomplete)' : ''}\n`);
  if (error) return error.kind === 'cancelled' ? 130 : 1;
  return 0;
}

export async function runCalibrate(argv: string[], io: CliIO, deps: BenchDeps): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout(BENCH_USAGE);
    return 0;
  }
  const args = parseBenchArgs(argv, deps.cpus, 'calibrate');
  const outPath = resolvePath(io.cwd, args.out!);
  const started = deps.now();
  const loadBefore = loadavg();
  const { run, error } = await measure(args, io, deps, 'calibrate');
  if (error || !run) {
    // A partial sweep would calibrate from a biased subset; write nothing.
    io.stderr(`pagecost calibrate: ${error?.message ?? 'no result'}\nNothing was written to ${outPath}.\n`);
    return error?.kind === 'cancelled' ? 130 : 1;
  }
  // The JS primitives (--ops js-…) calibrate the TS/JS model's own parameters, after the C fit.
  const jsPoints = run.output.points.filter((p) => isJsBenchOp(p.op));
  const o = { ...run.output, points: run.output.points.filter((p) => !isJsBenchOp(p.op)) };
  const file: MeasurementsFile = {
    format: MEASUREMENTS_FORMAT,
    version: MEASUREMENTS_VERSION,
    measuredAt: new Date(deps.now()).toISOString(),
    machine: o.facts!,
    harness: { key: run.harness.key, compiler: run.harness.compiler.path, compilerVersion: run.harness.compiler.version },
    sweep: args.sweep,
    elapsedMs: deps.now() - started,
    points: o.points,
    skipped: o.skipped,
    failed: o.failed,
    load: { before: loadBefore, after: loadavg() },
  };
  // The fit turns the measurements into a profile; if it fails, the measurements alone are
  // still worth keeping (they can be fitted again by a later version).
  let text: string;
  let summary: string;
  let fitted = false;
  try {
    const { file: profile, fit, unfitted, errors } = fitCalibration(file, basename(outPath).replace(/\.json$/i, ''));
    const jsFit = jsPoints.length ? fitJs(loadProfile(profile, outPath), jsPoints, thisNodeEngine()) : null;
    if (jsFit) {
      profile.params.f_js_transfer_move = jsFit.params.f_js_transfer_move;
      profile.params.t_js_buffer = jsFit.params.t_js_buffer;
      profile.notes.f_js_transfer_move = profile.notes.t_js_buffer = `fitted to ${jsFit.points} JS points (${jsFit.engine ? describeEngine(jsFit.engine) : 'this engine'})`;
    }
    text = `${JSON.stringify(profile, null, 2)}\n`;
    io.stdout(renderFit(fit));
    io.stdout(renderCalibrationReport(errors, unfitted, fit.keptStart));
    if (jsFit) io.stdout(`${jsFit.transfer}\nJS model: f_js_transfer_move ${jsFit.params.f_js_transfer_move}, t_js_buffer ${jsFit.params.t_js_buffer} ns; the ${jsFit.points} JS points were off by a median ${jsFit.before.toFixed(2)}× before, ${jsFit.after.toFixed(2)}× after\n`);
    summary =
      (fit.keptStart
        ? `wrote the profile (the built-in parameters: the fit did not predict the ${o.points.length} measured points better) to ${outPath}\n`
        : `wrote the calibrated profile (${Object.keys(profile.params).length} fitted parameters, ${o.points.length} measured points) to ${outPath}\n`) +
      `use it with: pagecost explain --profile ${args.out} …, pagecost bench --profile ${args.out}\n`;
    fitted = true;
  } catch (e) {
    text = `${JSON.stringify(file, null, 2)}\n`;
    summary = `the fit failed (${(e as Error).message}); wrote the ${o.points.length} measured points alone to ${outPath}\n`;
  }
  try {
    await deps.writeFile(outPath, text);
  } catch (e) {
    io.stderr(`pagecost calibrate: cannot write ${outPath}: ${(e as Error).message}\n`);
    return 1;
  }
  if (fitted && deps.keepCalibration) {
    // A copy under this machine's key: --profile auto (and the CLI's default where it is auto)
    // uses it on this machine and kernel only. Not keeping it costs nothing but that.
    try {
      summary += `kept for this machine in ${await deps.keepCalibration(text, args.cacheDir)} (--profile auto uses it)\n`;
    } catch (e) {
      summary += `not kept for --profile auto: ${(e as Error).message}\n`;
    }
  }
  io.stderr(summary);
  return 0;
}

export const bench: Subcommand = (argv, io) => runBench(argv, io, defaultDeps());
export const calibrate: Subcommand = (argv, io) => runCalibrate(argv, io, defaultDeps());
