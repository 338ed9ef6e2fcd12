import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HARNESS_CFLAGS, harnessCacheKey, sha256Hex } from '../../../src/core/bench/cacheKey';
import { checkMeasurements } from '../../../src/core/bench/measurements';
import type { MeasuredPoint } from '../../../src/core/bench/protocol';
import { compareRuns } from '../../../src/core/bench/repeat';
import {
  BENCH_OPS, VARIANT_OPS, expectedLines, formatBytes, fullSweep, harnessArgs, parseSize, quickCalibrationSweep, quickSweep, threadLadder, validateSweep,
  type BenchOp, type Sweep,
} from '../../../src/core/bench/sweep';
import { compareRows, formatNs, renderCsv, renderTable } from '../../../src/core/bench/table';

const mp = (op: string, bytes: number, medianNs: number, extra: Partial<MeasuredPoint> = {}): MeasuredPoint => ({
  op, bytes, threads: 1, huge: false, aligned: false, medianNs, p10Ns: medianNs * 0.9, p90Ns: medianNs * 1.2, reps: 10, ...extra,
});

describe('bench sweeps', () => {
  it('parses sizes with units and pages, and refuses malformed ones', () => {
    assert.equal(parseSize('4096'), 4096);
    assert.equal(parseSize('4K'), 4096);
    assert.equal(parseSize('64KiB'), 65536);
    assert.equal(parseSize('33p'), 33 * 4096);
    assert.equal(parseSize('2M'), 2 * 1024 * 1024);
    assert.equal(parseSize('1GiB'), 1024 ** 3);
    for (const bad of ['', 'K', '4 kilo', '-4K', '1.5M', '4KB']) assert.equal(parseSize(bad), null, bad);
  });

  it('quick and full sweeps are valid, cover every op (the quick one all but the named variants), the 33/34-page ceiling and 2 MiB', () => {
    for (const s of [quickSweep(2), fullSweep(2), fullSweep(1)]) {
      assert.equal(validateSweep(s), null);
      assert.ok(s.sizes.includes(33 * 4096) && s.sizes.includes(34 * 4096) && s.sizes.includes(2 * 1024 * 1024));
      assert.ok((s.byteSizes ?? []).some((b) => b < 4096), 'a heap block below a page');
    }
    assert.deepEqual(fullSweep(2).ops, [...BENCH_OPS]);
    // realloc-grow-top below a page is the only point that pins t_libc alone.
    assert.deepEqual(quickSweep(2).ops, BENCH_OPS.filter((o) => !VARIANT_OPS.has(o) || o === 'realloc-grow-top'));
    assert.equal(quickSweep(2).extras, undefined, 'sweeps made from the quick one do not inherit the calibration\'s extra run');
    assert.ok(quickSweep(2).ops.includes('mremap-move-untouched'), 'the never-written move pins t_vma_move');
    assert.deepEqual(quickSweep(1).threads, [1]);
    assert.deepEqual(quickSweep(2).threads, [1, 2]);
    assert.deepEqual(quickSweep(8).threads, [1, 2, 4], 'two counts of other CPUs: a_ipi and b_ipi apart');
    assert.equal(Math.max(...fullSweep(2).sizes), 256 * 1024 * 1024);
  });

  it('a quick calibration adds one run of a few ops at 64 MiB and one 256 MiB munmap, counted and validated with the rest', () => {
    const q = quickSweep(2);
    const c = quickCalibrationSweep(2);
    assert.equal(c.extras?.length, 2);
    const [extra, free] = c.extras as [Sweep, Sweep];
    assert.deepEqual(extra.sizes, [64 * 1024 * 1024]);
    assert.ok(extra.ops.includes('fault-4k') && extra.ops.includes('memcpy-warm'));
    assert.deepEqual([free.ops, free.sizes, free.threads], [['munmap'], [256 * 1024 * 1024], [1]], 'freeing beyond a guest\'s batch (c_unmap_host)');
    assert.equal(expectedLines(c), expectedLines(q) + extra.ops.length + 1);
    assert.equal(validateSweep(c), null);
    assert.match(validateSweep({ ...c, extras: [{ ...extra, sizes: [5000] }] }) ?? '', /^extra run: .*multiple of 4096/);
  });

  it('climbs thread counts in powers of two up to the CPU count', () => {
    assert.deepEqual(threadLadder(1), [1]);
    assert.deepEqual(threadLadder(2), [1, 2]);
    assert.deepEqual(threadLadder(6), [1, 2, 4, 6]);
    assert.deepEqual(threadLadder(8), [1, 2, 4, 8]);
  });

  it('refuses sweeps the harness cannot run, saying why', () => {
    const s = quickSweep(2);
    assert.match(validateSweep({ ...s, sizes: [5000] }) ?? '', /multiple of 4096/);
    assert.match(validateSweep({ ...s, ops: [] }) ?? '', /no operations/);
    assert.match(validateSweep({ ...s, threads: [0] }) ?? '', /thread count 0/);
    assert.match(validateSweep({ ...s, reps: 0 }) ?? '', /reps/);
  });

  it('builds one argument per item for the harness', () => {
    const args = harnessArgs({ ...quickSweep(2), ops: ['syscall', 'munmap'], sizes: [4096, 8192], byteSizes: [], threads: [1, 2] });
    assert.deepEqual(args.slice(0, 6), ['--ops', 'syscall,munmap', '--sizes', '4096,8192', '--threads', '1,2']);
    assert.ok(args.includes('--time-budget-ms'));
  });

  it('passes byte sizes and size pairs: whole-page pairs to every op, the others to the heap and copy ops only', () => {
    const s = { ...quickSweep(2), ops: ['realloc-grow', 'mremap-grow'] as BenchOp[], sizes: [4096], byteSizes: [228], pairs: [{ from: 228, to: 457 }, { from: 4096, to: 12288 }], threads: [1] };
    const args = harnessArgs(s);
    assert.deepEqual(args.slice(0, 6), ['--ops', 'realloc-grow,mremap-grow', '--sizes', '4096,4096:12288', '--byte-sizes', '228,228:457']);
    // realloc-grow: 2 page sizes + 2 byte sizes; mremap-grow: the 2 page sizes only.
    assert.equal(expectedLines(s), 6);
    assert.equal(validateSweep(s), null);
    assert.match(validateSweep({ ...s, pairs: [{ from: 456, to: 228 }] }) ?? '', /does not grow/);
    assert.match(validateSweep({ ...s, byteSizes: [0] }) ?? '', /byte size 0/);
  });

  it('counts the lines the harness will print: syscall once, four mremap-move variants at 2 MiB multiples', () => {
    const s = { ...quickSweep(2), ops: ['syscall', 'mremap-move', 'munmap'] as const, sizes: [4096, 2 * 1024 * 1024], threads: [1, 2] };
    assert.equal(expectedLines({ ...s, ops: [...s.ops] }), (1 + (1 + 4) + 2) * 2);
  });

  it('formats sizes for tables', () => {
    assert.equal(formatBytes(4096), '4 KiB');
    assert.equal(formatBytes(33 * 4096), '132 KiB');
    assert.equal(formatBytes(256 * 1024 * 1024), '256 MiB');
    assert.equal(formatBytes(0), '—');
  });
});

