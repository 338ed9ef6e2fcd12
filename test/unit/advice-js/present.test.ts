// What the editor and the reports show for TS/JS findings: hint labels and hovers in JS words (no
// mremap/glibc where they do not apply), and JSON/SARIF output that carries them.
import { strict as assert } from 'node:assert';
import { adviseSites } from '../../../src/core/advice/index';
import { MODEL_VERSION } from '../../../src/core/model';
import { hintLabel, hintsFor } from '../../../src/core/present/findings';
import { hoverMarkdown, whySentence } from '../../../src/core/present/hover';
import { DEFAULT_SETTINGS } from '../../../src/core/present/settings';
import { toJson, toSarifLog } from '../../../src/core/report/index';
import type { CallSite, Finding } from '../../../src/core/types';
import { assertValidSarif } from '../../support/sarif';
import { jsSite, size } from './sites';

const KiB = 1024;
const MiB = 1024 * KiB;

function at(line: number, s: CallSite): CallSite {
  const r = { start: { line, column: 5 }, end: { line, column: 25 }, startOffset: line * 100, endOffset: line * 100 + 20 };
  return { ...s, file: '/root/src/grow.ts', nameRange: r, range: r };
}

const transfer = at(3, jsSite('buffer-transfer', { name: 'transfer', oldSize: size(MiB), newSize: size(2 * MiB) }, { staleViews: ['view'] }));
const wasm = at(5, jsSite('wasm-realloc', { name: '__wbindgen_realloc', oldSize: size(64 * KiB), newSize: size(128 * KiB) }, { route: 'wasm-bindgen' }));
const unknown = at(7, jsSite('copy-grow', { name: 'Uint8Array', newSize: size(null, 'n') }));
const loop = at(9, jsSite('concat-grow', { name: 'concat', inLoop: true, growth: 'linear' }, { step: size(4 * KiB, 'chunk.length') }));
const findings = adviseSites([transfer, wasm, unknown, loop]);
const ofRule = (rule: string, line: number): Finding => findings.find((f) => f.rule === rule && f.site.nameRange.start.line === line)!;

const C_WORDS = /mremap|glibc|malloc \+ memcpy|memcpy \d/;

describe('present: TS/JS findings', () => {
  it('hint labels in JS words: the cost, the alternative, the scale of an unknown size, the total of a step loop', () => {
    assert.match(hintLabel(ofRule('js-grow-cost', 3))!, /^≈[\d.]+ µs · resize\(\) in place [\d.]+ µs$/);
    assert.match(hintLabel(ofRule('js-grow-cost', 5))!, /^≈[\d.]+ [nµ]s$/);
    assert.match(hintLabel(ofRule('js-grow-cost', 7))!, /^1 MiB → 2 MiB: ≈[\d.]+ µs$/);
    assert.match(hintLabel(ofRule('js-linear-growth', 9))!, /^≈[\d.]+ m?s to 16 MiB · doubling [\d.]+ m?s$/);
    for (const f of findings) assert.doesNotMatch(hintLabel(f) ?? '', C_WORDS);
  });

  it('one hint per site: the per-call cost wins over the loop total when it has an estimate', () => {
    const hints = hintsFor(findings, DEFAULT_SETTINGS);
    // Line 7's size is unknown: no hint unless asked for (its hover still says the scale).
    assert.deepEqual(hints.map((h) => h.line), [3, 5, 9]);
    assert.match(hints[0]!.label, /resize\(\) in place/);
    // The concat's own size is unknown: its hint is the loop's total.
    assert.match(hints[2]!.label, /to 16 MiB · doubling/);
    const all = hintsFor(findings, { ...DEFAULT_SETTINGS, hints: { ...DEFAULT_SETTINGS.hints, unknownSizes: true } });
    assert.deepEqual(all.map((h) => h.line), [3, 5, 7, 9]);
  });

  it('the hover explains in JS words why, and lists the engine caveat among the assumptions', () => {
    const f = ofRule('js-grow-cost', 3);
    assert.match(whySentence(f)!, /^\*\*Why:\*\* resize\(\) in place \([\d.]+ µs\) is [\d.]+× cheaper than transfer\(\) \([\d.]+ µs\) here, because \d+% of transfer\(\)'s time goes to /);
    const md = hoverMarkdown(findings.filter((x) => x.site === f.site), {
      modelVersion: MODEL_VERSION,
      profile: { name: 'x86-64', source: 'built-in', pageSize: 4096, thp: 'madvise', arch: 'x86-64' },
      threads: 1,
      links: {},
    });
    assert.match(md, /\*\*Alternative\*\* `buffer-resize`/);
    assert.match(md, /- engine behaviour not known: modelled as a copy into new memory/);
    assert.doesNotMatch(md, /glibc|MREMAP_/);
  });

  it('a hover without an alternative shows the messages, which carry the caveats', () => {
    const f = ofRule('js-grow-cost', 5);
    assert.equal(whySentence(f), null);
    const md = hoverMarkdown([f], {
      modelVersion: MODEL_VERSION,
      profile: { name: 'x86-64', source: 'built-in', pageSize: 4096, thp: 'madvise', arch: 'x86-64' },
      threads: 1,
      links: {},
    });
    assert.ok(md.startsWith(f.message));
    assert.match(md, /\*\*Where the [\d.]+ [nµ]s goes\*\* \(`wasm-realloc`/);
  });

  it('JSON carries JS findings with their language, callee and estimate', () => {
    const stats = { files: 1, parsedFiles: 1, bytes: 100, ms: 1 };
    const report = JSON.parse(toJson(findings, [], stats, '/root'));
    const t = report.findings.find((x: { rule: string; line: number }) => x.rule === 'js-grow-cost' && x.line === 3);
    assert.deepEqual(
      { file: t.file, language: t.language, callee: t.callee, oldBytes: t.oldBytes, newBytes: t.newBytes, flags: t.flags },
      { file: 'src/grow.ts', language: 'ts', callee: 'buffer-transfer', oldBytes: MiB, newBytes: 2 * MiB, flags: [] },
    );
    assert.equal(t.estimate.op, 'buffer-transfer');
    assert.equal(t.alternative.op, 'buffer-resize');
    assert.ok(report.findings.some((x: { rule: string }) => x.rule === 'transfer-detached-view'));
  });

  it('SARIF with JS findings validates, with a rule entry for every JS id', () => {
    const log = toSarifLog(findings, [], { files: 1, parsedFiles: 1, bytes: 100, ms: 1 }, { toolVersion: '0.1.0', root: '/root', rulesDocUri: 'https://example.org/docs/RULES.md' });
    assertValidSarif(log);
    const ids = log.runs[0]!.tool.driver.rules!.map((r) => r.id);
    for (const f of findings) assert.ok(ids.includes(f.rule), f.rule);
    assert.equal(log.runs[0]!.results!.length, findings.length);
    const r = log.runs[0]!.tool.driver.rules!.find((x) => x.id === 'js-linear-growth')!;
    assert.equal(r.helpUri, 'https://example.org/docs/RULES.md#js-linear-growth');
  });
});
