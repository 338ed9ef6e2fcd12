// The editor's words for a call a recorded run covers: the hint (the run's numbers, within VS
// Code's hint length) and the hover section (histograms, moved share, measured against modelled).
import { strict as assert } from 'node:assert';
import { HINT_MAX, observedHintLabel, observedHoverMarkdown } from '../../../src/core/present/observed';
import { hoverMarkdown } from '../../../src/core/present/hover';
import type { Finding, ObservedFacts } from '../../../src/core/types';

function facts(over: Partial<ObservedFacts> = {}): ObservedFacts {
  return {
    run: '.pagecost/prog.run.json', program: '/home/me/prog', startedAt: '2026-12-01T10:20:30.000Z',
    calls: 12034, moved: 1203, mmapped: 0, failed: 0, fromNull: 1, toZero: 0,
    oldBytes: { min: 0, p50: 4096, p90: 8192, max: 16384, log2Histogram: [[0, 1], [4096, 12033]] },
    newBytes: { min: 8192, p50: 8192, p90: 16384, max: 32768, log2Histogram: [[8192, 9000], [16384, 3034]] },
    growth: { constantStep: 10, geometric: 12000, shrink: 0, fits: 23, otherGrowth: 0 },
    measuredNs: 3_100_000, p50Ns: 180, p99Ns: 21_000, timedCalls: 600, modelledNs: 2_800_000, alternativeNs: 400_000, alternative: 'memcpy-warm',
    share: 0.42, threadsMax: 1, sampled: false, ...over,
  };
}

describe('record: what the editor shows for a recorded call', () => {
  it('the hint: the longest form that fits VS Code\'s hint length', () => {
    const long = observedHintLabel(facts(), 200);
    assert.equal(long, '12,034 calls · 4 KiB→8 KiB p50 · 3.1 ms total · memcpy ≈400 µs');
    const fitted = observedHintLabel(facts());
    assert.ok(fitted.length <= HINT_MAX, fitted);
    assert.match(fitted, /^12,034× · 4 KiB→8 KiB · 3\.1 ms/);
    assert.equal(observedHintLabel(facts({ timedCalls: 0 }), 200), '12,034 calls · 4 KiB→8 KiB p50 · memcpy ≈400 µs');
    for (const calls of [1, 999_999_999]) assert.ok(observedHintLabel(facts({ calls })).length <= HINT_MAX);
  });

  it('the hover: what the run saw, the model on that workload, the histograms, the run', () => {
    const md = observedHoverMarkdown(facts({ recordedLine: 12 })).join('\n');
    assert.match(md, /^\*\*Recorded:\*\* 12,034 calls · 4 KiB→8 KiB p50 \(p90 16 KiB, max 32 KiB\) · 3\.1 ms in all \(180 ns a call at the median, 21 µs at p99\) — 42% of the run's resize time\./);
    assert.match(md, /10% moved to a new address · 0% on mmapped blocks · 1 from NULL/);
    assert.match(md, /\*\*The model on your workload:\*\* measured 3\.1 ms, modelled 2\.8 ms for the same calls \(measured 1\.1× above the model\)\./);
    assert.match(md, /\| 8 KiB–16 KiB \| 9,000 \| 75% \| █+ \|/);
    assert.match(md, /_Run: prog, 2026-12-01 10:20 \(\.pagecost\/prog\.run\.json\); times estimated from 600 timed calls; recorded on line 12/);
  });

  it('a hover over a covered call puts the run first, then the model of one typical call', () => {
    const f = { rule: 'realloc-cost', severity: 'hint', message: 'm', observed: facts(),
      estimate: { op: 'realloc-grow', ns: 100, breakdown: [{ term: 't_libc', label: 'bookkeeping', count: 1, unitNs: 100, ns: 100, share: 1 }] },
      alternative: null, site: {} } as unknown as Finding;
    const md = hoverMarkdown([f], { modelVersion: 5, threads: 1, links: {}, profile: { name: 'x86-64', source: 'built-in', pageSize: 4096, thp: 'madvise', arch: 'x86-64' } });
    assert.ok(md.startsWith('**Recorded:**'));
    assert.match(md, /Where the 100 ns goes\*\* \(`realloc-grow`, one call at the run's median sizes, model v5\)/);
  });
});
