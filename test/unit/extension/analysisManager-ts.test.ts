// The AnalysisManager's TS/JS road against the fake `vscode` (vscodeFake.ts): the service is made
// on the first TS/JS document only, answers for an old version are dropped, a missing service
// is said once, and pagecost.ts.enabled turns it off. The service is a stand-in that
// runs the real analysis in-thread (the worker itself is tested in tsWorker.test.ts).
import { fake, Uri } from './vscodeFake';
import { strict as assert } from 'node:assert';
import { AnalysisManager } from '../../../src/extension/analysisManager';
import { jsBenchReason } from '../../../src/extension/hover';
import { SettingsStore } from '../../../src/extension/settings';
import type { ProfileStore } from '../../../src/extension/profiles';
import type { TsAnalysisRequest, TsAnalysisService } from '../../../src/extension/tsService';
import type { TsAnalysisResult } from '../../../src/core/analysis/ts/api';
import { analyzeTsFile } from '../../../src/core/analysis/ts/index';
import { builtinProfile } from '../../../src/core/model/profile';

type Any = any;

const GROW = 'export function grow(wasm: any, p: number, n: number) {\n  return wasm.__wbindgen_realloc(p, n, 65536, 1);\n}\n';

/** Runs the real analysis, but only when the test lets each request go (`release`). */
function gatedService() {
  const requests: TsAnalysisRequest[] = [];
  const gates: Array<() => void> = [];
  const service: TsAnalysisService = {
    loadMs: null,
    analyze(req) {
      requests.push(req);
      return new Promise<TsAnalysisResult | null>((resolve) => gates.push(() => resolve(analyzeTsFile(req.text, req.file, req.options))));
    },
    cancel: () => undefined,
    dispose: () => undefined,
  };
  return { service, requests, release: () => gates.splice(0).forEach((g) => g()) };
}

const profiles = { get: async () => ({ profile: builtinProfile('x86-64'), problem: null }), onDidChange: () => ({ dispose: () => undefined }) } as unknown as ProfileStore;

describe('AnalysisManager: TS/JS documents', () => {
  const made: AnalysisManager[] = [];
  const manager = (factory: () => TsAnalysisService | null) => {
    const logs: string[] = [];
    const m = new AnalysisManager(Uri.parse('file:///ext') as Any, new SettingsStore(), profiles, (l) => logs.push(l), factory);
    made.push(m);
    return { m, logs };
  };
  beforeEach(() => {
    fake.reset();
    fake.config.set('', { debounceMs: 0 });
  });
  afterEach(() => made.splice(0).forEach((m) => m.dispose()));

  it('makes the service on the first TS/JS document only; findings come from the same advice', async () => {
    let calls = 0;
    const gate = gatedService();
    const { m } = manager(() => {
      calls++;
      return gate.service;
    });
    assert.equal(calls, 0, 'not at activation');
    const d = fake.open('file:///w/grow.ts', 'typescript', GROW);
    const done = m.whenAnalyzed(d.uri as Any, d.version);
    await new Promise((r) => setTimeout(r, 5));
    gate.release();
    const r = await done;
    assert.equal(calls, 1);
    assert.equal(r.skipped, null);
    assert.equal(r.language, 'ts');
    assert.deepEqual(gate.requests.map((q) => [q.key, q.file, q.options.maxGeneratedBytes]), [['file:///w/grow.ts', 'file:///w/grow.ts', 1024 * 1024]]);
    assert.ok(r.sites.some((s) => s.callee === 'wasm-realloc'), JSON.stringify(r.sites.map((s) => s.callee)));
    assert.ok(r.findings.some((f) => f.rule === 'js-grow-cost'), JSON.stringify(r.findings.map((f) => f.rule)));
  });

  it('drops an answer for a version the document has left, and shows the newer one', async () => {
    const gate = gatedService();
    const { m } = manager(() => gate.service);
    const d = fake.open('file:///w/a.ts', 'typescript', 'export const x = 1;\n');
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(gate.requests.length, 1);
    fake.edit(d, GROW); // version 2, while version 1 is in flight
    await new Promise((r) => setTimeout(r, 5));
    const seen: number[] = [];
    m.onDidAnalyze((r) => seen.push(r.version));
    gate.release(); // both answers arrive; only version 2's may be shown
    const r = await m.whenAnalyzed(d.uri as Any, 2);
    assert.deepEqual(seen, [2]);
    assert.equal(r.version, 2);
    assert.ok(r.sites.length > 0);
    assert.equal(gate.requests.length, 2);
  });

  it('a host without the service (no workers): not analysed with the reason, said once in the status bar', async () => {
    const { m, logs } = manager(() => null);
    const a = fake.open('file:///w/a.ts', 'typescript', GROW);
    const b = fake.open('file:///w/b.js', 'javascript', GROW);
    for (const d of [a, b]) {
      const r = await m.whenAnalyzed(d.uri as Any, d.version);
      assert.match(r.skipped ?? '', /not analysed: TS\/JS analysis runs in a worker, which this extension host cannot start; open the folder in desktop VS Code/);
      assert.deepEqual(r.findings, []);
    }
    assert.equal(fake.statusMessages.length, 1);
    assert.equal(logs.filter((l) => /cannot start/.test(l)).length, 1);
  });

  it('pagecost.ts.enabled false: TS/JS documents are left alone and no service is made', async () => {
    let calls = 0;
    fake.config.set('', { debounceMs: 0, 'ts.enabled': false });
    const { m } = manager(() => {
      calls++;
      return null;
    });
    const d = fake.open('file:///w/a.ts', 'typescript', GROW);
    const r = await m.whenAnalyzed(d.uri as Any, d.version);
    assert.equal(r.skipped, 'not analysed: pagecost.ts.enabled is off');
    assert.equal(calls, 0);
  });

  it('an analysis that fails: the reason in the result, and the next edit is analysed again', async () => {
    let fail = true;
    const service: TsAnalysisService = {
      loadMs: null,
      analyze: async (req) => {
        if (fail) throw new Error('the TS/JS analysis worker crashed: out of memory');
        return analyzeTsFile(req.text, req.file, req.options);
      },
      cancel: () => undefined,
      dispose: () => undefined,
    };
    const { m } = manager(() => service);
    const d = fake.open('file:///w/a.ts', 'typescript', GROW);
    const r1 = await m.whenAnalyzed(d.uri as Any, 1);
    assert.match(r1.skipped ?? '', /not analysed: the TS\/JS analysis worker crashed: out of memory; see the pagecost output/);
    fail = false;
    fake.edit(d, `${GROW}\n`);
    const r2 = await m.whenAnalyzed(d.uri as Any, 2);
    assert.equal(r2.skipped, null);
    assert.ok(r2.findings.length > 0);
  });
});

describe('benchmarks of TS/JS sites', () => {
  it('a wasm module\'s own realloc is not benchmarked (no harness runs its allocator); JS buffer resizes and FFI calls of C realloc are', () => {
    const [wasm] = analyzeTsFile(GROW, 'grow.ts', {}).sites;
    assert.ok(wasm);
    assert.match(jsBenchReason(wasm) ?? '', /WebAssembly module's own realloc runs inside linear memory.*figures come from the model/);
    assert.equal(jsBenchReason({ ...wasm, callee: 'realloc' }), null);
    for (const callee of ['copy-grow', 'concat-grow', 'buffer-transfer', 'buffer-resize', 'memory-grow'] as const) assert.equal(jsBenchReason({ ...wasm, callee }), null, callee);
  });
});
