// Where a callee comes from, which decides whether a `realloc` is a reallocation at all.
//
// The rule: a function named `realloc`/`mremap`/… is reported only when the object it is read
// from (or the declaration it was bound by) is one of
//   - WebAssembly instance exports: any `X.exports` (except CommonJS `module.exports`), the bare
//     `exports` and `wasmExports` globals, a parameter typed `WebAssembly.Exports`;
//   - wasm-bindgen glue: the `wasm` module (`import * as wasm from './x_bg.wasm'`, or `let wasm`
//     assigned from instance exports); the name `__wbindgen_realloc` is reserved to that glue and
//     counts on any receiver, and so do the renamed `__wbindgen_export_N` of newer versions when
//     they are passed to a helper's parameter named `realloc`;
//   - an emscripten `Module` (the global, a binding named `Module`, or any name the file also
//     uses with `.HEAPU8`/`._malloc`/`._free`), its `.asm`, and the `_realloc` global;
//   - an FFI library: `koffi.load(…)` + `lib.func('void *realloc(…)')`, ffi-napi
//     `ffi.Library(…, { realloc: … })`, bun:ffi `dlopen(…, { realloc: … })` + `.symbols`.
// Bindings are followed through `const`/`let` (and later plain assignments), destructuring
// (`const { realloc } = instance.exports`), imports and `require()`, and a parameter is what the
// file's callers pass for it. Anything else — `pool.realloc(x)` on a class instance,
// `this.realloc()`, a parameter nobody in the file passes an export to — is not reported: a
// name alone does not make a reallocation.
import type { ts as TsNs } from 'ts-morph';
import type { CPrimitive, JsFacts } from '../../types';
import { type Ctx, type Expression, memberName, receiverOf, unwrap } from './context';
import { resolve } from './scope';

export const C_NAMES: readonly CPrimitive[] = ['realloc', 'reallocarray', 'reallocf', 'mremap'];
/** Allocator exports of WebAssembly modules. */
export const WASM_NAMES = ['realloc', '_realloc', '__wbindgen_realloc'] as const;
/** Names whose appearance makes a file worth parsing and a member worth resolving. */
export const TRIGGER_NAMES: ReadonlySet<string> = new Set([...C_NAMES, ...WASM_NAMES]);

export type Route = JsFacts['route'];

/** A callable that resizes memory, and how its arguments read. */
export interface ReallocFn {
  kind: 'fn';
  callee: CPrimitive | 'wasm-realloc';
  route: Route;
  /** `c`: C signature; `wbindgen`: (ptr, old, new, align); `new-only`: (ptr, new). */
  sig: 'c' | 'wbindgen' | 'new-only';
}

export type Origin =
  | ReallocFn
  | { kind: 'wasm-exports'; route: Route }
  | { kind: 'emscripten' }
  | { kind: 'ffi-lib'; route: 'koffi' | 'ffi-napi' | 'bun:ffi' }
  | { kind: 'bun-symbols' }
  | { kind: 'ffi-module'; route: 'koffi' | 'ffi-napi' | 'bun:ffi' }
  | { kind: 'wasm-memory'; decl?: Expression }
  /** An export newer wasm-bindgen renamed (`__wbindgen_export_1`, `__wbindgen_export2`): which one is realloc, only the helper it is passed to says. */
  | { kind: 'wbindgen-export' };

/** Export names only wasm-bindgen's glue uses, whatever object they are read from. */
const WBINDGEN_EXPORT = /^__wbindgen_export_?\d*$/;

const MAX_DEPTH = 12;
const KOFFI_CONVENTIONS = new Set(['__cdecl', '__stdcall', '__fastcall', '__thiscall']);

function wasmFn(name: string, holder: Route): ReallocFn | undefined {
  if (name === '__wbindgen_realloc') return { kind: 'fn', callee: 'wasm-realloc', route: 'wasm-bindgen', sig: 'wbindgen' };
  if (name === '_realloc' || name === 'realloc') return { kind: 'fn', callee: 'wasm-realloc', route: holder, sig: 'new-only' };
  return undefined;
}

