// The record's pure parts: histograms, the symbolizers' outputs, attribution rules, the record
// file's parser, and the completion of a monomorphic caller's first stack.
import { strict as assert } from 'node:assert';
import { attribute, fileResolver, type ScannedSite } from '../../../src/core/record/attribute';
import { bucketOf, fromPairs, log2Pairs, quantile, representatives } from '../../../src/core/record/histogram';
import { emptyStats, type MergedRun, type MergedStats } from '../../../src/core/record/merge';
import { completeFirstStacks, type RawSlot } from '../../../src/core/record/rawFormat';
import { parseRunFile, RUN_FILE_KIND } from '../../../src/core/record/runFile';
import { addressKey, parseAddr2line, parseLlvmJson, sourceFunctionName, type SymbolizeResult } from '../../../src/core/record/symbolize';

function hist(values: number[]): number[] {
  const h = new Array<number>(65).fill(0);
  for (const v of values) h[bucketOf(v)]!++;
  return h;
}

describe('record: histograms', () => {
  it('buckets: 0 alone, then powers of two', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 4095, 4096, 4097].map(bucketOf), [0, 1, 2, 2, 3, 12, 13, 13]);
  });
  it('a site with one size reports it exactly', () => {
    const h = hist(Array(100).fill(4096));
    assert.equal(quantile(h, 0.5, 4096, 4096), 4096);
    assert.equal(quantile(h, 0.9, 4096, 4096), 4096);
  });
  it('quantiles fall in the right bucket and within the extremes', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) * 16);
    const h = hist(values);
    const p50 = quantile(h, 0.5, 16, 16000)!;
    assert.ok(p50 >= 4096 && p50 < 16384, String(p50));
    assert.equal(bucketOf(quantile(h, 0.99, 16, 16000)!), bucketOf(15840));
    assert.equal(quantile(new Array(65).fill(0), 0.5), null);
  });
  it('pairs round-trip, and junk pairs are dropped', () => {
    const h = hist([0, 5, 5, 100, 5000]);
    assert.deepEqual(log2Pairs(h), [[0, 1], [4, 2], [64, 1], [4096, 1]]);
    assert.deepEqual(fromPairs(log2Pairs(h)), h);
    assert.deepEqual(fromPairs([[3, 1], [-1, 2], [8, -1]]).every((c) => c === 0), true);
  });
  it('representatives stay within the extremes', () => {
    assert.deepEqual(representatives(hist([4096, 4096]), 4096, 4096), [{ value: 4096, calls: 2 }]);
    const r = representatives(hist([100, 200]), 100, 200);
    assert.ok(r.every((x) => x.value >= 100 && x.value <= 200));
  });
});

describe('record: symbolizer outputs', () => {
  it('llvm-symbolizer JSON with inlined frames, errors and unknowns', () => {
    const out = [
      '{"Address":"0x10a7","ModuleName":"inl","Symbol":[{"Column":54,"FileName":"/s/inl.c","FunctionName":"xr","Line":2},{"Column":68,"FileName":"/s/inl.c","FunctionName":"main","Line":3}]}',
      '{"Address":"0x10","Error":{"Message":"No such file or directory"},"ModuleName":"/x"}',
      '{"Address":"0x20","ModuleName":"m","Symbol":[{"Column":0,"FileName":"","FunctionName":"??","Line":0}]}',
    ].join('\n');
    const m = parseLlvmJson(out, [0x10a7, 0x10, 0x20]);
    assert.deepEqual(m.get(0x10a7)!.frames, [
      { function: 'xr', file: '/s/inl.c', line: 2, column: 54 },
      { function: 'main', file: '/s/inl.c', line: 3, column: 68 },
    ]);
    assert.equal(m.get(0x10)!.problem, 'No such file or directory');
    assert.deepEqual(m.get(0x20)!.frames, [{ function: null, file: null, line: null, column: null }]);
  });
  it('addr2line -a -f -i: blocks per address, inlined pairs, discriminators, unknowns', () => {
    const out = ['0x00000000000010a7', 'xr', '/s/inl.c:2 (discriminator 3)', 'main', '/s/inl.c:3', '0x0000000000000001', '??', '??:0', '0x0000000000000fff', 'f.constprop.0', '/s/f.c:?', ''].join('\n');
    const m = parseAddr2line(out, [0x10a7, 1, 0xfff]);
    assert.deepEqual(m.get(0x10a7)!.frames.map((f) => `${f.function}@${f.line}`), ['xr@2', 'main@3']);
    assert.deepEqual(m.get(1)!.frames, [{ function: null, file: null, line: null, column: null }]);
    assert.deepEqual(m.get(0xfff)!.frames, [{ function: 'f', file: '/s/f.c', line: null, column: null }]);
  });
  it('GCC clone suffixes are the source function', () => {
    assert.equal(sourceFunctionName('xrealloc.part.0'), 'xrealloc');
    assert.equal(sourceFunctionName('grow.constprop.1.isra.0'), 'grow');
    assert.equal(sourceFunctionName('??'), null);
  });
});

