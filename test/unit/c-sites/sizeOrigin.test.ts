// sizeOrigin.ts: a function's facts (its locals, writes and loops) are read once per tree and
// shared by every round's cache — the answers must be those of a fresh reading, per tree.
import { strict as assert } from 'node:assert';
import type { Tree } from 'web-tree-sitter';
import { cParser } from './helpers';
import { sizeOrigin, type SizeOrigin } from '../../../src/core/analysis/c/sizeOrigin';
import { functionParams } from '../../../src/core/analysis/c/syntax';

const GROWS_IN_LOOP = `void *grow(void *p, size_t n) {
  size_t m = n;
  for (int i = 0; i < 4; i++) { m += 16; p = realloc(p, m); }
  return p;
}
`;
const FROM_PARAMS = `void *grow(void *p, size_t n) {
  size_t m = n * 2;
  p = realloc(p, m);
  return p;
}
`;

/** Where each `realloc(p, SIZE)` size of `tree` comes from, asked with a cache of its own. */
function origins(tree: Tree, text: string): SizeOrigin[] {
  const out: SizeOrigin[] = [];
  for (const fn of tree.rootNode.descendantsOfType('function_definition')) {
    const ctx = { fn: fn!, params: functionParams(fn!), ptrParam: 'p', isConstant: () => false, cache: new Map() };
    for (let at = text.indexOf('realloc(p, '); at >= 0; at = text.indexOf('realloc(p, ', at + 1)) {
      const start = at + 'realloc(p, '.length;
      out.push(sizeOrigin(text.slice(start, text.indexOf(')', start)), start, ctx));
    }
  }
  return out;
}

describe('C size origin: facts of a function kept per tree', () => {
  it('answers from each tree its own facts, the same on each ask', async () => {
    const parser = await cParser();
    const loop = parser.parse(GROWS_IN_LOOP)!;
    const params = parser.parse(FROM_PARAMS)!;
    const first = origins(loop, GROWS_IN_LOOP);
    assert.equal(first.length, 1);
    assert.match(first[0]!.why ?? '', /changes `m` in its own loop/);
    const other = origins(params, FROM_PARAMS);
    assert.deepEqual(other, [{ why: null, inlined: '(n * 2)' }]);
    // Asked again with fresh caches (a later round), in either order: the same answers.
    assert.deepEqual(origins(params, FROM_PARAMS), other);
    assert.deepEqual(origins(loop, GROWS_IN_LOOP), first);
    loop.delete();
    params.delete();
  });
});
