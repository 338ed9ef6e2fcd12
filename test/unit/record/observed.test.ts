// A recorded run laid onto the source as it is now (fresh, moved, stale), the verdict and severity
// from the observed sizes and the site's share of the run, and `pagecost scan --run` end to end
// (text, JSON and SARIF carry the observation; stale lines are notes; bad records are errors).
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { adviseSites } from '../../../src/core/advice/index';
import { observedSeverity, sizeSegments } from '../../../src/core/advice/observed';
import { matchRuns, type LoadedRun } from '../../../src/core/record/observed';
import { RUN_FILE_KIND, type RunFile, type RunSite } from '../../../src/core/record/runFile';
import type { CallSite } from '../../../src/core/types';
import { fakeIO, suiteTrees } from '../../support/cli';
import { assertValidSarif } from '../../support/sarif';

const source = `#include <stdlib.h>
struct buf { char *p; size_t n; };

void grow(struct buf *b)
{
\tb->p = realloc(b->p, b->n * 2);
\tb->n *= 2;
}

void other(char **q, size_t n)
{
\t*q = realloc(*q, n);
}
`;

function runSite(over: Partial<RunSite> = {}): RunSite {
  return {
    file: 'buf.c', line: 6, column: 9, function: 'grow', callee: 'realloc', via: [], text: 'b->p = realloc(b->p, b->n * 2);',
    calls: 1000, moved: 100, mmapped: 0, failed: 0, fromNull: 1, toZero: 0,
    oldBytes: { min: 0, p50: 4096, p90: 8192, max: 16384, log2Histogram: [[0, 1], [4096, 999]] },
    newBytes: { min: 8192, p50: 8192, p90: 16384, max: 32768, log2Histogram: [[8192, 1000]] },
    growth: { constantStep: 0, geometric: 999, shrink: 0, fits: 0, otherGrowth: 0 },
    ns: { total: 3_100_000, p50: 800, p99: 20_000, timedCalls: 200 }, threadsMax: 1, sampled: false, stacks: [],
    ...over,
  };
}

function runFile(sites: RunSite[], over: Partial<RunFile> = {}): RunFile {
  return {
    kind: RUN_FILE_KIND, version: 1, toolVersion: '0.1.0', program: '/x/prog', argv: ['prog'], cwd: '/x', root: '/x', machine: null,
    startedAt: '2026-12-01T10:00:00.000Z', durationMs: 10, exitCode: 0, signal: null,
    totals: { calls: 1000, attributedCalls: 1000, ns: 6_200_000, processes: 1 },
    sampling: { calls: '', backtraces: '', timing: '', clock: '', frames: 5, backtracesChecked: 0, backtraceMismatches: 0 },
    sites, unattributed: { calls: 0, reasons: [] }, overflow: 0, processes: [], notes: [], ...over,
  };
}

/** Minimal sites as the analysis gives them (only what matching reads). */
function site(line: number, fn: string, column = 9): CallSite {
  const pos = { line, column };
  const range = { start: pos, end: { line, column: column + 7 }, startOffset: 0, endOffset: 0 };
  return {
    file: 'buf.c', language: 'c', callee: 'realloc', kind: 'direct-call', via: [], name: 'realloc', nameRange: range, range,
    oldSize: null, newSize: { bytes: null, text: 'n', note: '`n` is a runtime value' }, flags: null, growth: null, inLoop: false,
    assignedBackTo: null, conditions: [], enclosingFunction: fn,
  };
}

describe('record: matching a run to the source as it is now', () => {
  const loaded = (sites: RunSite[], over: Partial<RunFile> = {}): LoadedRun => ({ run: runFile(sites, over), label: '.pagecost/prog.run.json' });
  const textOf = (t: string) => () => t;

  it('the same line, the same text, the same function: matched', () => {
    const s = site(6, 'grow');
    const m = matchRuns([loaded([runSite()])], [s, site(12, 'other', 7)], { root: '/x', text: textOf(source) });
    assert.equal(m.bySite.get(s)!.calls, 1000);
    assert.equal(m.bySite.get(s)!.share, 0.5);
    assert.equal(m.bySite.get(s)!.recordedLine, undefined);
    assert.deepEqual(m.stale, []);
  });

  it('lines inserted above: followed to the one line of the function that reads the same', () => {
    const moved = source.replace('#include <stdlib.h>\n', '#include <stdlib.h>\n#include <string.h>\n/* two more lines */\n');
    const s = site(8, 'grow');
    const m = matchRuns([loaded([runSite()])], [s], { root: '/x', text: textOf(moved) });
    assert.equal(m.bySite.get(s)!.recordedLine, 6);
  });

  it('the line changed: stale, never shown on another line', () => {
    const changed = source.replace('b->n * 2', 'b->n + 4096');
    const s = site(6, 'grow');
    const m = matchRuns([loaded([runSite()])], [s], { root: '/x', text: textOf(changed) });
    assert.equal(m.bySite.size, 0);
    assert.match(m.stale[0]!.why, /the line changed since the run/);
  });

  it('the same text now in another function: stale', () => {
    const s = site(6, 'renamed');
    const m = matchRuns([loaded([runSite()])], [s], { root: '/x', text: textOf(source) });
    assert.equal(m.bySite.size, 0);
    assert.match(m.stale[0]!.why, /now in renamed, not grow/);
  });

  it('two lines of the function read as the run saw it: not guessed', () => {
    const twice = source.replace('\tb->n *= 2;\n', '\tb->p = realloc(b->p, b->n * 2);\n');
    const m = matchRuns([loaded([runSite({ line: 3 })])], [site(6, 'grow'), site(7, 'grow')], { root: '/x', text: textOf(twice) });
    assert.equal(m.bySite.size, 0);
    assert.match(m.stale[0]!.why, /2 lines of grow read as it did: not guessing which/);
  });

  it('a newer run wins; a run made in another folder is matched relative to its root', () => {
    const s = site(6, 'grow');
    const older = loaded([runSite({ calls: 1 })], { startedAt: '2026-01-01T00:00:00Z' });
    const newer = loaded([runSite({ calls: 2 })], { startedAt: '2026-06-01T00:00:00Z', root: '/elsewhere/checkout' });
    const m = matchRuns([newer, older], [s], { root: '/x', text: textOf(source) });
    assert.equal(m.bySite.get(s)!.calls, 2);
  });
});

