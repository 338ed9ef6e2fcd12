// Growth shapes (`cap * 2` geometric, `len + 1024` linear) and the two JS copy-growth patterns:
// a larger typed array filled from the old one, and `Buffer.concat` assigned back.
import type { ts as TsNs } from 'ts-morph';
import type { CallSite, Growth, SizeValue } from '../../types';
import { type Ctx, type Expression, type Node, functionOf, memberName, receiverOf, textOf, unwrap } from './context';
import { ELEMENT_BYTES, evalExpr, lengthOf, sizeValue, toSize } from './evaluate';
import { resolve } from './scope';
import { assignedTo, inLoop, makeSite } from './sites';

export interface Shape {
  growth: Growth;
  /** Linear growth: the expression added each time. */
  step?: Expression;
}

const MAX_DEPTH = 6;

function isConst(ctx: Ctx, e: Expression): number | undefined {
  const r = evalExpr(ctx, e);
  return r.ok ? r.v : undefined;
}

/** `x / k`, `x >> k`, `x * k`, `Math.floor(x / k)` of the same `x`: a fraction or multiple of it. */
function scales(ctx: Ctx, e: Expression, of: Expression): boolean {
  const ts = ctx.ts;
  const u = unwrap(ts, e);
  const base = textOf(ctx, unwrap(ts, of)).replace(/\s+/g, '');
  if (ts.isCallExpression(u) && u.arguments.length === 1) return scales(ctx, u.arguments[0]!, of);
  if (!ts.isBinaryExpression(u)) return textOf(ctx, u).replace(/\s+/g, '') === base;
  const k = u.operatorToken.kind;
  const K = ts.SyntaxKind;
  if (k === K.SlashToken || k === K.GreaterThanGreaterThanToken || k === K.GreaterThanGreaterThanGreaterThanToken || k === K.AsteriskToken) {
    return (scales(ctx, u.left, of) && isConst(ctx, u.right) !== undefined) || (k === K.AsteriskToken && scales(ctx, u.right, of) && isConst(ctx, u.left) !== undefined);
  }
  return false;
}

/** The last assignment to `name` before `at` in the same function. */
function lastAssignment(ctx: Ctx, name: string, at: Node) {
  const fn = functionOf(ctx.ts, at);
  const pos = at.getStart(ctx.sf);
  const list = ctx.assignments.get(name) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const a = list[i]!;
    if (a.node.getEnd() <= pos && functionOf(ctx.ts, a.node) === fn) return a;
  }
  return undefined;
}

