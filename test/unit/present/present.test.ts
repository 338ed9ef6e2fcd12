// The editor's presentation decisions, with the real engine's findings (no editor needed).
import assert from 'node:assert/strict';
import { adviseSites } from '../../../src/core/advice';
import { createCParser } from '../../../src/core/analysis/c/parser';
import { CDocument } from '../../../src/core/analysis/c/document';
import { MODEL_VERSION } from '../../../src/core/model';
import { benchOpsFor, benchSweepFor } from '../../../src/core/present/bench';
import { observedHintLabel } from '../../../src/core/present/observed';
import { costBand, crossoverLabel, effectiveSeverity, hintLabel, hintsFor, relatedPlaces, ruleAnchor, skipReason } from '../../../src/core/present/findings';
import { commandLink, hoverMarkdown } from '../../../src/core/present/hover';
import { DEFAULT_SETTINGS, readSettings } from '../../../src/core/present/settings';
import { benchBlockedReason } from '../../../src/core/present/trust';
import type { Finding } from '../../../src/core/types';
import { grammarFiles } from '../../support/grammar';

const SOURCE = `#include <stdlib.h>
#include <sys/mman.h>
#define PAGE 4096
void *xrealloc(void *p, size_t n) { void *q = realloc(p, n); if (!q) abort(); return q; }
void f(void *a, void *d, size_t n) {
  void *q = mremap(a, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, d);
  void *g = mremap(a, 64 << 20, 128 << 20, MREMAP_MAYMOVE);
  void *r = mremap(a, n, 2 * n, MREMAP_MAYMOVE);
  char *b = realloc(a, n);
  for (size_t i = 0; i < n; i++) b = realloc(b, i + 16);
  b = xrealloc(b, 1 << 20);
}
`;

let findings: Finding[] = [];
let doc: CDocument;

before(async () => {
  const parser = await createCParser(grammarFiles);
  doc = CDocument.open(parser, 'file:///w/x.c', SOURCE);
  findings = adviseSites(doc.sites);
});

function at(line: number, rule?: string): Finding {
  const f = findings.find((x) => x.site.nameRange.start.line === line && (!rule || x.rule === rule));
  assert.ok(f, `a finding on line ${line}`);
  return f;
}

