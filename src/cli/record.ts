// `pagecost record [--out FILE] [--frames N] -- PROGRAM [ARGS...]`: runs a program with the
// recording library preloaded, then merges what its processes wrote, symbolizes the stacks,
// places the calls on the sites `pagecost scan` finds and writes the record file. The program's
// stdin, stdout, stderr and exit code pass through; pagecost speaks on stderr only. Before the
// program runs, pagecost's own problems end with its own exit codes (2 usage, 4 internal); after
// it ran, the exit code is always the program's.
import { constants as fsc, accessSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { BenchError, type BenchHost } from '../core/bench/runner';
import type { CallSite } from '../core/types';
import { attribute, type ScannedSite } from '../core/record/attribute';
import { buildPreload } from '../core/record/build';
import { machineOfArch, readElf, type ElfFacts } from '../core/record/elf';
import { mergeProcesses, type CodeAddress, type MergedRun } from '../core/record/merge';
import type { RawProcess } from '../core/record/rawFormat';
import { RUN_FILE_KIND, RUN_FILE_VERSION, type RunFile } from '../core/record/runFile';
import { symbolize, type SymbolizerHost, type SymbolizeResult } from '../core/record/symbolize';
import { recordSummary } from '../core/record/table';
import { relativeTo } from '../core/report/json';
import { nodeBenchHost } from './benchHost';
import { UsageError, type CliIO, type Subcommand } from './io';
import { readThisMachine } from './machine';
import { scanJobs } from './pool';
import { exitCodeOf, fileReader, nodeSymbolizerHost, readRawDir, runProgram, type ProgramExit } from './recordHost';
import { loadProjectConfig, scanTree, toSlash } from './scanTree';
import pkg from '../../package.json';

export const RECORD_USAGE = `usage: pagecost record [--out FILE] [--frames N] [--root DIR] -- PROGRAM [ARGS...]

Runs PROGRAM with pagecost's recording library preloaded (LD_PRELOAD) and records every
realloc, reallocarray, reallocf and mremap call: sizes, whether the block moved, the time of
the call and where it came from. At the end the calls are placed on the call sites
\`pagecost scan\` finds under --root and written to the record file; a table of the top sites
goes to stderr. PROGRAM's stdin, stdout, stderr and exit code pass through untouched.

options:
  --out FILE       the record file (default ROOT/.pagecost/PROGRAM.run.json)
  --frames N       return addresses kept per call, 1-16 (default 5); more follows deeper
                   wrapper chains
  --root DIR       the source tree to place calls in (default: the current directory)
  --top N          sites in the table at the end (default 10)
  --cc PATH        C compiler for the recording library (default: $CC, else cc, gcc, clang;
                   musl-gcc for a program linked against musl)
  --cache-dir DIR  where the compiled library is kept (default: $XDG_CACHE_HOME/pagecost)
  --raw-dir DIR    keep the per-process files there instead of deleting them
  --quiet          no table at the end
  -h, --help       this text

The program must be dynamically linked and not setuid: the dynamic linker is what loads the
recording library. Build it with -g so that calls can be placed on lines.
`;

export interface RecordArgs {
  out?: string;
  frames: number;
  root?: string;
  top: number;
  cc?: string;
  cacheDir?: string;
  rawDir?: string;
  quiet: boolean;
  program: string;
  args: string[];
}

const VALUED = new Set(['--out', '--frames', '--root', '--top', '--cc', '--cache-dir', '--raw-dir']);

function wholeNumber(v: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`record: ${flag} needs a whole number, got '${v}'`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`record: ${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/**
 * Our flags come first; `--` or the first argument that is not one of them starts the program's
 * command line, which is never parsed.
 */
export function parseRecordArgs(argv: string[]): RecordArgs | 'help' {
  const flags = new Map<string, string>();
  let quiet = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--quiet') {
      quiet = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (VALUED.has(name)) {
      const v = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`record: option '${name}' needs a value`);
      flags.set(name, v);
      continue;
    }
    if (a.startsWith('-')) throw new UsageError(`record: unknown option '${a}' (put the program after --)`);
    break;
  }
  const command = argv.slice(i);
  if (command.length === 0 || command[0] === '') throw new UsageError('record: missing the program to run (pagecost record -- PROGRAM [ARGS...])');
  const out: RecordArgs = {
    frames: flags.has('--frames') ? wholeNumber(flags.get('--frames')!, '--frames', 1, 16) : 5,
    top: flags.has('--top') ? wholeNumber(flags.get('--top')!, '--top', 0, 10_000) : 10,
    quiet,
    program: command[0]!,
    args: command.slice(1),
  };
  for (const [flag, key] of [['--out', 'out'], ['--root', 'root'], ['--cc', 'cc'], ['--cache-dir', 'cacheDir'], ['--raw-dir', 'rawDir']] as const) {
    if (flags.has(flag)) out[key] = flags.get(flag)!;
  }
  return out;
}

/** Where PROGRAM is, as execvp would look for it; a UsageError saying what is wrong otherwise. */
export function resolveProgram(program: string, cwd: string, pathEnv: string | undefined): string {
  const check = (p: string): string | null => {
    if (!existsSync(p)) return null;
    const st = statSync(p);
    if (st.isDirectory()) throw new UsageError(`record: ${program} is a directory, not a program`);
    try {
      accessSync(p, fsc.X_OK);
    } catch {
      throw new UsageError(`record: ${program} is not executable (chmod +x ${program})`);
    }
    return p;
  };
  if (program.includes('/')) {
    const p = resolve(cwd, program);
    const found = check(p);
    if (!found) throw new UsageError(`record: ${program}: no such file`);
    return found;
  }
  for (const dir of (pathEnv ?? '').split(':')) {
    const found = check(resolve(cwd, dir || '.', program));
    if (found) return found;
  }
  throw new UsageError(`record: ${program}: not found on PATH (give its path, e.g. ./${program})`);
}

/** Refuses programs the dynamic linker will not preload into, with the reason. */
export function checkPreloadable(program: string, elf: ElfFacts | null, mode: number, hostArch: string): string | null {
  if (mode & 0o6000) {
    return `${program} is ${mode & 0o4000 ? 'setuid' : 'setgid'}: the dynamic linker ignores LD_PRELOAD for it (secure-execution mode), ` +
      'so nothing could be recorded. Record a copy without the bit (cp it elsewhere), or build it yourself.';
  }
  if (!elf) return null; // a script: its interpreter is checked when it runs
  if (elf.interpreter === null) {
    return `${program} is statically linked: no dynamic linker loads it, so LD_PRELOAD cannot apply and nothing could be recorded. ` +
      'Link it dynamically (drop -static) to record it.';
  }
  const want = machineOfArch(hostArch);
  if (elf.machine !== want || (elf.bits === 32) !== (want === 'i386' || want === 'arm')) {
    return `${program} is a ${elf.bits}-bit ${elf.machine} program; the recording library is built for this machine (${want}) and cannot load into it.`;
  }
  if (elf.libc === 'other') return `${program} asks for the dynamic linker ${elf.interpreter}, which pagecost does not know (glibc and musl are supported).`;
  return null;
}

export interface RecordDeps {
  host: BenchHost;
  symbolizer: SymbolizerHost;
  preloadSources: string[];
  run: (file: string, args: string[], env: NodeJS.ProcessEnv, argv0: string) => Promise<ProgramExit>;
  env: NodeJS.ProcessEnv;
  arch: string;
  jobs: number;
}

export function preloadSourcePaths(): string[] {
  return [join(__dirname, 'record-preload.c'), join(__dirname, '..', 'core', 'record', 'preload.c')];
}

function defaultDeps(): RecordDeps {
  return {
    host: nodeBenchHost(),
    symbolizer: nodeSymbolizerHost(),
    preloadSources: preloadSourcePaths(),
    run: runProgram,
    env: process.env,
    arch: process.arch,
    jobs: scanJobs(),
  };
}

export const record: Subcommand = (argv, io) => runRecord(argv, io, defaultDeps());

export async function runRecord(argv: string[], io: CliIO, deps: RecordDeps): Promise<number> {
  const parsed = parseRecordArgs(argv);
  if (parsed === 'help') {
    io.stdout(RECORD_USAGE);
    return 0;
  }
  const a = parsed;
  const say = (t: string) => io.stderr(`pagecost record: ${t}\n`);
  const root = resolve(io.cwd, a.root ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`record: --root ${a.root}: not a directory`);
  const program = resolveProgram(a.program, io.cwd, deps.env.PATH);
  const out = resolve(io.cwd, a.out ?? join(root, '.pagecost', `${basename(a.program).replace(/[^\w.-]+/g, '_')}.run.json`));

  let elf: ElfFacts | null = null;
  try {
    const r = fileReader(program);
    try {
      elf = readElf(r);
    } finally {
      r.close();
    }
  } catch (e) {
    throw new UsageError(`record: cannot read ${a.program}: ${(e as Error).message}`);
  }
  const refused = checkPreloadable(a.program, elf, statSync(program).mode, deps.arch);
  if (refused) {
    say(refused);
    return 2;
  }
  if (elf && !elf.debugInfo && !elf.debugLink) say(`note: ${a.program} has no debug info: calls will be counted, but placing them on lines needs a build with -g`);
  if (elf && !elf.unwindIndex) {
    say(`note: ${a.program} has no unwind table index (.eh_frame_hdr): its stacks stop at the immediate caller, so calls through a wrapper are placed in the wrapper; link it with -Wl,--eh-frame-hdr (musl-gcc leaves it out)`);
  }

  let lib;
  try {
    lib = await buildPreload(deps.host, { sourcePaths: deps.preloadSources, libc: elf?.libc === 'musl' ? 'musl' : 'glibc', cc: a.cc, cacheDir: a.cacheDir });
  } catch (e) {
    if (e instanceof BenchError) {
      say(e.message);
      return e.kind === 'no-compiler' ? 2 : 4;
    }
    throw e;
  }
  if (lib.built) say(`built the recording library with ${lib.compiler.path} (${lib.compiler.version})`);

  const rawDir = a.rawDir ? resolve(io.cwd, a.rawDir) : mkdtempSync(join(rawParent(), 'pagecost-record-'));
  if (a.rawDir) mkdirSync(rawDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...deps.env,
    LD_PRELOAD: deps.env.LD_PRELOAD ? `${lib.binary}:${deps.env.LD_PRELOAD}` : lib.binary,
    PAGECOST_RECORD_DIR: rawDir,
    PAGECOST_RECORD_FRAMES: String(a.frames),
  };

  const exit = await deps.run(program, a.args, env, a.program);
  if (exit.spawnError) {
    say(`could not start ${a.program} (${exit.spawnError})`);
    cleanup(rawDir, a.rawDir);
    return exit.spawnError === 'not found' ? 127 : 126;
  }
  const code = exitCodeOf(exit);
  // The program is done; what it recorded is not written yet. A Ctrl-C or SIGTERM now (a second
  // one from an impatient terminal, or a Cancel that came as the program ended) is said, not
  // obeyed; another one abandons the record.
  const stopping = holdSignalsWhileWriting(say);
  try {
    const run = await buildRecord({ a, program, root, rawDir, exit, io, deps });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(run, null, 1)}\n`);
    const shown = (p: string) => {
      const r = relative(io.cwd, p);
      return r === '' ? '.' : r.startsWith('..') ? p : r;
    };
    if (!a.quiet) io.stderr(recordSummary(run, shown(out), shown(root), a.top));
    cleanup(rawDir, a.rawDir);
  } catch (e) {
    say(`could not finish the record (${(e as Error).message}); the raw files are kept in ${rawDir}`);
    if (process.env.PAGECOST_DEBUG === '1' && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
  } finally {
    stopping();
  }
  return code;
}

