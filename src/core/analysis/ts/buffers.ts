// The engine built-ins that resize memory: ArrayBuffer `transfer()`/`transferToFixedLength()`,
// resizable ArrayBuffer `resize()`, SharedArrayBuffer `grow()` and WebAssembly.Memory `grow()`.
//
// What a receiver is comes from, in order: the constructor seen in the file (`new ArrayBuffer(n,
// { maxByteLength })`, `new WebAssembly.Memory({ initial, maximum, shared })`: evidence
// 'syntax'), else a declared type annotation (`: SharedArrayBuffer`, `: WebAssembly.Memory`:
// evidence 'type'), else nothing. No type checker runs: it would need the whole program.
// `transfer`/`resize`/`grow` are common method names (`account.transfer(100)`), so a receiver
// with no such evidence counts only when its name says buffer (`buf`, `buffer`, `…Buffer`) or
// memory (`memory`, `mem`), or it is a `.buffer` property.
import type { ts as TsNs } from 'ts-morph';
import type { CallSite, JsFacts, SizeValue } from '../../types';
import { type Ctx, type Expression, type Node, functionOf, memberName, receiverOf, textOf, unwrap } from './context';
import { ELEMENT_BYTES, evalExpr, fixedInit, sizeValue, toSize } from './evaluate';
import { growthOf, stepOf } from './growth';
import { originOf } from './receivers';
import { resolve } from './scope';
import { assignedTo, makeSite, sameText } from './sites';

const WASM_PAGE = 65536;

export interface BufferInfo {
  what: 'array-buffer' | 'shared-array-buffer' | 'memory' | null;
  resizable: boolean | null;
  shared: boolean | null;
  maxBytes: SizeValue | null;
  evidence: 'type' | 'syntax' | 'none';
  /** Byte length at creation (memory: `initial` pages × 64 KiB). */
  initialBytes: SizeValue | null;
  /** The `new …` expression, when seen. */
  ctor?: TsNs.NewExpression;
}

const NOTHING: BufferInfo = { what: null, resizable: null, shared: null, maxBytes: null, evidence: 'none', initialBytes: null };