/** What `recv.key` is, given what `recv` is. */
function member(origin: Origin | undefined, key: string, recv: Expression | undefined, ctx: Ctx): Origin | undefined {
  const ts = ctx.ts;
  if (key === '__wbindgen_realloc') return wasmFn(key, 'wasm-bindgen');
  if (WBINDGEN_EXPORT.test(key)) return { kind: 'wbindgen-export' };
  if (key === 'exports') {
    const r = recv && unwrap(ts, recv);
    const isCjsModule = r && ts.isIdentifier(r) && r.text === 'module' && !resolve(ctx, 'module', r);
    return isCjsModule ? undefined : { kind: 'wasm-exports', route: 'wasm-exports' };
  }
  if (!origin) return undefined;
  switch (origin.kind) {
    case 'wasm-exports':
      return key === 'memory' ? { kind: 'wasm-memory' } : wasmFn(key, origin.route);
    case 'emscripten':
      if (key === 'wasmMemory' || key === 'memory') return { kind: 'wasm-memory' };
      // Older emscripten: `Module.asm` / `Module['asm']` holds the raw exports.
      if (key === 'asm' || key === 'wasmExports') return { kind: 'wasm-exports', route: 'emscripten' };
      return key === '_realloc' ? wasmFn(key, 'emscripten') : undefined;
    case 'ffi-lib':
      if (origin.route === 'bun:ffi') return key === 'symbols' ? { kind: 'bun-symbols' } : undefined;
      if (origin.route === 'ffi-napi') return (C_NAMES as readonly string[]).includes(key) ? { kind: 'fn', callee: key as CPrimitive, route: 'ffi-napi', sig: 'c' } : undefined;
      return undefined;
    case 'bun-symbols':
      return (C_NAMES as readonly string[]).includes(key) ? { kind: 'fn', callee: key as CPrimitive, route: 'bun:ffi', sig: 'c' } : undefined;
    default:
      return undefined;
  }
}

