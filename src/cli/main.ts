// `pagecost` entry: picks the subcommand, turns every failure into one line on stderr and an
// exit code. Stack traces only with PAGECOST_DEBUG=1: users get words, developers get details.
import { UsageError, isUsageError, type CliIO, type Subcommand } from './io';
import pkg from '../../package.json';
import { availableParallelism } from 'node:os';
import { isDirectory, relaunch, relaunchPoolSize } from './relaunch';
import { requireBundle } from './codeCache';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const usage = `usage: pagecost <command> [options]

commands:
  scan PATH...     find realloc/mremap call sites in C and TS/JS files; text, JSON or SARIF
  explain          show the cost model's breakdown for one operation
  bench            measure the modelled operations on this machine
  calibrate        fit the model to this machine's measurements
  probe            measure the terms that differ most between machines (≈2 s, kept per machine)
  record -- PROG   run a program and record its realloc/mremap calls per call site

  pagecost <command> --help   options of one command
  pagecost --version          version

exit codes: 0 ok; 1 findings at/above --fail-on; 2 bad command line or config;
            3 unreadable/skipped files with --fail-on-file-errors; 4 internal error
`;

interface Command {
  run: Subcommand;
  usage?: string;
}

// Loaded on demand (require, so that both the bundle and tsx in tests keep it synchronous and
// lazy): `explain` should not pay for the scanner's parser and worker pool at start-up. From the
// bundle, a subcommand's own bundle (dist/cli-<name>.js) is compiled from a code cache
// (codeCache.ts); from source, `fromSource` requires the module.
function subcommand<T>(name: string, fromSource: () => T): T {
  const bundle = join(__dirname, `cli-${name}.js`);
  return runningAsBundle && existsSync(bundle) ? (requireBundle(bundle) as T) : fromSource();
}

/** This module is dist/cli.js (bin/pagecost.js requires it), not the source a test imports. */
const runningAsBundle = /[\\/]dist[\\/]cli\.js$/.test(__filename);

const commands: Record<string, () => Promise<Command>> = {
  scan: async () => {
    const m = subcommand('scan', () => require('./scan') as typeof import('./scan'));
    return { run: m.scan, usage: m.scanUsage };
  },
  explain: async () => {
    const m = subcommand('explain', () => require('./explain') as typeof import('./explain'));
    return { run: m.explain, usage: m.EXPLAIN_USAGE };
  },
  bench: async () => {
    const m = subcommand('bench', () => require('./bench') as typeof import('./bench'));
    return { run: m.bench, usage: m.BENCH_USAGE };
  },
  calibrate: async () => {
    const m = subcommand('bench', () => require('./bench') as typeof import('./bench'));
    return { run: m.calibrate, usage: m.BENCH_USAGE };
  },
  probe: async () => {
    const m = subcommand('probe', () => require('./probe') as typeof import('./probe'));
    return { run: m.probe, usage: m.PROBE_USAGE };
  },
  record: async () => {
    const m = subcommand('record', () => require('./record') as typeof import('./record'));
    return { run: m.record, usage: m.RECORD_USAGE };
  },
};

export const exitInternalError = 4;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(usage);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(usage);
    return 0;
  }
  if (command === '--version' || command === '-V') {
    io.stdout(`${pkg.version}\n`);
    return 0;
  }
  const load = commands[command];
  let sub: Command | undefined;
  try {
    if (!load) throw new UsageError(`unknown command '${command}'`);
    sub = await load();
    return await sub.run(rest, io);
  } catch (e) {
    if (isUsageError(e)) {
      // One line saying what is wrong, one saying how it is used; --help has the rest.
      const synopsis = (sub?.usage ?? usage).split('\n')[0];
      io.stderr(`pagecost: ${e.message}\n${synopsis}  (see pagecost ${sub ? `${command} ` : ''}--help)\n`);
      return 2;
    }
    io.stderr(`pagecost: internal error: ${oneLine(e)}${debug() ? '' : ' (set PAGECOST_DEBUG=1 for details)'}\n`);
    if (debug() && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return exitInternalError;
  }
}

function debug(): boolean {
  return process.env.PAGECOST_DEBUG === '1';
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 300);
}

/**
 * stderr after what stdout still holds: a pipe takes a long report in parts, and with `2>&1` a
 * problem line written meanwhile landed in the middle of a finding. A line for stderr waits until
 * stdout has flushed everything before it (and the lines queued before it have gone).
 */
export function orderedStderr(out: Pick<NodeJS.WriteStream, 'write' | 'writableLength'>, err: Pick<NodeJS.WriteStream, 'write'>): (t: string) => void {
  let waiting = 0;
  return (t) => {
    if (waiting === 0 && out.writableLength === 0) {
      err.write(t);
      return;
    }
    waiting++;
    out.write('', () => {
      waiting--;
      err.write(t);
    });
  };
}

export const processIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: orderedStderr(process.stdout, process.stderr),
  cwd: process.cwd(),
  stderrIsTTY: !!process.stderr.isTTY,
};

/**
 * Ends the process once what the command wrote has gone out. Left to itself, Node would then take
 * V8's heap apart page by page and wait for its background compiles: ~20–25 ms of a 1.25 s scan
 * of the dense bench corpus (quiet machine, 8 alternating runs). The 'exit' listeners (the code
 * cache) still run.
 */
function exitOnceWritten(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// Run when loaded as the CLI bundle (bin/pagecost.js requires dist/cli.js) or directly; not
// when a test imports this module.
if (require.main === module || runningAsBundle) {
  const last = (e: unknown) => {
    process.stderr.write(`pagecost: internal error: ${oneLine(e)}\n`);
    if (debug() && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exit(exitInternalError);
  };
  process.on('uncaughtException', last);
  process.on('unhandledRejection', last);
  // EPIPE (`pagecost scan . | head`) is not an error worth a word.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const argv = process.argv.slice(2);
  const run = () =>
    main(argv, processIO).then((code) => {
      process.exitCode = code;
      exitOnceWritten(code);
    }, last);
  const poolSize = relaunchPoolSize({ argv, env: process.env, execArgv: process.execArgv, cores: availableParallelism(), platform: process.platform, isDirectory });
  if (poolSize === null) void run();
  else {
    relaunch(__filename, argv, poolSize).then((code) => {
      if (code === null) return run();
      process.exitCode = code;
    }, last);
  }
}
