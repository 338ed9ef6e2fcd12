// Ancestors of a node without `Node.parent`: in web-tree-sitter 0.25 each `.parent` (and each
// sibling step) re-descends from the root, so walking up k levels costs k descents. One cursor
// descent toward the node's start yields the whole chain at once.
import type { Node } from 'web-tree-sitter';

/** The nodes from the root down to `at`, `at` last. */
export function ancestorsOf(at: Node): Node[] {
  const cursor = at.tree.rootNode.walk();
  const chain: Node[] = [];
  try {
    for (let guard = 0; guard < 1024; guard++) {
      const n = cursor.currentNode;
      chain.push(n);
      if (n.id === at.id) return chain;
      if (n.startIndex > at.startIndex || n.endIndex < at.endIndex) break;
      if (!cursor.gotoFirstChildForIndex(at.startIndex)) break;
    }
  } finally {
    cursor.delete();
  }
  // Not reached by the descent (a zero-width node, say): fall back to the slow walk.
  const up: Node[] = [at];
  for (let p = at.parent, guard = 0; p && guard < 1024; p = p.parent, guard++) up.push(p);
  return up.reverse();
}

/** Named siblings of `chain[i]` before it, nearest first (needs `chain[i - 1]`, its parent). */
export function previousNamedSiblings(chain: Node[], i: number, max: number): Node[] {
  const parent = chain[i - 1];
  const self = chain[i];
  if (!parent || !self) return [];
  const kids = parent.namedChildren;
  const k = kids.findIndex((c) => c?.id === self.id);
  const out: Node[] = [];
  for (let j = k - 1; j >= 0 && out.length < max; j--) {
    const c = kids[j];
    if (c && c.type !== 'comment') out.push(c);
  }
  return out;
}