function property(ctx: Ctx, obj: Expression | undefined, key: string): Expression | undefined {
  const o = obj && unwrap(ctx.ts, obj);
  if (!o || !ctx.ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) {
    if (ctx.ts.isPropertyAssignment(p) && (ctx.ts.isIdentifier(p.name) || ctx.ts.isStringLiteral(p.name)) && p.name.text === key) return p.initializer;
    if (ctx.ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
  }
  return undefined;
}

function pages(ctx: Ctx, e: Expression): SizeValue {
  const r = evalExpr(ctx, e);
  const s = toSize(textOf(ctx, e), r, WASM_PAGE);
  return r.ok ? { ...s, note: `${textOf(ctx, e)} = ${r.v} pages × 65536 bytes = ${s.bytes ?? '?'} bytes` } : s;
}

function fromConstructor(ctx: Ctx, n: TsNs.NewExpression): BufferInfo | undefined {
  const ts = ctx.ts;
  const callee = textOf(ctx, n.expression).replace(/\s+/g, '');
  const args = n.arguments ?? [];
  if (callee === 'ArrayBuffer' || callee === 'SharedArrayBuffer') {
    const max = property(ctx, args[1], 'maxByteLength');
    return {
      what: callee === 'ArrayBuffer' ? 'array-buffer' : 'shared-array-buffer',
      resizable: !!max,
      shared: callee === 'SharedArrayBuffer',
      maxBytes: max ? sizeValue(ctx, max) : null,
      evidence: 'syntax',
      initialBytes: args[0] ? sizeValue(ctx, args[0]) : toSize('0', { ok: true, v: 0, uses: [] }),
      ctor: n,
    };
  }
  if (callee === 'WebAssembly.Memory') {
    const desc = args[0];
    const initial = property(ctx, desc, 'initial');
    const maximum = property(ctx, desc, 'maximum');
    const shared = property(ctx, desc, 'shared');
    const sharedVal = shared ? unwrap(ts, shared) : undefined;
    return {
      what: 'memory',
      resizable: true,
      shared: !shared ? false : sharedVal!.kind === ts.SyntaxKind.TrueKeyword ? true : sharedVal!.kind === ts.SyntaxKind.FalseKeyword ? false : null,
      maxBytes: maximum ? pages(ctx, maximum) : null,
      evidence: 'syntax',
      initialBytes: initial ? pages(ctx, initial) : null,
      ctor: n,
    };
  }
  return undefined;
}

function fromType(ctx: Ctx, t: TsNs.TypeNode | undefined): BufferInfo | undefined {
  const text = t?.getText(ctx.sf).replace(/\s+/g, '');
  if (text === 'ArrayBuffer') return { ...NOTHING, what: 'array-buffer', shared: false, evidence: 'type' };
  if (text === 'SharedArrayBuffer') return { ...NOTHING, what: 'shared-array-buffer', shared: true, evidence: 'type' };
  if (text === 'WebAssembly.Memory') return { ...NOTHING, what: 'memory', resizable: true, evidence: 'type' };
  return undefined;
}

/** A class field `buf = new ArrayBuffer(…)` / `buf: ArrayBuffer` for `this.buf`. */
function classField(ctx: Ctx, e: TsNs.PropertyAccessExpression): TsNs.PropertyDeclaration | undefined {
  const ts = ctx.ts;
  if (e.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  for (let p: Node | undefined = e.parent; p; p = p.parent) {
    if (ts.isClassDeclaration(p) || ts.isClassExpression(p)) {
      return p.members.find((m): m is TsNs.PropertyDeclaration => ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === e.name.text);
    }
  }
  return undefined;
}

/** What the file says about a buffer or memory expression. */
export function bufferInfo(ctx: Ctx, e: Expression): BufferInfo {
  const ts = ctx.ts;
  const u = unwrap(ts, e);
  if (ts.isNewExpression(u)) return fromConstructor(ctx, u) ?? NOTHING;
  if (ts.isIdentifier(u)) {
    const b = resolve(ctx, u.text, u);
    if (b?.kind === 'var') {
      const init = b.path.length ? undefined : b.init && unwrap(ts, b.init);
      const c = init && ts.isNewExpression(init) ? fromConstructor(ctx, init) : undefined;
      // `const mem = instance.exports.memory as WebAssembly.Memory`: the cast is a declared type too.
      const cast = b.init && ts.isAsExpression(b.init) ? fromType(ctx, b.init.type) : undefined;
      return c ?? fromType(ctx, b.type) ?? cast ?? (init ? bufferInfo(ctx, init) : NOTHING);
    }
    if (b?.kind === 'param') return fromType(ctx, b.type) ?? NOTHING;
    return NOTHING;
  }
  if (ts.isPropertyAccessExpression(u)) {
    const field = classField(ctx, u);
    if (field) {
      const init = field.initializer && unwrap(ts, field.initializer);
      return (init && ts.isNewExpression(init) ? fromConstructor(ctx, init) : undefined) ?? fromType(ctx, field.type) ?? NOTHING;
    }
    if (u.name.text === 'buffer') return { ...NOTHING, what: 'array-buffer' };
  }
  return NOTHING;
}

function facts(info: BufferInfo, extra: Partial<JsFacts> = {}): JsFacts {
  return { route: 'builtin', resizable: info.resizable, shared: info.shared, maxBytes: info.maxBytes, evidence: info.evidence, ...extra };
}

const BUFFER_NAME = /(^|[^a-z])(buf|buffer|ab)([^a-z]|$)|buf(fer)?$|Buf(fer)?/i;
const MEMORY_NAME = /(^|[^a-z])(memory|mem)$|Memory$/i;

function lastName(ctx: Ctx, e: Expression): string {
  const u = unwrap(ctx.ts, e);
  return ctx.ts.isPropertyAccessExpression(u) ? u.name.text : textOf(ctx, u);
}

/** Views (`new Uint8Array(buf)`, `new DataView(buf)`) over the old buffer, declared before `call` and read after it. */
export function staleViews(ctx: Ctx, call: TsNs.CallExpression, recv: Expression, views: readonly ViewDecl[]): string[] {
  const ts = ctx.ts;
  const r = unwrap(ts, recv);
  if (!ts.isIdentifier(r)) return [];
  const buf = resolve(ctx, r.text, r);
  const at = call.getStart(ctx.sf);
  const out: string[] = [];
  for (const v of views) {
    if (v.buffer !== r.text || v.decl.getEnd() > at || resolve(ctx, v.buffer, v.decl) !== buf) continue;
    const scope = functionOf(ts, v.decl);
    if (usedAfter(ctx, scope, v.name, call.getEnd())) out.push(v.name);
  }
  return out;
}

/** Is `name` read after offset `from` inside `scope`, before being assigned anew? */
function usedAfter(ctx: Ctx, scope: Node, name: string, from: number): boolean {
  const ts = ctx.ts;
  let verdict: boolean | undefined;
  const visit = (n: Node): void => {
    if (verdict !== undefined || n.getEnd() <= from) return;
    if (ts.isIdentifier(n) && n.text === name && n.getStart(ctx.sf) >= from) {
      const p = n.parent;
      if (ts.isPropertyAccessExpression(p) && p.name === n) return;
      if (ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) verdict = false;
      else verdict = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(scope, visit);
  return verdict === true;
}

/** `const v = new Uint8Array(buf, …)`: a view over a buffer named by an identifier. */
export interface ViewDecl {
  name: string;
  buffer: string;
  decl: TsNs.VariableDeclaration;
}

export function viewDecl(ctx: Ctx, d: TsNs.VariableDeclaration): ViewDecl | undefined {
  const ts = ctx.ts;
  const init = d.initializer && unwrap(ts, d.initializer);
  if (!init || !ts.isNewExpression(init) || !ts.isIdentifier(d.name) || !ts.isIdentifier(init.expression)) return undefined;
  const ctor = init.expression.text;
  if (!ELEMENT_BYTES.has(ctor) && ctor !== 'DataView') return undefined;
  const arg = init.arguments?.[0] && unwrap(ts, init.arguments[0]);
  return arg && ts.isIdentifier(arg) ? { name: d.name.text, buffer: arg.text, decl: d } : undefined;
}

/** `buf.transfer(n)` / `buf.transferToFixedLength(n)`. */
export function transferSite(ctx: Ctx, call: TsNs.CallExpression, views: readonly ViewDecl[]): CallSite | undefined {
  const ts = ctx.ts;
  const method = memberName(ts, call.expression)!;
  const recv = receiverOf(ts, call.expression);
  if (!recv || call.arguments.length > 1) return undefined;
  const info = bufferInfo(ctx, recv);
  if (info.what === 'memory' || info.what === 'shared-array-buffer') return undefined;
  if (info.what === null && method === 'transfer' && !BUFFER_NAME.test(lastName(ctx, recv))) return undefined;
  const arg = call.arguments[0];
  const oldSize = info.initialBytes && fixedBuffer(ctx, recv) && countCalls(ctx, recv, 'resize') === 0 ? info.initialBytes : null;
  const newSize = arg ? sizeValue(ctx, arg) : oldSize ? { ...oldSize, text: '', note: `no argument: the old length, ${oldSize.note}` } : { bytes: null, text: '', note: 'no argument: the old buffer\'s length, not known here' };
  const shape = arg ? growthOf(ctx, arg, call) : null;
  const back = assignedTo(ctx, call);
  return makeSite(ctx, {
    callee: 'buffer-transfer',
    name: method,
    nameNode: (call.expression as TsNs.PropertyAccessExpression).name ?? call.expression,
    node: call,
    oldSize,
    newSize,
    growth: shape?.growth ?? null,
    assignedBackTo: sameText(ctx, recv, back) ? back : null,
    js: facts(info, {
      elementBytes: 1,
      step: stepOf(ctx, shape, 1),
      staleViews: staleViews(ctx, call, recv, views),
    }),
    sizeNode: arg,
    holder: back ?? textOf(ctx, unwrap(ts, recv)),
  });
}

/** The receiver is a `const` (or never reassigned) bound to its constructor: its creation size is its size now. */
function fixedBuffer(ctx: Ctx, recv: Expression): boolean {
  const u = unwrap(ctx.ts, recv);
  if (!ctx.ts.isIdentifier(u)) return false;
  return !!fixedInit(ctx, resolve(ctx, u.text, u));
}

/** `buf.resize(n)` (resizable ArrayBuffer) and `sab.grow(n)` (growable SharedArrayBuffer). */
export function resizeSite(ctx: Ctx, call: TsNs.CallExpression, info: BufferInfo): CallSite | undefined {
  const ts = ctx.ts;
  const method = memberName(ts, call.expression)!;
  const recv = receiverOf(ts, call.expression)!;
  if (call.arguments.length !== 1) return undefined;
  const arg = call.arguments[0]!;
  const shape = growthOf(ctx, arg, call);
  const onlyResize = fixedBuffer(ctx, recv) && countCalls(ctx, recv, method) === 1;
  return makeSite(ctx, {
    callee: 'buffer-resize',
    name: method,
    nameNode: (call.expression as TsNs.PropertyAccessExpression).name ?? call.expression,
    node: call,
    oldSize: onlyResize ? info.initialBytes : null,
    newSize: sizeValue(ctx, arg),
    growth: shape?.growth ?? null,
    assignedBackTo: null,
    js: facts(info, { elementBytes: 1, step: stepOf(ctx, shape, 1) }),
    sizeNode: arg,
    holder: textOf(ctx, unwrap(ts, recv)),
  });
}

/** How many `recv.method(` calls the function around `at` (or the file) has on the same receiver text. */
function countCalls(ctx: Ctx, recv: Expression, method: string, at: Node = recv): number {
  const needle = `${textOf(ctx, unwrap(ctx.ts, recv))}.${method}(`;
  const scope = functionOf(ctx.ts, at);
  const text = ctx.text.slice(scope.getStart(ctx.sf), scope.getEnd());
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/** `memory.grow(pages)` on a WebAssembly.Memory. */
export function memoryGrowSite(ctx: Ctx, call: TsNs.CallExpression, info: BufferInfo): CallSite | undefined {
  const ts = ctx.ts;
  const recv = receiverOf(ts, call.expression)!;
  if (call.arguments.length !== 1) return undefined;
  const arg = call.arguments[0]!;
  const d = evalExpr(ctx, arg);
  const delta = pages(ctx, arg);
  // The size before is known only for the one grow of a memory created in this file, outside loops.
  const once = info.initialBytes?.bytes != null && countCalls(ctx, recv, 'grow') === 1;
  let newSize: SizeValue;
  if (once && d.ok && delta.bytes !== null) {
    const bytes = info.initialBytes!.bytes! + delta.bytes;
    newSize = { bytes, text: textOf(ctx, arg), note: `${info.initialBytes!.bytes} bytes at creation + ${delta.bytes} bytes = ${bytes} bytes` };
  } else {
    newSize = { bytes: null, text: textOf(ctx, arg), note: 'the memory\'s size before the call is not known here; only the growth is' };
  }
  const site = makeSite(ctx, {
    callee: 'memory-grow',
    name: 'grow',
    nameNode: (call.expression as TsNs.PropertyAccessExpression).name ?? call.expression,
    node: call,
    oldSize: once ? info.initialBytes : null,
    newSize,
    growth: null,
    assignedBackTo: null,
    js: facts(info, { delta, elementBytes: 1 }),
  });
  // A grow inside a loop repeats: the size before is then unknown after all.
  if (site.inLoop && once) {
    site.oldSize = null;
    site.newSize = { bytes: null, text: textOf(ctx, arg), note: 'grown in a loop: the size before each call is not known here' };
  }
  return site;
}

/** Dispatch for `x.grow(n)` / `x.resize(n)`: what `x` is decides the primitive, or that it is none of ours. */
export function growOrResize(ctx: Ctx, call: TsNs.CallExpression): CallSite | undefined {
  const ts = ctx.ts;
  const method = memberName(ts, call.expression);
  const recv = receiverOf(ts, call.expression);
  if (!recv || call.arguments.length !== 1) return undefined;
  let info = bufferInfo(ctx, recv);
  if (info.what === null && originOf(ctx, recv)?.kind === 'wasm-memory') info = { ...info, what: 'memory' };
  const name = lastName(ctx, recv);
  if (method === 'grow') {
    if (info.what === 'memory' || (info.what === null && MEMORY_NAME.test(name))) return memoryGrowSite(ctx, call, info);
    if (info.what === 'shared-array-buffer') return resizeSite(ctx, call, info);
    return undefined;
  }
  if (method === 'resize') {
    if (info.what === 'array-buffer' || (info.what === null && BUFFER_NAME.test(name))) return resizeSite(ctx, call, info);
  }
  return undefined;
}
