// `js.growthExpr`: where a fix could turn linear growth into geometric growth, and whether that
// is safe. Growing by more than asked changes the buffer's length; the rewrite is safe only when
// nothing the program does can see that length: it is never read as the data length, the
// buffer never leaves whole (returned, passed on, wrapped in a full-length view). Capacity
// checks (`if (len + n > buf.length)` outside loop conditions) and the growth sizes themselves
// only compare against the capacity, so they do not count.
import type { ts as TsNs } from 'ts-morph';
import type { CallSite, JsFacts } from '../../types';
import { type Ctx, type Node, functionOf, lineCol, memberName, nodeRange, textOf } from './context';
import { siteSyntax } from './sites';

/** Calls that copy the holder's contents without exposing its length. */
const COPIES = new Set(['set', 'copy', 'copyWithin']);

const CAPACITY_NAME = /cap(acity)?|alloc(ated)?|reserved?|room/i;

const norm = (s: string) => s.replace(/\s+/g, '');

function inLoopCondition(ctx: Ctx, n: Node): boolean {
  const ts = ctx.ts;
  for (let p: Node | undefined = n, c = n.parent; c; p = c, c = c.parent) {
    if ((ts.isForStatement(c) && c.condition === p) || ((ts.isWhileStatement(c) || ts.isDoStatement(c)) && c.expression === p)) return true;
    if (ts.isStatement(c) || ts.isBlock(c)) return false;
  }
  return false;
}

function isRelational(ctx: Ctx, n: Node): boolean {
  const K = ctx.ts.SyntaxKind;
  let e: Node = n;
  while (e.parent && (ctx.ts.isParenthesizedExpression(e.parent) || (ctx.ts.isBinaryExpression(e.parent) && [K.PlusToken, K.MinusToken, K.AsteriskToken].includes(e.parent.operatorToken.kind)))) e = e.parent;
  const p = e.parent;
  return !!p && ctx.ts.isBinaryExpression(p) && [K.LessThanToken, K.LessThanEqualsToken, K.GreaterThanToken, K.GreaterThanEqualsToken].includes(p.operatorToken.kind);
}

/** Why the holder's length is observable, or undefined when nothing shows it. */
function observed(ctx: Ctx, holder: string, scope: Node, own: readonly Node[]): string | undefined {
  const ts = ctx.ts;
  let why: string | undefined;
  // Compared in place: slicing the text of every node of a function would dominate the analysis.
  const isHolder = (e: Node) => {
    const start = e.getStart(ctx.sf);
    return e.end - start === holder.length && ctx.text.startsWith(holder, start);
  };
  const visit = (n: Node): void => {
    if (why || own.includes(n)) return;
    if (ts.isPropertyAccessExpression(n) && (n.name.text === 'length' || n.name.text === 'byteLength') && isHolder(n.expression)) {
      if (!isRelational(ctx, n) || inLoopCondition(ctx, n)) why = `\`${holder}.${n.name.text}\` is read as the data length at ${lineCol(ctx, n.getStart(ctx.sf))}; a larger buffer would change what it says`;
      return;
    }
    const p = n.parent;
    if (p && isHolder(n) && (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n))) {
      const escapes =
        ts.isReturnStatement(p) || ts.isYieldExpression(p) ||
        (ts.isCallExpression(p) && p.arguments.includes(n as TsNs.Expression) && !COPIES.has(memberName(ts, p.expression) ?? '')) ||
        (ts.isNewExpression(p) && p.arguments?.[0] === n && p.arguments.length === 1);
      if (escapes) {
        why = `\`${holder}\` ${ts.isNewExpression(p) ? 'is wrapped in a full-length view' : 'leaves whole'} at ${lineCol(ctx, n.getStart(ctx.sf))}; its length is observable there`;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return why;
}

function growthExpr(ctx: Ctx, site: CallSite, all: readonly CallSite[]): NonNullable<JsFacts['growthExpr']> {
  const syn = siteSyntax.get(site)!;
  const size = syn.sizeNode!;
  const base = { range: nodeRange(ctx, size), text: textOf(ctx, size) };
  if (site.callee === 'memory-grow') return { ...base, safeToRewrite: false, whyNot: 'grow() takes the pages to add, not a size' };
  if (!syn.holder) {
    // A raw allocation (FFI, WebAssembly): the pointer does not carry its size; only a name says capacity.
    return CAPACITY_NAME.test(base.text)
      ? { ...base, safeToRewrite: true }
      : { ...base, safeToRewrite: false, whyNot: 'nothing shows the size is a capacity kept apart from the data length' };
  }
  const holder = norm(syn.holder);
  const local = !/[.[]/.test(syn.holder) && !syn.holder.startsWith('this');
  const scope = local ? functionOf(ctx.ts, syn.node) : ctx.sf;
  // The sizes of every growth site of this holder only measure capacity.
  const own = [size, ...sameHolderSizes(site, all)];
  const why = observed(ctx, holder, scope, own);
  return why ? { ...base, safeToRewrite: false, whyNot: why } : { ...base, safeToRewrite: true };
}

function sameHolderSizes(site: CallSite, all: readonly CallSite[]): Node[] {
  const h = siteSyntax.get(site)?.holder;
  return all.flatMap((s) => {
    const syn = siteSyntax.get(s);
    return syn?.holder && h && norm(syn.holder) === norm(h) && syn.sizeNode ? [syn.sizeNode] : [];
  });
}

/** Adds `js.growthExpr` to the sites that grow linearly by a size written at the call. */
export function withRewrites(ctx: Ctx, sites: CallSite[]): CallSite[] {
  for (const s of sites) {
    if (s.growth !== 'linear' || !s.js || !siteSyntax.get(s)?.sizeNode) continue;
    s.js.growthExpr = growthExpr(ctx, s, sites);
  }
  return sites;
}
