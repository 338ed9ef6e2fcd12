import { strict as assert } from 'node:assert';
import type { CallSite, Finding } from '../../../src/core/types';
import { toJson, toText, toSarifLog, summaryText, errorsText, listedFindings } from '../../../src/core/report/index';
import { fingerprint } from '../../../src/core/report/fingerprint';
import { assertValidSarif } from '../../support/sarif';

function site(over: Partial<CallSite> = {}): CallSite {
  const line = over.nameRange?.start.line ?? 7;
  return {
    file: '/root/src/a b.c',
    language: 'c',
    callee: 'mremap',
    kind: 'direct-call',
    via: [],
    name: 'mremap',
    nameRange: { start: { line, column: 12 }, end: { line, column: 18 }, startOffset: 100, endOffset: 106 },
    range: { start: { line, column: 12 }, end: { line, column: 50 }, startOffset: 100, endOffset: 138 },
    oldSize: { bytes: 4096, text: '4096', note: 'literal 4096' },
    newSize: { bytes: 8192, text: '2 * PAGE', note: '2 * PAGE = 8192' },
    flags: ['MREMAP_MAYMOVE'],
    growth: null,
    inLoop: false,
    assignedBackTo: null,
    conditions: [],
    enclosingFunction: 'grow',
    ...over,
  };
}

function finding(over: Partial<Finding> = {}, s: Partial<CallSite> = {}): Finding {
  return {
    site: site(s),
    rule: 'mremap-slower-than-memcpy',
    severity: 'warning',
    message: 'copying is 2.7× cheaper',
    estimate: { op: 'mremap-move', ns: 2240, breakdown: [] },
    alternative: null,
    ...over,
  };
}

const stats = { files: 3, parsedFiles: 2, bytes: 1234, ms: 56 };
const errors = [{ file: '/root/bin.c', message: 'skipped: binary file (contains NUL bytes)' }];

