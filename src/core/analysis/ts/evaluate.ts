// Sizes of TS/JS expressions, as far as the file shows them: literals (hex, `1_000`, `1n`),
// `const`s in scope (locals and module level), enum members (numeric, auto-increment),
// `as const` objects, arithmetic with JavaScript's own semantics (doubles; bitwise operators on
// 32-bit integers), `Math.max/min/…`, and `.length`/`.byteLength` of arrays created with a
// known length. Anything else stays unknown, with the reason in plain words. Never throws.
import type { ts as TsNs } from 'ts-morph';
import type { SizeValue } from '../../types';
import { type Ctx, type Expression, memberName, receiverOf, textOf, unwrap } from './context';
import { type Binding, resolve } from './scope';

/** Bytes per element of the typed arrays (and Buffer, a Uint8Array). */
export const ELEMENT_BYTES: ReadonlyMap<string, number> = new Map([
  ['Int8Array', 1], ['Uint8Array', 1], ['Uint8ClampedArray', 1], ['Buffer', 1],
  ['Int16Array', 2], ['Uint16Array', 2], ['Float16Array', 2],
  ['Int32Array', 4], ['Uint32Array', 4], ['Float32Array', 4],
  ['Float64Array', 8], ['BigInt64Array', 8], ['BigUint64Array', 8],
]);

/** A value, with the names substituted on the way (`PAGE = 4096`), or the reason it is unknown. */
export type Eval = { ok: true; v: number; uses: string[] } | { ok: false; why: string };

const MAX_DEPTH = 24;
const MATH_FNS: Record<string, (...a: number[]) => number> = {
  max: Math.max, min: Math.min, ceil: Math.ceil, floor: Math.floor, trunc: Math.trunc, round: Math.round, pow: Math.pow, abs: Math.abs,
};

function ok(v: number, uses: string[] = []): Eval {
  return Number.isFinite(v) ? { ok: true, v, uses } : { ok: false, why: 'the value is not a finite number' };
}

function bad(why: string): Eval {
  return { ok: false, why };
}

function literal(text: string): number {
  const t = text.replace(/_/g, '');
  if (t.endsWith('n')) return Number(BigInt(t.slice(0, -1)));
  // Legacy octal (`0755`) only in sloppy-mode JS; Number() would read it as decimal.
  if (/^0[0-7]+$/.test(t)) return parseInt(t, 8);
  return Number(t);
}

function binary(op: TsNs.SyntaxKind, ts: Ctx['ts'], a: number, b: number): number | undefined {
  const K = ts.SyntaxKind;
  switch (op) {
    case K.PlusToken: return a + b;
    case K.MinusToken: return a - b;
    case K.AsteriskToken: return a * b;
    case K.SlashToken: return a / b;
    case K.PercentToken: return a % b;
    case K.AsteriskAsteriskToken: return a ** b;
    case K.LessThanLessThanToken: return a << b;
    case K.GreaterThanGreaterThanToken: return a >> b;
    case K.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
    case K.BarToken: return a | b;
    case K.AmpersandToken: return a & b;
    case K.CaretToken: return a ^ b;
    default: return undefined;
  }
}

/** The value of enum member `member` of `decl`, computing earlier members as TypeScript does. */
function enumMember(ctx: Ctx, decl: TsNs.EnumDeclaration, member: string, depth: number, seen: Set<Expression>): Eval {
  let prev: number | undefined = -1;
  for (const m of decl.members) {
    const name = ctx.ts.isIdentifier(m.name) || ctx.ts.isStringLiteral(m.name) ? m.name.text : undefined;
    let v: number | undefined;
    if (m.initializer) {
      // Members may name earlier members bare (`B = A * 2`): look them up in this enum first.
      const r = evalExpr(ctx, m.initializer, depth + 1, seen);
      v = r.ok ? r.v : undefined;
      if (name === member) return r.ok ? ok(r.v, [`${decl.name.text}.${member} = ${r.v}`]) : r;
    } else {
      v = prev === undefined ? undefined : prev + 1;
      if (name === member) return v === undefined ? bad(`\`${decl.name.text}.${member}\` follows a member whose value is unknown`) : ok(v, [`${decl.name.text}.${member} = ${v}`]);
    }
    prev = v;
  }
  return bad(`\`${decl.name.text}\` has no member \`${member}\``);
}

