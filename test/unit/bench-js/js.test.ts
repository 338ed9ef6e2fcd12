// The JS/TS harness: its output parser (fuzzed), and the real harness run by this Node as a child
// process in its own process group, with the engine recorded and Cancel stopping it.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { nodeBenchHost } from '../../../src/cli/benchHost';
import { builtinProfile } from '../../../src/core/model';
import { JS_BENCH_OPS, jsModelPoint, jsOpsFor, parseJsOps, quickJsSweep, validateJsSweep, type JsSweep } from '../../../src/core/bench/js/ops';
import { engineOf, jsLineParser, type JsEngine } from '../../../src/core/bench/js/protocol';
import { runJsBenchmark } from '../../../src/core/bench/js/runner';
import { fitJs } from '../../../src/core/bench/js/fit';
import { BenchError } from '../../../src/core/bench/runner';
import type { CallSite } from '../../../src/core/types';

const HELLO = '{"type":"hello","harness":2,"js_harness":1,"kernel":"6.18.44","arch":"x86_64","cpu_model":"AMD EPYC","cpus":2,"online_cpus":2,"page_size":4096,"thp":"always [madvise] never","meltdown":"Not affected","tlb_flush_ceiling":null,"glibc":"2.36","flags":["pcid"],"l1d":49152,"l2":1048576,"l3":33554432,"clock_ns":60,"mmap_threshold":0,"engine":"V8","engine_version":"13.6.233.17-node.53","runtime":"node","runtime_version":"v24.21.0"}';
const POINT = '{"type":"point","op":"js-resize","bytes":65536,"threads":1,"huge":false,"aligned":false,"median":26049,"p10":25000,"p90":30000,"reps":100}';

describe('JS harness output', () => {
  it('reads the engine from the hello line and points like the C harness\'s', () => {
    let engine: JsEngine | null = null;
    const parse = jsLineParser((e) => (engine = e));
    const h = parse(HELLO, 1);
    assert.ok(h.ok && h.event.kind === 'hello' && h.event.facts.cpus === 2);
    assert.deepEqual(engine, { engine: 'V8', engineVersion: '13.6.233.17-node.53', runtime: 'node', runtimeVersion: 'v24.21.0' });
    const p = parse(POINT, 2);
    assert.ok(p.ok && p.event.kind === 'point' && p.event.point.op === 'js-resize' && p.event.point.medianNs === 26049);
  });

  it('refuses a hello without an engine or of another JS protocol, naming the line', () => {
    const parse = jsLineParser(() => assert.fail('no engine expected'));
    const noEngine = parse(HELLO.replace(/,"engine":"V8"/, ''), 1);
    assert.ok(!noEngine.ok && /line 1 \(hello\): the hello line does not name the engine/.test(noEngine.error));
    const v2 = parse(HELLO.replace('"js_harness":1', '"js_harness":2'), 1);
    assert.ok(!v2.ok && /JS harness protocol 2, expected 1/.test(v2.error));
    assert.equal(typeof engineOf({ js_harness: 1, engine: 'V8\u0000', engine_version: '1', runtime: 'node', runtime_version: 'v1' }), 'string');
  });

  it('never throws on any line', () => {
    const parse = jsLineParser(() => undefined);
    fc.assert(fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.jsonValue().map((v) => JSON.stringify({ type: 'hello', js_harness: 1, v }))), (line) => {
      const r = parse(line, 7);
      assert.equal(typeof r.ok, 'boolean');
    }), { numRuns: 1000 });
  });

  it('the model prices every op at a size; sweeps and op names are checked', () => {
    const p = builtinProfile('x86-64');
    for (const op of JS_BENCH_OPS) {
      const v = jsModelPoint(p, p.params, { op, bytes: 1 << 20, threads: 1, huge: false, aligned: false });
      assert.ok(v !== null && v > 0, op);
    }
    assert.equal(jsModelPoint(p, p.params, { op: 'memcpy-warm', bytes: 4096, threads: 1, huge: false, aligned: false }), null);
    assert.equal(validateJsSweep(quickJsSweep()), null);
    assert.match(validateJsSweep({ ...quickJsSweep(), sizes: [0] }) ?? '', /size 0/);
    assert.deepEqual(parseJsOps('js-resize, wasm-memory-grow'), { ops: ['js-resize', 'wasm-memory-grow'] });
    assert.match((parseJsOps('js-resize,rm') as { error: string }).error, /unknown JS operation "rm"/);
    assert.deepEqual(jsOpsFor({ callee: 'buffer-transfer' } as CallSite), ['js-transfer', 'js-transfer-same', 'js-copy-grow', 'js-resize']);
    assert.equal(jsOpsFor({ callee: 'wasm-realloc' } as CallSite), null);
  });
});

