// The per-text memo of name occurrences: what it gives must be what a scan of the text with a
// regex of the same names gives, however the names were asked for before, and a different text
// must never get the occurrences of the one before.
import { strict as assert } from 'node:assert';
import { NameMatches } from '../../../src/core/analysis/c/nameMatches';
import { argTexts, buildCalleeIndex, findNameUses } from '../../../src/core/analysis/c/callSites';
import { configWrapper } from '../../../src/core/analysis/c/wrappers';
import { cParser } from './helpers';

/** What a fresh regex finds: the reference. */
function scanned(text: string, names: string[]): string[] {
  if (!names.length) return [];
  const re = new RegExp(`\\b(?:${[...names].sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');
  return [...text.matchAll(re)].map((m) => `${m[0]}@${m.index}`);
}
const shown = (list: { at: number; name: string }[]) => list.map((o) => `${o.name}@${o.at}`);

describe('name occurrences remembered per text', () => {
  const text = [
    'p = realloc(p, n); q = reallocarray(q, 2, n); // realloc in a comment',
    'xrealloc_big(p); my_realloc(p); realloc2(p); grow(p, 1); grow_more(p);',
    '#define GROW(p) realloc((p), 8)',
  ].join('\n');

  it('gives what a scan gives, in text order, whichever names were asked for before', () => {
    const asks = [['realloc'], ['realloc', 'grow'], ['grow_more', 'realloc', 'reallocarray'], ['my_realloc', 'grow'], [], ['realloc2', 'nowhere', 'realloc']];
    const memo = new NameMatches();
    for (const names of asks) assert.deepEqual(shown(memo.in(text, names)), scanned(text, names), names.join(','));
    // Asked in the other order, with a fresh memo: the same.
    const fresh = new NameMatches();
    for (const names of [...asks].reverse()) assert.deepEqual(shown(fresh.in(text, names)), scanned(text, names), names.join(','));
    assert.deepEqual(shown(memo.in(text, ['realloc'])).length, 3, 'two calls and the comment: a memo is no filter of comments');
  });

  it('forgets a text for another one, even of the same length', () => {
    const memo = new NameMatches();
    const a = 'realloc(p, 1); grow(q);';
    const b = 'grow(q); realloc(p, 1);';
    assert.equal(a.length, b.length);
    assert.deepEqual(shown(memo.in(a, ['realloc', 'grow'])), ['realloc@0', 'grow@15']);
    assert.deepEqual(shown(memo.in(b, ['realloc', 'grow'])), ['grow@0', 'realloc@9']);
    // The same content read again (another string object): still right.
    const again = [b.slice(0, 5), b.slice(5)].join('');
    assert.deepEqual(shown(memo.in(again, ['realloc'])), ['realloc@9']);
  });

  it('computes what is derived from a text once per text and key, and anew for another text', () => {
    const memo = new NameMatches();
    const made: string[] = [];
    const derive = (text: string, key: string) => memo.forText(key, text, () => (made.push(`${key}:${text}`), `${key} of ${text}`));
    const a = 'enum { A = 1 };';
    const b = 'enum { B = 2 };';
    assert.equal(derive(a, 'constants'), 'constants of enum { A = 1 };');
    assert.equal(derive(a, 'constants'), 'constants of enum { A = 1 };');
    assert.equal(derive(a, 'other'), 'other of enum { A = 1 };');
    assert.deepEqual(made, [`constants:${a}`, `other:${a}`]);
    // Asking about another text (for occurrences or derived values) forgets the first one's.
    assert.equal(derive(b, 'constants'), 'constants of enum { B = 2 };');
    memo.in(a, ['A']);
    assert.equal(derive(a, 'constants'), 'constants of enum { A = 1 };');
    assert.deepEqual(made, [`constants:${a}`, `other:${a}`, `constants:${b}`, `constants:${a}`]);
    // The same content in another string object is the same text.
    assert.equal(derive([a.slice(0, 3), a.slice(3)].join(''), 'constants'), 'constants of enum { A = 1 };');
    assert.equal(made.length, 4);
  });

  it('lets findNameUses find the same uses with and without it, over a range too', async () => {
    const p = await cParser();
    const src = 'void f(char **p, size_t n) { *p = xrealloc(*p, n); }\nvoid g(char **p) { *p = realloc(*p, 8); *p = grow_buf(*p, 1); }\n';
    const tree = p.parse(src)!;
    try {
      const memo = new NameMatches();
      const small = buildCalleeIndex([], 'a.c');
      const big = buildCalleeIndex([configWrapper('xrealloc', 'realloc'), configWrapper('grow_buf', 'realloc')], 'a.c');
      const uses = (index: typeof big, opts = {}) => findNameUses(tree.rootNode, src, index, opts).map((u) => `${u.name}@${u.nameNode.startIndex}:${u.role}`);
      assert.deepEqual(uses(small, { matches: memo }), uses(small));
      assert.deepEqual(uses(big, { matches: memo }), uses(big));
      assert.deepEqual(uses(big, { matches: memo }).map((s) => s.split('@')[0]), ['xrealloc', 'realloc', 'grow_buf']);
      const g = src.indexOf('void g');
      assert.deepEqual(uses(big, { matches: memo, start: g, end: src.length }), uses(big, { start: g, end: src.length }));
      assert.deepEqual(uses(big, { matches: memo, start: 0, end: g }), ['xrealloc@34:call']);
    } finally {
      tree.delete();
    }
  });

  it('gives the argument texts the nodes give, also for arguments recovery split (a type passed to a macro)', async () => {
    const p = await cParser();
    const src = 'void f(char **p, size_t n) {\n  *p = realloc(*p /* old */, n * 2);\n  GROW (p, unsigned char, n);\n}\n';
    const tree = p.parse(src)!;
    try {
      const memo = new NameMatches();
      const index = buildCalleeIndex([configWrapper('GROW', 'realloc', { ptr: 0, size: 2 })], 'a.c');
      for (let round = 0; round < 2; round++) {
        const uses = findNameUses(tree.rootNode, src, index, { matches: memo });
        assert.deepEqual(uses.map((u) => u.name), ['realloc', 'GROW']);
        for (const u of uses) assert.deepEqual(argTexts(u), u.args.map((a) => a.text), `${u.name}, round ${round}`);
        assert.deepEqual(argTexts(uses[1]!), ['p', 'unsigned char', 'n']);
      }
    } finally {
      tree.delete();
    }
  });

  it('keeps what it learnt at each occurrence for one tree only', async () => {
    const p = await cParser();
    const src = 'void f(char **p, size_t n) { *p = realloc(*p, n); }\n';
    const edited = 'void f(char **p, size_t n) { realloc(*p, n); }\n';
    const a = p.parse(src)!;
    const b = p.parse(src)!;
    try {
      const memo = new NameMatches();
      const index = buildCalleeIndex([], 'a.c');
      const first = findNameUses(a.rootNode, src, index, { matches: memo });
      assert.equal(memo.perTree(a).size, 1);
      // The same tree again: the same nodes, and fresh argument lists a caller may change.
      const again = findNameUses(a.rootNode, src, index, { matches: memo });
      assert.equal(again[0]!.exprNode, first[0]!.exprNode);
      assert.notEqual(again[0]!.args, first[0]!.args);
      // Another tree of the same text: its own nodes, never the first tree's.
      const other = findNameUses(b.rootNode, src, index, { matches: memo });
      assert.equal(other[0]!.exprNode.tree, b);
      assert.equal(memo.perTree(a).size, 0, 'a tree of its own forgets the other one');
      // Another text forgets both.
      const c = p.parse(edited)!;
      try {
        assert.deepEqual(findNameUses(c.rootNode, edited, index, { matches: memo }).map((u) => u.exprNode.text), ['realloc(*p, n)']);
      } finally {
        c.delete();
      }
    } finally {
      a.delete();
      b.delete();
    }
  });
});