// A small world: a program /bin/p with a wrapper xrealloc (util.c:10) called from two lines.
const root = '/src/proj';
const sites: ScannedSite[] = [
  { file: 'util.c', line: 10, column: 12, endColumn: 30, callee: 'realloc', kind: 'direct-call', via: [], name: 'realloc', function: 'xrealloc' },
  { file: 'main.c', line: 20, column: 7, endColumn: 30, callee: 'realloc', kind: 'wrapper-call', via: ['xrealloc'], name: 'xrealloc', function: 'main' },
  { file: 'main.c', line: 30, column: 7, endColumn: 30, callee: 'realloc', kind: 'wrapper-call', via: ['xrealloc'], name: 'xrealloc', function: 'main' },
  { file: 'two.c', line: 5, column: 5, endColumn: 20, callee: 'realloc', kind: 'direct-call', via: [], name: 'realloc', function: 'f' },
  { file: 'two.c', line: 5, column: 30, endColumn: 50, callee: 'realloc', kind: 'direct-call', via: [], name: 'realloc', function: 'f' },
];
const scanned = new Set(['util.c', 'main.c', 'two.c']);

function stats(calls: number, extra: Partial<MergedStats> = {}): MergedStats {
  const s = emptyStats();
  s.calls = calls;
  s.newHist[bucketOf(100)] = calls;
  s.oldHist[bucketOf(50)] = calls;
  s.newMin = 100;
  s.newMax = 100;
  s.oldMin = 50;
  s.oldMax = 50;
  s.nsTotal = calls * 10;
  return { ...s, ...extra };
}

function symbols(entries: [number, { function: string | null; file: string | null; line: number | null; column?: number | null }[]][], module = '/bin/p'): SymbolizeResult {
  return {
    tool: 'llvm-symbolizer',
    processes: 1,
    moduleProblems: new Map([['/gone/lib.so', '/gone/lib.so no longer exists']]),
    byAddress: new Map(entries.map(([a, frames]) => [addressKey({ module, address: a }), { frames: frames.map((f) => ({ column: null, ...f })) }])),
  };
}

function runOf(callers: MergedRun['callers']): MergedRun {
  return {
    callers, processes: [], clock: 'tsc', ticksPerNs: 2.6, frames: 5, verifyOneIn: 1024, glibcMalloc: true,
    counters: { overflow: 0, stackOverflow: 0, bootstrapCalls: 0, internalCalls: 0, unwindFull: 0, unwindVerified: 0, unwindMismatch: 0, pcTableFull: 0, stacksTaken: 0, timingDiscarded: 0 },
  };
}

const at = (address: number, module = '/bin/p') => ({ module, address });