/** Inside an enum's initializers, bare names may be earlier members of that enum. */
function enclosingEnum(ctx: Ctx, id: TsNs.Identifier): TsNs.EnumDeclaration | undefined {
  for (let p: TsNs.Node | undefined = id.parent; p; p = p.parent) {
    if (ctx.ts.isEnumDeclaration(p)) return p.members.some((m) => ctx.ts.isIdentifier(m.name) && m.name.text === id.text) ? p : undefined;
    if (ctx.ts.isStatement(p)) return undefined;
  }
  return undefined;
}

/** A property of an object literal bound to a const (`const SIZES = { page: 4096 } as const`). */
function objectProperty(ctx: Ctx, init: Expression, key: string): Expression | undefined {
  const o = unwrap(ctx.ts, init);
  if (!ctx.ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) {
    if (ctx.ts.isPropertyAssignment(p) && (ctx.ts.isIdentifier(p.name) || ctx.ts.isStringLiteral(p.name)) && p.name.text === key) return p.initializer;
  }
  return undefined;
}

/** The initializer a binding stands for, when it never changes (a `const`, or a `let` never assigned). */
export function fixedInit(ctx: Ctx, b: Binding | undefined): Expression | undefined {
  if (!b || b.kind !== 'var' || !b.init) return undefined;
  if (!b.isConst && (ctx.assignments.get(b.name)?.length ?? 0) > 0) return undefined;
  let init: Expression | undefined = b.init;
  for (const key of b.path) {
    init = init && objectProperty(ctx, init, key);
    if (!init) return undefined;
  }
  return init;
}

function runtime(ctx: Ctx, name: string, b: Binding | undefined): string {
  if (!b) return `\`${name}\` is a runtime value (not declared in this file)`;
  if (b.kind === 'param') return `\`${name}\` is a runtime value (a parameter)`;
  if (b.kind === 'import') return `\`${name}\` is imported from '${b.module}'; its value is not in this file`;
  if (b.kind === 'var' && !b.isConst && (ctx.assignments.get(name)?.length ?? 0) > 0) return `\`${name}\` is a runtime value (assigned at run time)`;
  return `\`${name}\` is a runtime value`;
}

/** Elements a typed array / array / string expression holds, when written in the file. */
export function lengthOf(ctx: Ctx, e: Expression, depth = 0, seen = new Set<Expression>(), key = 'length'): Eval & { elementBytes?: number } {
  const ts = ctx.ts;
  const u = unwrap(ts, e);
  if (depth > MAX_DEPTH) return bad('too deeply nested');
  if (ts.isIdentifier(u)) {
    const b = resolve(ctx, u.text, u);
    const init = fixedInit(ctx, b);
    if (!init || seen.has(init)) return bad(`\`${u.text}.${key}\` depends on the data at run time`);
    seen.add(init);
    return lengthOf(ctx, init, depth + 1, seen, key);
  }
  if (ts.isArrayLiteralExpression(u)) return u.elements.some((x) => ts.isSpreadElement(x)) ? bad('the array literal has a spread') : ok(u.elements.length);
  if (ts.isStringLiteralLike(u)) return ok(u.text.length);
  if (ts.isNewExpression(u) && ts.isIdentifier(u.expression)) {
    const el = ELEMENT_BYTES.get(u.expression.text);
    const arg = u.arguments?.[0];
    if (u.expression.text === 'ArrayBuffer' || u.expression.text === 'SharedArrayBuffer') {
      return arg ? { ...evalExpr(ctx, arg, depth + 1, seen), elementBytes: 1 } : ok(0);
    }
    if (el !== undefined && arg) {
      const a = unwrap(ts, arg);
      // `new Uint8Array(n)` has n elements; `new Uint8Array(array)` as many as the array.
      const r = ts.isArrayLiteralExpression(a) || ts.isIdentifier(a) ? lengthOrValue(ctx, a, depth + 1, seen) : evalExpr(ctx, a, depth + 1, seen);
      return { ...r, elementBytes: el };
    }
  }
  if (ts.isCallExpression(u) && memberName(ts, u.expression)?.startsWith('alloc')) {
    const recv = receiverOf(ts, u.expression);
    if (recv && ts.isIdentifier(recv) && recv.text === 'Buffer' && u.arguments[0]) return { ...evalExpr(ctx, u.arguments[0], depth + 1, seen), elementBytes: 1 };
  }
  return bad(`\`${textOf(ctx, u)}.${key}\` depends on the data at run time`);
}

