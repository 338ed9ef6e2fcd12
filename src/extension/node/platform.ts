// The Node extension host's abilities: read this machine's facts, compile and run the benchmark
// harness (src/core/bench, through the CLI's Node host: argument arrays, never a shell), and fit a
// calibration. Only the Node entry imports this file.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { measurementsOf } from '../../core/bench/measurements';
import { calibrate as fitCalibration, renderFit } from '../../core/bench/calibration';
import { modelFor } from '../../core/bench/modelled';
import { BenchError, runBenchmark } from '../../core/bench/runner';
import { expectedLines, quickSweep } from '../../core/bench/sweep';
import { compareRows, renderTable } from '../../core/bench/table';
import { thisMachineProfile } from '../../core/model';
import { benchSweepFor } from '../../core/present/bench';
import { nodeBenchHost } from '../../cli/benchHost';
import { machineEnv, readTextOrNull, readThisMachine } from '../../cli/machine';
import type { HarnessEvent } from '../../core/bench/protocol';
import type { Platform, Progress } from '../platform';
import { WorkerTsService } from './tsWorkerClient';
import { nodePanelRunner } from '../panel/node/runner';

function progressOf(total: number, progress: Progress): (e: HarnessEvent) => void {
  let done = 0;
  return (e) => {
    if (e.kind !== 'point' && e.kind !== 'skipped' && e.kind !== 'error') return;
    done++;
    progress.report(`${done}/${total} points`, 1 / Math.max(1, total));
  };
}

function benchMessage(e: unknown): Error {
  return e instanceof BenchError ? e : new Error(`benchmark failed: ${(e as Error).message}`);
}

type RunOptions = Parameters<typeof runBenchmark>[1];

/** Compiles (or reuses) and runs the harness for one sweep, with progress and cancel. */
async function runHarness(
  sweep: RunOptions['sweep'],
  total: number,
  req: { compilerPath?: string | null; distPath: string; signal?: AbortSignal; progress: Progress },
  onBuild?: RunOptions['onBuild'],
): Promise<Awaited<ReturnType<typeof runBenchmark>>> {
  try {
    return await runBenchmark(nodeBenchHost(), {
      sweep,
      ...(req.compilerPath ? { cc: req.compilerPath } : {}),
      sourcePaths: [join(req.distPath, 'harness.c')],
      ...(req.signal ? { signal: req.signal } : {}),
      onEvent: progressOf(total, req.progress),
      ...(onBuild ? { onBuild } : {}),
    });
  } catch (e) {
    throw benchMessage(e);
  }
}

export const nodePlatform: Platform = {
  kind: 'node',
  benchUnavailable: () => (process.platform === 'linux' ? null : `Benchmarks measure Linux's mremap and run on Linux only (this is ${process.platform}).`),
  liveMachine: () => readThisMachine().facts,
  thisMachine: () => thisMachineProfile(readTextOrNull, machineEnv()),
  // dist/ts-worker.js sits beside dist/extension.js (this bundle).
  tsAnalysis: (log) => new WorkerTsService(join(__dirname, 'ts-worker.js'), 60_000, log),
  panelRunner: (distPath) => nodePanelRunner(distPath),

  async benchmarkSite(site, req) {
    const cpus = availableParallelism();
    const { sweep, sizesKnown } = benchSweepFor(site, req.threads, cpus);
    const total = expectedLines(sweep);
    const run = await runHarness(sweep, total, req, (h) => {
      if (h.built) req.progress.report(`built the harness with ${h.compiler.path}`);
    });
    const rows = compareRows(run.output.points, modelFor(req.profile));
    const where = `\`${site.name}\` at ${site.file}:${site.nameRange.start.line}`;
    const report =
      `Benchmark of ${where}: ${sweep.ops.join(', ')} at ${sizesKnown ? "the call's sizes" : 'sizes around the crossover (the call\'s are not known)'}\n` +
      renderTable(rows, run.output.skipped, run.output.failed) +
      `\nmodelled with profile ${req.profile.name} (${req.profile.source}); ratio = measured median / modelled\n`;
    return { report, points: run.output.points.length };
  },

  async calibrate(req) {
    const sweep = quickSweep(availableParallelism());
    const total = expectedLines(sweep);
    const started = Date.now();
    const run = await runHarness(sweep, total, req);
    const measurements = measurementsOf(run.output, run.harness, sweep, Date.now() - started, new Date());
    const { file, fit } = fitCalibration(measurements, req.name);
    return { profileJson: `${JSON.stringify(file, null, 2)}\n`, summary: renderFit(fit) };
  },
};