/** How a new size relates to the old one, where the code shows it; null for constants and other shapes. */
export function growthOf(ctx: Ctx, e: Expression, at: Node = e, depth = 0): Shape | null {
  const ts = ctx.ts;
  const K = ts.SyntaxKind;
  if (depth > MAX_DEPTH) return null;
  const u = unwrap(ts, e);
  if (isConst(ctx, u) !== undefined) return null;
  if (ts.isIdentifier(u)) {
    const a = lastAssignment(ctx, u.text, at);
    if (a) {
      if ((a.op === '*=' && (isConst(ctx, a.rhs) ?? 0) > 1) || (a.op === '<<=' && (isConst(ctx, a.rhs) ?? 0) >= 1)) return { growth: 'geometric' };
      if (a.op === '+=') {
        if (scales(ctx, a.rhs, u)) return { growth: 'geometric' };
        // A single `x += n` before a single call is not a growth pattern; repeated, it is.
        return inLoop(ctx, a.node) || inLoop(ctx, at) ? { growth: 'linear', step: a.rhs } : null;
      }
      if (a.op === '=') return growthOf(ctx, a.rhs, a.node, depth + 1);
      return null;
    }
    const b = resolve(ctx, u.text, u);
    if (b?.kind === 'var' && b.init && !b.path.length && functionOf(ts, b.decl) === functionOf(ts, at)) return growthOf(ctx, b.init, b.decl, depth + 1);
    return null;
  }
  if (ts.isBinaryExpression(u)) {
    const k = u.operatorToken.kind;
    const l = isConst(ctx, u.left);
    const r = isConst(ctx, u.right);
    // A small literal factor is a growth factor (`cap * 2`, `n * 1.5`); anything else is taken
    // for an element size (`rows * 16`, `n * SLOT`, `n * Float64Array.BYTES_PER_ELEMENT`) and,
    // like C's sizeof, says nothing about growth: the other side decides.
    if (k === K.AsteriskToken && (l === undefined) !== (r === undefined)) {
      const [factor, other] = l === undefined ? [u.right, u.left] : [u.left, u.right];
      const v = (l ?? r)!;
      if (ts.isNumericLiteral(unwrap(ts, factor)) && v > 1 && v <= 4) return { growth: 'geometric' };
      return growthOf(ctx, other, at, depth + 1);
    }
    if (k === K.LessThanLessThanToken && l === undefined && r !== undefined) return r >= 1 && r <= 2 ? { growth: 'geometric' } : growthOf(ctx, u.left, at, depth + 1);
    if (k === K.PlusToken) {
      if (r !== undefined && r > 0) return { growth: 'linear', step: u.right };
      if (l !== undefined && l > 0) return { growth: 'linear', step: u.left };
      if (l === undefined && r === undefined) {
        if (scales(ctx, u.right, u.left) || scales(ctx, u.left, u.right)) return { growth: 'geometric' };
        return { growth: 'linear', step: u.right };
      }
    }
    return null;
  }
  if (ts.isCallExpression(u) && u.arguments.length) {
    const fn = memberName(ts, u.expression);
    if (fn === 'max' || fn === 'ceil' || fn === 'floor' || fn === 'round' || fn === 'trunc') {
      const shapes = u.arguments.map((a) => growthOf(ctx, a, at, depth + 1));
      return shapes.find((s) => s?.growth === 'geometric') ?? shapes.find((s) => s?.growth === 'linear') ?? null;
    }
  }
  return null;
}

/** The step of linear growth in bytes (`+ 1024` elements of 8 bytes = 8192 bytes). */
export function stepOf(ctx: Ctx, shape: Shape | null, elementBytes: number): SizeValue | null {
  return shape?.growth === 'linear' && shape.step ? sizeValue(ctx, shape.step, elementBytes) : null;
}

/** `old.subarray(0, len)` / `old.slice(…)` → `old`: the buffer the copy reads. */
function copiedBuffer(ctx: Ctx, e: Expression): Expression {
  const ts = ctx.ts;
  const u = unwrap(ts, e);
  if (ts.isCallExpression(u) && (memberName(ts, u.expression) === 'subarray' || memberName(ts, u.expression) === 'slice')) return receiverOf(ts, u.expression)!;
  return u;
}

function statementOf(ctx: Ctx, n: Node): Node | undefined {
  let s: Node = n;
  while (s.parent && !ctx.ts.isBlock(s.parent) && !ctx.ts.isSourceFile(s.parent) && !ctx.ts.isCaseClause(s.parent)) s = s.parent;
  return s.parent ? s : undefined;
}

/** Statements after `n`'s statement in the same block (at most `limit`). */
function followers(ctx: Ctx, n: Node, limit: number): TsNs.Statement[] {
  const s = statementOf(ctx, n);
  const block = s?.parent as TsNs.Block | undefined;
  if (!s || !block || !('statements' in block)) return [];
  const i = block.statements.indexOf(s as TsNs.Statement);
  return i < 0 ? [] : block.statements.slice(i + 1, i + 1 + limit);
}

/** A top-level call statement `recv.method(args)`. */
function callStatement(ctx: Ctx, s: TsNs.Statement): TsNs.CallExpression | undefined {
  if (!ctx.ts.isExpressionStatement(s)) return undefined;
  const e = unwrap(ctx.ts, s.expression);
  return ctx.ts.isCallExpression(e) ? e : undefined;
}