describe('JS harness on this machine (integration)', function () {
  this.timeout(60_000);
  let dir: string;
  let harness: string;
  const host = nodeBenchHost();
  const runtime = { execPath: process.execPath };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pagecost-js-harness-'));
    harness = join(dir, 'js-harness.js');
    await esbuild.build({ entryPoints: [join(__dirname, '../../../src/core/bench/js/harness.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: harness, logLevel: 'warning' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const tiny: JsSweep = { ops: [...JS_BENCH_OPS], sizes: [4096, 65536], reps: 20, minReps: 3, timeBudgetMs: 50, timeLimitMs: 30_000 };

  it('measures every op (or says why it cannot on this engine) and names the engine', async () => {
    const events: string[] = [];
    const r = await runJsBenchmark(host, { sweep: tiny, runtime, harnessPath: harness, onEvent: (e) => events.push(e.kind) });
    assert.equal(r.engine.engine, 'V8');
    assert.equal(r.engine.runtimeVersion, process.version);
    assert.equal(r.engine.engineVersion, process.versions.v8);
    assert.equal(r.output.points.length + r.output.skipped.length + r.output.failed.length, tiny.ops.length * tiny.sizes.length);
    assert.equal(r.output.failed.length, 0, JSON.stringify(r.output.failed));
    // Memory.grow needs 64 KiB pages: 4 KiB is skipped with the reason; transfer() is a finding per engine.
    assert.ok(r.output.skipped.some((s) => s.op === 'wasm-memory-grow' && s.bytes === 4096 && /64 KiB/.test(s.reason)));
    const hasTransfer = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';
    assert.equal(r.output.points.some((p) => p.op === 'js-transfer'), hasTransfer);
    for (const p of r.output.points) assert.ok(p.p10Ns <= p.medianNs && p.medianNs <= p.p90Ns && p.reps >= 3, JSON.stringify(p));
    assert.deepEqual(events.slice(0, 1), ['hello']);
    assert.equal(events.at(-1), 'end');
  });

  it('cancel stops it (the process group), with the points so far', async () => {
    const controller = new AbortController();
    let seen = 0;
    const slow: JsSweep = { ...tiny, sizes: [1 << 20, 4 << 20, 16 << 20, 32 << 20], reps: 100000, minReps: 100000, timeBudgetMs: 60_000 };
    await assert.rejects(
      runJsBenchmark(host, { sweep: slow, runtime, harnessPath: harness, signal: controller.signal, graceMs: 1000, onEvent: (e) => { if (e.kind === 'hello' && ++seen === 1) setTimeout(() => controller.abort(), 300); } }),
      (e: unknown) => e instanceof BenchError && e.kind === 'cancelled',
    );
  });

  it('a missing harness file is a clear error', async () => {
    await assert.rejects(runJsBenchmark(host, { sweep: tiny, runtime, harnessPath: join(dir, 'nope.js') }), /JS benchmark harness is missing/);
    assert.ok(existsSync(harness));
  });
});

describe('JS calibration (the TS/JS model\'s own parameters)', () => {
  const base = builtinProfile('x86-64-vm');
  const key = (op: string, bytes: number) => ({ op, bytes, threads: 1, huge: false, aligned: false });
  const synth = (params: typeof base.params, noise: (i: number) => number) =>
    JS_BENCH_OPS.flatMap((op) => [4096, 65536, 1 << 20, 16 << 20].map((b, i) => {
      const m = jsModelPoint(base, params, key(op, b))! * noise(i);
      return { ...key(op, b), medianNs: m, p10Ns: m * 0.9, p90Ns: m * 1.1, reps: 50 };
    }));

  it('defaults change nothing: t_js_buffer 0 adds no term, f_js_transfer_move 0 prices a copy', () => {
    assert.equal(base.params.t_js_buffer, 0);
    assert.equal(base.params.f_js_transfer_move, 0);
    const a = jsModelPoint(base, base.params, key('js-transfer', 1 << 20))!;
    const moved = jsModelPoint(base, { ...base.params, f_js_transfer_move: 1 }, key('js-transfer', 1 << 20))!;
    assert.ok(moved < a / 2, `a realloc of 1 MiB (${moved}) is far cheaper than a copy (${a})`);
    assert.equal(jsModelPoint(base, { ...base.params, t_js_buffer: 500 }, key('js-resize', 65536))! - jsModelPoint(base, base.params, key('js-resize', 65536))!, 500);
  });

  it('recovers the transfer share and the engine\'s fixed work from points made with them, within 10% noise', () => {
    const truth = { ...base.params, f_js_transfer_move: 0.8, t_js_buffer: 700 };
    const fit = fitJs(base, synth(truth, (i) => [1.08, 0.93, 1.05, 0.97][i]!), null)!;
    assert.ok(Math.abs(fit.params.f_js_transfer_move - 0.8) <= 0.1, JSON.stringify(fit.params));
    assert.ok(fit.params.t_js_buffer >= 400 && fit.params.t_js_buffer <= 1100, JSON.stringify(fit.params));
    assert.ok(fit.after < fit.before && fit.after < 1.1, `${fit.before} → ${fit.after}`);
    assert.match(fit.transfer, /this engine: transfer\(\) behaves like 80% realloc, 20% copy/);
  });

  it('an engine without transfer(): the share stays 0 and the sentence says so; no JS point, no fit', () => {
    const pts = synth(base.params, () => 1).filter((p) => !p.op.startsWith('js-transfer'));
    const fit = fitJs(base, pts, { engine: 'V8', engineVersion: '11.3', runtime: 'node', runtimeVersion: 'v20.20.2' })!;
    assert.equal(fit.params.f_js_transfer_move, 0);
    assert.match(fit.transfer, /V8 11\.3 has no ArrayBuffer\.prototype\.transfer/);
    assert.equal(fitJs(base, [{ ...key('memcpy-warm', 4096), medianNs: 1, p10Ns: 1, p90Ns: 1, reps: 1 }]), null);
  });
});
