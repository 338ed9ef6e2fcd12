// Node side of the `this-machine` probe and of the `auto` profile (issue 12): runs the probe's
// harness sweeps (src/core/bench/probe.ts), keeps the result per machine key (which includes the
// kernel) in the pagecost cache, and resolves the CLI's profiles:
//
//   this-machine  this machine's probe (measured once, ≈2 s, then read from the cache), else the
//                 built-in closest to this machine with its facts, saying why there is no probe;
//   auto          (the default of scan and explain, and the editor's pagecost.profile default)
//                 what is kept for this machine — a calibration, else a probe — else the
//                 built-in x86-64. It never measures: a fresh CI runner gets x86-64 every time.
//
// PAGECOST_PROFILE names another default (a built-in, this-machine or a file).
// PAGECOST_NO_PROBE=1 never runs the probe.
import { MEASUREMENTS_FORMAT } from '../core/bench/measurements';
import { checkProbe, fitProbe, probeSweeps, probedProfile, PROBE_IDS, PROBE_VERSION, type ProbeFile } from '../core/bench/probe';
import { BenchError, defaultCacheDir, runBenchmark, type BenchHost } from '../core/bench/runner';
import { MODEL_VERSION, builtinProfile, formatNs, loadProfile, machineKey, paramDef, thisMachineProfile, type MachineReading, type Profile } from '../core/model';
import { abortOnInterrupt, harnessSourcePaths, nodeBenchHost } from './benchHost';
import { UsageError, type Subcommand } from './io';
import { loadProfileFromCli, machineEnv, readTextOrNull, readThisMachine } from './machine';

/** Where this machine's calibration and probe are kept: <cache>/machines/<machine key>/. */
export function machineDir(host: Pick<BenchHost, 'env' | 'homedir' | 'join'>, key: string, cacheDir?: string): string {
  return host.join(cacheDir ?? defaultCacheDir(host), 'machines', key);
}

export const CALIBRATION_FILE = 'calibration.json';
export const PROBE_FILE = 'probe.json';

export interface ThisMachine {
  reading: MachineReading;
  key: string;
}

export function thisMachine(): ThisMachine {
  const reading = readThisMachine();
  return { reading, key: machineKey(reading.facts, reading.cpuModel) };
}

export interface ProbeOptions {
  cc?: string;
  cacheDir?: string;
  signal?: AbortSignal;
  host?: BenchHost;
  sourcePaths?: string[];
  /** Progress words ("probing this machine (about a second)…"). */
  onStatus?: (text: string) => void;
}

/** The probe kept for this machine and kernel, or null (none yet, another model version, damaged). */
export async function cachedProbe(m: ThisMachine, o: Pick<ProbeOptions, 'cacheDir' | 'host'> = {}): Promise<ProbeFile | null> {
  const host = o.host ?? nodeBenchHost();
  try {
    const text = await host.readText(host.join(machineDir(host, m.key, o.cacheDir), PROBE_FILE));
    const c = checkProbe(JSON.parse(text), m.key);
    return c.ok ? c.probe : null;
  } catch {
    return null;
  }
}

/** Runs the probe (compiling the harness the first time) and keeps its result for this machine. */
export async function runProbe(m: ThisMachine, o: ProbeOptions = {}): Promise<ProbeFile> {
  const host = o.host ?? nodeBenchHost();
  const start = thisMachineProfile(readTextOrNull, machineEnv());
  const t0 = Date.now();
  o.onStatus?.('probing this machine (about two seconds)');
  // One harness build check, then its runs one after the other (Sweep.extras).
  const [first, ...rest] = probeSweeps(start.machine);
  const run = await runBenchmark(host, {
    sweep: { ...first!, extras: rest }, sourcePaths: o.sourcePaths ?? harnessSourcePaths(), ...(o.cc ? { cc: o.cc } : {}),
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}), ...(o.signal ? { signal: o.signal } : {}),
  });
  const points = run.output.points;
  const clockNs = run.output.facts?.clockNs ?? 0;
  const elapsedMs = Date.now() - t0;
  const { params } = fitProbe(start, points, clockNs);
  const probe: ProbeFile = {
    pagecostProbe: PROBE_VERSION, modelVersion: MODEL_VERSION, machineKey: m.key, base: m.reading.base,
    created: new Date().toISOString(), elapsedMs, params, points,
  };
  const dir = machineDir(host, m.key, o.cacheDir);
  try {
    await host.mkdirp(dir);
    const tmp = host.join(dir, `${PROBE_FILE}.tmp-${process.pid}`);
    await host.writeText(tmp, `${JSON.stringify(probe, null, 1)}\n`);
    await host.rename(tmp, host.join(dir, PROBE_FILE));
  } catch {
    // A read-only cache only costs the next run another probe.
  }
  return probe;
}

