// Findings for TS/JS call sites: which rule, which severity (from the model's ratio for the cost
// rules), what the message says, and that FFI calls of C realloc/mremap keep the C rules.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseSites, ALL_RULES, DEFAULT_SEVERITY, verdict } from '../../../src/core/advice/index';
import { builtinProfile, estimateJs, formatNs, growthTotals, jsAlternative, makeContext } from '../../../src/core/model';
import type { CallSite, Finding } from '../../../src/core/types';
import { fixesFor } from '../../../src/core/fixes/index';
import { jsSite, size } from './sites';

const KiB = 1024;
const MiB = 1024 * KiB;
const profile = builtinProfile('x86-64');
const ctx = makeContext(profile);

const JS_IDS = ['js-grow-cost', 'js-linear-growth', 'resize-not-resizable', 'resize-out-of-range', 'transfer-detached-view'];

function only(findings: Finding[], rule: string): Finding {
  const fs = findings.filter((f) => f.rule === rule);
  assert.equal(fs.length, 1, `one ${rule} finding expected, got ${findings.map((f) => f.rule).join(', ')}`);
  return fs[0]!;
}

function addsUp(f: Finding): void {
  for (const e of [f.estimate, f.alternative]) {
    if (!e) continue;
    const sum = e.breakdown.reduce((s, t) => s + t.ns, 0);
    assert.ok(Math.abs(sum - e.ns) <= 1e-9 * e.ns, `${e.op}: ${sum} ≠ ${e.ns}`);
  }
}

