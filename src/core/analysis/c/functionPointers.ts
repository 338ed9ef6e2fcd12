// Function-pointer allocators: a struct field or a variable set to `realloc` or to a resize
// wrapper, anywhere in the project, makes every call through it a resize site.
//
// Where the pointer is set (the wrapper rounds collect these as plain facts):
// - an assignment `g->frealloc = l_alloc;`, `hooks.grow = (grow_fn)realloc;`, `p = realloc;`
// - an initializer `void *(*re)(void *, size_t) = realloc;`, `{ .reallocFn = realloc }`
// - a function argument the callee stores: `lua_newstate(l_alloc, ud)` where lua_newstate does
//   `g->frealloc = f;` — the argument is followed into the callee's body (and on, if the callee
//   passes it further), one round per call level.
// Where it is called: `(*g->frealloc)(ud, p, os, ns)`, `G(L)->frealloc(…)`, `re(p, n)`, and the
// macros over them (`#define firsttry(g,b,os,ns) ((*g->frealloc)(g->ud,b,os,ns))`).
//
// A field is matched by its name and, where both the assignment and the call show the struct
// type of the object (a declared local, parameter or global), by that type too; the call must
// pass as many arguments as the target takes. Types behind macros or member chains are not
// worked out: then the name and the argument count decide.
import type { Node } from 'web-tree-sitter';
import type { FunctionPointer, WrapperDef } from '../../types';
import type { NameUse } from './callSites';
import { declaratorName, functionName, functionParams, outerExpression } from './syntax';
import { stripParensAndCasts } from './substitute';

/** Where a primitive or wrapper name was stored: one plain fact from one file. */
export interface PointerFact {
  form: 'field' | 'variable';
  /** The field's or the variable's name. */
  name: string;
  /** Struct type of the object the field belongs to, when the code shows it. */
  struct?: string;
  /** The stored function's name. */
  target: string;
  /** The file where that name was seen (where a `static` target is visible). */
  targetFile: string;
  /** `g->frealloc = l_alloc` */
  text: string;
  file: string;
  line: number;
  /** A `static` or block-scope variable: only this file's calls go through it. */
  fileLocal?: boolean;
  /** A block-scope variable: the function it is local to. */
  function?: string;
}

/** A function name passed as argument `index` of a call of `fn`: the callee may store it. */
export interface ArgumentPass {
  fn: string;
  index: number;
  /** The function passed (a primitive or wrapper name, as known when the call was seen). */
  target: string;
  /** The file of that call (where a `static` target is visible). */
  targetFile: string;
}

const QUALIFIERS = /\b(?:struct|union|enum|const|volatile|restrict|register|static|extern)\b/g;

/** `struct global_State *` → `global_State`: the type name a declaration gives, without qualifiers. */
function typeName(typeText: string): string | null {
  const ids = typeText.replace(QUALIFIERS, ' ').match(/[A-Za-z_]\w*/g);
  return ids?.length ? ids[ids.length - 1]! : null;
}

/** The declared type name of identifier `name` visible at `at`: block locals, parameters, then file scope. */
function declaredType(at: Node, name: string): string | null {
  const fromDeclaration = (d: Node): string | null => {
    for (const decl of d.childrenForFieldName('declarator')) {
      if (decl && declaratorName(decl)?.text === name) return typeName(d.childForFieldName('type')?.text ?? '');
    }
    return null;
  };
  for (let p: Node | null = at.parent; p; p = p.parent) {
    if (p.type === 'compound_statement' || p.type === 'translation_unit') {
      for (const c of p.namedChildren) {
        if (!c || c.startIndex > at.startIndex) break;
        if (c.type === 'declaration') {
          const t = fromDeclaration(c);
          if (t) return t;
        }
      }
    } else if (p.type === 'function_definition') {
      let d: Node | null = p.childForFieldName('declarator');
      while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
      for (const prm of d?.childForFieldName('parameters')?.namedChildren ?? []) {
        if (prm?.type !== 'parameter_declaration') continue;
        if (declaratorName(prm.childForFieldName('declarator'))?.text === name) return typeName(prm.childForFieldName('type')?.text ?? '');
      }
    }
  }
  return null;
}

