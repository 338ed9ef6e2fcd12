// Growth shape of a realloc size: `n + K` grows linearly (quadratic total copying in a loop),
// `cap * 2` geometrically. The size is read as an affine form `k·v + c` in one runtime value v
// (a variable, member or dereference), ignoring `sizeof` factors, which convert elements to
// bytes and say nothing about growth. Unless the form itself is geometric, the few statements
// before the call in the same block decide when they update v (`cap *= 2;`, `cap += 16;`,
// `len = strlen(s);`). Growth is geometric when any path multiplies: `n = n * 3 / 2;` followed
// by a cap in a branch (`if (n > max) n = max + K;`) still grows geometrically until the cap, so
// an `if` that updates v on one path only is merged with the update before it, and branches that
// disagree are geometric when one of them multiplies.
import type { Node } from 'web-tree-sitter';
import type { Growth } from '../../types';
import { previousNamedSiblings, typeOf } from './ancestry';
import type { Expr } from './constExpr';
import type { Result } from './layout';

/** What growth.ts needs from the evaluator: a parse and a way to ask for constant values. */
export interface ParsedSize {
  ast: Expr | null;
  valueOf: (e: Expr) => Result<bigint>;
  render: (e: Expr) => string;
}

/** Parses and evaluates size text in the scope of the realloc call. */
export type ParseSize = (text: string) => ParsedSize;
type ChainOf = (n: Node) => Node[];

interface Affine {
  /** Coefficient per runtime value, keyed by its text without spaces. */
  vars: Map<string, number>;
  c: number;
}

const LOOKBACK = 6;

function containsSizeof(e: Expr): boolean {
  switch (e.k) {
    case 'sizeofType': case 'sizeofExpr': case 'alignof': return true;
    case 'paren': case 'unary': case 'cast': return containsSizeof(e.e);
    case 'bin': return containsSizeof(e.l) || containsSizeof(e.r);
    default: return false;
  }
}

/** `1.5` in `cap * 1.5`: growth factors may be floating-point even when sizes are not. */
function floatConst(e: Expr): number | null {
  while (e.k === 'paren') e = e.e;
  if (e.k !== 'num' || !/^(\d+\.\d*|\.\d+)([eE][+-]?\d+)?[fFlL]?$/.test(e.text)) return null;
  const v = parseFloat(e.text);
  return Number.isFinite(v) ? v : null;
}

const scale = (a: Affine, k: number): Affine => ({
  vars: new Map([...a.vars].map(([n, x]) => [n, x * k])),
  c: a.c * k,
});

function add(a: Affine, b: Affine, sign: 1 | -1): Affine {
  const vars = new Map(a.vars);
  for (const [n, x] of b.vars) vars.set(n, (vars.get(n) ?? 0) + sign * x);
  for (const [n, x] of vars) if (x === 0) vars.delete(n);
  return { vars, c: a.c + sign * b.c };
}

function affine(e: Expr, p: ParsedSize, depth = 0): Affine | null {
  if (depth > 32) return null;
  const v = p.valueOf(e);
  if (v.ok) return { vars: new Map(), c: Number(v.v) };
  switch (e.k) {
    case 'id': case 'member': case 'index':
      return { vars: new Map([[p.render(e).replace(/\s+/g, ''), 1]]), c: 0 };
    case 'unary':
      if (e.op === '*') return { vars: new Map([[p.render(e).replace(/\s+/g, ''), 1]]), c: 0 };
      return null;
    case 'paren': case 'cast':
      return affine(e.e, p, depth + 1);
    case 'bin': {
      if (e.op === '+' || e.op === '-') {
        const l = affine(e.l, p, depth + 1);
        const r = l && affine(e.r, p, depth + 1);
        return l && r ? add(l, r, e.op === '+' ? 1 : -1) : null;
      }
      if (e.op === '*' || e.op === '/') {
        // `* sizeof *p` converts elements to bytes: not a growth factor, even when its value is unknown.
        if (containsSizeof(e.r)) return affine(e.l, p, depth + 1);
        if (e.op === '*' && containsSizeof(e.l)) return affine(e.r, p, depth + 1);
      }
      if (e.op === '*' || e.op === '/' || e.op === '<<' || e.op === '>>') {
        const rv = p.valueOf(e.r);
        const lv = e.op === '*' ? p.valueOf(e.l) : { ok: false as const, why: '' };
        const fl = e.op === '*' || e.op === '/' ? floatConst(e.r) ?? (e.op === '*' ? floatConst(e.l) : null) : null;
        const [varSide, n] = rv.ok ? [e.l, Number(rv.v)] : lv.ok ? [e.r, Number(lv.v)]
          : fl !== null ? [floatConst(e.r) !== null ? e.l : e.r, fl] : [null, 0];
        if (!varSide) return null;
        const a = affine(varSide, p, depth + 1);
        if (!a) return null;
        if (e.op === '*') return scale(a, n);
        if (e.op === '/') return n > 0 ? scale(a, 1 / n) : null;
        if (n < 0 || n > 62) return null;
        return scale(a, e.op === '<<' ? 2 ** n : 2 ** -n);
      }
      return null;
    }
    default:
      return null;
  }
}

