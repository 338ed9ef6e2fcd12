// A function's name is read once per tree: the answer for a node must be its own tree's, even
// when another tree of an edited text holds a node with the same id.
import { strict as assert } from 'node:assert';
import type { Node } from 'web-tree-sitter';
import { functionName } from '../../../src/core/analysis/c/syntax';
import { cParser } from './helpers';

const definitions = (root: Node) => root.namedChildren.filter((c): c is Node => !!c && c.type === 'function_definition');

describe('function names read once per tree', () => {
  it('names each definition, through pointers and parentheses, and null for what it cannot read', async () => {
    const p = await cParser();
    const tree = p.parse('static char *grow(char *p) { return p; }\nint (*pick(void))(int) { return 0; }\nvoid (free_it)(void *q) { }\n')!;
    try {
      const defs = definitions(tree.rootNode);
      assert.deepEqual(defs.map(functionName), ['grow', 'pick', 'free_it']);
      assert.deepEqual(defs.map(functionName), ['grow', 'pick', 'free_it'], 'asked again: the same');
    } finally {
      tree.delete();
    }
  });

  it('answers for a tree of an edited text from that tree', async () => {
    const p = await cParser();
    const before = 'void grow(void) { }\n';
    const after = 'void wrap(void) { }\n';
    const a = p.parse(before)!;
    try {
      assert.equal(functionName(definitions(a.rootNode)[0]!), 'grow');
      const copy = a.copy();
      copy.edit({ startIndex: 5, oldEndIndex: 9, newEndIndex: 9, startPosition: { row: 0, column: 5 }, oldEndPosition: { row: 0, column: 9 }, newEndPosition: { row: 0, column: 9 } });
      const b = p.parse(after, copy)!;
      try {
        assert.equal(functionName(definitions(b.rootNode)[0]!), 'wrap');
        assert.equal(functionName(definitions(a.rootNode)[0]!), 'grow');
      } finally {
        b.delete();
        copy.delete();
      }
    } finally {
      a.delete();
    }
  });
});