describe('record: verdicts from the observed sizes', () => {
  it('old and new sizes are paired rank by rank; calls from NULL are not resizes', () => {
    const segs = sizeSegments(runSite().oldBytes, runSite().newBytes);
    assert.equal(segs.reduce((n, x) => n + x.calls, 0), 999);
    assert.ok(segs.every((x) => x.oldBytes >= 4096 && x.newBytes >= 8192));
  });

  it('severity: the ratio needed for a warning falls as the site\'s share of the run rises; cold sites stay hints', () => {
    assert.equal(observedSeverity(150, 100, 0.02, 2), 'hint');
    assert.equal(observedSeverity(150, 100, 0.6, 2), 'warning');
    assert.equal(observedSeverity(250, 100, 0.02, 2), 'warning');
    assert.equal(observedSeverity(1000, 100, 0.005, 2), 'hint');
    assert.equal(observedSeverity(100, 150, 1, 2), 'hint');
    assert.equal(observedSeverity(100, null, 1, 2), 'hint');
  });

  it('a covered site\'s cost finding comes from the run, and every finding of the site carries it', () => {
    const s = site(6, 'grow');
    const m = matchRuns([{ run: runFile([runSite()]), label: 'r.json' }], [s], { root: '/x', text: () => source });
    const findings = adviseSites([s, site(12, 'other', 7)], { observed: (x) => m.bySite.get(x) });
    const cost = findings.find((f) => f.site === s && f.rule === 'realloc-cost')!;
    assert.match(cost.message, /^`realloc`: 1,000 calls · 4 KiB→8 KiB p50 · 3.1 ms measured · model [\d.]+ [µm]?s · malloc \+ memcpy \+ free ≈/);
    assert.match(cost.message, /50% of the resize time of prog \(r\.json, 2026-12-01\)/);
    assert.ok(cost.observed && cost.observed.modelledNs! > 0 && cost.observed.alternativeNs! > 0);
    assert.ok(findings.filter((f) => f.site === s).every((f) => f.observed));
    assert.ok(findings.filter((f) => f.site !== s).every((f) => !f.observed));
    // The other site keeps its static finding.
    assert.match(findings.find((f) => f.site !== s && f.rule === 'realloc-cost')!.message, /size not known statically/);
  });
});

describe('pagecost scan --run', function () {
  this.timeout(60_000);
  const tree = suiteTrees();

  function setup(run: unknown): string {
    const dir = tree({ 'buf.c': source });
    mkdirSync(join(dir, '.pagecost'));
    writeFileSync(join(dir, '.pagecost', 'prog.run.json'), JSON.stringify(run));
    return dir;
  }

  it('JSON findings carry `observed`; SARIF results too, and the log stays valid', async () => {
    const dir = setup(runFile([runSite()], { root: '/somewhere/else' }));
    const io = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--jobs', '1', '--run', '.pagecost/prog.run.json', '--format', 'json'], io), 0);
    const json = JSON.parse(io.out);
    const f = json.findings.find((x: { line: number; rule: string }) => x.line === 6 && x.rule === 'realloc-cost');
    assert.equal(f.observed.calls, 1000);
    assert.equal(f.observed.run, '.pagecost/prog.run.json');
    assert.equal(json.findings.find((x: { line: number }) => x.line === 12).observed, undefined);
    const sio = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--jobs', '1', '--run', '.pagecost', '--format', 'sarif'], sio), 0);
    const log = JSON.parse(sio.out);
    assertValidSarif(log);
    const r = log.runs[0].results.find((x: { properties: { observed?: unknown } }) => x.properties.observed);
    assert.equal(r.properties.observed.calls, 1000);
  });

  it('a stale line is a note, not a finding on another line', async () => {
    const dir = setup(runFile([runSite({ text: 'b->p = realloc(b->p, b->n + 1);' })]));
    const io = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--jobs', '1', '--run', '.pagecost'], io), 0);
    assert.doesNotMatch(io.out, /measured/);
    assert.match(io.err, /buf\.c: note: record \.pagecost\/prog\.run\.json: line 6 not shown: the line changed since the run/);
  });

  it('bad --run inputs: missing, empty folder, not a record, too new: exit 2 with the reason', async () => {
    const dir = setup({ hello: 1 });
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'new.run.json'), JSON.stringify({ kind: RUN_FILE_KIND, version: 99 }));
    for (const [arg, message] of [
      ['nope.json', /--run: no such file or directory: 'nope\.json'/],
      ['empty', /--run: no \*\.run\.json in 'empty'/],
      ['.pagecost/prog.run.json', /not a pagecost run record/],
      ['new.run.json', /record version 99 is newer than this pagecost reads/],
    ] as const) {
      const io = fakeIO(dir);
      assert.equal(await main(['scan', '.', '--jobs', '1', '--run', arg], io), 2, arg);
      assert.match(io.err, message);
    }
  });
});