/** Where `auto` (and `this-machine`) got their parameters, in words for notes and status items. */
export interface AutoProfile {
  profile: Profile;
  /** "calibrated on this machine (…)", "this machine, probed …", "built-in x86-64-vm …: why". */
  how: string;
  kind: 'calibration' | 'probe' | 'built-in' | 'named';
}

export interface ThisMachineOptions extends ProbeOptions {
  /** May the probe run now when none is kept (the CLI: yes; the editor: in a trusted workspace)? */
  allowProbe: boolean;
  env?: Record<string, string | undefined>;
}

/** A calibration kept for this machine, or null (none, another model version, damaged). */
function keptCalibration(m: ThisMachine, o: Pick<ProbeOptions, 'cacheDir' | 'host'>): AutoProfile | null {
  const host = o.host ?? nodeBenchHost();
  const path = host.join(machineDir(host, m.key, o.cacheDir), CALIBRATION_FILE);
  const text = readTextOrNull(path);
  if (text === null) return null;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    // The measurements file alone (no fit) is not a profile.
    if (json.format === MEASUREMENTS_FORMAT) return null;
    const profile = loadProfile(json, path, { live: m.reading.facts });
    return { profile, how: `calibrated on this machine (${profile.calibrated?.at ?? path})`, kind: 'calibration' };
  } catch {
    return null;
  }
}

/**
 * `auto`, the same in the CLI and the editor: what is kept for this machine and kernel — its
 * calibration (pagecost calibrate, the editor's Calibrate), else its probe (pagecost probe,
 * --profile this-machine) — else the built-in x86-64, the same on every machine. It never
 * measures, so a fresh CI runner gets x86-64 every time.
 */
export async function keptProfile(o: Pick<ProbeOptions, 'cacheDir' | 'host'> = {}): Promise<AutoProfile> {
  const m = thisMachine();
  const cal = keptCalibration(m, o);
  if (cal) return cal;
  const kept = await cachedProbe(m, o);
  if (kept) {
    const facts = thisMachineProfile(readTextOrNull, machineEnv());
    return { profile: probedProfile(facts, kept), how: `this machine, probed ${kept.created}`, kind: 'probe' };
  }
  const why = 'nothing measured is kept for this machine (pagecost probe or pagecost calibrate keeps it)';
  const x = builtinProfile('x86-64');
  return {
    profile: { ...x, description: `${x.description} (built-in; ${why})`, warnings: [...x.warnings] },
    how: `built-in x86-64: ${why}`,
    kind: 'built-in',
  };
}