const HELD: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Installs the handlers for the writing phase; returns their remover. */
function holdSignalsWhileWriting(say: (t: string) => void): () => void {
  let asked = 0;
  const handler = (sig: NodeJS.Signals) => {
    if (++asked === 1) say(`${sig}: writing what was recorded first (send it again to abandon the record)`);
    else process.exit(130);
  };
  for (const s of HELD) process.on(s, handler);
  return () => {
    for (const s of HELD) process.off(s, handler);
  };
}

/**
 * Where the per-process files go: tmpfs (/dev/shm) when there is one, since a process writing its
 * tables into a disk-backed shared mapping pays milliseconds of page faults; else the temp folder.
 */
function rawParent(): string {
  try {
    accessSync('/dev/shm', fsc.W_OK);
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no tmpfs here
  }
  return tmpdir();
}

function cleanup(rawDir: string, kept: string | undefined): void {
  if (kept) return;
  rmSync(rawDir, { recursive: true, force: true });
}

interface BuildContext {
  a: RecordArgs;
  program: string;
  root: string;
  rawDir: string;
  exit: ProgramExit;
  io: CliIO;
  deps: RecordDeps;
}

async function buildRecord(c: BuildContext): Promise<RunFile> {
  const { processes, problems } = readRawDir(c.rawDir);
  const notes: string[] = [...problems];
  const merged = mergeProcesses(processes);
  notes.push(...processNotes(processes, merged, c));
  const { sites, scannedFiles, lineText } = await scanRoot(c.root, c.deps.jobs);
  const addresses: CodeAddress[] = [];
  for (const caller of merged.callers) {
    if (caller.frame) addresses.push(caller.frame);
    for (const s of caller.stacks) for (const f of s.frames) if (f) addresses.push(f);
  }
  // PAGECOST_SYMBOLIZER=addr2line uses binutils even where llvm-symbolizer is installed.
  const prefer = c.deps.env.PAGECOST_SYMBOLIZER === 'addr2line' ? 'addr2line' : undefined;
  const symbols: SymbolizeResult = await symbolize(c.deps.symbolizer, addresses, prefer ? { prefer } : {});
  if (!symbols.tool && addresses.length) notes.push('no symbolizer found (addr2line from binutils, or llvm-symbolizer): no call could be placed on a line');
  const placed = attribute({ run: merged, symbols, sites, root: toSlash(c.root), scannedFiles, lineText });
  const totalCalls = merged.callers.reduce((n, x) => n + x.calls, 0);
  const totalNs = merged.callers.reduce((n, x) => n + x.nsTotal, 0);
  const timed = merged.callers.reduce((n, x) => n + x.timed, 0);
  const machine = (() => {
    try {
      return readThisMachine().facts;
    } catch {
      return null;
    }
  })();
  return {
    kind: RUN_FILE_KIND,
    version: RUN_FILE_VERSION,
    toolVersion: pkg.version,
    program: c.program,
    argv: [c.a.program, ...c.a.args],
    cwd: c.io.cwd,
    root: toSlash(c.root),
    machine,
    startedAt: c.exit.startedAt.toISOString(),
    durationMs: Math.round(c.exit.durationMs * 10) / 10,
    exitCode: c.exit.code,
    signal: c.exit.signal,
    totals: { calls: totalCalls, attributedCalls: placed.attributedCalls, ns: Math.round(totalNs), processes: merged.processes.length },
    sampling: {
      calls: 'every call counted under its immediate caller, with its old and new size, whether the block moved, the allocator\'s mmapped bit and the threads alive',
      backtraces:
        `up to ${merged.frames} return addresses; every caller's first 16 calls take their stack; a caller seen from one stack only then checks ` +
        'each call\'s stack against it (one load per frame) and counts it without taking it again; a caller seen from several stacks (a wrapper) ' +
        'takes every call\'s stack from the first call that differed; frames are read at offsets learned from the unwinder, ' +
        `1 in ${merged.verifyOneIn} re-checked by a full unwind`,
      timing:
        `per immediate caller, 1 call in 32 while its calls average under ~150 clock ticks, 1 in 8 under ~1500, every call above; ` +
        `a timed call counts for the calls it stands for (${timed.toLocaleString('en-US')} of ${totalCalls.toLocaleString('en-US')} calls timed)`,
      clock: merged.clock === 'tsc' ? `TSC, ${merged.ticksPerNs.toFixed(3)} ticks/ns` : merged.clock === 'monotonic' ? 'CLOCK_MONOTONIC' : `TSC (${merged.ticksPerNs.toFixed(3)} ticks/ns) and CLOCK_MONOTONIC`,
      frames: merged.frames,
      backtracesChecked: merged.counters.unwindVerified,
      backtraceMismatches: merged.counters.unwindMismatch,
    },
    sites: placed.sites,
    unattributed: placed.unattributed,
    overflow: merged.counters.overflow,
    processes: merged.processes.map((p) => ({ pid: p.pid, ppid: p.ppid, exe: p.exe, calls: p.calls, end: p.end })),
    notes,
  };
}

