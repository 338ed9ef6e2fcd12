// The Node host's TS/JS analysis service (src/extension/node/tsWorkerClient.ts): a worker thread
// fed one request at a time, newest-per-document queue, crash and timeout recovery. The protocol
// is driven by a small stand-in worker first (so the behaviour does not depend on the engine's
// findings), then by the real bundles (dist/ts-worker.js requiring dist/ts-analysis.js).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerTsService } from '../../../src/extension/node/tsWorkerClient';
import { ensureBuilt, repoRoot } from '../../support/cli';

const standIn = `
const { parentPort } = require('node:worker_threads');
let first = true;
parentPort.on('message', (req) => {
  if (req.text === 'EXIT') process.exit(3);
  if (req.text === 'HANG') for (;;) {}
  if (req.text === 'FAIL') return parentPort.postMessage({ id: req.id, ok: false, message: 'engine said no' });
  setTimeout(() => {
    parentPort.postMessage({ id: req.id, ok: true, result: { sites: [], notes: [req.file + ':' + req.text] }, analysisMs: 1, ...(first ? { loadMs: 5 } : {}) });
    first = false;
  }, 30);
});
`;

const req = (key: string, text: string) => ({ key, text, file: key, options: {} });

describe('TS/JS analysis worker service', function () {
  this.timeout(60_000);
  let dir: string;
  let script: string;
  const services: WorkerTsService[] = [];
  const service = (timeoutMs = 10_000) => {
    const s = new WorkerTsService(script, timeoutMs);
    services.push(s);
    return s;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pagecost-tsworker-'));
    script = join(dir, 'worker.cjs');
    writeFileSync(script, standIn);
  });
  after(() => {
    for (const s of services) s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts no worker until asked, then answers and reports the load time', async () => {
    const s = service();
    assert.equal(s.started, 0);
    assert.equal(s.loadMs, null);
    const r = await s.analyze(req('a.ts', 'one'));
    assert.deepEqual(r?.notes, ['a.ts:one']);
    assert.equal(s.started, 1);
    assert.equal(s.loadMs, 5);
  });

  it('keeps only the newest waiting request per document; other documents keep their place', async () => {
    const s = service();
    const first = s.analyze(req('a.ts', 'v1')); // sent at once
    const stale = s.analyze(req('a.ts', 'v2')); // waits, then replaced by v3
    const other = s.analyze(req('b.ts', 'w1'));
    const newest = s.analyze(req('a.ts', 'v3'));
    assert.deepEqual((await first)?.notes, ['a.ts:v1']);
    assert.equal(await stale, null);
    assert.deepEqual((await other)?.notes, ['b.ts:w1']);
    assert.deepEqual((await newest)?.notes, ['a.ts:v3']);
  });

  it('cancel drops a closed document\'s waiting request', async () => {
    const s = service();
    const busy = s.analyze(req('a.ts', 'x'));
    const waiting = s.analyze(req('b.ts', 'y'));
    s.cancel('b.ts');
    assert.equal(await waiting, null);
    assert.ok(await busy);
  });

  it('an error from the analysis rejects that request only', async () => {
    const s = service();
    await assert.rejects(s.analyze(req('a.ts', 'FAIL')), /engine said no/);
    assert.deepEqual((await s.analyze(req('a.ts', 'ok')))?.notes, ['a.ts:ok']);
    assert.equal(s.started, 1);
  });

  it('a worker that dies fails its request with the reason; the next request gets a new worker', async () => {
    const s = service();
    await assert.rejects(s.analyze(req('a.ts', 'EXIT')), /worker exited \(code 3\)/);
    assert.deepEqual((await s.analyze(req('a.ts', 'after')))?.notes, ['a.ts:after']);
    assert.equal(s.started, 2);
  });

  it('a request over the time limit ends the worker and says which file; the queue goes on', async () => {
    // 1 s, not less: the next request's fresh worker must start and answer within the limit on a busy machine too.
    const s = service(1000);
    const hung = s.analyze(req('big.ts', 'HANG'));
    const next = s.analyze(req('b.ts', 'fine'));
    await assert.rejects(hung, /TS\/JS analysis of big\.ts took longer than 1.0 s and was stopped/);
    assert.deepEqual((await next)?.notes, ['b.ts:fine']);
    assert.equal(s.started, 2);
  });

  it('after dispose, requests resolve null and start nothing', async () => {
    const s = service();
    s.dispose();
    assert.equal(await s.analyze(req('a.ts', 'x')), null);
    assert.equal(s.started, 0);
  });

  it('the real bundles: dist/ts-worker.js loads dist/ts-analysis.js and finds a wasm realloc', async () => {
    ensureBuilt();
    const s = new WorkerTsService(join(repoRoot, 'dist', 'ts-worker.js'), 30_000);
    services.push(s);
    const text = 'export function grow(wasm: any, ptr: number, len: number): number {\n  return wasm.__wbindgen_realloc(ptr, len, len + 1024, 1);\n}\n';
    const r = await s.analyze({ key: 'file:///w/grow.ts', text, file: 'file:///w/grow.ts', options: {} });
    assert.ok(r);
    assert.ok(r.sites.some((x) => x.callee === 'wasm-realloc' && x.language === 'ts' && x.nameRange.start.line === 2), JSON.stringify(r.sites.map((x) => [x.callee, x.nameRange.start])));
    assert.ok(s.loadMs !== null && s.loadMs > 0);
  });
});