function enclosingFunctionName(n: Node): string | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return functionName(p);
  return null;
}

/** A call through a local pointer variable counts only in the function that declares it. */
export function inPointerScope(def: WrapperDef, at: Node): boolean {
  const fn = def.pointer?.function;
  return fn === undefined || enclosingFunctionName(at) === fn;
}

function unwrap(n: Node | null): Node | null {
  while (n && (n.type === 'parenthesized_expression' || n.type === 'cast_expression')) {
    n = n.type === 'cast_expression' ? n.childForFieldName('value') : n.namedChild(0);
  }
  return n;
}

/** The struct type of the object in `obj->f` / `obj.f`, when `obj` is a declared name. */
export function receiverType(fieldExpr: Node): string | null {
  const obj = unwrap(fieldExpr.childForFieldName('argument'));
  if (!obj) return null;
  if (obj.type === 'identifier') return declaredType(fieldExpr, obj.text);
  // `&x.g` / `(*p).f`: the object is still a declared name.
  if (obj.type === 'pointer_expression') {
    const inner = unwrap(obj.childForFieldName('argument'));
    if (inner?.type === 'identifier') return declaredType(fieldExpr, inner.text);
  }
  return null;
}

/** A `field_identifier` that names the called function of a call: `x->f(…)`, `(*x->f)(…)`, `(x.f)(…)`. */
export function fieldCall(node: Node): { call: Node; fieldExpr: Node } | null {
  const fe = node.parent;
  if (!fe || fe.type !== 'field_expression' || fe.childForFieldName('field')?.id !== node.id) return null;
  let cur: Node = fe;
  let p = fe.parent;
  while (p && (p.type === 'parenthesized_expression' || (p.type === 'pointer_expression' && p.childForFieldName('operator')?.text === '*'))) {
    cur = p;
    p = p.parent;
  }
  if (p?.type !== 'call_expression' || p.childForFieldName('function')?.id !== cur.id) return null;
  return { call: p, fieldExpr: fe };
}

/**
 * The pointer def a call through field `name` goes through, among the defs known for that name:
 * same struct type where both are known, same argument count as the target takes.
 */
export function pickFieldPointer(defs: readonly WrapperDef[], fieldExpr: Node, argCount: number): WrapperDef | null {
  let type: string | null | undefined;
  for (const d of defs) {
    const ptr = d.pointer;
    if (!ptr) continue;
    if (ptr.arity !== undefined && ptr.arity !== argCount) continue;
    if (ptr.struct) {
      type ??= receiverType(fieldExpr);
      if (type && type !== ptr.struct) continue;
    }
    return d;
  }
  return null;
}

/** The text of a pointer use for `via`: `g->frealloc = l_alloc`. */
export function pointerVia(use: NameUse, def: WrapperDef): string {
  return `${use.display ?? def.name} = ${def.pointer?.target ?? '?'}`;
}

/** The first entry of a `via` chain for a use: the wrapper's name, or for a pointer what it is set to. */
export function viaHead(use: NameUse): string {
  const t = use.target;
  if (t.kind === 'wrapper' && t.def.kind === 'pointer') return pointerVia(use, t.def);
  return t.name;
}

/** What a stored value's place is: a field (with its struct type) or a variable; null for anything else. */
function slotOf(lhs: Node): { form: 'field' | 'variable'; name: string; struct?: string; global: boolean; isStatic: boolean } | null {
  const l = unwrap(lhs);
  if (!l) return null;
  if (l.type === 'identifier') {
    const scope = isFileScopeName(l, l.text);
    return { form: 'variable', name: l.text, global: scope.global, isStatic: scope.isStatic };
  }
  if (l.type === 'field_expression') {
    const f = l.childForFieldName('field');
    if (!f) return null;
    const t = receiverType(l);
    return { form: 'field', name: f.text, ...(t ? { struct: t } : {}), global: true, isStatic: false };
  }
  return null;
}

