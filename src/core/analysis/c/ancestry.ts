// Ancestor chains, computed once per evaluation and shared by everything that needs to look up
// the tree (declarations in scope, the enclosing function, statements before a call), since
// every `Node.parent` step is a call into wasm that itself descends from the root. A chain is
// found from the root down with childWithDescendant, one call per level. (A TreeCursor descent was
// tried: stepping through siblings costs more than the parent steps, and gotoFirstChildForIndex
// ignores its goal in web-tree-sitter 0.25.)
import type { Node, Tree } from 'web-tree-sitter';

// Node ids are unique within a tree, and a parsed tree's shape never changes (an edit makes a
// new tree), so chains can be shared by every evaluation on the same tree: evaluateSize and
// classifyGrowth of one argument walk up once.
const chains = new WeakMap<Tree, Map<number, Node[]>>();
const MAX_CHAINS_PER_TREE = 512;

/** The nodes from the root down to `at`, `at` last. */
export function ancestorsOf(at: Node): Node[] {
  let perTree = chains.get(at.tree);
  const hit = perTree?.get(at.id);
  if (hit) return hit;
  const chain = descend(at) ?? climb(at);
  rememberParents(chain);
  if (!perTree) chains.set(at.tree, (perTree = new Map()));
  if (perTree.size >= MAX_CHAINS_PER_TREE) perTree.clear();
  perTree.set(at.id, chain);
  return chain;
}

/**
 * The chain found from the root down, one childWithDescendant step per level. tree-sitter keeps
 * no parent links: `Node.parent` descends from the root the same way, so climbing d levels costs
 * ~d²/2 of those steps, descending d. Measured on the dense bench corpus's `realloc` names (chains
 * of ~7 nodes): a climb ~4.5 µs, a descent ~3.4 µs, one parent call ~1–2 µs — so the walks up
 * from call sites share this chain. Null when the descent does not reach `at` (it always
 * should: parent is built on the same step).
 */
function descend(at: Node): Node[] | null {
  const last = lastChains.get(at.tree);
  const start = last ? sharedTop(last, at) : 0;
  const chain: Node[] = last ? last.chain.slice(0, start + 1) : [at.tree.rootNode];
  const ends: (number | undefined)[] = last ? last.ends.slice(0, start + 1) : [];
  for (let n: Node | null = chain[chain.length - 1]!, guard = 0; n.id !== at.id; guard++) {
    n = guard < 1024 ? n.childWithDescendant(at) : null;
    if (!n) return null;
    chain.push(n);
  }
  lastChains.set(at.tree, { chain, ends });
  return chain;
}

/**
 * The last chain found in each tree, with the end offsets of its nodes asked so far. Chains asked
 * one after the other share their top (the function, its body, the statement): a descent starts
 * from the deepest node of the last chain that holds the new target, not from the root — the
 * dense bench corpus's descents took 14,335 steps into wasm from the root.
 */
const lastChains = new WeakMap<Tree, { chain: Node[]; ends: (number | undefined)[] }>();

/**
 * Index in `last.chain` of its deepest node that is surely an ancestor of `at`: one whose range
 * holds `at`'s start strictly inside, or starts with `at` and ends after a non-empty `at`. Nodes
 * of disjoint subtrees share at most a boundary, so such a node is an ancestor; one of the same
 * range could be `at` itself or its only child, and is not taken. 0 (the root) when none is.
 */
function sharedTop(last: { chain: Node[]; ends: (number | undefined)[] }, at: Node): number {
  const s = at.startIndex;
  let e = -1; // asked only for a node that starts where `at` does
  let k = 0;
  for (let i = 1; i < last.chain.length; i++) {
    const x = last.chain[i]!;
    const xs = x.startIndex;
    if (xs > s) break;
    const xe = (last.ends[i] ??= x.endIndex);
    let holds: boolean;
    if (xs < s) holds = s < xe;
    else {
      if (e < 0) e = at.endIndex;
      holds = s < e && e < xe;
    }
    if (!holds) break;
    k = i;
  }
  return k;
}

/** The chain climbed with `parent` (the old way, kept for a descent that does not arrive). */
function climb(at: Node): Node[] {
  const up: Node[] = [at];
  for (let p = at.parent, guard = 0; p && guard < 1024; p = p.parent, guard++) up.push(p);
  return up.reverse();
}

// Each node's parent as the chains found so far give it: the walks up that start from a call
// (its statement, its hint's anchor, the role of its name) then take their steps from here.
const parents = new WeakMap<Tree, Map<number, Node>>();
const MAX_PARENTS_PER_TREE = 16384;

function rememberParents(chain: Node[]): void {
  const at = chain[chain.length - 1];
  if (!at) return;
  let perTree = parents.get(at.tree);
  if (!perTree) parents.set(at.tree, (perTree = new Map()));
  if (perTree.size >= MAX_PARENTS_PER_TREE) perTree.clear();
  for (let i = 1; i < chain.length; i++) perTree.set(chain[i]!.id, chain[i - 1]!);
}

// Each node's type, read once per tree: `type` asks wasm each time (a node and its marshalling),
// and the walks up the shared chains read the same ancestors' types again and again — 78,624 of
// the type reads on the dense bench corpus repeated one of the same node in the same tree.
const types = new WeakMap<Tree, Map<number, string>>();
const MAX_TYPES_PER_TREE = 65536;

/** `node.type`, asked of wasm once per node of a tree. */
export function typeOf(node: Node): string {
  let perTree = types.get(node.tree);
  if (!perTree) types.set(node.tree, (perTree = new Map()));
  let type = perTree.get(node.id);
  if (type === undefined) {
    if (perTree.size >= MAX_TYPES_PER_TREE) perTree.clear();
    perTree.set(node.id, (type = node.type));
  }
  return type;
}

/** `node.parent`, without the climb inside wasm when a chain found before passes through it. */
export function parentOf(node: Node): Node | null {
  return parents.get(node.tree)?.get(node.id) ?? node.parent;
}

/** A value computed once per (tree, node), e.g. the types declared inside a function. */
export function perNode<T>(cache: WeakMap<Tree, Map<number, T>>, node: Node, make: () => T): T {
  let perTree = cache.get(node.tree);
  if (perTree?.has(node.id)) return perTree.get(node.id)!;
  const v = make();
  if (!perTree) cache.set(node.tree, (perTree = new Map()));
  if (perTree.size >= MAX_CHAINS_PER_TREE) perTree.clear();
  perTree.set(node.id, v);
  return v;
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
    if (c && typeOf(c) !== 'comment') out.push(c);
  }
  return out;
}
