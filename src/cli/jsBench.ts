// Where the CLI finds the JS harness (dist/js-harness.js, beside this bundle; from the sources,
// the built one in the checkout's dist/), and how a JS-only run describes its "harness".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeEngine, type JsEngine } from '../core/bench/js/protocol';
import type { BuiltHarness } from '../core/bench/runner';

export function jsHarnessPath(): string {
  const candidates = [join(__dirname, 'js-harness.js'), join(__dirname, '..', '..', 'dist', 'js-harness.js')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** The engine the JS harness reports when this Node runs it (the CLI runs it with process.execPath). */
export function thisNodeEngine(): JsEngine {
  return { engine: 'V8', engineVersion: process.versions.v8, runtime: 'node', runtimeVersion: process.version };
}

export function jsHarnessInfo(engine: JsEngine): BuiltHarness {
  const version = describeEngine(engine);
  return { binary: jsHarnessPath(), key: 'js-harness', compiler: { path: process.execPath, version, versionText: version, source: 'node' }, built: false };
}