/**
 * linear / geometric for a form in one value v; `base` names v (so the statements before the
 * call can refine the answer), and growth is null when the size is v itself.
 */
interface Shape {
  growth: Growth | null;
  base: string | null;
}

function shape(a: Affine): Shape {
  if (a.vars.size !== 1) return { growth: null, base: null };
  const [name, k] = [...a.vars][0]!;
  if (k > 1.0001) return { growth: 'geometric', base: name };
  if (Math.abs(k - 1) < 1e-9) {
    if (a.c > 0) return { growth: 'linear', base: name };
    if (a.c === 0) return { growth: null, base: name };
  }
  return { growth: null, base: null };
}

function classifyExpr(e: Expr, p: ParsedSize): Shape {
  if (e.k === 'cond') {
    // `cap ? cap * 2 : 16`: the branch that refers to the old value tells the shape.
    for (const branch of [e.t, e.f]) {
      const r = classifyExpr(branch, p);
      if (r.growth) return r;
    }
    return { growth: null, base: null };
  }
  if (e.k === 'paren') return classifyExpr(e.e, p);
  if (e.k === 'assign') {
    // The step inside the size argument: `realloc(p, cap += 64)`, `(cap *= 2) * sizeof *p`.
    if (e.op === '=') return classifyExpr(e.r, p);
    const base = p.render(e.l).replace(/\s+/g, '');
    const k = p.valueOf(e.r);
    if (!k.ok) return { growth: null, base: null };
    if (e.op === '+=' && k.v > 0n) return { growth: 'linear', base: null };
    if ((e.op === '*=' && k.v > 1n) || (e.op === '<<=' && k.v >= 1n)) return { growth: 'geometric', base };
    return { growth: null, base: null };
  }
  if (e.k === 'bin' && (e.op === '*' || e.op === '/') && (containsSizeof(e.r) || (e.op === '*' && containsSizeof(e.l)))) {
    // `(cap += 10) * sizeof (char)`: the element size says nothing about growth.
    const side = containsSizeof(e.r) ? e.l : e.r;
    let inner = side;
    while (inner.k === 'paren') inner = inner.e;
    if (inner.k === 'assign') return classifyExpr(inner, p);
  }
  const a = affine(e, p);
  return a ? shape(a) : { growth: null, base: null };
}

const norm = (s: string) => s.replace(/\s+/g, '');

/** How a statement updates a value: its shape, and whether every path through it does. */
interface Update {
  growth: Growth | 'unknown';
  /** False for an `if` that updates on some paths only: the update before it still counts. */
  complete: boolean;
}

/** Two paths' shapes as one: geometric when either multiplies; otherwise they must agree. */
function mergeGrowth(a: Growth | 'unknown' | null, b: Growth | 'unknown' | null): Growth | 'unknown' | null {
  if (a === 'geometric' || b === 'geometric') return 'geometric';
  if (a === null) return b;
  if (b === null || a === b) return a;
  return 'unknown';
}

/** How a statement updates `name`, if it does (null: it does not). `type`: the statement's, read once (each read asks wasm). */
function updateOf(stmt: Node, name: string, parse: ParseSize, chainOf: ChainOf, depth: number, type = stmt.type): Update | null {
  if (type === 'if_statement') {
    // Both branches count: `if (n < MAX) n *= 2; else n += MAX;` is geometric (one path multiplies).
    const inBranch = (body: Node | null | undefined): Update | null => {
      if (!body) return null;
      const items = body.type === 'compound_statement' ? body.namedChildren.filter((c): c is Node => !!c).reverse() : [body];
      let partial: Growth | 'unknown' | null = null;
      for (const s of items.slice(0, LOOKBACK)) {
        const u = updateOf(s, name, parse, chainOf, depth);
        if (!u) continue;
        if (u.complete) return { growth: mergeGrowth(partial, u.growth)!, complete: true };
        partial = mergeGrowth(partial, u.growth);
      }
      return partial === null ? null : { growth: partial, complete: false };
    };
    const cons = inBranch(stmt.childForFieldName('consequence'));
    const alt = inBranch(stmt.childForFieldName('alternative')?.namedChildren.find((c) => !!c && c.type !== 'comment'));
    if (!cons && !alt) return null;
    return { growth: mergeGrowth(cons?.growth ?? null, alt?.growth ?? null)!, complete: !!cons?.complete && !!alt?.complete };
  }
  const g = plainUpdateOf(stmt, name, parse, chainOf, depth, type);
  return g === null ? null : { growth: g, complete: true };
}