/** An identifier given to a typed-array constructor: a length when it is a number, else the length of the array it names. */
function lengthOrValue(ctx: Ctx, e: Expression, depth: number, seen: Set<Expression>): Eval {
  const ts = ctx.ts;
  if (ts.isArrayLiteralExpression(e)) return lengthOf(ctx, e, depth, seen);
  const b = ts.isIdentifier(e) ? resolve(ctx, e.text, e) : undefined;
  const init = fixedInit(ctx, b);
  if (init) {
    const i = unwrap(ts, init);
    if (ts.isArrayLiteralExpression(i) || ts.isNewExpression(i)) return lengthOf(ctx, i, depth, seen);
  }
  return evalExpr(ctx, e, depth, seen);
}

export function evalExpr(ctx: Ctx, e: Expression, depth = 0, seen = new Set<Expression>()): Eval {
  const ts = ctx.ts;
  if (depth > MAX_DEPTH) return bad('too deeply nested');
  const u = unwrap(ts, e);
  if (ts.isNumericLiteral(u) || ts.isBigIntLiteral(u)) return ok(literal(u.text));
  if (ts.isIdentifier(u)) {
    if (u.text === 'undefined') return bad('`undefined` is not a number');
    const inEnum = enclosingEnum(ctx, u);
    if (inEnum) return enumMember(ctx, inEnum, u.text, depth + 1, seen);
    const b = resolve(ctx, u.text, u);
    const init = fixedInit(ctx, b);
    if (!init) return bad(runtime(ctx, u.text, b));
    if (seen.has(init)) return bad(`\`${u.text}\` refers to itself`);
    seen.add(init);
    const r = evalExpr(ctx, init, depth + 1, seen);
    seen.delete(init);
    return r.ok ? ok(r.v, [...r.uses, `${u.text} = ${r.v}`]) : r;
  }
  if (ts.isPrefixUnaryExpression(u)) {
    const r = evalExpr(ctx, u.operand, depth + 1, seen);
    if (!r.ok) return r;
    const K = ts.SyntaxKind;
    if (u.operator === K.MinusToken) return ok(-r.v, r.uses);
    if (u.operator === K.PlusToken) return r;
    if (u.operator === K.TildeToken) return ok(~r.v, r.uses);
    return bad(`\`${textOf(ctx, u)}\` is not arithmetic`);
  }
  if (ts.isBinaryExpression(u)) {
    if (u.operatorToken.kind === ts.SyntaxKind.EqualsToken) return evalExpr(ctx, u.right, depth + 1, seen);
    if (u.operatorToken.kind === ts.SyntaxKind.CommaToken) return evalExpr(ctx, u.right, depth + 1, seen);
    const a = evalExpr(ctx, u.left, depth + 1, seen);
    if (!a.ok) return a;
    const b = evalExpr(ctx, u.right, depth + 1, seen);
    if (!b.ok) return b;
    const v = binary(u.operatorToken.kind, ts, a.v, b.v);
    return v === undefined ? bad(`\`${textOf(ctx, u)}\` is not arithmetic`) : ok(v, [...a.uses, ...b.uses]);
  }
  if (ts.isCallExpression(u)) {
    const recv = receiverOf(ts, u.expression);
    const fn = memberName(ts, u.expression);
    if (recv && ts.isIdentifier(recv) && recv.text === 'Math' && fn && MATH_FNS[fn] && !resolve(ctx, 'Math', recv)) {
      const args: number[] = [];
      const uses: string[] = [];
      for (const a of u.arguments) {
        const r = evalExpr(ctx, a, depth + 1, seen);
        if (!r.ok) return r;
        args.push(r.v);
        uses.push(...r.uses);
      }
      return ok(MATH_FNS[fn](...args), uses);
    }
    return bad(`\`${textOf(ctx, u)}\` is computed at run time`);
  }
  if (ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u)) {
    const key = memberName(ts, u);
    const recv = unwrap(ts, u.expression);
    if (key === undefined) return bad(`\`${textOf(ctx, u)}\` is a runtime value`);
    if (key === 'BYTES_PER_ELEMENT' && ts.isIdentifier(recv) && ELEMENT_BYTES.has(recv.text)) return ok(ELEMENT_BYTES.get(recv.text)!);
    if (key === 'length' || key === 'byteLength') {
      const r = lengthOf(ctx, recv, depth + 1, seen, key);
      if (!r.ok) return r;
      const v = key === 'byteLength' ? r.v * (r.elementBytes ?? 1) : r.v;
      return ok(v, [...r.uses, `${textOf(ctx, u)} = ${v}`]);
    }
    if (ts.isIdentifier(recv)) {
      const b = resolve(ctx, recv.text, recv);
      if (b?.kind === 'enum') return enumMember(ctx, b.decl, key, depth + 1, seen);
      const init = fixedInit(ctx, b);
      const prop = init && objectProperty(ctx, init, key);
      if (prop) {
        const r = evalExpr(ctx, prop, depth + 1, seen);
        return r.ok ? ok(r.v, [...r.uses, `${recv.text}.${key} = ${r.v}`]) : r;
      }
    }
    return bad(`\`${textOf(ctx, u)}\` is a runtime value`);
  }
  if (ts.isConditionalExpression(u)) return bad(`\`${textOf(ctx, u)}\` depends on a condition`);
  return bad(`\`${textOf(ctx, u)}\` is not a number the file states`);
}

