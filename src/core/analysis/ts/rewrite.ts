// `js.growthExpr`: where a fix could turn linear growth into geometric growth, and whether that
// is safe. Growing by more than asked changes the buffer's length; the rewrite is safe only when
// nothing the program does can see that length: it is never read as the data length, the
// buffer never leaves whole (returned, passed on, wrapped in a full-length view). Capacity
// checks (`if (len + n > buf.length)`, and `while (len + n > buf.length) { grow }` whose body
// grows this very buffer) and the growth sizes themselves only compare against the capacity, so
// they do not count. Any other loop condition (`for (i = 0; i < buf.length; i++)`) walks the data
// by its length, which a larger buffer would change.
import type { ts as TsNs } from 'ts-morph';
import type { CallSite, JsFacts } from '../../types';
import { type Ctx, type Node, functionOf, lineCol, memberName, nodeRange, textOf } from './context';
import { siteSyntax } from './sites';

/** Calls that copy the holder's contents without exposing its length. */
const COPIES = new Set(['set', 'copy', 'copyWithin']);

/** Growth that changes the buffer object itself rather than replacing it. */
const IN_PLACE = new Set<CallSite['callee']>(['buffer-resize', 'memory-grow']);

function isParameter(ctx: Ctx, fn: Node, name: string): boolean {
  const ts = ctx.ts;
  if (!ts.isFunctionLike(fn)) return false;
  return fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name);
}

const CAPACITY_NAME = /cap(acity)?|alloc(ated)?|reserved?|room/i;

const norm = (s: string) => s.replace(/\s+/g, '');

/** The loop whose condition holds `n`, if any. */
function loopOfCondition(ctx: Ctx, n: Node): TsNs.IterationStatement | undefined {
  const ts = ctx.ts;
  for (let p: Node | undefined = n, c = n.parent; c; p = c, c = c.parent) {
    if ((ts.isForStatement(c) && c.condition === p) || ((ts.isWhileStatement(c) || ts.isDoStatement(c)) && c.expression === p)) return c;
    if (ts.isStatement(c) || ts.isBlock(c)) return undefined;
  }
  return undefined;
}

/** A loop condition that only asks for room: the loop's body grows the holder itself. */
function growLoopCondition(loop: TsNs.IterationStatement, own: readonly Node[]): boolean {
  const body = loop.statement;
  return own.some((o) => o.pos >= body.pos && o.end <= body.end);
}

function isRelational(ctx: Ctx, n: Node): boolean {
  const K = ctx.ts.SyntaxKind;
  let e: Node = n;
  while (e.parent && (ctx.ts.isParenthesizedExpression(e.parent) || (ctx.ts.isBinaryExpression(e.parent) && [K.PlusToken, K.MinusToken, K.AsteriskToken].includes(e.parent.operatorToken.kind)))) e = e.parent;
  const p = e.parent;
  return !!p && ctx.ts.isBinaryExpression(p) && [K.LessThanToken, K.LessThanEqualsToken, K.GreaterThanToken, K.GreaterThanEqualsToken].includes(p.operatorToken.kind);
}