describe('present: inlay hint labels', () => {
  it('known sizes: the size priced, the cost, and memcpy or the copy', () => {
    assert.match(hintLabel(at(6))!, /^4 KiB: ≈[\d.]+ µs · memcpy [\d.]+ ns$/);
    assert.match(hintLabel(at(7))!, /^64 MiB → 128 MiB: ≈[\d.]+ [µm]s · copy [\d.]+ [µm]s$/);
    assert.match(hintLabel(at(11))!, /^1 MiB: ≈[\d.]+ [µm]s/);
  });
  it('an observed distribution from a recorded run, also where the size is unknown statically', () => {
    const sizes = { min: 16, p50: 456, p90: 4096, max: 65536, log2Histogram: [] };
    const unknown = at(9);
    assert.equal(hintsFor([unknown], DEFAULT_SETTINGS).length, 0, 'no hint without a run');
    const run = {
      run: 'a.run.json', program: 'a', startedAt: '', calls: 1204, moved: 0, mmapped: null, failed: 0, fromNull: 0, toZero: 0,
      oldBytes: sizes, newBytes: sizes, growth: { constantStep: 0, geometric: 0, shrink: 0, fits: 0, otherGrowth: 0 },
      measuredNs: 1.2e6, p50Ns: null, p99Ns: null, timedCalls: 1204, modelledNs: null, alternativeNs: null, alternative: null,
      share: 1, threadsMax: 1, sampled: false,
    } as unknown as NonNullable<Finding['observed']>;
    const label = observedHintLabel(run);
    assert.match(label, /^1,204/);
    assert.match(label, /1\.2 ms/);
    assert.deepEqual(hintsFor([{ ...unknown, observed: run }], DEFAULT_SETTINGS).map((h) => h.label), [label]);
    // The run on a second finding of the same call (a linear-growth note) still labels the call.
    const note = { ...unknown, rule: 'realloc-linear-growth', estimate: undefined, observed: run } as unknown as Finding;
    assert.deepEqual(hintsFor([unknown, note], DEFAULT_SETTINGS).map((h) => h.label), [label]);
  });
  it('unknown sizes: the crossover from the message', () => {
    assert.match(hintLabel(at(8))!, /^mremap wins above [\d.]+ KiB$/);
    assert.match(hintLabel(at(9))!, /^realloc wins above 128 KiB$/);
    assert.equal(crossoverLabel('nothing to see'), null);
    assert.equal(crossoverLabel('with glibc, realloc copies like malloc + memcpy + free at every size, so'), 'realloc copies at every size');
  });
  it('one hint per site, after its statement, within the range, filtered by settings', () => {
    // By default only known sizes: a number the user can act on.
    assert.deepEqual(hintsFor(findings, DEFAULT_SETTINGS).map((h) => h.line), [6, 7, 11]);
    const all = hintsFor(findings, { ...DEFAULT_SETTINGS, hints: { ...DEFAULT_SETTINGS.hints, unknownSizes: true } });
    assert.deepEqual(all.map((h) => h.line), [4, 6, 7, 8, 9, 10, 11]);
    const loop = all.find((h) => h.line === 10)!;
    assert.match(loop.label, /realloc wins above/, 'the cost finding wins over linear growth');
    const s6 = at(6).site;
    assert.equal(all.find((h) => h.line === 6)!.column, s6.range.end.column + 1, 'after the `;`');
    assert.deepEqual(hintsFor(findings, DEFAULT_SETTINGS, 7, 8).map((h) => h.line), [7]);
    assert.deepEqual(hintsFor(findings, { ...DEFAULT_SETTINGS, hints: { ...DEFAULT_SETTINGS.hints, enabled: false } }), []);
    const noUnknown = hintsFor(findings, { ...DEFAULT_SETTINGS, hints: { ...DEFAULT_SETTINGS.hints, unknownSizes: false } });
    assert.ok(!noUnknown.some((h) => h.line === 8));
    const min = hintsFor(findings, { ...DEFAULT_SETTINGS, hints: { ...DEFAULT_SETTINGS.hints, minimumNs: 1e9 } });
    assert.ok(!min.some((h) => h.line === 6));
    const off = hintsFor(findings, { ...DEFAULT_SETTINGS, rules: { 'mremap-slower-than-memcpy': 'off' } });
    assert.ok(!off.some((h) => h.line === 6));
  });
  it('after the statement or condition: never inside an expression', async () => {
    const src = [
      '#include <stdlib.h>',
      'char *g(char *lp, char **v, int n) {',
      '  if ((lp = realloc(lp, 4096)) == NULL) return NULL;',
      '  use(realloc(lp, 8192), 1);',
      '  for (int i = 0; i < n; v[i] = realloc(v[i], 64)) i++;',
      '  while (!(lp = realloc(lp, 65536)))',
      '    continue;',
      '  char *a = realloc(lp, 16), *b = realloc(lp,',
      '      32);',
      '  return realloc(lp, 1 << 20);',
      '}',
      '',
    ].join('\n');
    const parser = await createCParser(grammarFiles);
    const d = CDocument.open(parser, 'file:///w/h.c', src);
    try {
      const lines = src.split('\n');
      const hints = hintsFor(adviseSites(d.sites), DEFAULT_SETTINGS);
      // What the line holds up to each hint: a whole condition, statement or `for` header.
      const before = hints.map((h) => `${h.line}:${lines[h.line - 1]!.slice(0, h.column - 1).trim()}`);
      assert.deepEqual(before, [
        '3:if ((lp = realloc(lp, 4096)) == NULL)',
        '4:use(realloc(lp, 8192), 1);',
        '5:for (int i = 0; i < n; v[i] = realloc(v[i], 64))',
        '6:while (!(lp = realloc(lp, 65536)))',
        '9:32);',
        '10:return realloc(lp, 1 << 20);',
      ]);
      const shared = hints.find((h) => h.line === 9)!;
      assert.match(shared.label, /^realloc 16 bytes: .+ \| realloc 32 bytes: /, 'two calls of one statement share one hint, each named');
      // After an edit above, the place moves with the text.
      d.update(`// a comment\n${src}`);
      const moved = hintsFor(adviseSites(d.sites), DEFAULT_SETTINGS);
      assert.deepEqual(moved.map((h) => [h.line, h.column]), hints.map((h) => [h.line + 1, h.column]));
    } finally {
      d.dispose();
    }
  });
  it('cost bands by ratio to the alternative', () => {
    assert.equal(costBand(at(6), 2), 'costly');
    assert.equal(costBand(at(7), 2), 'cheap');
  });
});