describe('advice for TS/JS sites', () => {
  it('has every JS rule id in RULES with a default severity and a heading in docs/RULES.md', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/RULES.md'), 'utf8');
    for (const id of JS_IDS) {
      assert.ok(ALL_RULES.includes(id), id);
      assert.ok(DEFAULT_SEVERITY[id], id);
      assert.match(doc, new RegExp(`^## ${id}$`, 'm'));
    }
  });

  it('transfer: a copy priced against resize() in place; the severity follows the model ratio and warnRatio', () => {
    const s = jsSite('buffer-transfer', { name: 'transfer', oldSize: size(MiB), newSize: size(2 * MiB) });
    const f = only(adviseSites([s]), 'js-grow-cost');
    const g = { primitive: 'buffer-transfer' as const, oldBytes: MiB, newBytes: 2 * MiB };
    const est = estimateJs(profile.params, ctx, g);
    const alt = jsAlternative(profile.params, ctx, g, false)!;
    assert.equal(f.estimate!.ns, est.ns);
    assert.equal(f.alternative!.ns, alt.ns);
    assert.equal(f.severity, verdict(est.ns, alt.ns, 2));
    addsUp(f);
    assert.match(f.message, /transferring 1 MiB into 2 MiB costs about/);
    assert.match(f.message, /engine behaviour not known/);
    assert.match(f.message, /resize\(\)/);
    // Above the modelled ratio the same call is only a hint.
    const ratio = est.ns / alt.ns;
    assert.equal(only(adviseSites([s], { warnRatio: ratio * 1.01 }), 'js-grow-cost').severity, 'hint');
    assert.equal(only(adviseSites([s], { warnRatio: Math.max(1, ratio * 0.99) }), 'js-grow-cost').severity, 'warning');
    assert.match(only(adviseSites([s], { warnRatio: ratio * 1.01 }), 'js-grow-cost').message, /within the .*× warning ratio/);
  });

  it('copy-grow and concat in a loop warn when the model says the alternative is much cheaper', () => {
    const copy = only(adviseSites([jsSite('copy-grow', { name: 'Uint8Array', oldSize: size(MiB), newSize: size(MiB + 4 * KiB) })]), 'js-grow-cost');
    assert.equal(copy.severity, 'warning', 'a 1 MiB copy to add 4 KiB is far dearer than committing 4 KiB');
    assert.equal(copy.alternative!.op, 'buffer-resize');
    assert.match(copy.message, /a copy on every engine/);
    const inLoop = only(adviseSites([jsSite('concat-grow', { name: 'Buffer.concat', oldSize: size(MiB), newSize: size(MiB + 4 * KiB), inLoop: true })]), 'js-grow-cost');
    assert.equal(inLoop.alternative!.op, 'concat-once');
    assert.equal(inLoop.severity, 'warning');
    const once = only(adviseSites([jsSite('concat-grow', { name: 'Buffer.concat', oldSize: size(MiB), newSize: size(MiB + 4 * KiB) })]), 'js-grow-cost');
    assert.equal(once.alternative, null, 'one concat outside a loop has nothing cheaper to switch to');
    assert.equal(once.severity, 'hint');
  });

  it('wasm realloc, Memory.grow and resize are hints with an estimate and the caveats in words', () => {
    const [w, m, r] = [
      jsSite('wasm-realloc', { name: '__wbindgen_realloc', oldSize: size(64 * KiB), newSize: size(128 * KiB) }, { route: 'wasm-bindgen' }),
      jsSite('memory-grow', { name: 'grow' }, { route: 'builtin', delta: size(2 * 64 * KiB, '2'), shared: false }),
      jsSite('buffer-resize', { name: 'resize', oldSize: size(MiB), newSize: size(2 * MiB) }, { resizable: true, evidence: 'syntax' }),
    ].map((s) => only(adviseSites([s]), 'js-grow-cost'));
    for (const f of [w, m, r]) {
      assert.equal(f.severity, 'hint');
      assert.ok(f.estimate && f.estimate.ns > 0);
      assert.equal(f.alternative, null);
      addsUp(f);
      assert.doesNotMatch(f.message, /glibc|MREMAP_|malloc \+ memcpy/);
    }
    assert.match(w.message, /allocates, copies 64 KiB and frees/);
    assert.match(w.message, /grows in place only when free space follows it/);
    assert.match(m.message, /adding 128 KiB of linear memory/);
    assert.match(m.message, /without copying it is not known/);
    const known = only(adviseSites([jsSite('memory-grow', { name: 'grow', oldSize: size(MiB), newSize: size(MiB + 128 * KiB) }, { delta: size(128 * KiB, '2'), shared: false })]), 'js-grow-cost');
    const moved = estimateJs(profile.params, ctx, { primitive: 'copy-grow', oldBytes: MiB, newBytes: MiB + 128 * KiB });
    assert.match(known.message, /\(1 MiB → 1\.1 MiB\)/);
    assert.ok(known.message.includes(`otherwise grow copies the whole memory: about ${formatNs(moved.ns)} in all for these 1 MiB`), known.message);
    const shared = only(adviseSites([jsSite('memory-grow', { name: 'grow' }, { delta: size(128 * KiB, '2'), shared: true })]), 'js-grow-cost');
    assert.doesNotMatch(shared.message, /not known/, 'a shared memory never moves');
    assert.match(r.message, /growing the buffer in place from 1 MiB to 2 MiB/);
  });

  it('says which sizes it used, and what it assumed', () => {
    const f = only(adviseSites([jsSite('copy-grow', { name: 'Uint8Array', newSize: size(2 * MiB, 'n2') })]), 'js-grow-cost');
    assert.match(f.message, /from the old 1 MiB \(the old size is not known: half the new size assumed\)/);
    assert.ok(f.estimate!.assumptions!.some((a) => a.startsWith('new size `n2` = 2 MiB')));
    assert.ok(f.estimate!.assumptions!.some((a) => /old size 1 MiB assumed/.test(a)));
    const stepped = only(adviseSites([jsSite('copy-grow', { name: 'Uint8Array', newSize: size(2 * MiB) }, { step: size(64 * KiB, 'CHUNK') })]), 'js-grow-cost');
    assert.match(stepped.message, /filled from the old 1\.9 MiB/);
    assert.ok(stepped.estimate!.assumptions!.some((a) => /the new size less the step/.test(a)));
  });

  it('an unknown size is a hint that says why, with a figure for scale and no estimate', () => {
    const f = only(adviseSites([jsSite('buffer-transfer', { name: 'transfer', newSize: size(null, 'len * 2') })]), 'js-grow-cost');
    assert.equal(f.severity, 'hint');
    assert.equal(f.estimate, null);
    assert.match(f.message, /size not known statically \(`len \* 2` is a runtime value\)/);
    assert.match(f.message, /For scale: 1 MiB → 2 MiB costs about [\d.]+ [µnm]?s here \(engine behaviour not known: modelled as a copy\)/);
    const noDelta = only(adviseSites([jsSite('memory-grow', { name: 'grow' })]), 'js-grow-cost');
    assert.match(noDelta.message, /number of pages added is not known/);
  });

  it('growing an empty buffer copies nothing, and says so', () => {
    const f = only(adviseSites([jsSite('copy-grow', { name: 'Uint8Array', oldSize: size(0), newSize: size(4096) })]), 'js-grow-cost');
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /empty before this call, so nothing is copied; the new 4 KiB cost first-touch page faults/);
  });

  it('a model refusal becomes a hint with the reason, not an exception', () => {
    const f = only(adviseSites([jsSite('buffer-resize', { name: 'grow', oldSize: size(2 * MiB), newSize: size(MiB) }, { shared: true })]), 'js-grow-cost');
    assert.match(f.message, /no estimate \(SharedArrayBuffer\.grow\(\) cannot shrink/);
  });
});

