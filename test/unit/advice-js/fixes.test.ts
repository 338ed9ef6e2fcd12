// The geometric-growth fix for TS/JS constant-step sizes: applied to real code and re-parsed as
// TypeScript, offered only where the analysis said the size may change and the text is unchanged.
import { strict as assert } from 'node:assert';
import { ts } from 'ts-morph';
import { adviseSites } from '../../../src/core/advice/index';
import { applyEdits, fixesFor } from '../../../src/core/fixes/index';
import { oldSizeOperand } from '../../../src/core/fixes/js';
import type { Finding } from '../../../src/core/types';
import { jsSite, rangeOf, size } from './sites';

/** Syntax errors of `text` as TypeScript (the parser's own diagnostics). */
function syntaxErrors(text: string): string[] {
  const sf = ts.createSourceFile('fixed.ts', text, ts.ScriptTarget.ES2024, true, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** The js-linear-growth finding of a copy-grow site in `text`, whose size is `expr`. */
function growthFinding(text: string, expr: string, opts: { safe?: boolean; step?: string; name?: string } = {}): Finding {
  const name = opts.name ?? 'Uint8Array';
  const site = jsSite('copy-grow', {
    name, nameRange: rangeOf(text, name, text.indexOf(`new ${name}(${expr})`)), range: rangeOf(text, `new ${name}(${expr})`),
    inLoop: true, growth: 'linear', newSize: size(null, expr),
  }, {
    step: size(1024, opts.step ?? '1024'),
    growthExpr: { range: rangeOf(text, expr), text: expr, safeToRewrite: opts.safe ?? true, ...(opts.safe === false ? { whyNot: 'the length is read later' } : {}) },
  });
  const f = adviseSites([site]).find((x) => x.rule === 'js-linear-growth');
  assert.ok(f, 'a js-linear-growth finding');
  return f;
}

const LOOP = (expr: string) => `export function collect(chunks: Uint8Array[]): Uint8Array {
  let out = new Uint8Array(0);
  let used = 0;
  for (const c of chunks) {
    if (used + c.length > out.length) {
      const next = new Uint8Array(${expr});
      next.set(out.subarray(0, used));
      out = next;
    }
    out.set(c, used);
    used += c.length;
  }
  return out.subarray(0, used);
}
`;

describe('fix: geometric growth for TS/JS', () => {
  it('rewrites the size in place; the file still parses as TypeScript', () => {
    for (const [expr, step, want] of [
      ['out.length + 1024', '1024', 'Math.max(out.length * 2, out.length + 1024)'],
      ['1024 + out.length', '1024', 'Math.max(out.length * 2, 1024 + out.length)'],
      ['out.length + CHUNK', 'CHUNK', 'Math.max(out.length * 2, out.length + CHUNK)'],
      ['this.buf.byteLength + 2 * c.length', '2 * c.length', 'Math.max(this.buf.byteLength * 2, this.buf.byteLength + 2 * c.length)'],
    ] as const) {
      const text = LOOP(expr);
      const fixes = fixesFor(growthFinding(text, expr, { step }), text).filter((x) => x.title.startsWith('Grow geometrically'));
      assert.equal(fixes.length, 1, expr);
      const out = applyEdits(text, fixes[0]!.edits);
      assert.ok(out.includes(`new Uint8Array(${want})`), `${expr} → ${out}`);
      assert.deepEqual(syntaxErrors(out), [], out);
      assert.equal(out.replace(want, expr), text, 'nothing else changes');
      assert.ok(fixes[0]!.note);
    }
  });

  it('is not offered where the analysis says the size is observable; the message says why', () => {
    const expr = 'out.length + 1024';
    const text = LOOP(expr);
    const f = growthFinding(text, expr, { safe: false });
    assert.match(f.message, /No quick fix is offered .*the length is read later/);
    const titles = fixesFor(f, text).map((x) => x.title);
    assert.ok(!titles.some((t) => t.startsWith('Grow geometrically')));
    assert.ok(titles.some((t) => t.startsWith('Ignore js-linear-growth')), 'the suppression comment is still offered');
  });

  it('is not offered when the text changed since the analysis', () => {
    const expr = 'out.length + 1024';
    const text = LOOP(expr);
    const f = growthFinding(text, expr);
    const edited = text.replace('out.length + 1024', 'out.length + 4096');
    assert.ok(!fixesFor(f, edited).some((x) => x.title.startsWith('Grow geometrically')));
  });

  it('the suppression comment it offers is a TypeScript comment that silences the rule', () => {
    const expr = 'out.length + 1024';
    const text = LOOP(expr);
    const s = fixesFor(growthFinding(text, expr), text).find((x) => x.title.startsWith('Ignore'))!;
    const out = applyEdits(text, s.edits);
    assert.match(out, /\/\/ pagecost-ignore-next-line js-linear-growth\n\s+const next = new Uint8Array/);
    assert.deepEqual(syntaxErrors(out), []);
  });

  it('finds the old size only where the text shows it, and only a side-effect-free one', () => {
    assert.equal(oldSizeOperand('a.length + 1024', undefined), 'a.length');
    assert.equal(oldSizeOperand('0x400 + a?.length', undefined), 'a?.length');
    assert.equal(oldSizeOperand('len + step', 'step'), 'len');
    assert.equal(oldSizeOperand('len + step', undefined), null, 'which operand is the size is not shown');
    assert.equal(oldSizeOperand('next().length + 1024', undefined), null, 'a call would run twice');
    assert.equal(oldSizeOperand('a.length + 1024 + 8', undefined), null);
    assert.equal(oldSizeOperand('i++ + 1024', undefined), null);
    assert.equal(oldSizeOperand('a ? b.length + 1 : 2', undefined), null);
    assert.equal(oldSizeOperand('"+" + 1', undefined), null);
  });
});