/** `this-machine`: its probe (kept, else measured now where allowed), else the closest built-in with its facts. */
export async function probedThisMachine(o: ThisMachineOptions): Promise<AutoProfile> {
  const env = o.env ?? process.env;
  const m = thisMachine();
  const facts = thisMachineProfile(readTextOrNull, machineEnv());
  const kept = await cachedProbe(m, o);
  if (kept) return { profile: probedProfile(facts, kept), how: `this machine, probed ${kept.created}`, kind: 'probe' };
  const off = env.PAGECOST_NO_PROBE;
  const why = process.platform !== 'linux'
    ? `the probe measures Linux (this is ${process.platform})`
    : off && off !== '0'
      ? 'PAGECOST_NO_PROBE is set'
      : !o.allowProbe
        ? 'the probe runs only in a trusted workspace'
        : null;
  if (why === null) {
    try {
      const probe = await runProbe(m, o);
      return { profile: probedProfile(facts, probe), how: `this machine, probed now (${(probe.elapsedMs / 1000).toFixed(1)} s)`, kind: 'probe' };
    } catch (e) {
      return builtIn(facts, m.reading.base, `the probe failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return builtIn(facts, m.reading.base, why);
}

function builtIn(facts: Profile, base: string, why: string): AutoProfile {
  return {
    profile: {
      ...facts,
      description: `${facts.description} (no probe: ${why})`,
      warnings: [...facts.warnings, `no probe of this machine (${why}): the built-in ${base} parameters`],
    },
    how: `built-in ${base} parameters with this machine's facts (no probe: ${why})`,
    kind: 'built-in',
  };
}

/** Keeps a calibration where `auto` finds it for this machine; returns the path. */
export async function keepCalibration(json: string, o: Pick<ProbeOptions, 'cacheDir' | 'host'> = {}): Promise<string> {
  const host = o.host ?? nodeBenchHost();
  const m = thisMachine();
  const dir = machineDir(host, m.key, o.cacheDir);
  await host.mkdirp(dir);
  const path = host.join(dir, CALIBRATION_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  await host.writeText(tmp, json);
  await host.rename(tmp, path);
  return path;
}

/**
 * The profile a command uses: `--profile` when given, else PAGECOST_PROFILE, else `fallback`
 * (the command's default). `this-machine` may run the probe (the CLI is allowed to), `auto`
 * only reads what is kept; built-in names and calibration files load as before (a file from another machine or model
 * version is refused unless forced).
 */
export async function cliProfile(nameOrPath: string | undefined, cwd: string, o: { force?: boolean; fallback?: string } & ProbeOptions = {}): Promise<AutoProfile> {
  const name = nameOrPath ?? (process.env.PAGECOST_PROFILE || o.fallback || 'auto');
  if (name === 'auto') return keptProfile(o);
  if (name === 'this-machine') return probedThisMachine({ ...o, allowProbe: true });
  const profile = loadProfileFromCli(name, cwd, { force: o.force === true });
  return { profile, how: `${profile.name} (${profile.source})`, kind: 'named' };
}

export const PROBE_USAGE = `usage: pagecost probe [--again] [--json] [--cc PATH] [--cache-dir DIR]

Measures the terms of the cost model that differ most between machines (system call, one-page
and never-written moves, first-touch faults, mmap/munmap, copy speed per cache level, a heap
block, one remote shootdown when there is a second CPU) in about two seconds, and keeps them
for this machine and kernel: \`--profile this-machine\` and \`auto\` (the default, without a
calibration) use them from then on. Without --again a kept probe is shown, not measured again.

options:
  --again          measure again even when a probe is kept
  --json           the probe file as JSON
  --cc PATH        C compiler for the harness (default: $CC, then cc, gcc, clang)
  --cache-dir DIR  where the harness and the probe are kept (default ~/.cache/pagecost)
`;

/** `pagecost probe`: runs (or shows) this machine's probe. */
export const probe: Subcommand = async (argv, io) => {
  let again = false;
  let json = false;
  const vals = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--again') again = true;
    else if (a === '--json') json = true;
    else if (a === '--cc' || a === '--cache-dir') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      vals.set(a, v);
    } else throw new UsageError(`unknown option ${a}`);
  }
  if (process.platform !== 'linux') {
    io.stderr(`pagecost probe: the probe measures Linux system calls and page tables; this is ${process.platform}\n`);
    return 1;
  }
  const m = thisMachine();
  const cacheDir = vals.get('--cache-dir');
  const opts = { ...(cacheDir ? { cacheDir } : {}), ...(vals.get('--cc') ? { cc: vals.get('--cc')! } : {}) };
  let p = again ? null : await cachedProbe(m, opts);
  const kept = p !== null;
  if (!p) {
    const controller = new AbortController();
    const uninstall = abortOnInterrupt(controller);
    try {
      io.stderr('pagecost probe: measuring this machine (about two seconds)\n');
      p = await runProbe(m, { ...opts, signal: controller.signal });
    } catch (e) {
      if (e instanceof BenchError) {
        io.stderr(`pagecost probe: ${e.message}\n`);
        return 1;
      }
      throw e;
    } finally {
      uninstall();
    }
  }
  if (json) {
    io.stdout(`${JSON.stringify(p, null, 2)}\n`);
    return 0;
  }
  const base = builtinProfile(p.base);
  const host = nodeBenchHost();
  const rows = PROBE_IDS.filter((id) => p!.params[id] !== undefined).map((id) => {
    const d = paramDef(id)!;
    const fmt = (v: number) => (d.unit === 'ns' ? formatNs(v) : `${+v.toPrecision(4)} ${d.unit}`);
    return `  ${id.padEnd(14)} ${fmt(p!.params[id]!).padStart(10)}   (built-in ${p!.base}: ${fmt(base.params[id])})  ${d.label}`;
  });
  const notFitted = PROBE_IDS.filter((id) => p!.params[id] === undefined);
  io.stdout(
    `machine key: ${m.key}\n` +
      `${kept ? 'kept probe' : 'probed'} ${p.created}: ${p.points.length} points in ${(p.elapsedMs / 1000).toFixed(1)} s; model v${p.modelVersion}\n` +
      `${rows.join('\n')}\n` +
      (notFitted.length ? `not pinned down by the probe (built-in ${p.base} kept): ${notFitted.join(', ')}\n` : '') +
      `kept in ${host.join(machineDir(host, m.key, cacheDir), PROBE_FILE)}; --profile this-machine uses it\n`,
  );
  return 0;
};