describe('record: attribution', () => {
  const sym = symbols([
    [100, [{ function: 'xrealloc', file: '/src/proj/util.c', line: 10 }]],
    [200, [{ function: 'main', file: '/src/proj/main.c', line: 20 }]],
    [300, [{ function: 'main', file: '/src/proj/main.c', line: 30 }]],
    [400, [{ function: 'f', file: '/build/elsewhere/two.c', line: 5, column: 31 }]],
    [500, [{ function: 'g', file: '/usr/include/x.h', line: 9 }]],
    [600, [{ function: 'stripped', file: null, line: null }]],
    [700, [{ function: 'main', file: '/src/proj/main.c', line: 99 }]],
  ]);
  const line = (run: ReturnType<typeof attribute>, file: string, l: number) => run.sites.find((s) => s.file === file && s.line === l);

  it('a wrapper reached from two lines: each line gets its own stacks\' calls, exactly', () => {
    const caller = { ...stats(30), callee: 'realloc' as const, frame: at(100), mode: 'poly' as const, stacks: [
      { ...stats(10), frames: [at(100), at(200)] },
      { ...stats(20), frames: [at(100), at(300)] },
    ] };
    const r = attribute({ run: runOf([caller]), symbols: sym, sites, root, scannedFiles: scanned, lineText: () => 'text' });
    assert.equal(line(r, 'main.c', 20)!.calls, 10);
    assert.equal(line(r, 'main.c', 30)!.calls, 20);
    assert.equal(line(r, 'util.c', 10), undefined, 'nothing stays in the wrapper');
    assert.equal(line(r, 'main.c', 20)!.sampled, false);
    assert.deepEqual(line(r, 'main.c', 20)!.via, ['xrealloc']);
  });

  it('with the caller of the wrapper unknown, the calls stay on the wrapper\'s own site', () => {
    const caller = { ...stats(7), callee: 'realloc' as const, frame: at(100), mode: 'mono' as const, stacks: [{ ...stats(7), frames: [at(100), at(600)] }] };
    const r = attribute({ run: runOf([caller]), symbols: sym, sites, root, scannedFiles: scanned, lineText: () => '' });
    assert.equal(line(r, 'util.c', 10)!.calls, 7);
  });

  it('built in another folder: files are matched by their path\'s end, and columns split one line', () => {
    const caller = { ...stats(4), callee: 'realloc' as const, frame: at(400), mode: 'mono' as const, stacks: [] };
    const r = attribute({ run: runOf([caller]), symbols: sym, sites, root, scannedFiles: scanned, lineText: () => '' });
    assert.equal(r.sites.length, 1);
    assert.equal(r.sites[0]!.column, 30);
  });

  it('without a column, two sites on one line are not guessed between', () => {
    const noColumn = symbols([[400, [{ function: 'f', file: '/src/proj/two.c', line: 5 }]]]);
    const caller = { ...stats(4), callee: 'realloc' as const, frame: at(400), mode: 'mono' as const, stacks: [] };
    const r = attribute({ run: runOf([caller]), symbols: noColumn, sites, root, scannedFiles: scanned, lineText: () => '' });
    assert.equal(r.sites.length, 0);
    assert.match(r.unattributed.reasons[0]!.reason, /several call sites on one line and no column/);
  });

  it('every reason a call cannot be placed, with the fix', () => {
    const mk = (address: number, module = '/bin/p', calls = 1) => ({ ...stats(calls), callee: 'realloc' as const, frame: at(address, module), mode: 'mono' as const, stacks: [] });
    const r = attribute({
      run: runOf([mk(500, '/bin/p', 2), mk(600, '/bin/p', 3), mk(700, '/bin/p', 4), mk(1, '/gone/lib.so', 5), { ...mk(0), frame: null, calls: 6 }, mk(9, '/usr/lib/libz.so', 7)]),
      symbols: sym, sites, root, scannedFiles: scanned, lineText: () => '',
    });
    const reasons = new Map(r.unattributed.reasons.map((x) => [x.calls, x.reason]));
    assert.match(reasons.get(2)!, /called from p, outside the scanned tree/);
    assert.match(reasons.get(3)!, /no debug info in p: build it with -g/);
    assert.match(reasons.get(4)!, /no call site the scan knows on this line/);
    assert.match(reasons.get(5)!, /\/gone\/lib\.so no longer exists/);
    assert.match(reasons.get(6)!, /in no loaded module/);
    assert.match(reasons.get(7)!, /no symbols or debug info in libz\.so: build it with -g/);
    assert.equal(r.unattributed.calls, 2 + 3 + 4 + 5 + 6 + 7);
  });

  it('reached through a library function the scan does not know: not put on another call of that line', () => {
    const lib = symbols([
      [100, [{ function: 'getline', file: '/usr/src/libc/getline.c', line: 40 }]],
      [200, [{ function: 'main', file: '/src/proj/main.c', line: 20 }]],
    ]);
    const caller = { ...stats(3), callee: 'realloc' as const, frame: at(100), mode: 'mono' as const, stacks: [{ ...stats(3), frames: [at(100), at(200)] }] };
    const r = attribute({ run: runOf([caller]), symbols: lib, sites, root, scannedFiles: scanned, lineText: () => '' });
    assert.equal(r.sites.length, 0);
    assert.match(r.unattributed.reasons[0]!.reason, /through a function outside the scanned tree that the scan does not know as a wrapper/);
  });

  it('inside another library (libc\'s setlocale): that library\'s own resizing, with the call that led there', () => {
    const two: SymbolizeResult = {
      tool: 'llvm-symbolizer', processes: 2, moduleProblems: new Map(),
      byAddress: new Map([
        [addressKey({ module: '/lib/libc.so.6', address: 7 }), { frames: [{ function: 'setlocale', file: '/build/glibc/locale/setlocale.c', line: 414, column: null }] }],
        [addressKey({ module: '/bin/p', address: 200 }), { frames: [{ function: 'main', file: '/src/proj/main.c', line: 20, column: null }] }],
      ]),
    };
    const caller = { ...stats(3), callee: 'realloc' as const, frame: at(7, '/lib/libc.so.6'), mode: 'mono' as const, stacks: [{ ...stats(3), frames: [at(7, '/lib/libc.so.6'), at(200)] }] };
    const r = attribute({ run: runOf([caller]), symbols: two, sites, root, scannedFiles: scanned, lineText: () => '' });
    assert.match(r.unattributed.reasons[0]!.reason, /^inside libc\.so\.6: that library's own resizing, called from your code/);
    assert.deepEqual(r.unattributed.reasons[0]!.places, [{ where: 'setlocale (libc.so.6) ← main (main.c:20)', calls: 3 }]);
  });

  it('the path resolver: under the root, by suffix, never between two equal suffixes', () => {
    const resolve = fileResolver('/r', new Set(['a/x.c', 'b/x.c', 'y.c']));
    assert.equal(resolve('/r/a/x.c'), 'a/x.c');
    assert.equal(resolve('/r/./a/../a/x.c'), 'a/x.c');
    assert.equal(resolve('/elsewhere/b/x.c'), 'b/x.c');
    assert.equal(resolve('/elsewhere/x.c'), null);
    assert.equal(resolve('/other/y.c'), 'y.c');
  });
});

describe('record: the first stack of a monomorphic caller', () => {
  const slot = (index: number, pcs: number[], calls: number, firstB: number | null = null): RawSlot => ({
    index, pcs, callee: 'realloc', mode: 'poly', firstB, calls, moved: 0, mmapped: 0, fromNull: 0, toZero: 0, failed: 0, shrink: 0, fits: 0,
    constantStep: 0, geometric: 0, otherGrowth: 0, timed: 0, ticksWeighted: calls * 100, threadsMax: 1, oldMin: 8, oldMax: 64, newMin: 16, newMax: 128,
    oldHist: hist(Array(calls).fill(8)), newHist: hist(Array(calls).fill(16)), ticksHist: new Array(64).fill(0),
  });
  it('gets the caller\'s calls minus the other stacks\'', () => {
    const a = slot(3, [0x1000], 1000, 4100);
    const first = slot(4100, [0x1000, 0x2000], 16);
    const other = slot(4101, [0x1000, 0x3000], 300);
    const stacks = [first, other];
    completeFirstStacks([a], stacks);
    assert.equal(first.calls, 700);
    assert.equal(first.newHist[bucketOf(16)], 700);
    assert.equal(first.ticksWeighted, 1000 * 100 - 300 * 100);
    assert.equal(other.calls, 300, 'the others are untouched');
  });
});

describe('record: the record file parser', () => {
  const good = {
    kind: RUN_FILE_KIND, version: 1, sites: [{
      file: 'a.c', line: 3, column: 5, callee: 'realloc', calls: 10, text: 'p = realloc(p, n);',
      oldBytes: { min: 0, p50: 8, p90: 16, max: 32, log2Histogram: [[8, 10]] },
      newBytes: { min: 8, p50: 16, p90: 32, max: 64, log2Histogram: [[16, 10]] }, ns: { total: 100 },
    }],
  };
  it('reads a good file', () => {
    const p = parseRunFile(JSON.stringify(good), 'r.json');
    assert.deepEqual(p.problems, []);
    assert.equal(p.run!.sites[0]!.calls, 10);
    assert.equal(p.run!.sites[0]!.mmapped, null);
  });
  it('not JSON, not a record, too new: a message that says what to do', () => {
    assert.match(parseRunFile('{', 'r.json').problems[0]!, /r\.json: not valid JSON/);
    assert.match(parseRunFile('{"findings":[]}', 'r.json').problems[0]!, /not a pagecost run record .*pagecost record --out r\.json/);
    assert.match(parseRunFile(JSON.stringify({ ...good, version: 99 }), 'r.json').problems[0]!, /version 99 is newer than this pagecost reads/);
  });
  it('bad sites are dropped one by one, each with its problem; the rest stays', () => {
    const bad = { ...good, sites: [...good.sites, { ...good.sites[0], file: '/etc/passwd' }, { ...good.sites[0], file: '../up.c' }, { ...good.sites[0], callee: 'free' }, { ...good.sites[0], calls: -1 }, 'x'] };
    const p = parseRunFile(JSON.stringify(bad), 'r.json');
    assert.equal(p.run!.sites.length, 1);
    assert.equal(p.problems.length, 5);
    assert.match(p.problems.join('\n'), /sites\[1\]: "file" must be a path relative to the root/);
    assert.match(p.problems.join('\n'), /sites\[3\]: "callee" must be one of realloc, reallocarray, reallocf, mremap/);
  });
});