describe('js-linear-growth', () => {
  const loop = (over: Partial<CallSite> = {}, step = 4 * KiB, more = {}) =>
    jsSite('copy-grow', { name: 'Uint8Array', inLoop: true, growth: 'linear', oldSize: size(64 * KiB), ...over }, { step: size(step, 'CHUNK'), ...more });

  it('models the total of growing by the step against doubling, and warns from their ratio', () => {
    const f = only(adviseSites([loop()]), 'js-linear-growth');
    const t = growthTotals(profile.params, ctx, 'copy-grow', 64 * KiB, 4 * KiB, 16 * MiB);
    assert.equal(f.estimate!.ns, t.linear.estimate.ns);
    assert.equal(f.alternative!.ns, t.doubling.estimate.ns);
    assert.equal(f.severity, verdict(t.linear.estimate.ns, t.doubling.estimate.ns, 2));
    assert.equal(f.severity, 'warning');
    addsUp(f);
    assert.match(f.message, new RegExp(`takes ${t.linear.calls} calls copying .* doubling takes ${t.doubling.calls} calls`));
    assert.match(f.message, /16 MiB \(an illustration: where it ends is not known statically\)/);
  });

  it('grows to maxByteLength when the code says it, and a step close to the final size is only a hint', () => {
    const f = only(adviseSites([loop({}, 4 * KiB, { maxBytes: size(256 * KiB) })]), 'js-linear-growth');
    assert.match(f.message, /to 256 KiB \(its maxByteLength\)/);
    const big = only(adviseSites([loop({ oldSize: size(MiB) }, MiB, { maxBytes: size(2 * MiB) })]), 'js-linear-growth');
    assert.equal(big.severity, 'hint', 'one step from 1 to 2 MiB: growing by the step is doubling');
  });

  it('concat in a loop says to concatenate once', () => {
    const f = only(adviseSites([jsSite('concat-grow', { name: 'Buffer.concat', inLoop: true, growth: 'linear' }, { step: size(8 * KiB) })]), 'js-linear-growth');
    assert.match(f.message, /appends to the buffer inside a loop: every call copies the whole buffer so far/);
    assert.match(f.message, /concatenate once at the end/);
  });

  it('without a known step: a warning without numbers', () => {
    const f = only(adviseSites([jsSite('buffer-transfer', { name: 'transfer', inLoop: true, growth: 'linear' }, { step: size(null, 'chunk.length') })]), 'js-linear-growth');
    assert.equal(f.severity, 'warning');
    assert.equal(f.estimate, null);
    assert.match(f.message, /the step `chunk\.length` is not known/);
  });

  it('says why there is no quick fix, or that there is one', () => {
    const range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, startOffset: 0, endOffset: 0 };
    const no = only(adviseSites([loop({}, 4 * KiB, { growthExpr: { range, text: 'a.length + CHUNK', safeToRewrite: false, whyNot: '`a.length` is read after the loop' } })]), 'js-linear-growth');
    assert.match(no.message, /No quick fix is offered for `a\.length \+ CHUNK`: `a\.length` is read after the loop\./);
    const yes = only(adviseSites([loop({}, 4 * KiB, { growthExpr: { range, text: 'a.length + CHUNK', safeToRewrite: true } })]), 'js-linear-growth');
    assert.match(yes.message, /Quick fix: grow geometrically/);
  });

  it('is not raised outside loops, nor for resize() and Memory.grow, which copy nothing', () => {
    assert.equal(adviseSites([loop({ inLoop: false })]).filter((f) => f.rule === 'js-linear-growth').length, 0);
    const resize = jsSite('buffer-resize', { name: 'resize', inLoop: true, growth: 'linear', oldSize: size(MiB), newSize: size(MiB + 4096) }, { step: size(4096) });
    const mem = jsSite('memory-grow', { name: 'grow', inLoop: true, growth: 'linear' }, { delta: size(65536), step: size(65536) });
    assert.equal(adviseSites([resize, mem]).filter((f) => f.rule === 'js-linear-growth').length, 0);
  });
});

