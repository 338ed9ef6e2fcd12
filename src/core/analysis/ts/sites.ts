// Building a CallSite from a node: ranges, the enclosing function, loop context, the value a
// result is stored back into, and the suppression comments on its lines.
import type { ts as TsNs } from 'ts-morph';
import type { CallKind, CallSite, Growth, JsFacts, Primitive, Range, SizeValue } from '../../types';
import { suppressionsFor } from '../../advice/suppress';
import { type Ctx, type Node, isFunctionLike, nodeRange, rangeOf, textOf, unwrap } from './context';

/** Array methods whose callback runs once per element: a site inside one repeats like a loop body. */
const ITERATING = new Set(['forEach', 'map', 'flatMap', 'reduce', 'reduceRight', 'filter', 'some', 'every', 'for']);

export function inLoop(ctx: Ctx, n: Node): boolean {
  const ts = ctx.ts;
  let prev: Node = n;
  for (let p = n.parent; p; prev = p, p = p.parent) {
    if (ts.isForStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) return prev !== (p as TsNs.ForStatement).initializer;
    if (ts.isForOfStatement(p) || ts.isForInStatement(p)) return prev === p.statement;
    if (isFunctionLike(ts, p)) {
      const call = p.parent;
      if (call && ts.isCallExpression(call) && call.arguments.includes(p as TsNs.Expression)) {
        const callee = call.expression;
        if (ts.isPropertyAccessExpression(callee) && ITERATING.has(callee.name.text)) return true;
      }
      return false;
    }
  }
  return false;
}

function nameOfFunction(ctx: Ctx, f: Node): string | null {
  const ts = ctx.ts;
  const named = (f as TsNs.FunctionLikeDeclaration).name;
  if (named && (ts.isIdentifier(named) || ts.isStringLiteral(named) || ts.isPrivateIdentifier(named))) return named.text;
  if (ts.isConstructorDeclaration(f)) return 'constructor';
  const p = f.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return p.name.text;
  if (p && ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const l = p.left;
    if (ts.isIdentifier(l)) return l.text;
    if (ts.isPropertyAccessExpression(l)) return l.name.text;
  }
  return null;
}

/** The nearest function with a name (anonymous callbacks are looked through). */
export function enclosingFunction(ctx: Ctx, n: Node): string | null {
  for (let p = n.parent; p; p = p.parent) {
    if (isFunctionLike(ctx.ts, p)) {
      const name = nameOfFunction(ctx, p);
      if (name) return name;
    }
  }
  return null;
}

/** The statement-level assignment `x = <expr>` / `x = await <expr>` whose value is `e`: its target's text. */
export function assignedTo(ctx: Ctx, e: Node): string | null {
  const ts = ctx.ts;
  let n: Node = e;
  while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isAwaitExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isNonNullExpression(n.parent) || (ts.isBinaryExpression(n.parent) && n.parent.operatorToken.kind === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken && n === n.parent.left))) n = n.parent;
  const p = n.parent;
  if (p && ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === n) return textOf(ctx, p.left);
  if (p && ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name)) return p.name.text;
  return null;
}

/** Text of an expression without spaces, for comparing `this.buf` with `this . buf`. */
export function sameText(ctx: Ctx, a: TsNs.Expression, b: string | null): boolean {
  return b !== null && textOf(ctx, unwrap(ctx.ts, a)).replace(/\s+/g, '') === b.replace(/\s+/g, '');
}

export interface SiteInput {
  callee: Primitive;
  kind?: CallKind;
  name: string;
  nameNode: Node;
  node: Node;
  oldSize: SizeValue | null;
  newSize: SizeValue | null;
  flags?: string[] | null;
  growth: Growth | null;
  assignedBackTo: string | null;
  js: JsFacts;
  /** The new-size argument, for `js.growthExpr` (rewrite.ts). */
  sizeNode?: TsNs.Expression;
  /** The expression that holds the resized buffer after the call (`buf`, `this.data`). */
  holder?: string | null;
}

/** Syntax a later step needs, kept beside the plain-data site (never serialised). */
export const siteSyntax = new WeakMap<CallSite, { sizeNode?: TsNs.Expression; holder?: string | null; node: Node }>();

export function makeSite(ctx: Ctx, s: SiteInput): CallSite {
  const site: CallSite = {
    file: ctx.file,
    language: 'ts',
    callee: s.callee,
    kind: s.kind ?? 'direct-call',
    via: [],
    name: s.name,
    nameRange: nodeRange(ctx, s.nameNode),
    range: nodeRange(ctx, s.node),
    oldSize: s.oldSize,
    newSize: s.newSize,
    flags: s.flags ?? null,
    growth: s.growth,
    inLoop: inLoop(ctx, s.node),
    assignedBackTo: s.assignedBackTo,
    conditions: [],
    enclosingFunction: enclosingFunction(ctx, s.node),
    js: s.js,
  };
  site.hintAfter = hintAnchor(ctx, s.node);
  // The statement may start on an earlier line than the name (`buf =\n  buf.transfer(n)`).
  let stmt: Node = s.node;
  while (stmt.parent && !ctx.ts.isBlock(stmt.parent) && !ctx.ts.isSourceFile(stmt.parent) && !isFunctionLike(ctx.ts, stmt.parent)) stmt = stmt.parent;
  const lines = [site.nameRange.start.line];
  const stmtLine = ctx.sf.getLineAndCharacterOfPosition(stmt.getStart(ctx.sf)).line + 1;
  if (stmtLine < lines[0]!) lines.push(stmtLine);
  const suppressed = suppressionsFor(ctx.text, lines, ctx.lineStarts);
  if (suppressed.length) site.facts = { suppressed };
  siteSyntax.set(site, { sizeNode: s.sizeNode, holder: s.holder, node: s.node });
  return site;
}

/**
 * Where the call's inlay hint goes: after its statement, or after the `)` of the condition or
 * `for` header it sits in; never inside an expression (as for C, analysis/c/hintAnchor.ts).
 */
function hintAnchor(ctx: Ctx, node: Node): Range {
  const ts = ctx.ts;
  let n: Node = node;
  for (let p = n.parent; p; n = p, p = p.parent) {
    if (ts.isExpressionStatement(p) || ts.isVariableStatement(p) || ts.isReturnStatement(p) || ts.isThrowStatement(p)) return nodeRange(ctx, p);
    if (ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p) || ts.isSwitchStatement(p) || ts.isForStatement(p) || ts.isForOfStatement(p) || ts.isForInStatement(p)) {
      const close = p.getChildren(ctx.sf).find((c) => c.kind === ts.SyntaxKind.CloseParenToken);
      // A call in the body was met as a statement first; here it is in the head.
      return close && n.getEnd() <= close.getStart(ctx.sf) ? rangeOf(ctx, p.getStart(ctx.sf), close.getEnd()) : nodeRange(ctx, n);
    }
    if (ts.isBlock(p) || ts.isSourceFile(p) || isFunctionLike(ts, p) || ts.isClassLike(p)) return nodeRange(ctx, n);
  }
  return nodeRange(ctx, n);
}
