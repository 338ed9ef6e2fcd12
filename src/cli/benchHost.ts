// The Node side of the benchmark runner: processes, files and paths for src/core/bench/runner.ts.
// Processes are started with argument arrays (execFile/spawn, never a shell); the harness is
// started as a process-group leader so that a cancel reaches everything it started.
import { execFile, spawn } from 'node:child_process';
import { constants as fsc, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BenchHost, ExecResult, HostProcess } from '../core/bench/runner';

function errorText(e: NodeJS.ErrnoException): string {
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES') return 'permission denied';
  return e.code ?? e.message;
}

export function nodeBenchHost(): BenchHost {
  return {
    platform: process.platform,
    env: process.env,
    execFile(file, args, opts) {
      return new Promise<ExecResult>((resolve) => {
        execFile(
          file,
          args,
          { timeout: opts.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, cwd: opts.cwd, encoding: 'utf8' },
          (err, stdout, stderr) => {
            if (!err) {
              resolve({ code: 0, signal: null, stdout, stderr });
              return;
            }
            const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
            if (typeof e.code === 'string') {
              resolve({ code: null, signal: null, stdout: '', stderr: '', spawnError: errorText(e) });
              return;
            }
            resolve({
              code: typeof e.code === 'number' ? e.code : null,
              signal: e.signal ?? null,
              stdout: String(stdout ?? ''),
              stderr: String(stderr ?? ''),
              timedOut: e.killed === true && e.signal === 'SIGKILL',
            });
          },
        );
      });
    },
    spawnGroup(file, args, env) {
      const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      let exitCb: ((code: number | null, signal: string | null, spawnError?: string) => void) | null = null;
      let pending: [number | null, string | null, string | undefined] | null = null;
      let done = false;
      const finish = (code: number | null, signal: string | null, spawnError?: string) => {
        if (done) return;
        done = true;
        if (exitCb) exitCb(code, signal, spawnError);
        else pending = [code, signal, spawnError];
      };
      child.on('error', (e: NodeJS.ErrnoException) => finish(null, null, errorText(e)));
      // 'close' (not 'exit') waits for stdout to drain, so no result line is lost.
      child.on('close', (code, signal) => finish(code, signal));
      const proc: HostProcess = {
        pid: child.pid,
        onStdout: (cb) => child.stdout.on('data', cb),
        onStderr: (cb) => child.stderr.on('data', cb),
        onExit: (cb) => {
          exitCb = cb;
          if (pending) cb(...pending);
        },
        killGroup(signal) {
          if (child.pid === undefined) return;
          try {
            process.kill(-child.pid, signal);
          } catch {
            // ESRCH: the group is already gone.
          }
        },
      };
      return proc;
    },
    readText: (p) => fs.readFile(p, 'utf8'),
    writeText: (p, text) => fs.writeFile(p, text, 'utf8'),
    async exists(p) {
      try {
        await fs.access(p);
        return true;
      } catch {
        return false;
      }
    },
    async isExecutable(p) {
      try {
        const st = await fs.stat(p);
        if (!st.isFile()) return false;
        await fs.access(p, fsc.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    mkdirp: async (p) => {
      await fs.mkdir(p, { recursive: true });
    },
    rename: (a, b) => fs.rename(a, b),
    remove: (p) => fs.rm(p, { force: true }),
    join: (...parts) => join(...parts),
    homedir: () => homedir(),
  };
}

/**
 * Where the harness source is: next to the bundle (dist/harness.c, copied by the build) or,
 * when running from the sources with tsx, in src/core/bench/.
 */
export function harnessSourcePaths(): string[] {
  return [join(__dirname, 'harness.c'), join(__dirname, '..', 'core', 'bench', 'harness.c')];
}

/**
 * Ctrl-C: the harness runs in its own process group, so the terminal's SIGINT does not reach
 * it; abort the run instead, which stops the group. Returns the function that uninstalls it.
 */
export function abortOnInterrupt(controller: AbortController): () => void {
  const handler = () => controller.abort();
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