/** The C primitive a koffi declaration names: `'void *realloc(void *, size_t)'` or `'realloc', 'void *', […]`. */
function koffiDeclared(ctx: Ctx, call: TsNs.CallExpression): CPrimitive | undefined {
  const ts = ctx.ts;
  const strs = call.arguments.map((a) => (ts.isStringLiteralLike(a) ? a.text : undefined));
  let i = 0;
  if (strs[0] !== undefined && KOFFI_CONVENTIONS.has(strs[0])) i = 1;
  const s = strs[i];
  if (s === undefined) return undefined;
  if ((C_NAMES as readonly string[]).includes(s.trim())) return s.trim() as CPrimitive;
  const m = /([A-Za-z_]\w*)\s*\(/.exec(s);
  return m && (C_NAMES as readonly string[]).includes(m[1]!) ? (m[1] as CPrimitive) : undefined;
}

function hasObjectArg(ctx: Ctx, call: TsNs.CallExpression | TsNs.NewExpression, at: number): boolean {
  const a = call.arguments?.[at];
  return !!a && ctx.ts.isObjectLiteralExpression(unwrap(ctx.ts, a));
}

function callOrigin(ctx: Ctx, call: TsNs.CallExpression | TsNs.NewExpression, depth: number, seen: Set<TsNs.Node>): Origin | undefined {
  const ts = ctx.ts;
  const callee = unwrap(ts, call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : memberName(ts, callee);
  if (name === undefined) return undefined;
  if (name === 'func' || name === 'cdecl' || name === 'stdcall') {
    if (!ts.isCallExpression(call)) return undefined;
    const c = koffiDeclared(ctx, call);
    return c ? { kind: 'fn', callee: c, route: 'koffi', sig: 'c' } : undefined;
  }
  if (name === 'load') {
    const recv = receiverOf(ts, callee);
    const o = recv ? originOf(ctx, recv, depth + 1, seen) : undefined;
    const r = recv && unwrap(ts, recv);
    if ((o?.kind === 'ffi-module' && o.route === 'koffi') || (r && ts.isIdentifier(r) && r.text === 'koffi')) return { kind: 'ffi-lib', route: 'koffi' };
    return undefined;
  }
  // `const koffi = require('koffi')`: the same as an import of the module.
  const first = call.arguments?.[0];
  if (name === 'require' && ts.isIdentifier(callee) && first && ts.isStringLiteralLike(first)) return importOrigin(first.text, '*');
  if (name === 'Library' && hasObjectArg(ctx, call, 1)) return { kind: 'ffi-lib', route: 'ffi-napi' };
  if (name === 'dlopen' && hasObjectArg(ctx, call, 1)) return { kind: 'ffi-lib', route: 'bun:ffi' };
  return undefined;
}

function importOrigin(module: string, imported: string): Origin | undefined {
  if (/\.wasm$/.test(module)) {
    // wasm-bindgen names its module `<crate>_bg.wasm`; any other .wasm is a plain module's exports.
    const route: Route = /_bg\.wasm$/.test(module) ? 'wasm-bindgen' : 'wasm-exports';
    return imported === '*' || imported === 'default' ? { kind: 'wasm-exports', route } : imported === 'memory' ? { kind: 'wasm-memory' } : wasmFn(imported, route);
  }
  if (module === 'koffi') return { kind: 'ffi-module', route: 'koffi' };
  if (module === 'ffi-napi' || module === '@breezystack/ffi-napi' || module === 'ffi') return { kind: 'ffi-module', route: 'ffi-napi' };
  if (module === 'bun:ffi') return { kind: 'ffi-module', route: 'bun:ffi' };
  return undefined;
}

function identifierOrigin(ctx: Ctx, id: TsNs.Identifier, depth: number, seen: Set<TsNs.Node>): Origin | undefined {
  const ts = ctx.ts;
  const name = id.text;
  const b = resolve(ctx, name, id);
  if (!b) {
    if (name === 'Module') return { kind: 'emscripten' };
    if (name === 'exports') return { kind: 'wasm-exports', route: 'wasm-exports' };
    if (name === 'wasmExports') return { kind: 'wasm-exports', route: 'emscripten' };
    if (name === '_realloc') return wasmFn(name, 'emscripten');
    if (name === '__wbindgen_realloc') return wasmFn(name, 'wasm-bindgen');
    if (name === 'wasmMemory') return { kind: 'wasm-memory' };
    return fromAssignments(ctx, name, depth, seen);
  }
  switch (b.kind) {
    case 'import':
      return importOrigin(b.module, b.imported);
    case 'param': {
      const t = b.type?.getText(ctx.sf).replace(/\s+/g, '');
      if (t === 'WebAssembly.Exports') return { kind: 'wasm-exports', route: 'wasm-exports' };
      if (t === 'WebAssembly.Memory') return { kind: 'wasm-memory' };
      return fromCallers(ctx, b.decl, depth, seen);
    }
    case 'var': {
      if (seen.has(b.decl)) return undefined;
      seen.add(b.decl);
      let o: Origin | undefined;
      if (b.init) {
        const init = unwrap(ts, b.init);
        o = originOf(ctx, init, depth + 1, seen);
        let recv: Expression = init;
        for (const key of b.path) {
          o = member(o, key, recv, ctx);
          recv = init;
        }
      }
      o ??= fromAssignments(ctx, name, depth, seen);
      // emscripten glue: `var Module = typeof Module != 'undefined' ? Module : {}`.
      if (!o && name === 'Module') o = { kind: 'emscripten' };
      if (!o && name === 'wasmExports') o = { kind: 'wasm-exports', route: 'emscripten' };
      if (!o && b.type && b.type.getText(ctx.sf).replace(/\s+/g, '') === 'WebAssembly.Memory') o = { kind: 'wasm-memory' };
      return o;
    }
    default:
      return undefined;
  }
}

/**
 * A parameter is what the file's callers pass for it: wasm-bindgen's glue hands the export to a
 * helper (`passStringToWasm0(arg, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc)`) that calls
 * it as `realloc(ptr, len, newLen, 1)`. The first caller passing something known decides. Newer
 * wasm-bindgen renames the exports (`passStringToWasm0(arg, wasm.__wbindgen_export_0,
 * wasm.__wbindgen_export_1)`); then the helper's own parameter name, `realloc`, says which one it is.
 */
function fromCallers(ctx: Ctx, param: TsNs.ParameterDeclaration, depth: number, seen: Set<TsNs.Node>): Origin | undefined {
  const ts = ctx.ts;
  const fn = param.parent;
  if (!fn || seen.has(fn) || !('parameters' in fn)) return undefined;
  seen.add(fn);
  const index = (fn as TsNs.FunctionLikeDeclaration).parameters.indexOf(param);
  const named = (fn as TsNs.FunctionLikeDeclaration).name;
  const holder = fn.parent;
  const name = named && ts.isIdentifier(named) ? named.text : holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? holder.name.text : undefined;
  if (name === undefined || index < 0) return undefined;
  const paramName = ts.isIdentifier(param.name) ? param.name.text : undefined;
  for (const call of ctx.callsByName.get(name) ?? []) {
    const arg = call.arguments[index];
    const o = arg && originOf(ctx, arg, depth + 1, seen);
    if (o?.kind === 'wbindgen-export') {
      if (paramName === 'realloc') return wasmFn('__wbindgen_realloc', 'wasm-bindgen');
      continue;
    }
    if (o) return o;
  }
  return undefined;
}

/** `let wasm; … wasm = instance.exports;`: the first assignment that says where the value comes from. */
function fromAssignments(ctx: Ctx, name: string, depth: number, seen: Set<TsNs.Node>): Origin | undefined {
  for (const a of ctx.assignments.get(name) ?? []) {
    if (a.op !== '=' || seen.has(a.node)) continue;
    seen.add(a.node);
    const o = originOf(ctx, a.rhs, depth + 1, seen);
    if (o) return o;
  }
  return undefined;
}

/**
 * An emscripten module instance under another name (`const m = await createModule()`): the file
 * also uses its heap views or allocator (`m.HEAPU8`, `m._malloc`, `m._free`), which nothing but
 * an emscripten module has.
 */
function emscriptenByUse(ctx: Ctx, recv: Expression): Origin | undefined {
  const r = unwrap(ctx.ts, recv);
  if (!ctx.ts.isIdentifier(r)) return undefined;
  return new RegExp(`(?<![\\w$])${r.text.replace(/\$/g, '\\$')}\\s*\\.\\s*(?:HEAP(?:U?8|U?16|U?32|F32|F64)\\b|_malloc\\b|_free\\b)`).test(ctx.text) ? { kind: 'emscripten' } : undefined;
}

/** What an expression is, as far as resizing memory goes; undefined for everything unrelated. */
export function originOf(ctx: Ctx, e: Expression, depth = 0, seen = new Set<TsNs.Node>()): Origin | undefined {
  const ts = ctx.ts;
  if (depth > MAX_DEPTH) return undefined;
  const u = unwrap(ts, e);
  if (ts.isIdentifier(u)) return identifierOrigin(ctx, u, depth, seen);
  if (ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u)) {
    const key = memberName(ts, u);
    if (key === undefined) return undefined;
    if (key === '__wbindgen_realloc' || key === 'exports') return member(undefined, key, u.expression, ctx);
    const recv = originOf(ctx, u.expression, depth + 1, seen) ?? (key === '_realloc' || key === 'asm' ? emscriptenByUse(ctx, u.expression) : undefined);
    return member(recv, key, u.expression, ctx);
  }
  if (ts.isCallExpression(u) || ts.isNewExpression(u)) {
    // `lib.func(…)` / `ffi.Library(…)` / `dlopen(…)`, and `(0, Module._realloc)` style calls are not values of interest.
    return callOrigin(ctx, u, depth, seen);
  }
  // `var _realloc = Module['_realloc'] = wasmExports['realloc']`: the value of the last assignment.
  if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.EqualsToken) return originOf(ctx, u.right, depth + 1, seen);
  if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.CommaToken) return originOf(ctx, u.right, depth + 1, seen);
  return undefined;
}
