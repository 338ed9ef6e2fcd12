// Small questions about the C syntax tree asked by the call-site finder and wrapper detection.
// Each walks up (parents) or along one declarator chain: O(depth), never the whole tree.
import type { Node, Tree } from 'web-tree-sitter';
import { ancestorsOf, parentOf, perNode, typeOf } from './ancestry';

/** Node types that wrap a declared name: `*name`, `name(...)`, `(name)`, `name[3]`, `name = ...`. */
export const DECLARATOR_CHAIN: ReadonlySet<string> = new Set([
  'pointer_declarator',
  'function_declarator',
  'parenthesized_declarator',
  'array_declarator',
  'init_declarator',
  'attributed_declarator',
]);

/**
 * C keywords (and operators spelled as words). Error recovery can hand one over as an
 * identifier (`else if (…) {` read as a definition of `if`): never a name of anything.
 */
export const C_KEYWORDS: ReadonlySet<string> = new Set([
  'if', 'else', 'while', 'for', 'do', 'switch', 'case', 'default', 'return', 'goto', 'break', 'continue',
  'sizeof', '_Alignof', 'alignof', '__alignof__', '_Generic', 'typedef', 'struct', 'union', 'enum',
  'static', 'extern', 'register', 'auto', 'const', 'volatile', 'restrict', 'inline', 'defined',
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool',
]);

/** The identifier a declarator declares (`*(*name)[3]` → `name`), or null (also for a keyword). */
export function declaratorName(decl: Node | null): Node | null {
  return declaratorLeaf(decl)?.node ?? null;
}

/**
 * The name a declarator declares, as text (declaratorName's `.text`): the keyword check has read
 * it already, and each `.text` asks wasm again (1,748 parameter names read twice on the dense
 * bench corpus).
 */
export function declaratorNameText(decl: Node | null): string | null {
  return declaratorLeaf(decl)?.text ?? null;
}

function declaratorLeaf(decl: Node | null): { node: Node; text: string } | null {
  let d = decl;
  for (let guard = 0; d && guard < 32; guard++) {
    const type = d.type; // each read asks wasm: once per node
    if (type === 'identifier' || type === 'field_identifier') {
      const text = d.text;
      return C_KEYWORDS.has(text) ? null : { node: d, text };
    }
    if (!DECLARATOR_CHAIN.has(type)) return null;
    d = d.childForFieldName('declarator') ?? d.namedChild(0);
  }
  return null;
}

const functionDeclarators = new WeakMap<Tree, Map<number, Node | null>>();

/**
 * The function_declarator of a function definition (through `*`, parentheses, attributes).
 * Found once per tree: a function's name and its parameters each ask for it (~3 K calls into
 * wasm repeated on the dense bench corpus).
 */
export function functionDeclarator(def: Node): Node | null {
  return perNode(functionDeclarators, def, () => findFunctionDeclarator(def));
}

function findFunctionDeclarator(def: Node): Node | null {
  let d = def.childForFieldName('declarator');
  for (let guard = 0; d && guard < 32; guard++) {
    const type = d.type;
    if (type === 'function_declarator') {
      // `int (*getfn(void))(int)`: the outermost function_declarator declares the returned type;
      // the defined function is the innermost one that names an identifier.
      const inner = d.childForFieldName('declarator');
      if (inner && inner.type !== 'identifier' && functionDeclaratorIn(inner)) {
        d = inner;
        continue;
      }
      return d;
    }
    if (!DECLARATOR_CHAIN.has(type)) return null;
    d = d.childForFieldName('declarator') ?? d.namedChild(0);
  }
  return null;
}

function functionDeclaratorIn(d: Node): boolean {
  for (let x: Node | null = d, guard = 0; x && guard < 32; guard++) {
    const type = x.type;
    if (type === 'function_declarator') return true;
    if (!DECLARATOR_CHAIN.has(type)) return false;
    x = x.childForFieldName('declarator') ?? x.namedChild(0);
  }
  return false;
}

const functionNames = new WeakMap<Tree, Map<number, string | null>>();

/**
 * Name of a function_definition, or null for shapes we cannot read (K&R, macro-made names).
 * Read once per tree: each site and each use in a wrapper round asks for its function's (849 of
 * 1,660 asks on the dense bench corpus repeated one for the same tree, ~7 calls into wasm each).
 */
export function functionName(def: Node): string | null {
  return perNode(functionNames, def, () => readFunctionName(def));
}

function readFunctionName(def: Node): string | null {
  const fd = functionDeclarator(def);
  return fd ? declaratorNameText(fd.childForFieldName('declarator')) : null;
}

