// Export → import round trip of the panel's results, and files that must be refused whole.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { RunResults, ViewPoint } from '../../../src/core/panel/messages';
import { checkResultsFile, resultsCsv, resultsFile, resultsJson } from '../../../src/core/panel/results';

const point: fc.Arbitrary<ViewPoint> = fc
  .record({
    op: fc.constantFrom('mremap-move', 'memcpy-warm', 'realloc-grow', 'js-resize', 'wasm-memory-grow'),
    bytes: fc.integer({ min: 1, max: 2 ** 40 }),
    threads: fc.integer({ min: 1, max: 64 }),
    huge: fc.boolean(),
    aligned: fc.boolean(),
    a: fc.double({ min: 0, max: 1e9, noNaN: true }),
    b: fc.double({ min: 0, max: 1e9, noNaN: true }),
    c: fc.double({ min: 0, max: 1e9, noNaN: true }),
    reps: fc.integer({ min: 1, max: 100_000 }),
    modelledNs: fc.option(fc.double({ min: 0.001, max: 1e9, noNaN: true }), { nil: null }),
    note: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
    newBytes: fc.option(fc.integer({ min: 1, max: 2 ** 41 }), { nil: undefined }),
  })
  .map(({ a, b, c, note, newBytes, ...k }) => {
    const [p10Ns, medianNs, p90Ns] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
    return { ...k, p10Ns, medianNs, p90Ns, ...(note !== undefined ? { note } : {}), ...(newBytes !== undefined ? { newBytes } : {}) };
  });

const results: fc.Arbitrary<RunResults> = fc.record({
  label: fc.string({ maxLength: 100 }),
  measuredAt: fc.constant('2026-12-06T20:00:00.000Z'),
  machine: fc.constant(null),
  engine: fc.option(fc.record({ engine: fc.constant('V8'), engineVersion: fc.constant('13.6'), runtime: fc.constant('node'), runtimeVersion: fc.constant('v24.1.0') }), { nil: null }),
  modelVersion: fc.nat(10),
  points: fc.array(point, { maxLength: 40 }),
  skipped: fc.constant([]),
  failed: fc.constant([]),
  elapsedMs: fc.option(fc.nat(1e7), { nil: null }),
});

const sample = (): RunResults => ({
  label: 'quick', measuredAt: '2026-12-06T20:00:00.000Z',
  machine: { harness: 2, kernel: '6.18.0', arch: 'x86_64', cpuModel: 'AMD EPYC', cpus: 2, onlineCpus: 2, pageSize: 4096, thp: 'always [madvise] never', meltdown: 'Not affected', tlbFlushCeiling: null, glibc: '2.36', flags: ['pcid'], l1d: 49152, l2: 1048576, l3: 33554432, clockNs: 16, mmapThreshold: 131072 },
  engine: null, modelVersion: 4,
  points: [{ op: 'mremap-move', bytes: 4096, threads: 1, huge: false, aligned: false, medianNs: 9000, p10Ns: 8000, p90Ns: 12000, reps: 300, modelledNs: 8500 }],
  skipped: [{ op: 'fault-2m', bytes: 4096, threads: 1, huge: true, aligned: false, reason: 'no THP' }],
  failed: [], elapsedMs: 1234,
});

describe('panel results files', () => {
  it('what the panel exports as JSON it reads back unchanged', () => {
    fc.assert(fc.property(results, (r) => {
      const text = resultsJson(resultsFile(r, 'x86-64-vm', new Date('2026-12-06T21:00:00Z')));
      const back = checkResultsFile(text, 'results.json');
      assert.ok(back.ok, back.ok ? '' : back.error);
      assert.deepEqual(back.value.results, JSON.parse(JSON.stringify(r)));
      assert.equal(back.value.modelledWith, 'x86-64-vm');
    }), { numRuns: 200 });
  });

  it('machine facts survive the round trip too', () => {
    const r = sample();
    const back = checkResultsFile(resultsJson(resultsFile(r, 'hints', new Date())), 'a.json');
    assert.ok(back.ok);
    assert.deepEqual(back.value.results, r);
  });

  it('CSV: one row per measured, skipped and failed point, ratios from the modelled column', () => {
    const csv = resultsCsv(sample()).trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[1]!, /^mremap-move,4096,1,false,false,9000,8000,12000,300,8500,1\.0588,measured,,$/);
    assert.match(csv[2]!, /^fault-2m,.*,skipped,no THP,$/);
  });

  it('refuses damaged and hostile files whole, saying what is wrong, and never throws', () => {
    const good = JSON.parse(resultsJson(resultsFile(sample(), 'hints', new Date()))) as Record<string, unknown>;
    const withPoint = (patch: Record<string, unknown>) => {
      const f = structuredClone(good) as { results: { points: Record<string, unknown>[] } };
      Object.assign(f.results.points[0]!, patch);
      return JSON.stringify(f);
    };
    const cases: [string, RegExp][] = [
      ['not json {', /not JSON/],
      ['[]', /not an object/],
      ['{"pagecostProfile":1,"modelVersion":4}', /calibration profile; open it with "Compare machines"/],
      ['{"format":"something-else"}', /not a pagecost results file/],
      [JSON.stringify({ ...good, version: 99 }), /format version 99/],
      [withPoint({ medianNs: 'fast' }), /results\.points\[0\]\.medianNs is not a finite number/],
      [withPoint({ medianNs: 1e999 }), /not a finite number/],
      [withPoint({ p10Ns: 99999 }), /p10 ≤ median ≤ p90/],
      [withPoint({ op: '<img src=x onerror=alert(1)>' }), /not an operation name/],
      [withPoint({ note: 'x'.repeat(501) }), /longer than 500/],
      [withPoint({ bytes: -1 }), /bytes is below 0/],
      [JSON.stringify({ ...good, results: { ...(good.results as object), points: new Array(20_001).fill(0) } }), /more than 20000/],
      ['x'.repeat(8 * 1024 * 1024 + 1), /larger than 8 MiB/],
    ];
    for (const [text, why] of cases) {
      const r = checkResultsFile(text, 'evil.json');
      assert.equal(r.ok, false, text.slice(0, 60));
      assert.match((r as { error: string }).error, /^evil\.json was not opened: .*Nothing was changed\.$/s);
      assert.match((r as { error: string }).error, why);
    }
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const r = checkResultsFile(JSON.stringify({ ...good, results: v }), 'f.json');
      assert.equal(typeof r.ok, 'boolean');
    }));
  });

  it('an own "__proto__" key in a point changes nothing (fields are copied one by one)', () => {
    const text = resultsJson(resultsFile(sample(), 'hints', new Date())).replace('"op": "mremap-move"', '"__proto__": {"polluted": true}, "op": "mremap-move"');
    const r = checkResultsFile(text, 'p.json');
    assert.ok(r.ok);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(r.value.results.points[0]), Object.prototype);
    assert.equal((r.value.results.points[0] as unknown as Record<string, unknown>).polluted, undefined);
  });
});
