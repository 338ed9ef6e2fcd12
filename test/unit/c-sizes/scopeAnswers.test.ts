// The evaluator keeps what a scope's files answer for a name (evaluate.ts, ScopeAnswers): the sites
// of one file ask the same names again. The answers must be those of asking again, errors too.
import { strict as assert } from 'node:assert';
import { evaluateSize, evaluateText, type Scope } from '../../../src/core/analysis/c/evaluate';
import type { FileSymbols } from '../../../src/core/analysis/c/symbols';
import { snippet } from './helpers';

/** `symbols` whose maps count the names looked up in them. */
function counted(symbols: FileSymbols, reads: string[]): FileSymbols {
  const wrap = <V>(m: Map<string, V> | undefined, what: string) => {
    if (!m) return m;
    const out = new Map(m);
    out.get = (k: string) => (reads.push(`${what} ${k}`), m.get(k));
    out.has = (k: string) => (reads.push(`${what}? ${k}`), m.has(k));
    return out;
  };
  return {
    ...symbols,
    macros: wrap(symbols.macros, 'macro')!,
    types: wrap(symbols.types, 'type')!,
    enums: wrap(symbols.enums, 'enum')!,
    enumExprs: wrap(symbols.enumExprs, 'enum'),
    constants: wrap(symbols.constants, 'const'),
  };
}

describe('answers kept for a scope', () => {
  const header = [
    'typedef struct slot { long key; char name[16]; } slot_t;',
    'enum { SLOTS = 8 };',
    '#define GROW 2',
    '#ifdef WIDE',
    '#define STEP 16',
    '#else',
    '#define STEP 8',
    '#endif',
  ].join('\n');
  const src = '#include "h.h"\nvoid f(unsigned long n) {\n  void *p = 0;\n  p = realloc(p, sizeof(slot_t) * SLOTS * GROW);\n  p = realloc(p, sizeof(slot_t) * n * GROW);\n}\n';

  it('asks the headers once for each name, and answers the same again', async () => {
    const s = await snippet(src, { headers: { 'h.h': header } });
    const reads: string[] = [];
    const scope: Scope = { ...s.scope, headers: s.scope.headers.map((h) => counted(h, reads)) };
    const first = evaluateSize(s.args('realloc', 0)[1]!, scope);
    assert.equal(first.bytes, 24 * 8 * 2);
    const asked = reads.length;
    assert.ok(reads.includes('type slot_t') && reads.includes('macro GROW') && reads.includes('enum? SLOTS'), reads.join(', '));
    assert.deepEqual(evaluateSize(s.args('realloc', 0)[1]!, scope), first, 'the same site again');
    const second = evaluateSize(s.args('realloc', 1)[1]!, scope);
    assert.equal(second.bytes, null);
    assert.match(second.note, /`n` is a runtime value/);
    const again = reads.slice(asked);
    // (The enum constant's value is read again: only where it is declared is kept.)
    for (const name of ['type slot_t', 'macro GROW', 'enum? SLOTS']) assert.ok(!again.includes(name), `${name} asked again: ${again.join(', ')}`);
  });

  it('gives a macro defined two ways the same reason every time', async () => {
    const s = await snippet(src, { headers: { 'h.h': header } });
    const notes = [1, 2].map(() => evaluateText('STEP * 2', s.scope).value);
    for (const v of notes) assert.ok(!v.ok && /`STEP` is defined 2 ways/.test(v.why), JSON.stringify(v));
    assert.deepEqual(notes[0], notes[1]);
  });

  it('keeps nothing across scopes: another scope over other headers answers from its own', async () => {
    const a = await snippet(src, { headers: { 'h.h': header } });
    const b = await snippet(src, { headers: { 'h.h': header.replace('#define GROW 2', '#define GROW 3') } });
    assert.deepEqual(evaluateText('GROW', a.scope).value, { ok: true, v: 2n });
    assert.deepEqual(evaluateText('GROW', b.scope).value, { ok: true, v: 3n });
  });
});