/** Where each holder text occurs (identifiers and member chains), found in one walk of the file. */
function occurrences(ctx: Ctx, holders: ReadonlySet<string>): Map<string, Node[]> {
  const ts = ctx.ts;
  const lengths = new Set([...holders].map((h) => h.length));
  const out = new Map<string, Node[]>();
  const visit = (n: Node): void => {
    if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
      const start = n.getStart(ctx.sf);
      // Compared by length first: slicing the text of every node would dominate the analysis.
      if (lengths.has(n.end - start)) {
        const t = ctx.text.slice(start, n.end);
        if (holders.has(t)) {
          const list = out.get(t);
          if (list) list.push(n);
          else out.set(t, [n]);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(ctx.sf);
  return out;
}

/** Why the holder's length is observable in `scope`, or undefined when nothing shows it. */
function observed(ctx: Ctx, holder: string, scope: Node, own: readonly Node[], occ: Map<string, Node[]>): string | undefined {
  const ts = ctx.ts;
  for (const n of occ.get(holder) ?? []) {
    if (n.pos < scope.pos || n.end > scope.end || own.some((o) => n.pos >= o.pos && n.end <= o.end)) continue;
    const p = n.parent;
    if (!p || (ts.isPropertyAccessExpression(p) && p.name === n)) continue;
    if (ts.isPropertyAccessExpression(p) && p.expression === n && (p.name.text === 'length' || p.name.text === 'byteLength')) {
      const loop = isRelational(ctx, p) ? loopOfCondition(ctx, p) : undefined;
      if (!isRelational(ctx, p) || (loop && !growLoopCondition(loop, own))) return `\`${holder}.${p.name.text}\` is read as the data length at ${lineCol(ctx, p.getStart(ctx.sf))}; a larger buffer would change what it says`;
      continue;
    }
    const escapes =
      ts.isReturnStatement(p) || ts.isYieldExpression(p) ||
      (ts.isCallExpression(p) && p.arguments.includes(n as TsNs.Expression) && !COPIES.has(memberName(ts, p.expression) ?? '')) ||
      (ts.isNewExpression(p) && p.arguments?.[0] === n && p.arguments.length === 1);
    if (escapes) return `\`${holder}\` ${ts.isNewExpression(p) ? 'is wrapped in a full-length view' : 'leaves whole'} at ${lineCol(ctx, n.getStart(ctx.sf))}; its length is observable there`;
  }
  return undefined;
}

/** Verdicts by holder and scope: every site of one holder gets the same answer, found by one walk. */
interface Verdicts {
  byKey: Map<string, string | undefined>;
  occ: Map<string, Node[]>;
  /** The size expressions of all growth sites of each holder. */
  sizes: Map<string, Node[]>;
}

function growthExpr(ctx: Ctx, site: CallSite, verdicts: Verdicts): NonNullable<JsFacts['growthExpr']> {
  const syn = siteSyntax.get(site)!;
  const size = syn.sizeNode!;
  const base = { range: nodeRange(ctx, size), text: textOf(ctx, size) };
  if (!syn.holder) {
    // A raw allocation (FFI, WebAssembly): the pointer does not carry its size; only a name says capacity.
    return CAPACITY_NAME.test(base.text)
      ? { ...base, safeToRewrite: true }
      : { ...base, safeToRewrite: false, whyNot: 'nothing shows the size is a capacity kept apart from the data length' };
  }
  const holder = norm(syn.holder);
  const local = !/[.[]/.test(syn.holder) && !syn.holder.startsWith('this');
  const scope = local ? functionOf(ctx.ts, syn.node) : ctx.sf;
  if (IN_PLACE.has(site.callee) && (!local || isParameter(ctx, scope, holder))) {
    // resize()/grow() change the object itself: whoever else holds it sees the larger length.
    return { ...base, safeToRewrite: false, whyNot: `\`${syn.holder}\` comes from outside this function, so its new length is visible to whoever else holds it` };
  }
  const key = `${holder}@${scope.pos}`;
  if (!verdicts.byKey.has(key)) {
    // The sizes of every growth site of this holder only measure capacity.
    verdicts.byKey.set(key, observed(ctx, holder, scope, verdicts.sizes.get(holder) ?? [size], verdicts.occ));
  }
  const why = verdicts.byKey.get(key);
  return why ? { ...base, safeToRewrite: false, whyNot: why } : { ...base, safeToRewrite: true };
}

/** Adds `js.growthExpr` to the sites that grow linearly by a size written at the call. */
export function withRewrites(ctx: Ctx, sites: CallSite[]): CallSite[] {
  const linear = sites.filter((s) => s.growth === 'linear' && s.js && siteSyntax.get(s)?.sizeNode);
  const sizes = new Map<string, Node[]>();
  for (const s of sites) {
    const syn = siteSyntax.get(s);
    if (!syn?.holder || !syn.sizeNode) continue;
    const h = norm(syn.holder);
    const list = sizes.get(h);
    if (list) list.push(syn.sizeNode);
    else sizes.set(h, [syn.sizeNode]);
  }
  const holders = new Set(linear.flatMap((s) => {
    const h = siteSyntax.get(s)!.holder;
    return h ? [norm(h)] : [];
  }));
  const verdicts: Verdicts = { byKey: new Map(), occ: holders.size ? occurrences(ctx, holders) : new Map(), sizes };
  for (const s of linear) s.js!.growthExpr = growthExpr(ctx, s, verdicts);
  return sites;
}