/** Is `name` (used at `at`) a file-scope variable rather than a local or parameter; is it `static`? */
function isFileScopeName(at: Node, name: string): { global: boolean; isStatic: boolean } {
  for (let p: Node | null = at.parent; p; p = p.parent) {
    if (p.type === 'function_definition') {
      if (functionParams(p).includes(name)) return { global: false, isStatic: false };
    }
    if (p.type === 'compound_statement') {
      for (const c of p.namedChildren) {
        if (c?.type !== 'declaration' || c.startIndex > at.startIndex) continue;
        if (c.childrenForFieldName('declarator').some((d) => d && declaratorName(d)?.text === name)) return { global: false, isStatic: false };
      }
    }
    if (p.type === 'translation_unit') {
      for (const c of p.namedChildren) {
        if (c?.type !== 'declaration') continue;
        if (c.childrenForFieldName('declarator').some((d) => d && declaratorName(d)?.text === name)) {
          return { global: true, isStatic: c.namedChildren.some((s) => s?.type === 'storage_class_specifier' && s.text === 'static') };
        }
      }
    }
  }
  return { global: true, isStatic: false };
}

/** The struct type an initializer list fills: `T x = { … }`, `(T){ … }`, or a nested list's field (unknown). */
function initializedType(list: Node): string | null {
  const p = list.parent;
  if (p?.type === 'init_declarator') {
    const decl = p.parent;
    return decl?.type === 'declaration' ? typeName(decl.childForFieldName('type')?.text ?? '') : null;
  }
  if (p?.type === 'compound_literal_expression') return typeName(p.childForFieldName('type')?.text ?? '');
  return null;
}

function isHeader(file: string): boolean {
  return /\.(?:h|hh|hpp|hxx|inc)$/i.test(file);
}

/**
 * What happens to a value used at `expr` (a name used as a value, through casts and `&`): stored
 * into a field or variable (a fact), passed to a function (a pass), or neither.
 */
export function storedAt(
  expr: Node,
  target: string,
  file: string,
  targetFile = file,
): { fact?: PointerFact; pass?: ArgumentPass } {
  let outer = outerExpression(expr);
  // `fn ? fn : realloc`: either branch is what gets stored.
  while (outer.parent?.type === 'conditional_expression' && outer.parent.childForFieldName('condition')?.id !== outer.id) {
    outer = outerExpression(outer.parent);
  }
  const holder = outer.parent;
  const line = outer.startPosition.row + 1;
  const fact = (slot: NonNullable<ReturnType<typeof slotOf>>, lhsText: string): PointerFact => ({
    ...(slot.form === 'variable' && !slot.global ? { function: enclosingFunctionName(outer) ?? '' } : {}),
    form: slot.form,
    name: slot.name,
    ...(slot.struct ? { struct: slot.struct } : {}),
    target,
    targetFile,
    text: `${stripParensAndCasts(lhsText).replace(/\s+/g, '')} = ${target}`,
    file,
    line,
    ...(slot.form === 'variable' && (!slot.global || (slot.isStatic && !isHeader(file))) ? { fileLocal: true } : {}),
  });
  if (!holder) return {};
  if (holder.type === 'assignment_expression' && holder.childForFieldName('right')?.id === outer.id && holder.childForFieldName('operator')?.text === '=') {
    const left = holder.childForFieldName('left');
    const slot = left ? slotOf(left) : null;
    return slot ? { fact: fact(slot, left!.text) } : {};
  }
  if (holder.type === 'init_declarator' && holder.childForFieldName('value')?.id === outer.id) {
    const id = declaratorName(holder.childForFieldName('declarator'));
    if (!id) return {};
    const decl = holder.parent;
    const fileScope = decl?.parent?.type === 'translation_unit';
    const isStatic = !!decl?.namedChildren.some((s) => s?.type === 'storage_class_specifier' && s.text === 'static');
    return { fact: fact({ form: 'variable', name: id.text, global: fileScope, isStatic }, id.text) };
  }
  if (holder.type === 'initializer_pair' && holder.childForFieldName('value')?.id === outer.id) {
    const designators = holder.childrenForFieldName('designator');
    const last = designators[designators.length - 1];
    const field = last?.type === 'field_designator' ? last.namedChild(0)?.text : null;
    if (!field) return {};
    const type = designators.length === 1 && holder.parent?.type === 'initializer_list' ? initializedType(holder.parent) : null;
    return { fact: fact({ form: 'field', name: field, ...(type ? { struct: type } : {}), global: true, isStatic: false }, `.${field}`) };
  }
  if (holder.type === 'argument_list') {
    const call = holder.parent;
    const fn = call?.type === 'call_expression' ? unwrap(call.childForFieldName('function')) : null;
    if (fn?.type !== 'identifier') return {};
    const index = holder.namedChildren.filter((a) => a && a.type !== 'comment').findIndex((a) => a!.id === outer.id);
    return index >= 0 ? { pass: { fn: fn.text, index, target, targetFile } } : {};
  }
  return {};
}