describe('scan reports', () => {
  it('JSON: the documented shape, paths relative to the root', () => {
    const report = JSON.parse(toJson([finding(), finding({ rule: 'realloc-cost', severity: 'hint' }, { callee: 'realloc', kind: 'wrapper-call', via: ['xrealloc'], name: 'xrealloc', flags: null, oldSize: null })], errors, stats, '/root'));
    assert.equal(report.version, 1);
    assert.deepEqual(report.stats, stats);
    assert.deepEqual(report.errors, [{ file: 'bin.c', message: 'skipped: binary file (contains NUL bytes)' }]);
    const [m, r] = report.findings;
    assert.deepEqual(
      { file: m.file, line: m.line, column: m.column, callee: m.callee, kind: m.kind, via: m.via, language: m.language, oldBytes: m.oldBytes, newBytes: m.newBytes, sizeText: m.sizeText, sizeNote: m.sizeNote, flags: m.flags, growth: m.growth, rule: m.rule, severity: m.severity, message: m.message },
      { file: 'src/a b.c', line: 7, column: 12, callee: 'mremap', kind: 'direct-call', via: [], language: 'c', oldBytes: 4096, newBytes: 8192, sizeText: '2 * PAGE', sizeNote: '2 * PAGE = 8192', flags: ['MREMAP_MAYMOVE'], growth: null, rule: 'mremap-slower-than-memcpy', severity: 'warning', message: 'copying is 2.7× cheaper' },
    );
    assert.deepEqual(m.estimate, { op: 'mremap-move', ns: 2240, breakdown: [] });
    assert.equal(m.alternative, null);
    assert.deepEqual(r.via, ['xrealloc']);
    assert.equal(r.oldBytes, null);
    assert.deepEqual(r.flags, [], 'realloc has no flags: [] rather than null');
  });

  it('text: one compiler-style line per finding; problems and summary apart', () => {
    const text = toText([finding()], errors, stats, '/root');
    assert.equal(text, 'src/a b.c:7:12: warning: copying is 2.7× cheaper [mremap-slower-than-memcpy]\n');
    assert.equal(errorsText(errors, '/root'), 'bin.c: problem: skipped: binary file (contains NUL bytes)\n');
    assert.equal(summaryText([finding()], errors, stats), 'pagecost: 1 finding (1 warning) in 3 files (2 parsed), 1 file problem, 56 ms\n');
  });

  it('text: cost hints of sizes known only at run time are counted, listed only when verbose', () => {
    const unsized = finding({ rule: 'realloc-cost', severity: 'hint', message: 'size not known statically', estimate: null, unsized: true });
    const measured = { ...unsized, observed: {} as Finding['observed'] };
    const all = [finding(), unsized, measured];
    assert.deepEqual(listedFindings(all, false), [all[0], measured], 'a hint a recorded run gave sizes to stays listed');
    assert.deepEqual(listedFindings(all, true), all);
    assert.equal(
      summaryText(all, [], stats, 2),
      'pagecost: 3 findings (1 warning, 2 hint) in 3 files (2 parsed), 56 ms\n' +
        'pagecost: 2 cost hints for sizes known only at run time not listed (--verbose lists them; `pagecost record` measures sizes)\n',
    );
  });

  it('SARIF: valid 2.1.0 with rules, levels, regions, notifications', () => {
    const log = toSarifLog(
      [finding(), finding({ rule: 'realloc-cost', severity: 'hint', message: 'hint' }), finding({ rule: 'some-future-rule', severity: 'error' })],
      errors,
      stats,
      { toolVersion: '0.1.0', root: '/root', rulesDocUri: 'https://example.org/o/pagecost/blob/main/docs/RULES.md' },
    );
    assertValidSarif(log);
    const run = log.runs[0]!;
    assert.deepEqual(run.tool.driver.rules!.map((r) => r.id), ['mremap-slower-than-memcpy', 'realloc-cost', 'some-future-rule']);
    assert.equal(run.tool.driver.rules![2]!.name, 'SomeFutureRule');
    assert.equal(run.tool.driver.rules![0]!.helpUri, 'https://example.org/o/pagecost/blob/main/docs/RULES.md#mremap-slower-than-memcpy');
    assert.deepEqual(run.results!.map((r) => r.level), ['warning', 'note', 'error']);
    const loc = run.results![0]!.locations![0]!.physicalLocation!;
    assert.deepEqual(loc.artifactLocation, { uri: 'src/a%20b.c', uriBaseId: 'SRCROOT' });
    assert.deepEqual(loc.region, { startLine: 7, startColumn: 12, endLine: 7, endColumn: 18 });
    assert.deepEqual(run.originalUriBaseIds, { SRCROOT: { uri: 'file:///root/' } });
    const notes = run.invocations![0]!.toolExecutionNotifications!;
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.message.text!, /^bin\.c: skipped: binary/);
  });

  it('SARIF without a published docs URL still validates (help inline, no helpUri)', () => {
    const log = toSarifLog([finding()], [], stats, { toolVersion: '0.1.0', root: '/root' });
    assertValidSarif(log);
    assert.equal(log.runs[0]!.tool.driver.rules![0]!.helpUri, undefined);
    assert.ok(log.runs[0]!.tool.driver.rules![0]!.help?.text);
  });

  it('the schema check itself rejects a broken log', () => {
    const log = toSarifLog([finding()], [], stats, { toolVersion: '0.1.0', root: '/root' }) as unknown as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = 'loud';
    assert.throws(() => assertValidSarif(log), /invalid SARIF/);
  });

  it('fingerprints survive moved lines and tell identical calls apart by order', () => {
    const fp = (f: Finding[]) => toSarifLog(f, [], stats, { toolVersion: '0', root: '/root' }).runs[0]!.results!.map((r) => r.partialFingerprints!['pagecost/v1']);
    const before = fp([finding({}, { nameRange: { start: { line: 7, column: 12 }, end: { line: 7, column: 18 }, startOffset: 0, endOffset: 0 } })]);
    const after = fp([finding({}, { nameRange: { start: { line: 40, column: 12 }, end: { line: 40, column: 18 }, startOffset: 0, endOffset: 0 } })]);
    assert.deepEqual(before, after);
    const twins = fp([finding(), finding()]);
    assert.notEqual(twins[0], twins[1]);
    const otherFn = fp([finding({}, { enclosingFunction: 'shrink' })]);
    assert.notEqual(otherFn[0], before[0]);
    assert.match(before[0]!, /^[0-9a-f]{16}$/);
    assert.equal(fingerprint('abc'), fingerprint('abc'));
    assert.notEqual(fingerprint('abc'), fingerprint('abd'));
  });
});
