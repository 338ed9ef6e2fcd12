// The panel's runner on a Node extension host: the C harness through the benchmark runner
// (compiled on demand, cached), the JS harness under this host's own runtime (Electron runs it as
// Node with ELECTRON_RUN_AS_NODE), both as process-group leaders so that Cancel reaches
// everything they started. Half-written harness builds left by a cancelled run are removed.
import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { nodeBenchHost } from '../../../cli/benchHost';
import { calibrate as fitCalibration, renderFit, type CalibrationFile } from '../../../core/bench/calibration';
import { fitJs } from '../../../core/bench/js/fit';
import { quickJsSweep } from '../../../core/bench/js/ops';
import { describeEngine } from '../../../core/bench/js/protocol';
import { loadProfile } from '../../../core/model';
import { runJsBenchmark } from '../../../core/bench/js/runner';
import { measurementsOf } from '../../../core/bench/measurements';
import { BenchError, defaultCacheDir, resolveCompiler, runBenchmark, type BenchHost } from '../../../core/bench/runner';
import { quickCalibrationSweep } from '../../../core/bench/sweep';
import { noCompilerSentence } from '../../../core/panel/blocked';
import type { PanelRunner, RunCallbacks } from '../runner';

/** A host that remembers the process ids it started. */
function trackingHost(pids: Set<number>): BenchHost {
  const base = nodeBenchHost();
  return {
    ...base,
    spawnGroup(file, args, env) {
      const p = base.spawnGroup(file, args, env);
      if (p.pid !== undefined) {
        const pid = p.pid;
        pids.add(pid);
        p.onExit(() => pids.delete(pid));
      }
      return p;
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes `harness-*.tmp-*` files a compile started at or after `since` left behind. */
async function removeTempBuilds(cacheDir: string, since: number): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(cacheDir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /\.tmp-(\d+)$/.exec(n);
    if (m && Number(m[1]) >= since) await fs.rm(join(cacheDir, n), { force: true }).catch(() => undefined);
  }
}

export function nodePanelRunner(distPath: string): PanelRunner {
  const live = new Set<number>();
  const host = trackingHost(live);
  const harnessC = join(distPath, 'harness.c');
  const harnessJs = join(distPath, 'js-harness.js');
  // Desktop VS Code's extension host is Electron: run it as plain Node for the JS harness.
  const runtime = { execPath: process.execPath, ...(process.versions.electron ? { env: { ELECTRON_RUN_AS_NODE: '1' } } : {}) };

  const runC = async (sweep: Parameters<typeof runBenchmark>[1]['sweep'], compilerPath: string | null, cb: RunCallbacks) => {
    const started = Date.now();
    try {
      return await runBenchmark(host, {
        sweep,
        ...(compilerPath ? { cc: compilerPath } : {}),
        sourcePaths: [harnessC],
        signal: cb.signal,
        onEvent: (e) => cb.onEvent(e, 'c'),
        onBuild: (h) => cb.onLog(h.built ? `built the C harness with ${h.compiler.version} (${h.compiler.path})` : `C harness from the cache (${h.compiler.version})`),
      });
    } finally {
      if (cb.signal.aborted) await removeTempBuilds(defaultCacheDir(host), started);
    }
  };

  return {
    cpus: () => availableParallelism(),
    async compilerProblem(compilerPath) {
      try {
        await resolveCompiler(host, compilerPath ?? undefined);
        return null;
      } catch (e) {
        return e instanceof BenchError ? noCompilerSentence() : (e as Error).message;
      }
    },
    async run(plan, compilerPath, cb) {
      const t0 = Date.now();
      let machine = null;
      if (plan.c) {
        const r = await runC(plan.c, compilerPath, cb);
        machine = r.output.facts;
      }
      if (plan.js && !cb.signal.aborted) {
        const r = await runJsBenchmark(host, { sweep: plan.js, runtime, harnessPath: harnessJs, signal: cb.signal, onEvent: (e) => cb.onEvent(e, 'js') });
        cb.onEngine(r.engine);
        machine ??= r.output.facts;
      }
      return { machine, elapsedMs: Date.now() - t0, pids: [...live] };
    },
    async calibrate(compilerPath, cb) {
      const t0 = Date.now();
      const sweep = quickCalibrationSweep(availableParallelism());
      const run = await runC(sweep, compilerPath, cb);
      const measurements = measurementsOf(run.output, run.harness, sweep, Date.now() - t0, new Date());
      const { file, fit } = fitCalibration(measurements, 'this machine');
      // Then the JS primitives under this host's engine, for the TS/JS model's own parameters.
      const js = await runJsBenchmark(host, { sweep: quickJsSweep(), runtime, harnessPath: harnessJs, signal: cb.signal, onEvent: (e) => cb.onEvent(e, 'js') });
      cb.onEngine(js.engine);
      const jsFit = fitJs(loadProfile(file, 'new calibration'), js.output.points, js.engine);
      const out: CalibrationFile & { js?: unknown } = file;
      let summary = renderFit(fit);
      if (jsFit) {
        out.params.f_js_transfer_move = jsFit.params.f_js_transfer_move;
        out.params.t_js_buffer = jsFit.params.t_js_buffer;
        const by = `fitted to ${jsFit.points} JS points measured by ${describeEngine(js.engine)}`;
        out.notes.f_js_transfer_move = by;
        out.notes.t_js_buffer = by;
        out.js = { engine: js.engine, points: js.output.points, skipped: js.output.skipped, medianFactorBefore: jsFit.before, medianFactorAfter: jsFit.after };
        summary += `${jsFit.transfer}; JS points off by a median ${jsFit.before.toFixed(2)}× before, ${jsFit.after.toFixed(2)}× after\n`;
      }
      return { machine: run.output.facts, elapsedMs: Date.now() - t0, pids: [...live], file: out, json: `${JSON.stringify(out, null, 2)}\n`, summary };
    },
    livePids: () => [...live].filter(alive),
  };
}
