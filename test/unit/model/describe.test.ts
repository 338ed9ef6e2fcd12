// The text a C programmer reads: plain words first, numbers formatted for people, the
// breakdown second.
import { strict as assert } from 'node:assert';
import {
  MODEL_VERSION, builtinProfile, crossoverFor, describeEstimate, describeFinding, estimateNamed, formatBytes, formatNs,
} from '../../../src/core/model';
import { adviseSites } from '../../../src/core/advice';
import { site, size } from '../advice/sites';

describe('model: describing estimates', () => {
  it('formats durations and sizes for people', () => {
    assert.equal(formatNs(51), '51 ns');
    assert.equal(formatNs(800), '800 ns');
    assert.equal(formatNs(2243), '2.24 µs');
    assert.equal(formatNs(2000), '2 µs');
    assert.equal(formatNs(3.5e6), '3.5 ms');
    assert.equal(formatNs(1.2e9), '1.2 s');
    assert.equal(formatBytes(4096), '4 KiB');
    assert.equal(formatBytes(135601), '132 KiB');
    assert.equal(formatBytes(12289), '12.0 KiB');
    assert.equal(formatBytes(3 * 2 ** 30), '3 GiB');
    assert.equal(formatBytes(100), '100 bytes');
  });

  it('puts the plain-words sentence first and the breakdown, biggest term first, after it', () => {
    const p = builtinProfile('x86-64');
    const e = estimateNamed(p, 'mremap-move', 1 << 20, { threads: 4 });
    const alt = estimateNamed(p, 'memcpy-warm', 1 << 20, { threads: 4 });
    const text = describeEstimate({
      estimate: e, bytes: 1 << 20, threads: 4, profileName: p.name, modelVersion: MODEL_VERSION,
      alternative: alt, crossover: crossoverFor(p, 'mremap-move', { threads: 4 }),
    });
    const lines = text.split('\n');
    assert.match(lines[0]!, /^Moving 1 MiB .*costs about .*(mremap|memcpy) is [\d.]+× cheaper\.$/);
    assert.match(lines[1]!, /^mremap beats memcpy above .* with the x86-64 profile and 4 threads\.$/);
    const rows = lines.filter((l) => /\[\w+\]$/.test(l));
    assert.ok(rows.length >= e.breakdown.length);
    const firstRowTerm = /\[(\w+)\]$/.exec(rows[0]!)![1];
    const biggest = [...e.breakdown].sort((a, b) => b.ns - a.ns)[0]!.term;
    assert.equal(firstRowTerm, biggest);
  });

  it('hover text for a finding starts with its message and ends with the breakdown', () => {
    const [f] = adviseSites([site({ callee: 'mremap', name: 'mremap', oldSize: size(4096), newSize: size(4096), flags: ['MREMAP_MAYMOVE', 'MREMAP_FIXED'] })]);
    const text = describeFinding(f!, MODEL_VERSION);
    assert.ok(text.startsWith(f!.message));
    assert.match(text, /Where the .* goes/);
    assert.match(text, /\[c_invlpg\]/);
  });
});