function isGlobal(ctx: Ctx, id: Expression, name: string): boolean {
  const u = unwrap(ctx.ts, id);
  if (!ctx.ts.isIdentifier(u) || u.text !== name) return false;
  const b = resolve(ctx, name, u);
  if (b?.kind === 'var' && b.path.length === 1 && b.path[0] === name && b.init) {
    // `const { Buffer } = require('node:buffer')`
    return /^require\(\s*['"](node:)?buffer['"]\s*\)$/.test(textOf(ctx, unwrap(ctx.ts, b.init)));
  }
  return !b || (b.kind === 'import' && /^(node:)?buffer$/.test(b.module));
}

/**
 * `const next = new Uint8Array(size); next.set(old); buf = next;` (also `Buffer.alloc(size)` with
 * `old.copy(next)`): the typed-array form of realloc. The site is the allocation; the copy of the
 * old contents to offset 0 must follow within a few statements of the same block.
 *
 * Copies that are not a growth are left out: a clone of the same length, a smaller copy, a view
 * (`new Uint8Array(buffer, offset)`), a fresh array filled from several sources (a one-off
 * concatenation, `a.length + b.length`), and a copy with nothing showing it grows a buffer —
 * it must replace the old one (assigned back, or stored into a property), repeat in a loop, or
 * size itself from the old one.
 */
export function copyGrow(ctx: Ctx, node: TsNs.NewExpression | TsNs.CallExpression): CallSite | undefined {
  const ts = ctx.ts;
  let ctorName: string | undefined;
  let nameNode: Node;
  if (ts.isNewExpression(node)) {
    if (!ts.isIdentifier(node.expression) || !ELEMENT_BYTES.has(node.expression.text) || !isGlobal(ctx, node.expression, node.expression.text)) return undefined;
    ctorName = node.expression.text;
    nameNode = node.expression;
  } else {
    const fn = memberName(ts, node.expression);
    const recv = receiverOf(ts, node.expression);
    if (!fn || !/^alloc(Unsafe(Slow)?)?$/.test(fn) || !recv || !isGlobal(ctx, recv, 'Buffer')) return undefined;
    ctorName = 'Buffer';
    nameNode = node.expression;
  }
  // One argument, a length: with more, the first is a buffer and this is a view.
  if (node.arguments?.length !== 1) return undefined;
  const sizeArg = node.arguments[0]!;
  // `new Uint8Array(other)` copies an array-like: a copy of the same size, not a growth.
  const su = unwrap(ts, sizeArg);
  if (ts.isArrayLiteralExpression(su) || (ts.isIdentifier(su) && !evalOrScalar(ctx, su))) return undefined;
  if (ts.isBinaryExpression(su) && su.operatorToken.kind === ts.SyntaxKind.MinusToken) return undefined;
  const target = assignedTo(ctx, node);
  if (!target) return undefined;
  const norm = (e: Node) => textOf(ctx, e).replace(/\s+/g, '');
  const tgt = target.replace(/\s+/g, '');
  let old: Expression | undefined;
  let back: string | null = null;
  let otherSources = false;
  for (const s of followers(ctx, node, 8)) {
    const c = callStatement(ctx, s);
    if (c) {
      const m = memberName(ts, c.expression);
      const recv = receiverOf(ts, c.expression);
      let src: Expression | undefined;
      let atZero = false;
      if (m === 'set' && recv && norm(unwrap(ts, recv)) === tgt && c.arguments[0]) {
        src = copiedBuffer(ctx, c.arguments[0]);
        atZero = !c.arguments[1] || isConst(ctx, c.arguments[1]) === 0;
      } else if (m === 'copy' && recv && c.arguments[0] && norm(c.arguments[0]) === tgt) {
        src = copiedBuffer(ctx, recv);
        atZero = !c.arguments[1] || isConst(ctx, c.arguments[1]) === 0;
      }
      if (src && !old && atZero) old = src;
      else if (src && (!old || norm(src) !== norm(old))) otherSources = true;
    }
    if (old && ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      if (norm(s.expression.right) === tgt && norm(s.expression.left) === norm(old)) back = textOf(ctx, s.expression.left);
    }
  }
  if (!old || norm(old) === tgt) return undefined;
  const oldText = norm(old);
  const sizeText = norm(sizeArg);
  if (sizeText === `${oldText}.length` || sizeText === `${oldText}.byteLength`) return undefined;
  const shape = growthOf(ctx, sizeArg, node);
  const replaces = back !== null || /[.[]/.test(tgt);
  if (!replaces && otherSources) return undefined;
  if (!replaces && !shape && !inLoop(ctx, node) && !sizeText.includes(oldText)) return undefined;
  const el = ELEMENT_BYTES.get(ctorName)!;
  const oldLen = lengthOf(ctx, old);
  return makeSite(ctx, {
    callee: 'copy-grow',
    name: ts.isNewExpression(node) ? ctorName : textOf(ctx, node.expression),
    nameNode,
    node,
    oldSize: toSize(`${textOf(ctx, old)}.byteLength`, oldLen, oldLen.ok ? (oldLen.elementBytes ?? el) : 1),
    newSize: sizeValue(ctx, sizeArg, el, ctorName),
    growth: shape?.growth ?? null,
    assignedBackTo: back,
    js: { route: 'builtin', elementBytes: el, step: stepOf(ctx, shape, el) },
    sizeNode: sizeArg,
    holder: back ?? target,
  });
}

/** A number-valued identifier (not an array someone passed to be copied). */
function evalOrScalar(ctx: Ctx, id: TsNs.Identifier): boolean {
  const b = resolve(ctx, id.text, id);
  if (b?.kind === 'param' && b.type) return b.type.kind === ctx.ts.SyntaxKind.NumberKeyword;
  if (b?.kind === 'var' && b.init) {
    const i = unwrap(ctx.ts, b.init);
    return !(ctx.ts.isArrayLiteralExpression(i) || ctx.ts.isNewExpression(i) || ctx.ts.isCallExpression(i));
  }
  return true;
}

/** `buf = Buffer.concat([buf, chunk])`: each call copies everything gathered so far. */
export function concatGrow(ctx: Ctx, call: TsNs.CallExpression): CallSite | undefined {
  const ts = ctx.ts;
  const recv = receiverOf(ts, call.expression);
  if (memberName(ts, call.expression) !== 'concat' || !recv || !isGlobal(ctx, recv, 'Buffer')) return undefined;
  const list = call.arguments[0] && unwrap(ts, call.arguments[0]);
  if (!list || !ts.isArrayLiteralExpression(list)) return undefined;
  const target = assignedTo(ctx, call);
  const norm = (e: Node) => textOf(ctx, e).replace(/\s+/g, '');
  // Appending to what was gathered so far (`[acc, chunk]`); `[remainder, chunk]` into `chunk` is a one-off join.
  const self = list.elements[0];
  if (!self || !target || norm(self) !== target.replace(/\s+/g, '')) return undefined;
  const others = list.elements.filter((e) => e !== self);
  const doubles = others.length > 0 && others.every((e) => norm(e) === norm(self));
  const oldLen = lengthOf(ctx, self);
  let step: SizeValue | null = null;
  if (others.length === 1 && !doubles) step = toSize(`${textOf(ctx, others[0]!)}.length`, lengthOf(ctx, others[0]!));
  let newSize: SizeValue;
  if (call.arguments[1]) newSize = sizeValue(ctx, call.arguments[1]);
  else {
    const lens = list.elements.map((e) => lengthOf(ctx, e));
    const unknown = lens.find((l) => !l.ok);
    newSize = unknown && !unknown.ok
      ? { bytes: null, text: textOf(ctx, list), note: `the sum of the parts' lengths; ${unknown.why}` }
      : toSize(textOf(ctx, list), { ok: true, v: lens.reduce((s, l) => s + (l.ok ? l.v : 0), 0), uses: [] });
  }
  return makeSite(ctx, {
    callee: 'concat-grow',
    name: 'Buffer.concat',
    nameNode: call.expression,
    node: call,
    oldSize: toSize(`${textOf(ctx, self)}.length`, oldLen),
    newSize,
    growth: doubles ? 'geometric' : 'linear',
    assignedBackTo: target,
    js: { route: 'builtin', elementBytes: 1, step },
  });
}
