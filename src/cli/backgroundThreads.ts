// The scan's own thread first, on a machine with two cores. Node starts V8 with four background
// threads whatever the machine (its --v8-pool-size default): the optimising compiler and the
// garbage collector's helpers. A tree scan keeps them busy (~0.9 s of CPU beside ~1.2 s on the
// scan's thread on the dense bench corpus), and on two cores four of them preempt the scan's
// thread, the one the user waits for. Here they are bound to one core (Linux, `taskset`): they
// share it and the scan's thread has the other, much as with `node --v8-pool-size=1`, without
// starting node again (relaunch.ts does that where there is no taskset to call: not Linux).
// Dense bench corpus, AMD EPYC 2-vCPU VM, 2026-12-07 11:40, medians of 5 alternating runs on a
// quiet machine: 1.40 s as Node starts, 1.29 s bound, 1.33 s relaunched, 1.23 s started with the
// flag by hand. Lowering their priority instead (niceness 10 or 19) kept half of the gain on a
// quiet machine and lost it under load: they starve and the optimised code comes late.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** The CPUs this process may run on (`Cpus_allowed_list` of /proc/self/status), or null. */
export function allowedCpus(status: string): number[] | null {
  const m = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(status);
  if (!m) return null;
  const cpus: number[] = [];
  for (const part of m[1]!.split(',')) {
    const r = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!r) return null;
    const from = Number(r[1]);
    const to = r[2] === undefined ? from : Number(r[2]);
    for (let c = from; c <= to && cpus.length <= 4096; c++) cpus.push(c);
  }
  return cpus.length ? cpus : null;
}

/**
 * Binds every thread of this process that exists now, except the main thread, to the last CPU
 * the process may use, when it may use exactly two. Threads started later (scan workers, libuv's
 * pool) are not bound: they inherit the main thread's affinity. Asynchronous and best effort: on
 * other systems, other core counts, or without `taskset`, nothing changes. Resolves to whether
 * the threads were bound.
 */
export function pinBackgroundThreads(): Promise<boolean> {
  let cpus: number[] | null;
  let tids: string[];
  try {
    cpus = allowedCpus(readFileSync('/proc/self/status', 'utf8'));
    tids = readdirSync('/proc/self/task').filter((t) => t !== String(process.pid));
  } catch {
    return Promise.resolve(false);
  }
  if (!cpus || cpus.length !== 2 || !tids.length) return Promise.resolve(false);
  const all = cpus.join(',');
  const last = String(cpus[1]);
  // Two runs of taskset: every thread to the last CPU, then the main thread back to both.
  return new Promise((resolve) => {
    execFile('taskset', ['-a', '-p', '-c', last, String(process.pid)], { timeout: 2000 }, (e) => {
      if (e) return resolve(false);
      execFile('taskset', ['-p', '-c', all, String(process.pid)], { timeout: 2000 }, (e2) => resolve(!e2));
    });
  });
}