describe('bench cache key', () => {
  it('computes SHA-256 like node:crypto, across block boundaries and non-ASCII text', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'µs — ü'.repeat(40)]) {
      assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'), `length ${text.length}`);
    }
  });

  it('changes with the source, the compiler path, its version text and the flags', () => {
    const base = harnessCacheKey('int main(){}', '/usr/bin/cc', 'gcc 12');
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(harnessCacheKey('int main(){}', '/usr/bin/cc', 'gcc 12'), base);
    assert.notEqual(harnessCacheKey('int main(){ }', '/usr/bin/cc', 'gcc 12'), base);
    assert.notEqual(harnessCacheKey('int main(){}', '/usr/bin/gcc', 'gcc 12'), base);
    assert.notEqual(harnessCacheKey('int main(){}', '/usr/bin/cc', 'gcc 13'), base);
    assert.notEqual(harnessCacheKey('int main(){}', '/usr/bin/cc', 'gcc 12', [...HARNESS_CFLAGS, '-g']), base);
  });

  it('cannot be fooled by moving text between fields', () => {
    assert.notEqual(harnessCacheKey('ab', 'c', 'v'), harnessCacheKey('a', 'bc', 'v'));
  });

  it('builds with the flags the harness promises to be clean under', () => {
    for (const f of ['-std=c11', '-O2', '-Wall', '-Wextra', '-pthread']) assert.ok(HARNESS_CFLAGS.includes(f), f);
    const src = readFileSync(join(__dirname, '../../../src/core/bench/harness.c'), 'utf8');
    assert.match(src, /#define _GNU_SOURCE/);
  });
});

