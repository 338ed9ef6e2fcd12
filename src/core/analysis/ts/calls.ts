// Call sites of the reallocating functions reached through FFI (koffi, ffi-napi, bun:ffi: the C
// `realloc`/`mremap` themselves) and of WebAssembly allocator exports (`wasm-realloc`).
import type { ts as TsNs } from 'ts-morph';
import type { CallSite, SizeValue } from '../../types';
import { MREMAP_FLAGS, flagNames } from '../c/evaluate';
import { type Ctx, type Expression, type Node, nameNode, textOf, unwrap } from './context';
import { evalExpr, mremapFlags, sizeValue, toSize } from './evaluate';
import { growthOf } from './growth';
import type { ReallocFn } from './receivers';
import { assignedTo, makeSite, sameText } from './sites';

function missing(what: string): SizeValue {
  return { bytes: null, text: '', note: `no ${what} argument` };
}

/** `reallocarray(p, nmemb, size)`: the product. */
function product(ctx: Ctx, a: Expression, b: Expression): SizeValue {
  const x = evalExpr(ctx, a);
  const y = evalExpr(ctx, b);
  const text = `${textOf(ctx, a)} * ${textOf(ctx, b)}`;
  if (!x.ok || !y.ok) return toSize(text, x.ok ? y : x);
  return toSize(text, { ok: true, v: Math.trunc(x.v) * Math.trunc(y.v), uses: [...x.uses, ...y.uses] });
}

/** A call of a reallocating function: its sizes read by its signature. */
export function reallocCall(ctx: Ctx, call: TsNs.CallExpression, fn: ReallocFn): CallSite {
  const args = call.arguments;
  const arg = (i: number) => args[i];
  let oldSize: SizeValue | null = null;
  let newSize: SizeValue | null;
  let sizeArg: Expression | undefined;
  let flags: string[] | null = null;
  if (fn.callee === 'mremap') {
    oldSize = arg(1) ? sizeValue(ctx, arg(1)!) : missing('old size');
    sizeArg = arg(2);
    flags = arg(3) ? mremapFlags(ctx, arg(3)!, flagNames, MREMAP_FLAGS) : [];
  } else if (fn.callee === 'reallocarray') {
    newSize = arg(1) && arg(2) ? product(ctx, arg(1)!, arg(2)!) : missing('size');
  } else if (fn.sig === 'wbindgen') {
    // wasm-bindgen: __wbindgen_realloc(ptr, oldSize, newSize, align).
    oldSize = arg(1) ? sizeValue(ctx, arg(1)!) : missing('old size');
    sizeArg = arg(2);
  } else {
    sizeArg = arg(1);
  }
  newSize ??= sizeArg ? sizeValue(ctx, sizeArg) : missing('size');
  const back = assignedTo(ctx, call);
  const shape = sizeArg ? growthOf(ctx, sizeArg, call) : null;
  return makeSite(ctx, {
    callee: fn.callee,
    name: calleeName(ctx, call.expression),
    nameNode: nameNode(ctx.ts, unwrap(ctx.ts, call.expression)),
    node: call,
    oldSize,
    newSize,
    flags,
    growth: shape?.growth ?? null,
    assignedBackTo: arg(0) && sameText(ctx, arg(0)!, back) ? back : null,
    js: { route: fn.route, ...(shape?.growth === 'linear' && shape.step ? { step: sizeValue(ctx, shape.step) } : {}) },
    sizeNode: sizeArg,
    holder: null,
  });
}

/** The name as written: the member for `a.b.realloc`, the identifier for an alias. */
function calleeName(ctx: Ctx, e: Expression): string {
  const n: Node = nameNode(ctx.ts, unwrap(ctx.ts, e));
  return ctx.ts.isStringLiteralLike(n) ? n.text : textOf(ctx, n);
}

/** The realloc export used as a value (`table.set(i, exports.realloc)`, `register(realloc)`). */
export function reference(ctx: Ctx, e: Expression, fn: ReallocFn): CallSite {
  return makeSite(ctx, {
    callee: fn.callee,
    kind: 'reference',
    name: calleeName(ctx, e),
    nameNode: nameNode(ctx.ts, unwrap(ctx.ts, e)),
    node: e,
    oldSize: null,
    newSize: null,
    flags: null,
    growth: null,
    assignedBackTo: null,
    js: { route: fn.route },
  });
}
