// What `pagecost record` costs (issue 13's floors; figures, not a test):
//   1. a program that does nothing but grow blocks with realloc (worst case): wall time with the
//      recording library against without, floor 3×;
//   2. a program that spends under 10% of its time in realloc: floor within 5%;
//   3. symbolising a run with 1,000 distinct call sites: floor 2 s.
// Runs alternate (plain, recorded, plain, …) so that a busy machine hurts both alike; the load
// average before and after is printed with the figures. Usage: npx tsx scripts/bench-record.ts [--reps N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBenchHost } from '../src/cli/benchHost';
import { preloadSourcePaths } from '../src/cli/record';
import { nodeSymbolizerHost, readRawDir } from '../src/cli/recordHost';
import { buildPreload } from '../src/core/record/build';
import { mergeProcesses, type CodeAddress } from '../src/core/record/merge';
import { parseRunFile } from '../src/core/record/runFile';
import { symbolize } from '../src/core/record/symbolize';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 7;
const here = join(__dirname, 'bench-record');
const work = mkdtempSync(join(tmpdir(), 'pagecost-bench-record-'));
// The recorder's files go where `pagecost record` puts them: tmpfs when there is one.
const rawRoot = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'pagecost-bench-raw-'));
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function compile(src: string, out: string, flags: string[] = []): string {
  const r = spawnSync('cc', ['-O2', '-g', ...flags, '-o', out, src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

let timeit = '';

/** Wall time and CPU time (user + system) of one run, in ms. */
function measure(bin: string, args: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const r = spawnSync(timeit, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const m = /timeit (\d+) (\d+) (\d+)/.exec(r.stderr);
  if (!m || m[3] !== '0') throw new Error(`${bin} failed: ${r.stderr}`);
  return { wall: Number(m[1]) / 1e6, cpu: Number(m[2]) / 1e6 };
}

function wall(bin: string, args: string[], env: NodeJS.ProcessEnv): number {
  return measure(bin, args, env).wall;
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Linux ${release()}; load before: ${load()}`);
  const lib = await buildPreload(nodeBenchHost(), { sourcePaths: preloadSourcePaths(), libc: 'glibc' });
  timeit = compile(join(here, 'timeit.c'), join(work, 'timeit'));
  const raw = join(rawRoot, 'raw');
  const recorded = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, LD_PRELOAD: lib.binary, PAGECOST_RECORD_DIR: dir, PAGECOST_RECORD_FRAMES: '5' });

  const programs = [
    { name: 'grow (realloc only)', bin: compile(join(here, 'grow.c'), join(work, 'grow')), args: ['1000'], floor: 'at most 3×', ok: (r: number) => r <= 3 },
    { name: 'mixed (<10% realloc)', bin: compile(join(here, 'mixed.c'), join(work, 'mixed')), args: ['2000000'], floor: 'within 5%', ok: (r: number) => r <= 1.05 },
  ];
  for (const p of programs) {
    const plain: { wall: number; cpu: number }[] = [];
    const rec: { wall: number; cpu: number }[] = [];
    measure(p.bin, p.args, process.env); // warm the page cache
    for (let i = 0; i < reps; i++) {
      plain.push(measure(p.bin, p.args, process.env));
      rmSync(raw, { recursive: true, force: true });
      spawnSync('mkdir', ['-p', raw]);
      rec.push(measure(p.bin, p.args, recorded(raw)));
    }
    const w = (xs: { wall: number }[]) => xs.map((x) => x.wall);
    const c = (xs: { cpu: number }[]) => xs.map((x) => x.cpu);
    const ratio = median(w(rec)) / median(w(plain));
    const cpuRatio = median(c(rec)) / median(c(plain));
    const best = Math.min(...w(rec)) / Math.min(...w(plain));
    console.log(`${p.name}: wall plain ${median(w(plain)).toFixed(1)} ms, recorded ${median(w(rec)).toFixed(1)} ms → ${ratio.toFixed(2)}× (best of ${reps}: ${best.toFixed(2)}×); CPU time ${median(c(plain)).toFixed(1)} → ${median(c(rec)).toFixed(1)} ms → ${cpuRatio.toFixed(2)}×; floor ${p.floor}: ${p.ok(ratio) ? 'met' : 'NOT MET'} (wall), ${p.ok(cpuRatio) ? 'met' : 'NOT MET'} (CPU)`);
    if (p.name.startsWith('mixed')) {
      // The record itself says how much of the run was spent in the resize calls.
      const out = join(work, 'mixed.run.json');
      spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'cli.js'), 'record', '--quiet', '--out', out, '--root', here, '--', p.bin, ...p.args], { stdio: ['ignore', 'ignore', 'inherit'] });
      const run = parseRunFile(readFileSync(out, 'utf8'), out).run;
      const base = median(c(plain));
      if (run) console.log(`  time in realloc, from the record: ${(run.totals.ns / 1e6).toFixed(1)} ms of ${base.toFixed(0)} ms of CPU = ${((100 * run.totals.ns) / 1e6 / base).toFixed(1)}% (${run.totals.calls.toLocaleString('en-US')} calls)`);
    }
  }

  // 1,000 distinct call sites, each in its own function, called once each.
  const lines = ['#include <stdlib.h>'];
  // The empty asm keeps the call from becoming a tail call (then its caller would be main's line).
  for (let k = 0; k < 1000; k++) lines.push(`__attribute__((noinline)) void *f${k}(void *p) { void *q = realloc(p, ${k + 1}); __asm__ volatile("" : "+r"(q)); return q; }`);
  lines.push('void *(*fns[])(void *) = {', ...Array.from({ length: 1000 }, (_, k) => `f${k},`), '};');
  lines.push('int main(void) { void *p = 0; for (int k = 0; k < 1000; k++) p = fns[k](p); free(p); return 0; }');
  const src = join(work, 'sites.c');
  writeFileSync(src, lines.join('\n'));
  const sites = compile(src, join(work, 'sites'));
  rmSync(raw, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', raw]);
  wall(sites, [], recorded(raw));
  const merged = mergeProcesses(readRawDir(raw).processes);
  const addrs: CodeAddress[] = [];
  for (const c of merged.callers) {
    if (c.frame) addrs.push(c.frame);
    for (const s of c.stacks) for (const f of s.frames) if (f) addrs.push(f);
  }
  const distinct = new Set(addrs.map((a) => `${a.module}@${a.address}`)).size;
  for (const prefer of ['llvm-symbolizer', 'addr2line'] as const) {
    const t0 = process.hrtime.bigint();
    const r = await symbolize(nodeSymbolizerHost(), addrs, { prefer });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.tool !== prefer) {
      console.log(`symbolising: ${prefer} not installed`);
      continue;
    }
    console.log(`symbolising ${merged.callers.length} call sites (${distinct} distinct return addresses) with ${prefer}: ${ms.toFixed(0)} ms in ${r.processes} process(es); floor 2 s: ${ms < 2000 ? 'met' : 'NOT MET'}`);
  }
  console.log(`load after: ${load()}`);
  rmSync(work, { recursive: true, force: true });
  rmSync(rawRoot, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
