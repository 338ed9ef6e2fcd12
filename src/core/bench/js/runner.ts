// Runs the JS harness (dist/js-harness.js) under a Node-compatible runtime as a child process,
// with the C runner's limits, cancel (the process group) and errors. Node access only through
// the injected BenchHost.
import type { HarnessEvent, ParsedOutput } from '../protocol';
import { BenchError, runProgram, type BenchHost } from '../runner';
import { jsHarnessArgs, validateJsSweep, type JsSweep } from './ops';
import { jsLineParser, type JsEngine } from './protocol';

export interface JsRuntime {
  /** A Node-compatible executable: `process.execPath` of the CLI or of the extension host. */
  execPath: string;
  /** Extra environment, e.g. ELECTRON_RUN_AS_NODE=1 when the extension host is Electron. */
  env?: Record<string, string>;
}

export interface JsRunOptions {
  sweep: JsSweep;
  runtime: JsRuntime;
  /** dist/js-harness.js. */
  harnessPath: string;
  onEvent?: (e: HarnessEvent) => void;
  signal?: AbortSignal;
  graceMs?: number;
}

export interface JsRun {
  output: ParsedOutput;
  engine: JsEngine;
}

export async function runJsBenchmark(host: BenchHost, opts: JsRunOptions): Promise<JsRun> {
  const invalid = validateJsSweep(opts.sweep);
  if (invalid) throw new BenchError('bad-sweep', `Cannot run this JS sweep: ${invalid}.`);
  if (!(await host.exists(opts.harnessPath))) {
    throw new BenchError('cache', `The JS benchmark harness is missing (${opts.harnessPath}). Reinstall pagecost, or run \`npm run build\` in a checkout.`);
  }
  let engine: JsEngine | null = null;
  const output = await runProgram(
    host,
    {
      file: opts.runtime.execPath,
      // --expose-gc: the harness collects garbage before large points, outside the timed call.
      args: ['--expose-gc', opts.harnessPath, ...jsHarnessArgs(opts.sweep)],
      ...(opts.runtime.env ? { env: opts.runtime.env } : {}),
      timeLimitMs: opts.sweep.timeLimitMs,
      parseLine: jsLineParser((e) => {
        engine = e;
      }),
    },
    { ...(opts.onEvent ? { onEvent: opts.onEvent } : {}), ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.graceMs ? { graceMs: opts.graceMs } : {}) },
  );
  if (!engine) throw new BenchError('garbage', 'The JS harness did not name its engine (no hello line).', output);
  return { output, engine };
}
