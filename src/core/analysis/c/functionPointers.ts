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
import type { FieldCallFacts, FunctionPointer, ResizeHelper, WrapperDef } from '../../types';
import type { NameUse } from './callSites';
import type { CType } from './layout';
import type { Scope } from './evaluate';
import { specifierType } from './declTypes';
import { declaratorName, functionName, functionParams, outerExpression } from './syntax';
import { stripParensAndCasts } from './substitute';
import { parentOf, typeOf } from './ancestry';

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
  /**
   * The other way round: `fn` stores the function into what its parameter `index` points to
   * (`*out = my_resize;`), so a call `fn(…, &v, …)` sets `v`.
   */
  out?: boolean;
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
  // Up through parentOf and typeOf: each field call's receiver is looked up at each round.
  for (let p: Node | null = parentOf(at); p; p = parentOf(p)) {
    const type = typeOf(p);
    if (type === 'compound_statement') {
      for (const c of p.namedChildren) {
        if (!c || c.startIndex > at.startIndex) break;
        if (typeOf(c) === 'declaration') {
          const t = fromDeclaration(c);
          if (t) return t;
        }
      }
    } else if (type === 'translation_unit') {
      for (const c of fileScopeDeclarations(p)) {
        if (c.startIndex > at.startIndex) break;
        const t = fromDeclaration(c);
        if (t) return t;
      }
    } else if (type === 'function_definition') {
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

/** Containers that keep a declaration at file scope: `#if` branches, `extern "C" { … }`. */
const FILE_SCOPE_WRAPPERS = new Set([
  'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification', 'declaration_list',
]);

/** Is `node` (a declaration) at file scope, also inside `#if` branches and `extern "C"` blocks? */
function atFileScope(node: Node): boolean {
  let p = node.parent;
  while (p && FILE_SCOPE_WRAPPERS.has(p.type)) p = p.parent;
  return p?.type === 'translation_unit';
}

/** The file-scope declarations of `root`, also those inside `#if` branches and `extern "C"` blocks. */
function* fileScopeDeclarations(root: Node): Generator<Node> {
  for (const c of root.namedChildren) {
    if (!c) continue;
    if (c.type === 'declaration') yield c;
    else if (FILE_SCOPE_WRAPPERS.has(c.type)) yield* fileScopeDeclarations(c);
  }
}

// The walks up below go through parentOf and typeOf (ancestry.ts): the call-site finder asks
// them of the same field calls at each round (on the dense bench corpus ~2,600 of their ~3,300
// parent and type reads repeated one of the same node and tree).
function enclosingFunction(n: Node): Node | null {
  for (let p = parentOf(n); p; p = parentOf(p)) if (typeOf(p) === 'function_definition') return p;
  return null;
}

function enclosingFunctionName(n: Node): string | null {
  for (let p = parentOf(n); p; p = parentOf(p)) if (typeOf(p) === 'function_definition') return functionName(p);
  return null;
}

/** Where a value is stored or a call can run: a name below one of these is no declaration macro's argument. */
const STORING = new Set(['function_definition', 'init_declarator', 'initializer_list', 'initializer_pair', 'assignment_expression']);

/**
 * True for a name handed to a macro at file scope, outside any function body and initializer:
 * `DECLARE_REPLACEMENT(realloc, void *, (void *, size_t))`, `WARN_ON_USE(reallocarray, "…")`,
 * an X-macro table row `API_ENTRY(void *, my_realloc, (void *p, size_t n))`. No call can run
 * there, so the macro declares something about the name rather than storing it in a pointer.
 */
export function declarationMacroArgument(name: Node): boolean {
  let inArguments = false;
  for (let p = name.parent; p; p = p.parent) {
    if (STORING.has(p.type)) return false;
    if (p.type === 'argument_list') inArguments = true;
    // Macros the grammar could not read as a call leave `NAME (` … inside an ERROR node.
    if (p.type === 'ERROR' && !inArguments) inArguments = /^\s*[A-Za-z_]\w*\s*\(/.test(p.text) && p.startIndex < name.startIndex;
    // A file error recovery could not read at all has an ERROR at its root, not a translation unit.
    if (p.type === 'translation_unit' || !p.parent) return inArguments;
  }
  return false;
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
  // `table[i].f`: an element of a declared array of structs.
  if (obj.type === 'subscript_expression') {
    const arr = unwrap(obj.childForFieldName('argument'));
    if (arr?.type === 'identifier') return declaredType(fieldExpr, arr.text);
  }
  // `&x.g` / `(*p).f`: the object is still a declared name.
  if (obj.type === 'pointer_expression') {
    const inner = unwrap(obj.childForFieldName('argument'));
    if (inner?.type === 'identifier') return declaredType(fieldExpr, inner.text);
  }
  return null;
}

/**
 * `cfg.mem.xResize`: the object is itself a member (or element) of a named object, whose member
 * types are not followed — so the field's struct type is not known even when the root's is (or
 * when the root's declaration is outside the parts of the file the scan parsed).
 */
export function nestedInDeclared(fieldExpr: Node): boolean {
  let obj = unwrap(fieldExpr.childForFieldName('argument'));
  if (obj?.type !== 'field_expression' && obj?.type !== 'subscript_expression') return false;
  if (obj.type === 'subscript_expression' && unwrap(obj.childForFieldName('argument'))?.type === 'identifier') return false;
  while (obj && (obj.type === 'field_expression' || obj.type === 'subscript_expression' || obj.type === 'pointer_expression')) {
    obj = unwrap(obj.childForFieldName('argument'));
  }
  return obj?.type === 'identifier';
}

/** A `field_identifier` that names the called function of a call: `x->f(…)`, `(*x->f)(…)`, `(x.f)(…)`. */
export function fieldCall(node: Node): { call: Node; fieldExpr: Node } | null {
  const fe = parentOf(node);
  if (!fe || typeOf(fe) !== 'field_expression' || fe.childForFieldName('field')?.id !== node.id) return null;
  let cur: Node = fe;
  let p = parentOf(fe);
  while (p && (typeOf(p) === 'parenthesized_expression' || (typeOf(p) === 'pointer_expression' && p.childForFieldName('operator')?.text === '*'))) {
    cur = p;
    p = parentOf(p);
  }
  if (!p || typeOf(p) !== 'call_expression' || p.childForFieldName('function')?.id !== cur.id) return null;
  return { call: p, fieldExpr: fe };
}

/** `a->b.c` → ['a', 'b', 'c']: the names of a member chain as written. */
function memberNames(text: string): string[] {
  return text.replace(/\s+/g, '').split(/->|\./).map((n) => n.replace(/[^\w]/g, ''));
}

/** How many trailing member names two chains share (`x.m.fn` and `cfg.m.fn`: 2). */
function sharedTail(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/**
 * The pointer def a call through field `name` goes through, among the defs known for that name:
 * same struct type where both are known, same argument count as the target takes. When the
 * call's struct type is not known and the candidates hold different functions, the one whose
 * store spells the longest same member chain (`….m.fn = f` for `cfg.m.fn(…)`) is taken, and
 * `byName` says the match rests on names only.
 */
export function pickFieldPointer(defs: readonly WrapperDef[], fieldExpr: Node, argCount: number): { def: WrapperDef; byName: boolean } | null {
  let type: string | null | undefined;
  const within = enclosingFunctionName(fieldExpr) ?? undefined;
  return pickFieldStore(defs, {
    chain: fieldExpr.text, argCount, type: () => (type ??= receiverType(fieldExpr)), nested: () => nestedInDeclared(fieldExpr), ...(within ? { within } : {}),
  });
}

/** A call through a function-pointer field, as plain data: what it spells, how many arguments, its struct type if seen. */
export interface FieldCallShape {
  /** The pointer as written (`cfg.m.xResize`). */
  chain: string;
  argCount: number;
  /** The struct type of the object, when the code shows it (asked only when a store knows its own). */
  type: () => string | null;
  /**
   * The function making the call. An interposer saves the original and stores itself into the
   * same field (`saved = cfg.m; cfg.m.xResize = my_resize;`): its own call through the saved copy
   * does not go to itself, so its own store is the last choice.
   */
  within?: string;
  /** The object is a member of a declared object (`cfg.mem` in `cfg.mem.xResize`): its struct type could be told, but is not followed. */
  nested?: () => boolean;
}

/** pickFieldPointer on plain data: the scan re-picks with every store known once the rounds end. */
export function pickFieldStore(all: readonly WrapperDef[], call: FieldCallShape): { def: WrapperDef; byName: boolean } | null {
  const others = call.within ? all.filter((d) => d.pointer?.target !== call.within) : all;
  const defs = others.length ? others : all;
  const fits: WrapperDef[] = [];
  for (const d of defs) {
    const ptr = d.pointer;
    if (!ptr) continue;
    if (ptr.arity !== undefined && ptr.arity !== call.argCount) continue;
    if (ptr.struct) {
      const type = call.type();
      if (type && type !== ptr.struct) continue;
      if (type) return { def: d, byName: false };
    }
    fits.push(d);
  }
  if (fits.length <= 1 || new Set(fits.map((d) => d.pointer!.target)).size === 1) {
    if (!fits[0]) return null;
    // A store into a known struct's field, called through a member of a declared object whose
    // member types are not followed (`cfg.mem.xResize`): one store, but only the names match.
    return { def: fits[0], byName: fits.every((d) => d.pointer!.struct) && !!call.nested?.() && !call.type() };
  }
  const names = memberNames(call.chain);
  const field = names[names.length - 1] ?? '';
  // A store of a function that itself calls through this field is an interposer (it passes the
  // call on to the one it replaced): on a tie, the store of a function that does not wins.
  const relays = (d: WrapperDef) => d.via.some((v) => v.includes(`.${field} = `) || v.includes(`->${field} = `));
  let best = fits[0]!;
  let bestScore = -1;
  for (const d of fits) {
    const stored = d.pointer!.text.slice(0, d.pointer!.text.lastIndexOf(' = '));
    const score = sharedTail(names, memberNames(stored)) * 2 + (relays(d) ? 0 : 1);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return { def: best, byName: true };
}

/** The text of a pointer use for `via`: `g->frealloc = l_alloc`. */
export function pointerVia(use: { display?: string; byName?: boolean }, def: WrapperDef): string {
  const guess = use.byName ? ' (matched by field name only: the struct type is not seen)' : '';
  return `${use.display ?? def.name} = ${def.pointer?.target ?? '?'}${guess}`;
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
  for (let p: Node | null = parentOf(at); p; p = parentOf(p)) {
    const type = typeOf(p);
    if (type === 'function_definition') {
      if (functionParams(p).includes(name)) return { global: false, isStatic: false };
    }
    if (type === 'compound_statement') {
      for (const c of p.namedChildren) {
        if (c?.type !== 'declaration' || c.startIndex > at.startIndex) continue;
        if (c.childrenForFieldName('declarator').some((d) => d && declaratorName(d)?.text === name)) return { global: false, isStatic: false };
      }
    }
    if (type === 'translation_unit') {
      for (const c of fileScopeDeclarations(p)) {
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

/**
 * Struct and typedef definitions visible from a file (its own and its headers'), keyed as the
 * symbol tables key them: `struct foo`, `union u`, or a typedef name.
 */
export type TypeLookup = (key: string) => CType | undefined;

/** The struct and typedef definitions a size scope sees (the file's, then its headers'). */
export function typeLookup(scope: Scope): TypeLookup {
  return (key) => {
    for (const f of [scope.file, ...scope.headers]) {
      const t = f.types.get(key);
      if (t) return t as CType;
    }
    return undefined;
  };
}

/** A type resolved to its record (through typedefs and tags), or null when the scan cannot see it. */
function recordOf(t: CType | undefined, types: TypeLookup | undefined): Extract<CType, { k: 'record' }> | null {
  for (let guard = 0; t && guard < 8; guard++) {
    if (t.k === 'record') return t;
    if (t.k === 'named') t = types?.(t.name);
    else if (t.k === 'tag' && t.tag !== 'enum') t = types?.(`${t.tag} ${t.name}`);
    else return null;
  }
  return null;
}

/** `x` in a list `{ a, b, x }` (or after `.f = …`): its position, or null when it cannot be told. */
function positionIn(list: Node, item: Node, fields: readonly (string | null)[] | null): number | null {
  let pos = 0;
  for (const c of list.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.id === item.id) return pos;
    if (c.type === 'initializer_pair') {
      // `.f = …` moves the position to the member after `f`.
      const d = c.childrenForFieldName('designator');
      const f = d.length === 1 && d[0]!.type === 'field_designator' ? d[0]!.namedChild(0)?.text : null;
      const at = f && fields ? fields.indexOf(f) : -1;
      if (at < 0) return null;
      pos = at + 1;
    } else pos++;
  }
  return null;
}

/**
 * The member a positional initializer fills: `static struct ops o = { malloc, realloc, free };`
 * fills `o.<second member>` with realloc. The struct comes from the declaration (typedefs and
 * headers followed through `types`), nested braces descend into members, and an array of structs
 * (`T table[] = { { a, realloc }, … }`) fills each element's members. Null when any level cannot
 * be told (a member under `#if`, a type the scan cannot see).
 */
function positionalField(value: Node, types: TypeLookup | undefined): { field: string; struct?: string } | null {
  // The chain of lists from the outermost down to the one holding `value`.
  const chain: { list: Node; item: Node }[] = [];
  let item = value;
  let list = value.parent;
  while (list?.type === 'initializer_list') {
    chain.unshift({ list, item });
    item = list;
    list = list.parent;
    // A designated member holding a list (`.m = { … }`) is not followed: the name is enough there.
    if (list?.type === 'initializer_pair') return null;
  }
  if (list?.type !== 'init_declarator') return null;
  const decl = list.parent;
  if (decl?.type !== 'declaration') return null;
  let type: CType = specifierType(decl.childForFieldName('type'));
  let structName = typeName(decl.childForFieldName('type')?.text ?? '') ?? undefined;
  // `T table[] = { {…}, {…} }`: the outer list is the array; each element is a T.
  let levels = chain;
  const declarator = list.childForFieldName('declarator');
  if (declarator?.type === 'array_declarator') {
    if (chain.length < 2) return null;
    levels = chain.slice(1);
  } else if (declarator?.type !== 'identifier') return null;
  for (let i = 0; i < levels.length; i++) {
    const rec = recordOf(type, types);
    if (!rec) return null;
    const names = rec.fields.map((f) => f.name);
    const at = positionIn(levels[i]!.list, levels[i]!.item, names);
    const member = at === null ? undefined : rec.fields[at];
    if (!member?.name) return null;
    if (i === levels.length - 1) return { field: member.name, ...(structName ? { struct: structName } : {}) };
    type = member.type;
    structName = member.type.k === 'named' ? member.type.name : member.type.k === 'tag' || member.type.k === 'record' ? (member.type.name ?? undefined) : undefined;
  }
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
  types?: TypeLookup,
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
    // `*out = my_resize;` with `out` a parameter: the function hands it out to its caller.
    const deref = unwrap(left);
    if (deref?.type === 'pointer_expression' && deref.childForFieldName('operator')?.text === '*') {
      const param = unwrap(deref.childForFieldName('argument'));
      const fnNode = enclosingFunction(outer);
      const index = param?.type === 'identifier' && fnNode ? functionParams(fnNode).indexOf(param.text) : -1;
      const fn = fnNode ? functionName(fnNode) : null;
      return index >= 0 && fn ? { pass: { fn, index, target, targetFile, out: true } } : {};
    }
    const slot = left ? slotOf(left) : null;
    return slot ? { fact: fact(slot, left!.text) } : {};
  }
  if (holder.type === 'init_declarator' && holder.childForFieldName('value')?.id === outer.id) {
    const id = declaratorName(holder.childForFieldName('declarator'));
    if (!id) return {};
    const decl = holder.parent;
    // `#if A / T *fn = a_resize; / #else / T *fn = realloc; / #endif` is still one global.
    const fileScope = !!decl && atFileScope(decl);
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
  if (holder.type === 'initializer_list') {
    const slot = positionalField(outer, types);
    if (!slot) return {};
    return { fact: fact({ form: 'field', name: slot.field, ...(slot.struct ? { struct: slot.struct } : {}), global: true, isStatic: false }, `.${slot.field}`) };
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
  // Out-parameters: a call `fn(…, &v, …)` sets `v` to what `fn` stores through that parameter.
  const outs = passes.filter((p) => p.out);
  if (outs.length) {
    for (const call of root.descendantsOfType('call_expression')) {
      const callee = call ? unwrap(call.childForFieldName('function')) : null;
      if (!call || callee?.type !== 'identifier') continue;
      const mine = outs.filter((p) => p.fn === callee.text);
      if (!mine.length) continue;
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a && a.type !== 'comment');
      for (const pass of mine) {
        const arg = args[pass.index];
        const addr = arg ? unwrap(arg) : null;
        if (addr?.type !== 'pointer_expression' || addr.childForFieldName('operator')?.text !== '&') continue;
        const v = unwrap(addr.childForFieldName('argument'));
        if (v?.type !== 'identifier') continue;
        const scope = isFileScopeName(v, v.text);
        const within = scope.global ? undefined : enclosingFunctionName(call) ?? undefined;
        facts.push({
          form: 'variable', name: v.text, target: pass.target, targetFile: pass.targetFile,
          text: `${v.text} = ${pass.target}`, file, line: call.startPosition.row + 1,
          ...(within !== undefined ? { function: within, fileLocal: true } : scope.isStatic ? { fileLocal: true } : {}),
        });
      }
    }
  }
  for (const fn of root.namedChildren) {
    if (fn?.type !== 'function_definition') continue;
    const name = functionName(fn);
    const mine = name ? byFn.get(name)?.filter((p) => !p.out) : undefined;
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
    ...(fact.targetFile !== fact.file ? { targetFile: fact.targetFile } : {}),
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
  delete def.fieldCall;
  if (fact.fileLocal) def.fileLocal = true;
  return def;
}

/**
 * `via` chains made again once every wrapper round is done. A wrapper found in round 2 that calls
 * through `cfg.m.xResize` named the store of `xResize` known then — perhaps a same-named field of
 * an unrelated struct type, stored in a file another shard read first; later rounds may find the
 * store that fits (same struct type, same member chain). Each chain is rebuilt from the final set:
 * a field call is picked again (WrapperDef.fieldCall), an inner wrapper's chain is its own rebuilt
 * chain, a pointer's is its target's. Changes `via` in place; plain data in, plain data out.
 */
export function refreshVias(defs: readonly WrapperDef[], helpers: readonly ResizeHelper[] = []): void {
  const byName = new Map<string, WrapperDef[]>();
  const fields = new Map<string, WrapperDef[]>();
  for (const d of defs) {
    const map = d.kind === 'pointer' ? (d.pointer?.form === 'field' ? fields : null) : byName;
    if (!map) continue;
    const list = map.get(d.name);
    if (list) list.push(d);
    else map.set(d.name, [d]);
  }
  const lookup = (name: string, file: string | null): WrapperDef | undefined => {
    const list = byName.get(name);
    return list?.find((d) => d.file === file) ?? list?.find((d) => !d.fileLocal) ?? list?.[0];
  };
  const done = new Map<WrapperDef, string[]>();
  const visiting = new Set<WrapperDef>();
  const below = (d: { name: string; via: string[]; file: string | null; fieldCall?: FieldCallFacts }): string[] => {
    if (d.fieldCall) {
      const fc = d.fieldCall;
      const pick = pickFieldStore(fields.get(fc.field) ?? [], {
        chain: fc.chain, argCount: fc.args, type: () => fc.struct ?? null, nested: () => !!fc.nested, within: d.name,
      });
      if (pick) return [pointerVia({ display: fc.chain, byName: pick.byName }, pick.def), ...chainOf(pick.def)];
      return d.via;
    }
    const inner = d.via.length ? lookup(d.via[0]!, d.file) : undefined;
    return inner && inner !== d ? [d.via[0]!, ...chainOf(inner)] : d.via;
  };
  const chainOf = (d: WrapperDef): string[] => {
    const hit = done.get(d);
    if (hit) return hit;
    if (visiting.has(d)) return d.via;
    visiting.add(d);
    let via = d.via;
    if (d.kind === 'pointer') {
      // What the pointer holds: a wrapper's own chain (a primitive has none).
      const target = d.pointer ? lookup(d.pointer.target, d.file) : undefined;
      if (target) via = chainOf(target);
    } else via = below(d);
    visiting.delete(d);
    done.set(d, via);
    return via;
  };
  const vias = defs.map((d) => chainOf(d));
  defs.forEach((d, i) => (d.via = vias[i]!));
  for (const h of helpers) h.via = below(h);
}
