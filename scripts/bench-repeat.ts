// Repeatability check of the benchmark: runs the quick sweep twice and prints the fraction of
// points whose medians agree within 10%, and how far apart the runs are.
//   npx tsx scripts/bench-repeat.ts [--cc PATH] [--cache-dir DIR] [--tolerance 0.1] [--json]
//                                   [--report FILE] [--save FILE]
// --report also writes what is printed to FILE; --save writes both runs' points as JSON, so that
// the spread can be looked at again (docs/measurements/<date>-repeat.{txt,json}).
// The target (issue 4) is ≥ 90% of points within 10% on an idle machine; on a busy one the
// fraction says more about the neighbours than about the harness.
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { harnessSourcePaths, nodeBenchHost, abortOnInterrupt } from '../src/cli/benchHost';
import { compareRuns } from '../src/core/bench/repeat';
import { BenchError, runBenchmark } from '../src/core/bench/runner';
import { quickSweep } from '../src/core/bench/sweep';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const host = nodeBenchHost();
  const tolerance = Number(flag('--tolerance') ?? '0.1');
  const sweep = quickSweep(availableParallelism());
  const controller = new AbortController();
  const uninstall = abortOnInterrupt(controller);
  const loadBefore = loadavg()[0]!;
  const runs = [];
  try {
    for (const n of [1, 2]) {
      const t0 = Date.now();
      const r = await runBenchmark(host, {
        sweep,
        cc: flag('--cc'),
        cacheDir: flag('--cache-dir'),
        sourcePaths: harnessSourcePaths(),
        signal: controller.signal,
      });
      const seconds = (Date.now() - t0) / 1000;
      process.stderr.write(`run ${n}: ${r.output.points.length} points in ${seconds.toFixed(1)} s\n`);
      runs.push({ points: r.output.points, seconds });
    }
  } catch (e) {
    if (e instanceof BenchError) {
      process.stderr.write(`bench-repeat: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    uninstall();
  }
  const rep = compareRuns(runs[0]!.points, runs[1]!.points, tolerance);
  const loadAfter = loadavg()[0]!;
  const cpus = availableParallelism();
  // Other work on the machine moves the numbers more than anything in the harness does.
  const load =
    `load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${cpus} CPUs` +
    (Math.max(loadBefore, loadAfter) > cpus / 2 ? ' — not idle: the spread below is partly other programs\' doing' : '');
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ ...rep, seconds: runs.map((r) => r.seconds), loadBefore, loadAfter, cpus }, null, 2)}\n`);
  } else {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const text = (
      `quick sweep twice: ${runs.map((r) => `${r.seconds.toFixed(1)} s`).join(' and ')}\n${load}\n` +
        `medians within ${pct(tolerance)}: ${rep.agreeing}/${rep.compared} points = ${pct(rep.fraction)} (target ≥ 90%)\n` +
        `relative difference of medians: median ${pct(rep.medianRelDiff)}, p90 ${pct(rep.p90RelDiff)}, max ${pct(rep.maxRelDiff)}\n` +
        `furthest apart:\n${rep.worst.map((w) => `  ${w.id}: ${w.a.toFixed(0)} ns vs ${w.b.toFixed(0)} ns (${pct(w.relDiff)})`).join('\n')}\n` +
        (rep.unmatched.length ? `measured in one run only: ${rep.unmatched.join(', ')}\n` : '')
    );
    process.stdout.write(text);
    const report = flag('--report');
    if (report) writeFileSync(report, text, 'utf8');
  }
  const save = flag('--save');
  if (save) {
    writeFileSync(save, `${JSON.stringify({ measuredAt: new Date().toISOString(), sweep, loadBefore, loadAfter, cpus, runs })}\n`, 'utf8');
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench-repeat: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