function processNotes(processes: RawProcess[], merged: MergedRun, c: BuildContext): string[] {
  const notes: string[] = [];
  const name = basename(c.a.program);
  if (processes.length === 0) {
    notes.push(
      `nothing was recorded: the recording library did not load into ${name} or any process it started. ` +
        'It loads only into dynamically linked, non-setuid programs that keep LD_PRELOAD in their environment.',
    );
  }
  for (const p of merged.processes) {
    if (p.end === 'stopped') {
      notes.push(`process ${p.pid} (${basename(p.exe)}) was killed or crashed, or left with _exit: the ${p.calls.toLocaleString('en-US')} calls it made until then are kept`);
    }
  }
  const k = merged.counters;
  if (k.overflow) notes.push(`${k.overflow.toLocaleString('en-US')} calls found the table of immediate callers full and were not counted`);
  if (k.stackOverflow) notes.push(`${k.stackOverflow.toLocaleString('en-US')} calls found the table of stacks full: their split between a wrapper's callers is estimated`);
  if (k.bootstrapCalls) notes.push(`${k.bootstrapCalls.toLocaleString('en-US')} calls made before the recording library was set up were passed through uncounted`);
  if (k.timingDiscarded) notes.push(`${k.timingDiscarded.toLocaleString('en-US')} timed calls took longer than any call of their size can (the thread was preempted, or the machine was busy) and were left out of the times`);
  if (k.unwindMismatch) notes.push(`${k.unwindMismatch} of ${k.unwindVerified} re-checked backtraces differed from a full unwind; those return addresses are now always unwound fully`);
  if (merged.clock !== 'monotonic' && merged.ticksPerNs === 1) notes.push('the TSC rate could not be measured (every process was too short): times are in clock ticks');
  return notes;
}