describe('JS correctness rules', () => {
  it('resize-not-resizable only with evidence that the buffer is fixed-length', () => {
    const fixed = (evidence: 'type' | 'syntax' | 'none', resizable: boolean | null) =>
      adviseSites([jsSite('buffer-resize', { name: 'resize', newSize: size(MiB) }, { resizable, evidence })]).filter((f) => f.rule === 'resize-not-resizable');
    const [f] = fixed('syntax', false);
    assert.equal(f!.severity, 'error');
    assert.match(f!.message, /TypeError/);
    assert.match(f!.message, /maxByteLength/);
    assert.equal(fixed('type', false).length, 1);
    assert.equal(fixed('none', false).length, 0, 'no evidence: not known, so quiet');
    assert.equal(fixed('syntax', null).length, 0);
    assert.equal(fixed('syntax', true).length, 0);
    const sab = adviseSites([jsSite('buffer-resize', { name: 'grow', newSize: size(MiB) }, { resizable: false, evidence: 'type', shared: true })]);
    assert.match(only(sab, 'resize-not-resizable').message, /SharedArrayBuffer/);
  });

  it('resize-out-of-range: above maxByteLength, or a SharedArrayBuffer grow that shrinks', () => {
    const over = only(adviseSites([jsSite('buffer-resize', { name: 'resize', newSize: size(2 * MiB) }, { maxBytes: size(MiB, 'MAX') })]), 'resize-out-of-range');
    assert.equal(over.severity, 'error');
    assert.match(over.message, /RangeError.*2 MiB.*maxByteLength of 1 MiB \(`MAX`\)/);
    assert.equal(adviseSites([jsSite('buffer-resize', { name: 'resize', newSize: size(MiB) }, { maxBytes: size(MiB) })]).filter((f) => f.rule === 'resize-out-of-range').length, 0);
    const shrink = adviseSites([jsSite('buffer-resize', { name: 'grow', oldSize: size(2 * MiB), newSize: size(MiB) }, { shared: true })]);
    assert.match(only(shrink, 'resize-out-of-range').message, /cannot shrink/);
  });

  it('transfer-detached-view names the stale views, for transfer and Memory.grow', () => {
    const t = only(adviseSites([jsSite('buffer-transfer', { name: 'transfer', oldSize: size(MiB), newSize: size(2 * MiB) }, { staleViews: ['view', 'f64'] })]), 'transfer-detached-view');
    assert.equal(t.severity, 'warning');
    assert.match(t.message, /transfer\(\) detaches the old buffer, but `view`, `f64` are views/);
    const m = only(adviseSites([jsSite('memory-grow', { name: 'grow' }, { delta: size(65536), staleViews: ['heap'] })]), 'transfer-detached-view');
    assert.match(m.message, /Memory\.grow\(\) detaches the old `memory\.buffer`, but `heap` is a view/);
    assert.equal(adviseSites([jsSite('buffer-transfer', { name: 'transfer' }, { staleViews: [] })]).filter((f) => f.rule === 'transfer-detached-view').length, 0);
  });
});

describe('JS findings under suppressions and rule settings', () => {
  const stale = () => jsSite('buffer-transfer', { name: 'transfer', oldSize: size(MiB), newSize: size(2 * MiB) }, { staleViews: ['v'] });

  it('suppression comments recorded on the site silence JS rules like C ones', () => {
    const s = { ...stale(), facts: { suppressed: ['transfer-detached-view'] } };
    const rules = adviseSites([s]).map((f) => f.rule);
    assert.ok(!rules.includes('transfer-detached-view'));
    assert.ok(rules.includes('js-grow-cost'));
    assert.deepEqual(adviseSites([{ ...stale(), facts: { suppressed: ['js-*'] } }]).map((f) => f.rule), ['transfer-detached-view']);
    assert.equal(adviseSites([{ ...stale(), facts: { suppressed: ['*'] } }]).length, 0);
    assert.equal(adviseSites([s], { suppressions: false }).length, 2, 'suppressions: false keeps them');
  });

  it('ruleSeverity switches JS rules off or changes their severity', () => {
    const out = adviseSites([stale()], { ruleSeverity: { 'js-grow-cost': 'off', 'transfer-detached-view': 'error' } });
    assert.deepEqual(out.map((f) => [f.rule, f.severity]), [['transfer-detached-view', 'error']]);
  });
});