describe('present: diagnostics', () => {
  it('severity from the model unless a rule setting says otherwise', () => {
    const f = at(6);
    assert.equal(effectiveSeverity(f, {}), 'warning');
    assert.equal(effectiveSeverity(f, { [f.rule]: 'off' }), null);
    assert.equal(effectiveSeverity(f, { [f.rule]: 'error' }), 'error');
    assert.equal(effectiveSeverity(f, { [f.rule]: 'default' }), 'warning');
  });
  it('rule anchors match RULES.md headings', () => {
    assert.equal(ruleAnchor('mremap-slower-than-memcpy'), 'mremap-slower-than-memcpy');
  });
  it('related information: the wrapper definition', () => {
    const f = at(11);
    const places = relatedPlaces(f.site, doc.wrappers);
    assert.deepEqual(places.map((p) => [p.file, p.line]), [['file:///w/x.c', 4]]);
    assert.deepEqual(relatedPlaces(at(6).site, doc.wrappers), []);
  });
});

describe('present: hover', () => {
  const ctx = {
    modelVersion: MODEL_VERSION,
    profile: { name: 'x86-64', source: 'built-in', pageSize: 4096, thp: 'madvise', arch: 'x86-64' },
    threads: 1,
    links: { benchmark: commandLink('pagecost.benchmarkCall', ['u', 1]), explain: 'command:pagecost.explainModel', assumptions: 'command:pagecost.changeAssumptions' },
  };
  it('plain words first, then the breakdown table, assumptions and links', () => {
    const md = hoverMarkdown([at(6)], ctx);
    const lines = md.split('\n');
    // The diagnostic above the hover already says what and how much; the hover starts with why.
    assert.match(lines[0]!, /^\*\*Why:\*\* memcpy \([\d.]+ ns\) is \d+× cheaper than mremap \([\d.]+ µs\) here, because \d+% of mremap's time goes to bookkeeping of the move/);
    assert.ok(!md.includes(at(6).message), 'the message is not repeated');
    assert.ok(md.indexOf('**Where the') > 0 && md.indexOf('**Where the') < md.indexOf('**Assuming:**'));
    assert.match(md, /\| what \| count × each \| time \| share \|/);
    assert.match(md, /- old size `PAGE` = 4 KiB/);
    assert.match(md, /- default profile x86-64 \(built-in\)/);
    assert.match(md, /\[Benchmark this call\]\(command:pagecost\.benchmarkCall\?%5B%22u%22%2C1%5D\)/);
  });
  it('without an estimate: the message, the threads and machine, and why no benchmark', () => {
    const md = hoverMarkdown([at(8)], { ...ctx, links: {}, benchmarkUnavailable: 'not here' });
    assert.match(md, /size not known statically/);
    assert.match(md, /- 1 thread of the program running/);
    assert.match(md, /_Benchmarks: not here_/);
    assert.ok(!md.includes('Benchmark this call'));
  });
  it('inside a helper (not a wrapper), says how many calls of it reach the resize', () => {
    const f = at(8);
    const md = hoverMarkdown([{ ...f, site: { ...f.site, enclosingFunction: 'list_push', callers: 12 } }], ctx);
    assert.match(md, /\*\*Reached from:\*\* `list_push` resizes memory it owns, so this call is the site, not its callers; it is called from 12 places in the project/);
    const none = hoverMarkdown([{ ...f, site: { ...f.site, enclosingFunction: 'unused', callers: 0 } }], ctx);
    assert.match(none, /no call of it was found in the scanned files/);
    assert.doesNotMatch(hoverMarkdown([f], ctx), /Reached from/);
  });
  it('calibrated profiles say when', () => {
    const md = hoverMarkdown([at(6)], { ...ctx, profile: { ...ctx.profile, name: 'mine', source: 'file p.json', calibratedAt: '2026-11-25T10:00:00Z' } });
    assert.match(md, /calibrated profile "mine" \(measured 2026-11-25\)/);
  });
});

describe('present: settings', () => {
  it('defaults when nothing is set', () => {
    const r = readSettings(() => undefined);
    assert.deepEqual(r.settings, DEFAULT_SETTINGS);
    assert.deepEqual(r.problems, []);
  });
  it('a wrong type falls back to the default with one message, never a throw', () => {
    const values: Record<string, unknown> = {
      threads: 'four', warnRatio: 0.5, pageSize: 3000, target: 'lp32', rules: { 'realloc-cost': 'loud', 'mremap-cost': 'off' },
      'hints.enabled': 'yes', exclude: ['**/gen/**', 3], wrappers: ['grow', { name: 'bad name', callee: 'realloc', ptr: 0, size: 1 }],
      maxFileSize: -1, profile: 42,
    };
    const r = readSettings((k) => {
      if (k === 'debounceMs') throw new Error('getter failure');
      return values[k];
    });
    assert.equal(r.settings.threads, 1);
    assert.equal(r.settings.warnRatio, 2);
    assert.equal(r.settings.pageSize, null);
    assert.equal(r.settings.target, 'lp64');
    assert.deepEqual(r.settings.rules, { 'mremap-cost': 'off' });
    assert.equal(r.settings.hints.enabled, true);
    assert.deepEqual(r.settings.exclude, ['**/gen/**']);
    assert.deepEqual(r.settings.wrappers.map((w) => [w.name, w.callee, w.params]), [['grow', 'realloc', { ptr: 0, size: 1 }]]);
    assert.equal(r.settings.maxFileSize, DEFAULT_SETTINGS.maxFileSize);
    assert.equal(r.settings.profile, 'auto');
    assert.ok(r.problems.some((p) => p.startsWith('pagecost.threads: "four" is not')));
    assert.ok(r.problems.some((p) => p.startsWith('pagecost.wrappers[1].name')));
    assert.equal(r.problems.length, 10);
  });
});

describe('present: limits, benchmarks, trust', () => {
  it('skips big, binary and over-full files with the reason', () => {
    const limits = { maxFileSize: 1000, maxCallSites: 3 };
    assert.match(skipReason('x'.repeat(2000), limits)!, /maxFileSize/);
    assert.match(skipReason('int x;\u0000', limits)!, /binary/);
    assert.match(skipReason('realloc(a,1); mremap(); grow(); grow(); grow();', limits, ['grow'])!, /5 calls .*maxCallSites \(3\)/);
    assert.equal(skipReason('realloc(a,1); reallocate(b);', limits), null);
    assert.equal(skipReason('realloc(a,1);', limits, ['', '.*']), null);
  });
  it('benchmarks the call\'s own operation and its alternative at its sizes', () => {
    assert.deepEqual(benchOpsFor(at(6).site), ['mremap-move', 'memcpy-warm']);
    assert.deepEqual(benchOpsFor(at(7).site), ['mremap-grow', 'malloc-copy-free']);
    const s = benchSweepFor(at(7).site, 4, 2);
    assert.deepEqual(s.sweep.sizes, [64 << 20, 128 << 20]);
    assert.deepEqual(s.sweep.threads, [2]);
    assert.equal(benchSweepFor(at(8).site, 1, 2).sizesKnown, false);
  });
  it('benchmarks are blocked on the web and in Restricted Mode', () => {
    assert.equal(benchBlockedReason('web', true), 'web');
    assert.match(benchBlockedReason(null, false)!, /Restricted Mode/);
    assert.equal(benchBlockedReason(null, true), null);
  });
});
