// What every part of one analysis shares: the compiler API, the tree, line positions, the
// assignments seen in the file, and small syntax helpers used by all detectors.
import type { ts as TsNs } from 'ts-morph';
import type { Range } from '../../types';
import type { Ts } from './project';

export type Node = TsNs.Node;
export type Expression = TsNs.Expression;

/** `name = value` / `name op= value` seen anywhere in the file. */
export interface Assignment {
  name: string;
  /** `=`, `+=`, `*=`, `<<=`, … */
  op: string;
  rhs: Expression;
  node: TsNs.BinaryExpression;
}

export interface Ctx {
  ts: Ts;
  sf: TsNs.SourceFile;
  text: string;
  file: string;
  /** Assignments to plain identifiers, by name, in source order. */
  assignments: Map<string, Assignment[]>;
  /** Calls of plain names (`f(…)`), by name: who passes what to a function's parameters. */
  callsByName: Map<string, TsNs.CallExpression[]>;
  /** Offsets where lines start ('\n' only, as the suppression parser counts them). */
  lineStarts: number[];
}

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`, `await`. */
export function unwrap(ts: Ts, e: Expression): Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e) || ts.isAwaitExpression(e)) {
      e = e.expression;
    } else return e;
  }
}

/** The member name of `a.b` / `a['b']`, else undefined. */
export function memberName(ts: Ts, e: Expression): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return e.argumentExpression.text;
  return undefined;
}

/** The receiver of `a.b` / `a['b']`. */
export function receiverOf(ts: Ts, e: Expression): Expression | undefined {
  return ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) ? e.expression : undefined;
}

/** The node naming the member (`b` of `a.b`, `'b'` of `a['b']`), or the identifier itself. */
export function nameNode(ts: Ts, e: Expression): Node {
  if (ts.isPropertyAccessExpression(e)) return e.name;
  if (ts.isElementAccessExpression(e)) return e.argumentExpression;
  return e;
}

export function rangeOf(ctx: Ctx, start: number, end: number): Range {
  const a = ctx.sf.getLineAndCharacterOfPosition(start);
  const b = ctx.sf.getLineAndCharacterOfPosition(end);
  return {
    start: { line: a.line + 1, column: a.character + 1 },
    end: { line: b.line + 1, column: b.character + 1 },
    startOffset: start,
    endOffset: end,
  };
}

export function nodeRange(ctx: Ctx, n: Node): Range {
  return rangeOf(ctx, n.getStart(ctx.sf), n.getEnd());
}

export function textOf(ctx: Ctx, n: Node): string {
  return ctx.text.slice(n.getStart(ctx.sf), n.getEnd());
}

export function isFunctionLike(ts: Ts, n: Node): boolean {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);
}

/** The nearest function around `n` (or the source file). */
export function functionOf(ts: Ts, n: Node): Node {
  let p = n.parent;
  while (p && !isFunctionLike(ts, p) && !ts.isSourceFile(p)) p = p.parent;
  return p ?? n.getSourceFile();
}

/** 1-based `line:column` of an offset, for notes. */
export function lineCol(ctx: Ctx, pos: number): string {
  const p = ctx.sf.getLineAndCharacterOfPosition(pos);
  return `${p.line + 1}:${p.character + 1}`;
}