/** The update a declaration or expression statement makes to `name`. */
function plainUpdateOf(stmt: Node, name: string, parse: ParseSize, chainOf: ChainOf, depth: number, type = stmt.type): Growth | 'unknown' | null {
  if (type === 'declaration') {
    for (const d of stmt.childrenForFieldName('declarator')) {
      if (d?.type !== 'init_declarator') continue;
      if (norm(d.childForFieldName('declarator')?.text ?? '') !== name) continue;
      const value = d.childForFieldName('value');
      return value ? fromRhs(value, parse, chainOf, depth) : 'unknown';
    }
    return null;
  }
  if (type !== 'expression_statement') return null;
  let e = stmt.namedChildren[0];
  let eType = e?.type;
  while (e && eType === 'parenthesized_expression') {
    e = e.namedChildren[0] ?? null;
    eType = e?.type;
  }
  if (!e) return null;
  if (eType === 'update_expression') {
    const arg = e.childForFieldName('argument');
    if (arg && norm(arg.text) === name) return e.text.includes('++') ? 'linear' : 'unknown';
    return null;
  }
  if (eType !== 'assignment_expression') return null;
  const left = e.childForFieldName('left');
  const right = e.childForFieldName('right');
  if (!left || !right || norm(left.text) !== name) return null;
  const op = e.childForFieldName('operator')?.text ?? e.children.find((c) => c?.type.endsWith('='))?.type ?? '=';
  if (op === '=') return fromRhs(right, parse, chainOf, depth);
  const ps = parse(right.text);
  const k = ps.ast ? ps.valueOf(ps.ast) : { ok: false as const, why: '' };
  if (!k.ok) return 'unknown';
  if (op === '+=' && k.v > 0n) return 'linear';
  if (op === '*=' && k.v > 1n) return 'geometric';
  if (op === '<<=' && k.v >= 1n) return 'geometric';
  return 'unknown';
}

function fromRhs(rhs: Node, parse: ParseSize, chainOf: ChainOf, depth: number): Growth | 'unknown' {
  const ps = parse(rhs.text);
  if (!ps.ast) return 'unknown';
  return refine(classifyExpr(ps.ast, ps), rhs, parse, chainOf, depth) ?? 'unknown';
}

/**
 * The shape of a size, refined by how its value was last set before `at`: `cap *= 2;` then
 * `cap + 1` is geometric; `len = strlen(s);` then `len + 1` shows no growth at all.
 */
function refine(r: Shape, at: Node, parse: ParseSize, chainOf: ChainOf, depth: number): Growth | 'unknown' | null {
  if (r.growth === 'geometric' || !r.base || depth > 2) return r.growth;
  const before = lookBack(at, r.base, parse, chainOf, depth + 1);
  if (before === null) return r.growth;
  return before;
}

/**
 * Searches the statements before `at`'s statement in its block for an update of `name`. An update
 * on some paths only (an `if` without `else`) merges with the one before it.
 */
function lookBack(at: Node, name: string, parse: ParseSize, chainOf: ChainOf, depth: number): Growth | 'unknown' | null {
  const chain = chainOf(at);
  let i = chain.length - 1;
  while (i > 0 && typeOf(chain[i - 1]!) !== 'compound_statement') {
    if (typeOf(chain[i]!) === 'function_definition') return null;
    i--;
  }
  if (i <= 0) return null;
  let partial: Growth | 'unknown' | null = null;
  for (const prev of previousNamedSiblings(chain, i, LOOKBACK)) {
    const u = updateOf(prev, name, parse, chainOf, depth);
    if (!u) continue;
    // A branch that only sets the value (`if (n > max) n = max;`, a cap) does not change the shape of the path before it.
    if (u.complete) return partial === 'unknown' ? u.growth : mergeGrowth(partial, u.growth);
    partial = mergeGrowth(partial, u.growth);
  }
  return partial;
}

/** `parsed`: the size node's own text already parsed (by the size evaluation), else it is parsed here. */
export function classifyGrowthAt(sizeNode: Node, chainOf: ChainOf, parse: ParseSize, parsed?: ParsedSize): Growth | null {
  const ps = parsed ?? parse(sizeNode.text);
  if (!ps.ast) return null;
  const g = refine(classifyExpr(ps.ast, ps), sizeNode, parse, chainOf, 0);
  return g === 'unknown' ? null : g;
}