describe('FFI calls of C realloc/mremap from TS', () => {
  const ffi = (over: Partial<CallSite>, route: 'koffi' | 'ffi-napi' | 'bun:ffi' = 'koffi') => jsSite('realloc', { name: 'realloc', ...over }, { route });

  it('get the C cost rules, exactly as a C site with the same sizes', () => {
    const js = adviseSites([ffi({ newSize: size(MiB) })]);
    const c = adviseSites([{ ...ffi({ newSize: size(MiB) }), language: 'c', js: undefined }]);
    assert.deepEqual(js.map((f) => [f.rule, f.severity, f.message, f.estimate?.ns]), c.map((f) => [f.rule, f.severity, f.message, f.estimate?.ns]));
    assert.equal(js[0]!.rule, 'realloc-cost');
    const m = adviseSites([jsSite('mremap', { name: 'mremap', oldSize: size(4096), newSize: size(8192), flags: ['MREMAP_MAYMOVE'] }, { route: 'bun:ffi' })]);
    assert.ok(m.some((f) => f.rule === 'mremap-slower-than-memcpy' || f.rule === 'mremap-cost'));
    assert.ok(!m.some((f) => f.rule.startsWith('js-')));
  });

  it('the C correctness rules that need C syntax facts stay silent', () => {
    const sites = [
      ffi({ newSize: size(null, 'n * size'), assignedBackTo: null }),
      jsSite('mremap', { name: 'mremap', oldSize: size(null), newSize: size(null), flags: ['MREMAP_MAYMOVE'] }, { route: 'ffi-napi' }),
      ffi({ kind: 'wrapper-call', via: ['grow'], name: 'grow', newSize: size(null) }),
    ];
    const rules = adviseSites(sites).map((f) => f.rule);
    for (const r of ['mremap-null-check', 'realloc-unchecked-multiply', 'realloc-leak-on-failure']) assert.ok(!rules.includes(r), `${r} fired on an FFI site without facts`);
    assert.deepEqual([...new Set(rules)].sort(), ['mremap-cost', 'realloc-cost']);
  });

  it('p = realloc(p, n) through an FFI still leaks on failure and is said; no C edit is offered for TS text', () => {
    const text = 'let p = lib.realloc(p0, 16);\np = realloc(p, n);\n';
    const r = { start: { line: 2, column: 5 }, end: { line: 2, column: 12 }, startOffset: 33, endOffset: 40 };
    const f = adviseSites([ffi({ newSize: size(null), assignedBackTo: 'p', nameRange: r, range: r })]).find((x) => x.rule === 'realloc-leak-on-failure');
    assert.ok(f, 'the leak is real whatever the language');
    assert.deepEqual(fixesFor(f, text).map((x) => x.title), ['Ignore realloc-leak-on-failure on this line (pagecost-ignore-next-line comment)']);
  });

  it('a TS function does not change the verdict on a C wrapper of the same name', () => {
    // `grow` in C frees the old block when realloc fails, so its C callers do not leak.
    const cInside: CallSite = { ...ffi({ enclosingFunction: 'grow', newSize: size(null) }), language: 'c', js: undefined, facts: { oldPointerSaved: true } };
    const cCaller: CallSite = { ...ffi({ kind: 'wrapper-call', via: ['grow'], name: 'grow', assignedBackTo: 'q', newSize: size(null), enclosingFunction: 'main' }), language: 'c', js: undefined };
    const tsSameName = jsSite('buffer-transfer', { name: 'transfer', enclosingFunction: 'grow' });
    const leaks = (sites: CallSite[]) => adviseSites(sites).filter((x) => x.rule === 'realloc-leak-on-failure').length;
    assert.equal(leaks([cInside, cCaller]), 0);
    assert.equal(leaks([cInside, cCaller, tsSameName]), 0);
  });
});