/** Parameter names of a function_definition in order; unnamed parameters as ''. `(void)` gives []. */
export function functionParams(def: Node): string[] {
  const list = functionDeclarator(def)?.childForFieldName('parameters');
  if (!list) return [];
  const names: string[] = [];
  for (const p of list.namedChildren) {
    if (!p || p.type !== 'parameter_declaration') continue;
    const decl = p.childForFieldName('declarator');
    if (!decl && p.text.trim() === 'void') continue;
    names.push(declaratorNameText(decl) ?? '');
  }
  return names;
}

/** True for `static` definitions (file-local linkage). */
export function isStatic(def: Node): boolean {
  for (const c of def.namedChildren) {
    // typeOf: the definition's children (its type, declarator, body) are asked again by others.
    if (c && typeOf(c) === 'storage_class_specifier' && c.text === 'static') return true;
  }
  return false;
}

export function enclosingFunctionNode(node: Node): Node | null {
  const up = ancestorsOf(node);
  for (let i = up.length - 2; i >= 0; i--) if (typeOf(up[i]!) === 'function_definition') return up[i]!;
  return null;
}

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);

/**
 * Parents whose block is their body: a condition, a declarator, `else`, `do` or a label's `:`
 * stands before it, never a statement, so no iteration macro heads it and its previous sibling
 * need not be asked — previousSibling climbs from the root inside wasm like parent (2,880 asked
 * on the dense bench corpus, most of them for bodies).
 */
const BODY_PARENTS: ReadonlySet<string> = new Set([
  'function_definition', 'if_statement', 'else_clause', 'for_statement', 'while_statement', 'do_statement',
  'switch_statement', 'labeled_statement',
]);

/**
 * A loop: for/while/do, or the block of an iteration macro the grammar does not know
 * (`for_each_item(it, list) { … }` parses as a call statement missing its `;`, then a block).
 * `parentType`, when the caller knows it, spares the question for a body.
 */
export function isLoopNode(n: Node, type: string = typeOf(n), parentType?: string): boolean {
  if (LOOPS.has(type)) return true;
  if (type !== 'compound_statement') return false;
  if (parentType !== undefined && BODY_PARENTS.has(parentType)) return false;
  let prev = n.previousSibling;
  let prevType = prev?.type;
  while (prev && prevType === 'comment') {
    prev = prev.previousSibling;
    prevType = prev?.type;
  }
  return prevType === 'expression_statement' && !!prev!.lastChild?.isMissing && prev!.namedChild(0)?.type === 'call_expression';
}

/** Inside a loop of the same function (a loop around a nested function does not count). */
export function isInLoop(node: Node): boolean {
  const up = ancestorsOf(node);
  let known: string | undefined; // a block's parent's type, read for the block: the next step's own
  for (let i = up.length - 2; i >= 0; i--) {
    const type = known ?? typeOf(up[i]!);
    known = type === 'compound_statement' && i > 0 ? typeOf(up[i - 1]!) : undefined;
    if (isLoopNode(up[i]!, type, known)) return true;
    if (type === 'function_definition') return false;
  }
  return false;
}

/**
 * isInLoop and enclosingFunctionNode from one walk up (each step and each type is a call into
 * the grammar's wasm; a call site asks both). The walks up go along the shared ancestor chain:
 * one `parent` step costs as much as finding the whole chain (ancestry.ts).
 */
export function placeOf(node: Node): { inLoop: boolean; fn: Node | null } {
  let inLoop = false;
  const up = ancestorsOf(node);
  let known: string | undefined; // as in isInLoop
  for (let i = up.length - 2; i >= 0; i--) {
    const p = up[i]!;
    const type = known ?? typeOf(p);
    if (type === 'function_definition') return { inLoop, fn: p };
    known = type === 'compound_statement' && i > 0 ? typeOf(up[i - 1]!) : undefined;
    if (!inLoop && isLoopNode(p, type, known)) inLoop = true;
  }
  return { inLoop, fn: null };
}

/** Climbs from an expression through parentheses, casts and comma-free wrappers to its user. */
export function outerExpression(expr: Node): Node {
  let cur = expr;
  for (let p = parentOf(cur); p && (typeOf(p) === 'parenthesized_expression' || typeOf(p) === 'cast_expression'); p = parentOf(p)) {
    cur = p;
  }
  return cur;
}

/** Names declared in a block: its local variables (declarations anywhere below it). */
export function localNames(body: Node): Set<string> {
  const names = new Set<string>();
  for (const d of body.descendantsOfType('declaration')) {
    if (!d) continue;
    for (const decl of d.childrenForFieldName('declarator')) {
      const n = declaratorNameText(decl);
      if (n) names.add(n);
    }
  }
  return names;
}
