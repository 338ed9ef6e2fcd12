// Starting and stopping the programs tier 3 and `npm start` run (code-server, its installer):
// argument arrays only, a timeout on everything that should end, and a whole process group
// stopped on the way out.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Runs a program to completion with a timeout; resolves with its output (stdout and stderr). */
export function runTo(cmd, args, { env, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n${out.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out.slice(-2000)}`));
    });
  });
}

/**
 * Stops a child started with `detached: true` and everything it started (its process group):
 * SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited (or was already gone).
 */
export function stopGroup(child, graceMs = 5000) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve(false);
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      resolve(true);
    }, graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
    try { process.kill(-child.pid, 'SIGTERM'); } catch { clearTimeout(timer); resolve(false); }
  });
}

/** Running processes whose arguments (`argv`, the program first) `test` accepts, as "pid: command line". */
export function processesWhere(test) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let args;
    try { args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean); } catch { continue; }
    if (args.length && test(args)) out.push(`${pid}: ${args.join(' ').slice(0, 160)}`);
  }
  return out;
}