/**
 * Where the definitions of the functions in `passes` (found in `root`) store the argument they
 * were given: facts for stores, further passes when they hand it on to another function.
 */
export function followPasses(root: Node, file: string, passes: readonly ArgumentPass[]): { facts: PointerFact[]; passes: ArgumentPass[] } {
  const facts: PointerFact[] = [];
  const further: ArgumentPass[] = [];
  if (!passes.length) return { facts, passes: further };
  const byFn = new Map<string, ArgumentPass[]>();
  for (const p of passes) {
    const list = byFn.get(p.fn);
    if (list) list.push(p);
    else byFn.set(p.fn, [p]);
  }
  for (const fn of root.namedChildren) {
    if (fn?.type !== 'function_definition') continue;
    const name = functionName(fn);
    const mine = name ? byFn.get(name) : undefined;
    if (!mine) continue;
    const params = functionParams(fn);
    const body = fn.childForFieldName('body');
    if (!body) continue;
    for (const pass of mine) {
      const param = params[pass.index];
      if (!param) continue;
      for (const id of body.descendantsOfType('identifier')) {
        if (!id || id.text !== param) continue;
        const r = storedAt(id, pass.target, file, pass.targetFile);
        if (r.fact) facts.push(r.fact);
        if (r.pass && r.pass.fn !== name) further.push(r.pass);
      }
    }
  }
  return { facts, passes: further };
}

/** The pointer def for a fact whose target is `target` (a primitive's args or a wrapper's def). */
export function pointerDef(fact: PointerFact, target: WrapperDef, arity: number | undefined): WrapperDef {
  const pointer: FunctionPointer = {
    form: fact.form,
    ...(fact.struct ? { struct: fact.struct } : {}),
    target: fact.target,
    text: fact.text,
    ...(arity !== undefined ? { arity } : {}),
    ...(fact.function !== undefined ? { function: fact.function } : {}),
  };
  const def: WrapperDef = {
    ...target,
    name: fact.name,
    kind: 'pointer',
    // The site's `via` starts with `g->frealloc = l_alloc`, which names the target: below it, the target's own chain.
    via: target.kind === 'pointer' ? [target.pointer?.text ?? target.name, ...target.via] : target.via,
    file: fact.file,
    line: fact.line,
    pointer,
  };
  delete def.fileLocal;
  delete def.macroForm;
  if (fact.fileLocal) def.fileLocal = true;
  return def;
}