/** The C sites the scan finds under the root, with the files it looked at. */
async function scanRoot(root: string, jobs: number): Promise<{ sites: ScannedSite[]; scannedFiles: Set<string>; lineText: (file: string, line: number) => string }> {
  const { config } = loadProjectConfig(root);
  const { result, walked } = await scanTree({
    roots: [root], base: root, config, jobs, maxFileSize: config.maxFileSize ?? 2 * 1024 * 1024,
    size: { pageSize: config.pageSize ?? 4096, target: config.target ?? 'lp64' }, partialParse: true, gitignore: true, languages: ['c'],
  });
  const rootSlash = toSlash(root);
  const sites = result.sites.filter((s) => s.language === 'c' && s.kind !== 'reference').map((s) => scannedSite(s, rootSlash));
  const scannedFiles = new Set(walked.files.map((f) => f.rel));
  const texts = new Map<string, string[]>();
  const lineText = (file: string, line: number) => {
    let lines = texts.get(file);
    if (!lines) {
      try {
        lines = readFileSync(join(root, file), 'utf8').split('\n');
      } catch {
        lines = [];
      }
      texts.set(file, lines);
    }
    return lines[line - 1] ?? '';
  };
  return { sites, scannedFiles, lineText };
}

function scannedSite(s: CallSite, root: string): ScannedSite {
  return {
    file: relativeTo(root, s.file),
    line: s.nameRange.start.line,
    column: s.nameRange.start.column,
    endColumn: s.range.end.line === s.nameRange.start.line ? s.range.end.column : Number.MAX_SAFE_INTEGER,
    callee: s.callee,
    kind: s.kind,
    via: s.via,
    name: s.name,
    function: s.enclosingFunction,
  };
}
