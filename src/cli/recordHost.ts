// The Node side of `pagecost record`: running the program with its terminal, reading the
// per-process files back with positioned reads (they are mostly untouched sparse pages), and
// running the symbolizer with an argument array and the addresses on stdin.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants as fsc, fstatSync, openSync, promises as fs, readSync, readdirSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { ElfReader } from '../core/record/elf';
import { nodeBenchHost } from './benchHost';
import { RawFormatError, rawFileName, readRawProcess, type RawProcess } from '../core/record/rawFormat';
import type { SymbolizerHost, SymbolizerRun } from '../core/record/symbolize';

/** Positioned reads from an open file; close() when done. */
export function fileReader(path: string): ElfReader & { close(): void } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const len = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.alloc(len);
      let done = 0;
      while (done < len) {
        const n = readSync(fd, buf, done, len - done, offset + done);
        if (n <= 0) break;
        done += n;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, done);
    },
    close: () => closeSync(fd),
  };
}

/** Every process file in the record folder; files that cannot be read become problems. */
export function readRawDir(dir: string): { processes: RawProcess[]; problems: string[] } {
  const processes: RawProcess[] = [];
  const problems: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    return { processes, problems: [`cannot read ${dir}: ${(e as Error).message}`] };
  }
  for (const name of names.filter((n) => rawFileName(n) !== null).sort()) {
    let r: ReturnType<typeof fileReader> | null = null;
    try {
      r = fileReader(join(dir, name));
      processes.push(readRawProcess(r, name));
    } catch (e) {
      problems.push(e instanceof RawFormatError ? e.message : `${name}: ${(e as Error).message}`);
    } finally {
      r?.close();
    }
  }
  return { processes, problems };
}

export function nodeSymbolizerHost(): SymbolizerHost {
  return {
    run(file, args, input, timeoutMs) {
      return new Promise<SymbolizerRun>((resolve) => {
        const child = execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
          if (!err) return resolve({ code: 0, stdout, stderr });
          const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
          if (typeof e.code === 'string') return resolve({ code: null, stdout: '', stderr: '', spawnError: e.code === 'ENOENT' ? 'not found' : e.code });
          resolve({ code: typeof e.code === 'number' ? e.code : null, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), timedOut: e.killed === true });
        });
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(input);
      });
    },
    async which(name) {
      for (const dir of (process.env.PATH ?? '').split(':')) {
        if (!dir) continue;
        const p = join(dir, name);
        try {
          await fs.access(p, fsc.X_OK);
          return p;
        } catch {
          // not here
        }
      }
      return null;
    },
    exists: nodeBenchHost().exists,
  };
}

export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started (ENOENT, EACCES). */
  spawnError?: string;
  startedAt: Date;
  durationMs: number;
}

// Signals a terminal sends to the whole foreground group reach the program by themselves; the
// ones someone sends to pagecost alone are passed on to it.
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];
const IGNORED_WHILE_RUNNING: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

/**
 * Runs the program with our stdin, stdout and stderr (inherited: nothing is read or changed),
 * in our process group so that the terminal's Ctrl-C reaches it. pagecost itself survives the
 * program's Ctrl-C: what was recorded still has to be written.
 */
export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv, argv0: string, start: typeof spawn = spawn): Promise<ProgramExit> {
  return new Promise<ProgramExit>((resolve) => {
    const startedAt = new Date();
    const t0 = process.hrtime.bigint();
    // The handlers go in before the program starts: on a busy machine the program can print and be
    // answered with a SIGTERM before spawn() returns here, and Node's default action would end
    // pagecost and leave the program running. A signal that early is passed on once it exists.
    let child: ChildProcess | null = null;
    const early: NodeJS.Signals[] = [];
    const handlers = new Map<NodeJS.Signals, () => void>();
    for (const s of FORWARDED) {
      const h = () => {
        if (!child) {
          early.push(s);
          return;
        }
        try {
          child.kill(s);
        } catch {
          // already gone
        }
      };
      handlers.set(s, h);
      process.on(s, h);
    }
    for (const s of IGNORED_WHILE_RUNNING) {
      const h = () => undefined;
      handlers.set(s, h);
      process.on(s, h);
    }
    const done = (r: Omit<ProgramExit, 'startedAt' | 'durationMs'>) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve({ ...r, startedAt, durationMs: Number(process.hrtime.bigint() - t0) / 1e6 });
    };
    try {
      child = start(file, args, { stdio: 'inherit', env, argv0 });
    } catch (e) {
      done({ code: null, signal: null, spawnError: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      return;
    }
    child.on('error', (e: NodeJS.ErrnoException) => done({ code: null, signal: null, spawnError: e.code === 'ENOENT' ? 'not found' : e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message) }));
    child.on('exit', (code, signal) => done({ code, signal }));
    for (const s of early.splice(0)) handlers.get(s)!();
  });
}

/** The exit code of a program that ended: its own, or 128 + n when signal n ended it (as shells say). */
export function exitCodeOf(exit: ProgramExit): number {
  if (exit.signal) return 128 + ((osConstants.signals as Record<string, number>)[exit.signal] ?? 0);
  return exit.code ?? 1;
}
