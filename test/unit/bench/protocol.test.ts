import { strict as assert } from 'node:assert';
import { LineSplitter, parseLine, parseOutput, pointId } from '../../../src/core/bench/protocol';
import { END, HELLO, point, skipped } from './fixtures';

describe('bench protocol: parseLine', () => {
  it('reads a measured point, converting field names and keeping the note', () => {
    const r = parseLine(point('mremap-move', 4096, { median: 3000, p10: 2800, p90: 5000, note: 'x' }), 2);
    assert.ok(r.ok);
    assert.equal(r.event.kind, 'point');
    if (r.event.kind !== 'point') return;
    assert.deepEqual(r.event.point, {
      op: 'mremap-move', bytes: 4096, threads: 1, huge: false, aligned: false,
      medianNs: 3000, p10Ns: 2800, p90Ns: 5000, reps: 20, note: 'x',
    });
  });

  it('keeps the count of discarded repetitions, and refuses a malformed one', () => {
    const line = point('munmap', 4096).replace(/}$/, ',"discarded":3}');
    const r = parseLine(line, 1);
    assert.ok(r.ok && r.event.kind === 'point' && r.event.point.discarded === 3);
    assert.ok(!parseLine(point('munmap', 4096).replace(/}$/, ',"discarded":-1}'), 1).ok);
  });

  it('reads the hello line into machine facts', () => {
    const r = parseLine(HELLO, 1);
    assert.ok(r.ok);
    if (!r.ok || r.event.kind !== 'hello') throw new Error('not hello');
    assert.equal(r.event.facts.cpus, 2);
    assert.equal(r.event.facts.tlbFlushCeiling, null);
    assert.deepEqual(r.event.facts.flags, ['pcid', 'hypervisor']);
  });

  it('reads skipped points with their reason, and the end line', () => {
    const s = parseLine(skipped('fault-2m', 4096, 'huge pages need a multiple of 2 MiB'), 3);
    assert.ok(s.ok && s.event.kind === 'skipped' && s.event.point.reason === 'huge pages need a multiple of 2 MiB');
    const e = parseLine(END, 4);
    assert.ok(e.ok && e.event.kind === 'end' && e.event.points === 1 && e.event.interrupted === false);
  });

  it('names the line and quotes text that is not JSON', () => {
    const r = parseLine('Segmentation fault', 7);
    assert.ok(!r.ok);
    assert.match(r.error, /^line 7 is not JSON: "Segmentation fault"$/);
  });

  it('rejects JSON that is not an object, and unknown types', () => {
    const arr = parseLine('[1,2]', 1);
    assert.ok(!arr.ok && /not an object/.test(arr.error));
    const num = parseLine('42', 1);
    assert.ok(!num.ok && /not an object/.test(num.error));
    const unknown = parseLine('{"type":"progress"}', 5);
    assert.ok(!unknown.ok && /line 5 has an unknown "type"/.test(unknown.error));
  });

  it('lists every missing or mistyped field of a point', () => {
    const r = parseLine('{"type":"point","op":"munmap","bytes":"4096","threads":1,"huge":false,"aligned":false,"p10":1,"p90":2,"reps":3}', 9);
    assert.ok(!r.ok);
    assert.match(r.error, /line 9 \(point\)/);
    assert.match(r.error, /"bytes" is not a finite number/);
    assert.match(r.error, /"median" is not a finite number/);
  });

  it('rejects negative sizes, fractional reps and out-of-order quantiles', () => {
    assert.ok(!parseLine(point('munmap', -4096), 1).ok);
    assert.ok(!parseLine(point('munmap', 4096, { reps: 2.5 }), 1).ok);
    const r = parseLine(point('munmap', 4096, { median: 10, p10: 20, p90: 30 }), 1);
    assert.ok(!r.ok && /p10 ≤ median ≤ p90/.test(r.error));
  });

  it('refuses a hello from another protocol version', () => {
    const r = parseLine(HELLO.replace('"harness":2', '"harness":1'), 1);
    assert.ok(!r.ok && /protocol 1, expected 2/.test(r.error));
  });

  it('shortens long garbage in messages', () => {
    const r = parseLine('x'.repeat(500), 1);
    assert.ok(!r.ok && r.error.length < 150 && r.error.includes('…'));
  });
});

describe('bench protocol: LineSplitter', () => {
  it('joins lines split across chunks and keeps the unfinished tail', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('{"a":'), []);
    assert.deepEqual(s.push('1}\n{"b"'), ['{"a":1}']);
    assert.deepEqual(s.push(':2}\r\n'), ['{"b":2}']);
    assert.equal(s.end(), null);
    s.push('half');
    assert.equal(s.end(), 'half');
  });
});

describe('bench protocol: parseOutput', () => {
  it('collects a complete output', () => {
    const out = parseOutput([HELLO, point('munmap', 4096), skipped('mremap-shrink', 4096, 'r'), END, ''].join('\n'));
    assert.deepEqual(out.errors, []);
    assert.equal(out.points.length, 1);
    assert.equal(out.skipped.length, 1);
    assert.ok(out.facts && out.end);
  });

  it('keeps good points around garbage lines and reports each bad line by number', () => {
    const out = parseOutput([HELLO, 'oops', point('munmap', 4096), '{"type":"point"}', END, ''].join('\n'));
    assert.equal(out.points.length, 1);
    assert.equal(out.errors.length, 2);
    assert.match(out.errors[0]!, /^line 2 /);
    assert.match(out.errors[1]!, /^line 4 /);
  });

  it('says when the output was cut off mid-line and has no end', () => {
    const full = point('munmap', 8192);
    const out = parseOutput(`${HELLO}\n${point('munmap', 4096)}\n${full.slice(0, 30)}`);
    assert.equal(out.points.length, 1);
    assert.ok(out.errors.some((e) => /ended in the middle of line 3/.test(e)));
    assert.ok(out.errors.some((e) => /no "end" line/.test(e)));
  });

  it('tolerates blank lines', () => {
    const out = parseOutput(`${HELLO}\n\n${END}\n`);
    assert.deepEqual(out.errors, []);
  });

  it('gives each variant of a point its own id', () => {
    const base = { op: 'mremap-move', bytes: 2097152, threads: 1, huge: false, aligned: false };
    const ids = new Set([base, { ...base, aligned: true }, { ...base, huge: true }, { ...base, threads: 2 }].map(pointId));
    assert.equal(ids.size, 4);
  });
});