/** A size in bytes: `e` × `elementBytes` (typed arrays count elements), with a note on how. */
export function sizeValue(ctx: Ctx, e: Expression, elementBytes = 1, elementName?: string): SizeValue {
  const text = textOf(ctx, e);
  let r: Eval;
  try {
    r = evalExpr(ctx, e);
  } catch (err) {
    r = bad(`could not evaluate (${err instanceof Error ? err.message : String(err)})`);
  }
  return toSize(text, r, elementBytes, elementName);
}

export function toSize(text: string, r: Eval, elementBytes = 1, elementName?: string): SizeValue {
  if (!r.ok) return { bytes: null, text, note: r.why };
  const count = Math.trunc(r.v);
  const bytes = count * elementBytes;
  if (count < 0 || bytes > Number.MAX_SAFE_INTEGER) return { bytes: null, text, note: `\`${text}\` = ${r.v}, outside 0 … 2^53` };
  const extra: string[] = [];
  const uses = [...new Set(r.uses)].filter((u) => u !== `${text.trim()} = ${r.v}`);
  if (uses.length) extra.push(`with ${uses.join(', ')}`);
  if (count !== r.v) extra.push(`truncated from ${r.v}`);
  const tail = extra.length ? ` (${extra.join('; ')})` : '';
  if (elementBytes !== 1) return { bytes, text, note: `\`${text}\` = ${count} elements × ${elementBytes} bytes${elementName ? ` (${elementName})` : ''} = ${bytes} bytes${tail}` };
  if (/^\s*[\d_]+n?\s*$/.test(text)) return { bytes, text, note: `literal: ${bytes} bytes${tail}` };
  return { bytes, text, note: `\`${text}\` = ${bytes} bytes${tail}` };
}

/** Names of mremap flags from a flags argument: numbers (`1`) and `MREMAP_*` names. Null when unknown. */
export function mremapFlags(ctx: Ctx, e: Expression, flagNames: (v: bigint) => string[], known: ReadonlyMap<string, bigint>): string[] | null {
  const ts = ctx.ts;
  // `MREMAP_MAYMOVE` may be a const in the file or just the C name written by hand; both count.
  const evalFlag = (x: Expression): number | null => {
    const u = unwrap(ts, x);
    if (ts.isIdentifier(u) && known.has(u.text) && !fixedInit(ctx, resolve(ctx, u.text, u))) return Number(known.get(u.text));
    if (ts.isPropertyAccessExpression(u) && known.has(u.name.text)) return Number(known.get(u.name.text));
    if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.BarToken || u.operatorToken.kind === ts.SyntaxKind.PlusToken)) {
      const a = evalFlag(u.left);
      const b = evalFlag(u.right);
      return a === null || b === null ? null : a | b;
    }
    const r = evalExpr(ctx, u);
    return r.ok && Number.isInteger(r.v) && r.v >= 0 ? r.v : null;
  };
  try {
    const v = evalFlag(e);
    return v === null ? null : flagNames(BigInt(v));
  } catch {
    return null;
  }
}
