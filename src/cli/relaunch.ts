// `pagecost scan DIR` on a machine with one or two cores, other than Linux (which binds the
// threads to one core instead: backgroundThreads.ts), starts node again with one V8
// background thread instead of Node's four. Those threads run the optimising compiler and the
// garbage collector's helpers; a tree scan keeps them busy (~0.9 s of CPU beside ~1.3 s on the
// scan's thread on the dense bench corpus), and four of them on two cores preempt the scan's
// thread, the one the user waits for. Measured on an AMD EPYC 2-vCPU VM, 2026-12-07, medians of
// alternating runs: 1.49 s with four, 1.35 s with one (`--v8-pool-size=1`); under a load of ~4
// from other processes 2.36 s against 1.54 s. Lowering the four threads' priority instead
// (niceness 19 or 10) kept half of that on a quiet machine and lost it under load: they then
// starve and the optimised code comes late.
// The second start costs ~50 ms, so a single file (where one thread also compiles the grammar's
// code more slowly) is scanned in this process as before. With more cores each thread has one.
// A user who sets --v8-pool-size (NODE_OPTIONS or node's own arguments) keeps it, and a node
// started with --inspect is not started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants } from 'node:os';

/** Set in the relaunched process: it never relaunches again. */
export const relaunchedEnv = 'PAGECOST_RELAUNCHED';

export interface RelaunchContext {
  /** The CLI's arguments (after the script). */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** node's own arguments (process.execArgv). */
  execArgv: readonly string[];
  /** os.availableParallelism(). */
  cores: number;
  /** process.platform: Linux binds the background threads instead (backgroundThreads.ts). */
  platform: NodeJS.Platform;
  /** Is this argument an existing directory? */
  isDirectory: (path: string) => boolean;
}

/** The V8 thread pool to relaunch with, or null: run here as started. */
export function relaunchPoolSize(c: RelaunchContext): number | null {
  if (c.env[relaunchedEnv] || c.cores > 2 || c.platform === 'linux') return null;
  if (c.argv[0] !== 'scan' || c.argv.includes('--help') || c.argv.includes('-h')) return null;
  // The user's own pool size stays; so does a debugger's port, which two nodes cannot both hold.
  if ([...c.execArgv, c.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--v8-pool-size') || a.includes('--inspect'))) return null;
  // Code given to node itself (`node -e 'require(…/cli.js)'`) is not a script node can start again.
  if (c.execArgv.some((a) => /^(?:-[ep]|--eval|--print|-i|--interactive)(?:=|$)/.test(a))) return null;
  // Any argument naming a directory (a PATH, or --run DIR: a relaunch then costs only its start).
  return c.argv.slice(1).some((a) => !a.startsWith('-') && c.isDirectory(a)) ? 1 : null;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Runs `script` with `args` in a new node with `poolSize` V8 background threads, the same stdio,
 * and signals passed on; settles with the exit code to leave with, or null when node could not
 * be started (then the caller runs the command itself).
 */
export function relaunch(script: string, args: readonly string[], poolSize: number): Promise<number | null> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    // Ctrl-C reaches both processes; a `kill` of this one must reach the scan too. The handlers
    // are in place before the child exists: a signal in between would end this process alone.
    let child: ChildProcess | null = null;
    let early: NodeJS.Signals | null = null;
    const pass = (s: NodeJS.Signals) => {
      if (child?.pid !== undefined) child.kill(s);
      else early ??= s;
    };
    const stopPassing = () => {
      for (const s of signals) process.off(s, pass);
    };
    /** Leaves as `signal` would have ended this process. */
    const endBy = (signal: NodeJS.Signals) => {
      stopPassing();
      if (process.platform !== 'win32') process.kill(process.pid, signal);
      resolve(128 + (constants.signals[signal] ?? 0));
    };
    for (const s of signals) process.on(s, pass);
    child = spawn(process.execPath, [...process.execArgv, `--v8-pool-size=${poolSize}`, script, ...args], {
      stdio: 'inherit',
      env: { ...process.env, [relaunchedEnv]: '1' },
    });
    if (early && child.pid !== undefined) child.kill(early);
    child.once('error', () => {
      if (child?.pid !== undefined) return; // started: 'exit' settles
      if (early) return endBy(early);
      stopPassing();
      resolve(null);
    });
    child.once('exit', (code, signal) => {
      // Ended by a signal: end the same way, so the shell and CI see what happened.
      if (signal) return endBy(signal);
      stopPassing();
      resolve(code ?? 1);
    });
  });
}