describe('bench table', () => {
  it('divides measured by modelled, and shows — where the model has nothing or throws', () => {
    const rows = compareRows([mp('memcpy-warm', 4096, 40), mp('syscall', 0, 80), mp('munmap', 4096, 1000)], (k) => {
      if (k.op === 'syscall') return null;
      if (k.op === 'munmap') throw new Error('not modelled');
      return 20;
    });
    assert.equal(rows[0]!.ratio, 2);
    assert.equal(rows[1]!.modelledNs, null);
    assert.equal(rows[2]!.ratio, null);
    const text = renderTable(rows);
    assert.match(text, /memcpy-warm\s.*40\.0 ns \(36\.0 ns–48\.0 ns\)\s+10\s+20\.0 ns\s+2\.00×/);
    assert.match(text, /syscall .*—\s+—$/m);
  });

  it('says when repetitions were discarded because extra threads lost their CPU', () => {
    const text = renderTable(compareRows([mp('munmap', 4096, 1500, { threads: 2, discarded: 4 }), mp('munmap', 8192, 1500, { threads: 2, discarded: 1 })], null));
    assert.match(text, /note: 5 repetitions at 2 points were discarded because an extra thread lost its CPU/);
  });

  it('without a model, every modelled cell is —', () => {
    const text = renderTable(compareRows([mp('munmap', 4096, 1500)], null));
    assert.match(text, /1\.50 µs .* — +—/);
  });

  it('groups skipped points by reason and lists failures with their message', () => {
    const skip = (op: string, threads: number) => ({ op, bytes: 4096, threads, huge: false, aligned: false, reason: 'needs THP' });
    const text = renderTable([], [skip('fault-2m', 1), skip('fault-2m', 2), skip('mremap-move', 1)], [
      { op: 'munmap', bytes: 8192, threads: 1, huge: false, aligned: false, message: 'mmap failed (ENOMEM)' },
    ]);
    assert.match(text, /skipped 3 points:\n  needs THP: fault-2m, fault-2m 2T, mremap-move/);
    assert.match(text, /failed 1 point:\n  munmap 8 KiB 1T: mmap failed \(ENOMEM\)/);
  });

  it('writes CSV with skipped rows and quotes cells that need it', () => {
    const csv = renderCsv(compareRows([mp('munmap', 4096, 1500, { note: 'a, "b"' })], () => 1000), [
      { op: 'fault-2m', bytes: 4096, threads: 1, huge: true, aligned: false, reason: 'needs 2 MiB' },
    ]);
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'op,bytes,threads,huge,aligned,median_ns,p10_ns,p90_ns,reps,modelled_ns,ratio,status,reason,new_bytes');
    assert.equal(lines[1], 'munmap,4096,1,false,false,1500,1350,1800,10,1000,1.5,measured,"a, ""b""",');
    assert.equal(lines[2], 'fault-2m,4096,1,true,false,,,,,,,skipped,needs 2 MiB,');
    const grow = renderCsv(compareRows([{ ...mp('realloc-grow', 228, 40), newBytes: 457 }], null));
    assert.match(grow.trim().split('\n')[1]!, /^realloc-grow,228,.*,457$/);
  });

  it('formats durations with three significant digits', () => {
    assert.equal(formatNs(40), '40.0 ns');
    assert.equal(formatNs(3122.5), '3.12 µs');
    assert.equal(formatNs(138245), '138 µs');
    assert.equal(formatNs(1.05e6), '1.05 ms');
    assert.equal(formatNs(NaN), '—');
  });
});

describe('bench repeatability', () => {
  it('counts points within the tolerance and reports the spread', () => {
    const a = [mp('a', 4096, 100), mp('b', 4096, 100), mp('c', 4096, 100), mp('d', 4096, 100)];
    const b = [mp('a', 4096, 105), mp('b', 4096, 95), mp('c', 4096, 150), mp('e', 4096, 1)];
    const r = compareRuns(a, b, 0.1);
    assert.equal(r.compared, 3);
    assert.equal(r.agreeing, 2);
    assert.ok(Math.abs(r.fraction - 2 / 3) < 1e-12);
    assert.equal(r.worst[0]!.id.startsWith('c/'), true);
    assert.ok(Math.abs(r.maxRelDiff - 0.4) < 1e-12);
    assert.deepEqual(r.unmatched.sort(), ['d/4096/1/base/misaligned', 'e/4096/1/base/misaligned']);
  });
});

describe('bench measurements file', () => {
  it('accepts its own format and refuses others with the reason', () => {
    const ok = { format: 'pagecost-measurements', version: 1, machine: {}, points: [mp('munmap', 4096, 1)] };
    assert.ok(checkMeasurements(ok).ok);
    const v2 = checkMeasurements({ ...ok, version: 2 });
    assert.ok(!v2.ok && /version 2 is not supported/.test(v2.error));
    const badPoint = checkMeasurements({ ...ok, points: [{ op: 'x' }] });
    assert.ok(!badPoint.ok && /points\[0\]/.test(badPoint.error));
  });
});
