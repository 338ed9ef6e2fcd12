// Ancestor chains (src/core/analysis/c/ancestry.ts) are found from the root down: they must be
// exactly the chains `Node.parent` climbs, for every node of real-looking and broken C (MISSING
// tokens are empty, ERROR nodes nest), or the scopes, loops and functions read from them move.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { cParser } from './helpers';
import { ancestorsOf, parentOf, typeOf } from '../../../src/core/analysis/c/ancestry';
import { enclosingFunctionNode, isInLoop, isLoopNode, placeOf } from '../../../src/core/analysis/c/syntax';
import { FIXTURE_ROOT } from './fixtureProject';

function climbed(at: Node): number[] {
  const up: number[] = [at.id];
  for (let p = at.parent; p; p = p.parent) up.push(p.id);
  return up.reverse();
}

function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    for (const c of n.children) if (c) stack.push(c);
  }
  return out;
}

const BROKEN = [
  'void f(char *p) { if (p) { p = realloc(p, 8) } else { for (;;) grow(p) }\n',
  'int g(void) { return (1 + ; }\nstatic int h(int a) { while (a--) { a = a * 2 } return a }\n',
  '#ifdef X\nvoid k(void) {\n#else\nvoid k(int a) {\n#endif\n  for_each(x) { q = realloc(q, n); }\n}\n',
  // An iteration macro: a call statement missing its `;`, then the block.
  'void m(void) {\n  list_for_each(pos, &head) { q = realloc(q, n); }\n  if (a) { b(); } else { c(); }\n  { d(); }\n}\n',
];

describe('ancestor chains', () => {
  for (const name of ['growth.c', 'broken.c', 'conditions.c', 'macros.c']) {
    it(`are the parent chains of every node of the ${name} fixture`, async () => {
      const text = readFileSync(join(FIXTURE_ROOT, name), 'utf8');
      await sameChains(text);
    });
  }
  BROKEN.forEach((text, i) => {
    it(`are the parent chains of every node of broken snippet ${i + 1} (ERROR and MISSING nodes)`, async () => {
      await sameChains(text);
    });
  });

  it('give each node the type the tree gives it, asked once or again, for every tree apart', async () => {
    const p = await cParser();
    // Two trees of texts where the same offsets hold nodes of other types, and one tree asked twice.
    const texts = [BROKEN[0]!, BROKEN[0]!.replace('realloc(p, 8)', '(char *)p + 8'), readFileSync(join(FIXTURE_ROOT, 'macros.c'), 'utf8')];
    const trees = texts.map((t) => p.parse(t)!);
    try {
      for (let round = 0; round < 2; round++) {
        for (const tree of trees) {
          for (const n of allNodes(tree.rootNode)) assert.equal(typeOf(n), n.type, `${n.type} at ${n.startIndex}`);
        }
      }
    } finally {
      for (const t of trees) t.delete();
    }
  });

  it('a block under a body parent is no macro loop, as asking its previous sibling says', async () => {
    const p = await cParser();
    let spared = 0;
    let macroLoops = 0;
    for (const text of [...BROKEN, ...['growth.c', 'broken.c', 'macros.c'].map((n) => readFileSync(join(FIXTURE_ROOT, n), 'utf8'))]) {
      const tree = p.parse(text)!;
      try {
        for (const n of allNodes(tree.rootNode)) {
          if (n.type !== 'compound_statement' || !n.parent) continue;
          const asked = isLoopNode(n);
          const told = isLoopNode(n, 'compound_statement', n.parent.type);
          assert.equal(told, asked, `block at ${n.startIndex} under ${n.parent.type}`);
          if (['function_definition', 'if_statement', 'else_clause', 'for_statement', 'while_statement'].includes(n.parent.type)) spared++;
          if (asked) macroLoops++;
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(spared > 10 && macroLoops > 0, `${spared} spared, ${macroLoops} macro loops`);
  });

  it('a call in the block of an iteration macro is in a loop', async () => {
    const p = await cParser();
    const text = BROKEN[3]!;
    const tree = p.parse(text)!;
    try {
      const at = text.indexOf('realloc');
      const name = tree.rootNode.descendantForIndex(at, at + 1)!;
      assert.equal(isInLoop(name), true);
      assert.equal(placeOf(name).inLoop, true);
    } finally {
      tree.delete();
    }
  });

  it('place, loop and function of a call read from the chain', async () => {
    const p = await cParser();
    const text = 'void f(char *p) {\n  while (p) { p = realloc(p, 8); }\n  p = realloc(p, 4);\n}\n';
    const tree = p.parse(text)!;
    try {
      const inLoop = tree.rootNode.descendantForIndex(text.indexOf('realloc'), text.indexOf('realloc') + 1)!;
      const after = tree.rootNode.descendantForIndex(text.lastIndexOf('realloc'), text.lastIndexOf('realloc') + 1)!;
      assert.equal(isInLoop(inLoop), true);
      assert.equal(isInLoop(after), false);
      assert.equal(placeOf(inLoop).inLoop, true);
      assert.equal(placeOf(after).fn?.type, 'function_definition');
      assert.equal(enclosingFunctionNode(after)?.startIndex, 0);
      assert.equal(enclosingFunctionNode(tree.rootNode), null);
    } finally {
      tree.delete();
    }
  });
});

async function sameChains(text: string): Promise<void> {
  const p = await cParser();
  const tree = p.parse(text)!;
  try {
    const nodes = allNodes(tree.rootNode);
    assert.ok(nodes.length > 20);
    // Before any chain passes through a node, and after: parentOf is the parent.
    const parentId = (n: Node) => n.parent?.id ?? null;
    for (const n of nodes) assert.equal(parentOf(n)?.id ?? null, parentId(n), `${n.type} at ${n.startIndex}`);
    for (const n of nodes) assert.deepEqual(ancestorsOf(n).map((a) => a.id), climbed(n), `${n.type} at ${n.startIndex}`);
    for (const n of nodes) assert.equal(parentOf(n)?.id ?? null, parentId(n), `${n.type} at ${n.startIndex}`);
  } finally {
    tree.delete();
  }
  // A descent starts from the last chain's deepest node that holds the target: asked in a
  // scrambled order (a fresh tree, nothing cached), each chain must still be the climbed one.
  const again = p.parse(text)!;
  try {
    const nodes = allNodes(again.rootNode);
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % nodes.length;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[next()]!;
      assert.deepEqual(ancestorsOf(n).map((a) => a.id), climbed(n), `${n.type} at ${n.startIndex} (scrambled)`);
    }
  } finally {
    again.delete();
  }
}
