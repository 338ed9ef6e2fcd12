// The benchmark runner: finds a C compiler, builds the harness into a cache folder (once per
// source + compiler + flags), runs it, streams its results, cancels it, enforces a time limit,
// and turns every way this can go wrong into a BenchError whose message says what to do.
// Node facilities come in through BenchHost (src/cli/benchHost.ts is the real one), so tests
// can swap them and core stays free of `vscode` and direct process access.
import { HARNESS_CFLAGS, harnessCacheKey } from './cacheKey';
import {
  HARNESS_PROTOCOL,
  LineSplitter,
  addEvent,
  emptyOutput,
  parseLine,
  type HarnessEvent,
  type LineResult,
  type ParsedOutput,
} from './protocol';
import { harnessArgs, validateSweep, type Sweep } from './sweep';
import { defaultCacheDir } from './cacheDir';

export interface ExecResult {
  /** Exit code, or null when the process was killed by a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  timedOut?: boolean;
}

/** A started process. Its stdout/stderr arrive as decoded text chunks. */
export interface HostProcess {
  pid: number | undefined;
  onStdout(cb: (chunk: string) => void): void;
  onStderr(cb: (chunk: string) => void): void;
  /** Called once: exit code or signal, or an error when the program could not be started. */
  onExit(cb: (code: number | null, signal: string | null, spawnError?: string) => void): void;
  /** Sends a signal to the process's whole group (it was started as a group leader). */
  killGroup(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface BenchHost {
  platform: string;
  env: Record<string, string | undefined>;
  /** Runs a program to completion with an argument array (never a shell). */
  execFile(file: string, args: string[], opts: { timeoutMs: number; cwd?: string }): Promise<ExecResult>;
  /** Starts a program as the leader of a new process group (so cancelling reaches its children). */
  spawnGroup(file: string, args: string[], env?: Record<string, string>): HostProcess;
  readText(path: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** An executable regular file? */
  isExecutable(path: string): Promise<boolean>;
  mkdirp(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  join(...parts: string[]): string;
  homedir(): string;
}

export type BenchErrorKind =
  | 'not-linux'
  | 'no-compiler'
  | 'compile-failed'
  | 'bad-sweep'
  | 'spawn-failed'
  | 'crashed'
  | 'exit-code'
  | 'timeout'
  | 'cancelled'
  | 'garbage'
  | 'incomplete'
  | 'cache';

export class BenchError extends Error {
  constructor(
    readonly kind: BenchErrorKind,
    message: string,
    /** Whatever was measured before things went wrong. */
    readonly partial: ParsedOutput | null = null,
  ) {
    super(message);
    this.name = 'BenchError';
  }
}

const LINUX_ONLY =
  'On this system the C analysis, hints and `pagecost explain` work with the default model ' +
  'profile; to calibrate, run `pagecost calibrate --out profile.json` on a Linux machine ' +
  'and use that file with --profile.';

/** Refuses early, with the reason, on systems whose kernel the harness cannot measure. */
export function checkPlatform(platform: string): void {
  if (platform !== 'linux') {
    throw new BenchError(
      'not-linux',
      `Benchmarks run on Linux only (this is ${platform}): the harness measures Linux's mremap, ` +
        `page faults and TLB shootdowns. ${LINUX_ONLY}`,
    );
  }
}

export { defaultCacheDir };

export interface Compiler {
  path: string;
  /** First line of `--version`, for reports. */
  version: string;
  /** Full `--version` output, part of the cache key. */
  versionText: string;
  /** Where the choice came from, for messages ("--cc", "$CC", "PATH"). */
  source: string;
}

/**
 * Picks the C compiler: an explicit path wins, then $CC, then the first of cc, gcc, clang
 * on PATH. $CC is taken as one program (no shell word splitting: a CC with arguments is
 * refused with a message).
 */
export async function resolveCompiler(host: BenchHost, explicit?: string): Promise<Compiler> {
  const candidates: { name: string; source: string }[] = [];
  if (explicit) candidates.push({ name: explicit, source: '--cc' });
  else if (host.env.CC && host.env.CC.trim() !== '') {
    const cc = host.env.CC.trim();
    if (/\s/.test(cc)) {
      throw new BenchError(
        'no-compiler',
        `$CC is "${cc}": pagecost runs the compiler without a shell, so CC must name one program. ` +
          'Pass the program with --cc PATH (or set the pagecost.bench.compilerPath setting).',
      );
    }
    candidates.push({ name: cc, source: '$CC' });
  } else {
    for (const name of ['cc', 'gcc', 'clang']) candidates.push({ name, source: 'PATH' });
  }

  const tried: string[] = [];
  for (const c of candidates) {
    const path = c.name.includes('/') ? c.name : await findOnPath(host, c.name);
    if (!path) {
      tried.push(`${c.name} (not on PATH)`);
      continue;
    }
    const r = await host.execFile(path, ['--version'], { timeoutMs: 15_000 });
    if (r.spawnError) {
      tried.push(`${path} (${r.spawnError})`);
      if (c.source !== 'PATH') break;
      continue;
    }
    if (r.code !== 0) {
      tried.push(`${path} (--version exited with ${r.code ?? r.signal})`);
      if (c.source !== 'PATH') break;
      continue;
    }
    const versionText = (r.stdout + r.stderr).trim();
    return { path, version: versionText.split('\n')[0] ?? '', versionText, source: c.source };
  }
  throw new BenchError(
    'no-compiler',
    `No working C compiler found (tried ${tried.join(', ')}). Install one (Debian/Ubuntu: ` +
      '`sudo apt-get install gcc`; Fedora: `sudo dnf install gcc`), or point pagecost at it with ' +
      '--cc PATH, $CC, or the pagecost.bench.compilerPath setting.',
  );
}

export async function findOnPath(host: Pick<BenchHost, 'env' | 'join' | 'isExecutable'>, name: string): Promise<string | null> {
  for (const dir of (host.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = host.join(dir, name);
    if (await host.isExecutable(p)) return p;
  }
  return null;
}

export interface BuiltHarness {
  binary: string;
  key: string;
  compiler: Compiler;
  /** False when the binary came from the cache. */
  built: boolean;
}

/** What a cached build makes: the harness program, or the recorder's preload library. */
export interface BuildSpec {
  /** Start of the cached file's name (`harness`, `record-preload`). */
  stem: string;
  /** Flags before `-o`; part of the cache key. */
  flags: readonly string[];
  /** Flags after the source (libraries); part of the cache key. */
  libs?: readonly string[];
  /** In messages: "the benchmark harness". */
  what: string;
  /** In messages, what the source needs from the compiler. */
  needs: string;
  /** In messages, what the compiler writes. */
  output: 'program' | 'library';
}

const HARNESS_BUILD: BuildSpec = {
  stem: 'harness',
  flags: HARNESS_CFLAGS,
  what: 'the benchmark harness',
  needs: 'The harness needs a C11 compiler for Linux with pthreads (gcc or clang with glibc headers)',
  output: 'program',
};

/**
 * Builds the harness unless the cache already holds a binary for this exact source, compiler
 * and flags (see ensureBuilt).
 */
export function ensureHarness(host: BenchHost, opts: { source: string; compiler: Compiler; cacheDir: string }): Promise<BuiltHarness> {
  return ensureBuilt(host, { ...opts, spec: HARNESS_BUILD });
}

/**
 * Builds a source unless the cache already holds the output for this exact source, compiler
 * and flags. The source is written next to the output (what is compiled is exactly what was
 * hashed) and the output is renamed into place only after the compiler succeeded, so a killed
 * build never leaves a half-written file under the final name.
 */
export async function ensureBuilt(
  host: BenchHost,
  opts: { source: string; compiler: Compiler; cacheDir: string; spec: BuildSpec },
): Promise<BuiltHarness> {
  const { source, compiler, cacheDir, spec } = opts;
  const key = harnessCacheKey(source, compiler.path, compiler.versionText, [...spec.flags, ...(spec.libs ?? [])]);
  const stem = `${spec.stem}-${key.slice(0, 16)}`;
  const binary = host.join(cacheDir, stem);
  if (await host.isExecutable(binary)) return { binary, key, compiler, built: false };
  try {
    await host.mkdirp(cacheDir);
    await host.writeText(host.join(cacheDir, `${stem}.c`), source);
  } catch (e) {
    throw new BenchError(
      'cache',
      `Cannot write the benchmark cache folder ${cacheDir}: ${(e as Error).message}. ` +
        'Choose another one with --cache-dir DIR (or $XDG_CACHE_HOME).',
    );
  }
  const tmp = `${binary}.tmp-${Date.now()}`;
  const args = [...spec.flags, '-o', tmp, host.join(cacheDir, `${stem}.c`), ...(spec.libs ?? [])];
  const r = await host.execFile(compiler.path, args, { timeoutMs: 120_000, cwd: cacheDir });
  const output = (r.stderr + r.stdout).trim();
  if (r.spawnError) {
    throw new BenchError(
      'no-compiler',
      `Could not start the C compiler ${compiler.path} (${r.spawnError}). Check the path given ` +
        `by ${compiler.source}, or pass another one with --cc PATH.`,
    );
  }
  if (r.timedOut || r.code !== 0) {
    await host.remove(tmp).catch(() => undefined);
    const how = r.timedOut ? 'took more than 2 minutes' : r.code === null ? `was killed by ${r.signal}` : `exited with ${r.code}`;
    throw new BenchError(
      'compile-failed',
      `Compiling ${spec.what} with ${compiler.path} ${how}. The compiler said:\n` +
        `${indent(output || '(nothing)')}\n` +
        `${spec.needs}; pick another with --cc PATH.`,
    );
  }
  if (!(await host.isExecutable(tmp))) {
    throw new BenchError(
      'compile-failed',
      `The C compiler ${compiler.path} reported success but wrote no ${spec.output} at ${tmp}` +
        (output ? `; it said:\n${indent(output)}\n` : '. ') +
        'Is it really a C compiler? Pick another with --cc PATH.',
    );
  }
  await host.rename(tmp, binary);
  return { binary, key, compiler, built: true };
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(0, 40)
    .map((l) => `    ${l}`)
    .join('\n');
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function tail(text: string, lines = 12): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

export interface RunOptions {
  sweep: Sweep;
  /** Called for every parsed line as it arrives (progress). */
  onEvent?: (event: HarnessEvent) => void;
  /** Aborting stops the run: SIGTERM to the process group, SIGKILL after the grace period. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL; default 2 s. */
  graceMs?: number;
}

/**
 * Runs a built harness over a sweep. Resolves with everything it printed when it finished
 * cleanly; otherwise rejects with a BenchError that carries the partial results.
 */
export function runHarness(host: BenchHost, binary: string, opts: RunOptions): Promise<ParsedOutput> {
  const invalid = validateSweep(opts.sweep);
  if (invalid) return Promise.reject(new BenchError('bad-sweep', `Cannot run this sweep: ${invalid}.`));
  return runProgram(host, { file: binary, args: harnessArgs(opts.sweep), timeLimitMs: opts.sweep.timeLimitMs, parseLine }, opts);
}

/** A harness-protocol program: the C harness, or the JS harness run by node (src/core/bench/js). */
export interface HarnessProgram {
  file: string;
  args: string[];
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  timeLimitMs: number;
  parseLine: (line: string, lineNo: number) => LineResult;
}

/** Runs any program speaking the harness protocol, with the same limits, cancel and errors as runHarness. */
export function runProgram(host: BenchHost, program: HarnessProgram, opts: Omit<RunOptions, 'sweep'>): Promise<ParsedOutput> {
  const binary = program.file;
  const parseLine = program.parseLine;
  const graceMs = opts.graceMs ?? 2000;
  const out = emptyOutput();

  return new Promise<ParsedOutput>((resolve, reject) => {
    const splitter = new LineSplitter();
    let lineNo = 0;
    let stderr = '';
    /** Why we are stopping the process ourselves; null while it runs on its own. */
    let stopping: BenchError | null = null;
    let settled = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;

    const proc = host.spawnGroup(binary, program.args, program.env);

    const stop = (reason: BenchError) => {
      if (stopping || settled) return;
      stopping = reason;
      proc.killGroup('SIGTERM');
      killTimer = setTimeout(() => proc.killGroup('SIGKILL'), graceMs);
    };
    const limitTimer = setTimeout(
      () =>
        stop(
          new BenchError(
            'timeout',
            `The benchmark did not finish within its time limit of ${seconds(program.timeLimitMs)} ` +
              'and was stopped. The machine may be busy; retry when it is idle, measure fewer points ' +
              '(--quick, --ops, --sizes), or allow more time with --time-limit SECONDS.',
            out,
          ),
        ),
      program.timeLimitMs,
    );
    const onAbort = () => stop(new BenchError('cancelled', 'The benchmark was cancelled.', out));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    const handleLine = (line: string) => {
      lineNo++;
      if (line.trim() === '') return;
      const r = parseLine(line, lineNo);
      if (!r.ok) {
        out.errors.push(r.error);
        stop(
          new BenchError(
            'garbage',
            `The benchmark program printed something that is not a result (${r.error}). It may not be ` +
              `pagecost's harness: delete ${binary} so that it is rebuilt, and retry.`,
            out,
          ),
        );
        return;
      }
      if (lineNo === 1 && r.event.kind !== 'hello') {
        out.errors.push('line 1 is not the hello line');
      }
      addEvent(out, r.event);
      try {
        opts.onEvent?.(r.event);
      } catch {
        // A failing progress callback must not take the run down with it.
      }
    };

    // After garbage, nothing more from this process is believed.
    const ignoring = () => stopping !== null && stopping.kind === 'garbage';
    proc.onStdout((chunk) => {
      for (const line of splitter.push(chunk)) {
        if (ignoring()) break;
        handleLine(line);
      }
    });
    proc.onStderr((chunk) => {
      // Keep the end: that is where a crash or assertion message would be.
      stderr = (stderr + chunk).slice(-8192);
    });
    proc.onExit((code, signal, spawnError) => {
      if (settled) return;
      settled = true;
      clearTimeout(limitTimer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      const partial = splitter.end();
      if (partial !== null && !stopping) {
        out.errors.push(`output ended in the middle of line ${lineNo + 1}`);
      }
      const said = stderr.trim() ? `\nIt said on stderr:\n${indent(tail(stderr))}` : '';
      if (spawnError) {
        reject(
          new BenchError(
            'spawn-failed',
            `Could not start the benchmark program ${binary} (${spawnError}). Delete it so that it is ` +
              'rebuilt; if the cache folder is on a noexec mount, choose another with --cache-dir DIR.',
            out,
          ),
        );
        return;
      }
      if (stopping) {
        reject(stopping);
        return;
      }
      if (signal) {
        reject(
          new BenchError(
            'crashed',
            `The benchmark program was killed by ${signal} after ${out.points.length} points.${said}\n` +
              'If it ran out of memory (SIGKILL), measure smaller sizes with --sizes; otherwise ' +
              'please report this with the output of `pagecost bench --json`.',
            out,
          ),
        );
        return;
      }
      if (code !== 0) {
        reject(
          new BenchError(
            'exit-code',
            `The benchmark program exited with status ${code} after ${out.points.length} points.${said}`,
            out,
          ),
        );
        return;
      }
      if (partial !== null || out.end === null) {
        reject(
          new BenchError(
            'incomplete',
            `The benchmark program stopped before finishing its output (${out.points.length} points ` +
              `measured, no end line).${said}`,
            out,
          ),
        );
        return;
      }
      if (out.facts === null) {
        reject(new BenchError('garbage', `The benchmark program did not describe the machine (no hello line, protocol ${HARNESS_PROTOCOL}). Delete ${binary} so that it is rebuilt.`, out));
        return;
      }
      resolve(out);
    });
  });
}

/** Reads the harness source the host ships (dist/harness.c or src/core/bench/harness.c). */
export async function loadHarnessSource(host: BenchHost, candidates: string[]): Promise<string> {
  for (const p of candidates) {
    if (await host.exists(p)) return host.readText(p);
  }
  throw new BenchError(
    'cache',
    `The benchmark harness source is missing (looked in ${candidates.join(', ')}). The installation ` +
      'is incomplete: reinstall pagecost, or run `npm run build` in a checkout.',
  );
}

export interface BenchRun {
  output: ParsedOutput;
  harness: BuiltHarness;
}

/** Platform check, compiler, build (or cache hit), run: the whole pipeline. */
export async function runBenchmark(
  host: BenchHost,
  opts: RunOptions & { cc?: string; cacheDir?: string; sourcePaths: string[]; onBuild?: (h: BuiltHarness) => void },
): Promise<BenchRun> {
  checkPlatform(host.platform);
  const invalid = validateSweep(opts.sweep);
  if (invalid) throw new BenchError('bad-sweep', `Cannot run this sweep: ${invalid}.`);
  const source = await loadHarnessSource(host, opts.sourcePaths);
  const compiler = await resolveCompiler(host, opts.cc);
  const harness = await ensureHarness(host, { source, compiler, cacheDir: opts.cacheDir ?? defaultCacheDir(host) });
  opts.onBuild?.(harness);
  const output = await runHarness(host, harness.binary, opts);
  // The sweep's extra runs, one after the other, into the same output (a failure keeps what the
  // runs before it measured, as a single run's failure does).
  for (const extra of opts.sweep.extras ?? []) {
    let more: ParsedOutput;
    try {
      more = await runHarness(host, harness.binary, { ...opts, sweep: { ...extra, extras: [] } });
    } catch (e) {
      if (e instanceof BenchError && e.partial) throw new BenchError(e.kind, e.message, mergeOutputs(output, e.partial));
      throw e;
    }
    mergeOutputs(output, more);
  }
  return { output, harness };
}

/** Adds a later run's points to an output (its machine facts and end line are the first run's, the time summed). */
function mergeOutputs(into: ParsedOutput, more: ParsedOutput): ParsedOutput {
  into.points.push(...more.points);
  into.skipped.push(...more.skipped);
  into.failed.push(...more.failed);
  into.errors.push(...more.errors);
  if (into.end && more.end) {
    into.end = { points: into.end.points + more.end.points, interrupted: into.end.interrupted || more.end.interrupted, elapsedMs: into.end.elapsedMs + more.end.elapsedMs };
  }
  return into;
}
