// Finds where the primitives (realloc, reallocarray, reallocf, mremap) and known wrappers are
// named in one parsed C file, and classifies every such name: a call, a reference (the name used
// as a value), or something that is not the primitive at all (declaration, #define name, field,
// shadowing local).
//
// Why a text scan first: the names we look for are rare (a few per thousand lines), so finding
// their occurrences with one regex over the source and then asking tree-sitter for the node at
// each occurrence (`descendantForIndex`, inside wasm) costs O(occurrences), not O(nodes). A JS
// walk of every node, or a Query whose text predicates are checked in JS for every identifier,
// costs O(nodes). Comments, strings and macro bodies fall out for free: the node found at such an
// occurrence is a comment/string/preproc_arg, not an identifier.
// Measured on the 10,000-line file of scripts/bench-edit.ts: a Query `((identifier) @id (#any-of?
// @id …))` takes ~60 ms (web-tree-sitter checks text predicates in JS, per identifier), a Query
// for every call's name ~16 ms, this scan with classification ~1.5 ms.
import type { Node } from 'web-tree-sitter';
import type { Primitive, ResizeHelper, WrapperDef } from '../../types';
import { DECLARATOR_CHAIN } from './syntax';
import { declarationMacroArgument, fieldCall, inPointerScope, pickFieldPointer } from './functionPointers';
import { parentOf, typeOf } from './ancestry';
import type { NameAt, NameMatches } from './nameMatches';

export const PRIMITIVES: readonly Primitive[] = ['realloc', 'reallocarray', 'reallocf', 'mremap'];

/**
 * What a name found in the source resolves to. A `helper` is not a resize wrapper (its own call
 * is the site); its calls are looked at only for loops and for counting its callers.
 */
export type Target =
  | { kind: 'primitive'; name: Primitive }
  | { kind: 'wrapper'; name: string; def: WrapperDef }
  | { kind: 'helper'; name: string; helper: ResizeHelper };

/** Name → target for one file: the primitives plus every wrapper visible from that file. */
export interface CalleeIndex {
  targets: Map<string, Target>;
  /** Function pointers held in struct fields, by field name (`frealloc`); calls `x->frealloc(…)` resolve here. */
  fields: Map<string, WrapperDef[]>;
  /** One regex matching any indexed name as a whole word (global flag: reset lastIndex before use). */
  pattern: RegExp;
  /** The names of the pattern. */
  names: readonly string[];
  /**
   * Every name of the pattern is made of word characters, so each match is a whole identifier of
   * the text: the matches of a subset of the names are the pattern's matches of those names.
   */
  wholeWords: boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD = /^\w+$/;

/**
 * Builds the name index for `file`. Wrappers marked `fileLocal` apply only to the file that
 * defines them (a `static` helper called `grow` in a.c says nothing about `grow` in b.c).
 * A wrapper may not redefine a primitive's name.
 */
export function buildCalleeIndex(
  wrappers: Iterable<WrapperDef>,
  file: string | null,
  helpers: Iterable<ResizeHelper> = [],
  /**
   * False for a name the text surely does not spell (the scan's NameFilter): it stays a target
   * but leaves the pattern, so the scan of the text tries fewer names. Never a false "no".
   */
  mayName?: (name: string) => boolean,
): CalleeIndex {
  const parts = sharedParts(wrappers, file, helpers) ?? indexParts(wrappers, (local) => local === file, helpers, file === null);
  const names = mayName ? parts.names.filter((n) => mayName(n)) : parts.names;
  let pattern: RegExp | null = null;
  return {
    targets: parts.targets,
    fields: parts.fields,
    // Made when first asked: a scan with the text's NameMatches never asks (1,145 regexes made
    // per dense bench scan before). Sorting after the filter orders the names as filtering the
    // sorted list did (the sort is stable).
    get pattern() {
      return (pattern ??= identifiersRegex(names));
    },
    names,
    wholeWords: parts.allWords || names.every((n) => WORD.test(n)),
  };
}

/** What an index holds before a file's name filter narrows its pattern. */
interface IndexParts {
  targets: Map<string, Target>;
  fields: Map<string, WrapperDef[]>;
  /** Every name: the primitives, then the others in the order of the lists. */
  names: string[];
  /** Every name is made of word characters (the usual case: no name needs the test per file). */
  allWords: boolean;
}

/**
 * `keepLocal(file)`: whether a file-local wrapper or helper of that file applies. `everyLocal`:
 * they all do (no file given).
 */
function indexParts(wrappers: Iterable<WrapperDef>, keepLocal: (file: string) => boolean, helpers: Iterable<ResizeHelper>, everyLocal: boolean): IndexParts {
  const targets = new Map<string, Target>();
  const fields = new Map<string, WrapperDef[]>();
  for (const p of PRIMITIVES) targets.set(p, { kind: 'primitive', name: p });
  for (const def of wrappers) {
    if (def.fileLocal && !everyLocal && def.file !== null && !keepLocal(def.file)) continue;
    if (def.pointer?.form === 'field') {
      const list = fields.get(def.name);
      if (list) list.push(def);
      else fields.set(def.name, [def]);
      continue;
    }
    if (targets.get(def.name)?.kind === 'primitive') continue;
    // First definition wins, so a file's own wrappers (passed first) shadow same-named others.
    if (!targets.has(def.name)) targets.set(def.name, { kind: 'wrapper', name: def.name, def });
  }
  for (const h of helpers) {
    if (h.fileLocal && !everyLocal && !keepLocal(h.file)) continue;
    if (!targets.has(h.name)) targets.set(h.name, { kind: 'helper', name: h.name, helper: h });
  }
  // Neither sorted nor escaped here: only a pattern needs that, and most indexes never make one
  // (~9,000 names escaped and sorted per dense bench scan before, for 185 index parts).
  const names = [...new Set([...targets.keys(), ...fields.keys()])];
  return { targets, fields, names, allWords: names.every((n) => WORD.test(n)) };
}

/**
 * The index parts of a wrapper list, for every file that defines none of its file-local wrappers
 * and helpers: a round hands each file the same list, and building the maps and the sorted names
 * for each of them took ~20 ms of the dense bench corpus's 1,105 indexes. The parts are only
 * read; a list is compared element by element, so a changed list is no hit. Two slots: the
 * round's list stays while a file's own later rounds (its finds first) come and go in the other.
 */
interface SharedSlot {
  wrappers: WrapperDef[];
  helpers: ResizeHelper[];
  localFiles: Set<string>;
  /** Made when a file that defines none of the file-local names first asks. */
  parts: IndexParts | null;
}
const slots: { hot: SharedSlot | null; cold: SharedSlot | null } = { hot: null, cold: null };

function sharedParts(wrappers: Iterable<WrapperDef>, file: string | null, helpers: Iterable<ResizeHelper>): IndexParts | null {
  if (file === null || !Array.isArray(wrappers) || !Array.isArray(helpers)) return null;
  const w = wrappers as WrapperDef[];
  const h = helpers as ResizeHelper[];
  const holds = (s: SharedSlot | null): s is SharedSlot => !!s && sameItems(s.wrappers, w) && sameItems(s.helpers, h);
  let slot: SharedSlot;
  if (holds(slots.hot)) slot = slots.hot;
  else if (holds(slots.cold)) {
    // Asked for twice: the list of a round.
    slot = slots.cold;
    slots.cold = slots.hot;
    slots.hot = slot;
  } else {
    const localFiles = new Set<string>();
    for (const def of w) if (def.fileLocal && def.file !== null) localFiles.add(def.file);
    for (const x of h) if (x.fileLocal) localFiles.add(x.file);
    slot = slots.cold = { wrappers: w.slice(), helpers: h.slice(), localFiles, parts: null };
  }
  if (slot.localFiles.has(file)) return null;
  return (slot.parts ??= indexParts(w, () => false, h, false));
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function longestFirst(names: string[]): string[] {
  return names.sort((a, b) => b.length - a.length);
}

/** A global regex matching any of `names` as a whole C identifier (longest first). */
export function identifiersRegex(names: Iterable<string>): RegExp {
  return namesRegex(longestFirst([...names]).map(escapeRe));
}

/** The regex of names already in order and escaped. */
function namesRegex(sorted: string[]): RegExp {
  // `\b` is fine: C identifiers are [A-Za-z0-9_], exactly the regex word characters.
  // No name: an empty class, which irregexp never runs over the text (`(?!)` is tried at every position).
  return sorted.length ? new RegExp(`\\b(?:${sorted.join('|')})\\b`, 'g') : /[^\s\S]/g;
}

/** One occurrence of an indexed name that is a real use (call or reference) of its target. */
export interface NameUse {
  /** The identifier node as written. */
  nameNode: Node;
  name: string;
  target: Target;
  role: 'call' | 'reference';
  /** The call_expression for calls; the identifier (or `&name`) for references. */
  exprNode: Node;
  /** Argument nodes of the call (named children of the argument list), [] for references. */
  args: Node[];
  /** The texts of `args`, read once for every round that finds this call in the same tree (see argTexts). */
  texts?: () => readonly string[];
  /** A call through a function pointer field: the pointer as written (`g->frealloc`). */
  display?: string;
  /** The field's struct type was not seen and several stores of that field name differ: a guess by name. */
  byName?: boolean;
}

/** A declaration of an indexed name inside a function that hides the global one in `scope`. */
interface Shadow {
  name: string;
  declStart: number;
  scopeStart: number;
  scopeEnd: number;
}

const DECLARATION_TYPES = new Set([
  'declaration',
  'parameter_declaration',
  'field_declaration',
  'function_definition',
  'type_definition',
]);
/** Parents whose identifier child is a name being defined or tested, never a use. */
const NOT_A_USE_PARENTS = new Set([
  'preproc_def',
  'preproc_function_def',
  'preproc_ifdef',
  'preproc_elifdef',
  'preproc_defined',
  'preproc_params',
  'enumerator',
  'goto_statement',
  'labeled_statement',
  'attribute',
  'attribute_specifier',
]);

type Classified =
  | { role: 'call'; callNode: Node }
  | { role: 'reference'; exprNode: Node }
  | { role: 'shadow'; shadow: Omit<Shadow, 'name'> }
  | { role: 'none' };

function isField(parent: Node, field: string, child: Node): boolean {
  const c = parent.childForFieldName(field);
  return !!c && c.id === child.id;
}

/** Classifies one identifier node that spells an indexed name. */
function classify(node: Node): Classified {
  const parent = parentOf(node);
  if (!parent) return { role: 'none' };
  // Each `type` asks wasm (web-tree-sitter keeps no copy): a node's is read once here.
  const parentType = parent.type;
  if (NOT_A_USE_PARENTS.has(parentType)) return { role: 'none' };
  // A `#define` the grammar split (a comment before a line continuation): its name and body are read from the text.
  if (parentType === 'ERROR' && /^preproc_(?:function_)?def$/.test(parentOf(parent)?.type ?? '')) return { role: 'none' };

  // Declarator chain: `void *realloc(void *, size_t);`, `void *(*realloc)(void *, size_t)`, `int realloc = 0;`
  if (DECLARATOR_CHAIN.has(parentType) || DECLARATION_TYPES.has(parentType)) {
    let cur = node;
    let p: Node | null = parent;
    let pType = parentType;
    let sawPointer = false;
    let declaresFunction = false;
    while (p && DECLARATOR_CHAIN.has(pType)) {
      // Came from a parameter list, array size or initialiser? (A parenthesised declarator has no field names.)
      if (pType !== 'parenthesized_declarator' && !isField(p, 'declarator', cur)) break;
      if (pType === 'pointer_declarator') sawPointer = true;
      if (pType === 'function_declarator' && !sawPointer) declaresFunction = true;
      cur = p;
      p = parentOf(p);
      pType = p?.type ?? '';
    }
    if (p && DECLARATION_TYPES.has(pType) && isField(p, 'declarator', cur)) {
      if (declaresFunction || pType === 'field_declaration' || pType === 'type_definition') {
        return { role: 'none' }; // a prototype, a definition, a struct member or a typedef name
      }
      return shadowOf(p);
    }
    // Otherwise an initialiser or array size: classified as a use below.
  }

  // A call: `realloc(...)`, `(realloc)(...)`, `(*realloc)(...)`.
  let cur = node;
  let p: Node | null = parent;
  let pType = parentType;
  while (p && (pType === 'parenthesized_expression' || (pType === 'pointer_expression' && p.childForFieldName('operator')?.type === '*'))) {
    cur = p;
    p = parentOf(p);
    pType = p?.type ?? '';
  }
  if (p && pType === 'call_expression' && isField(p, 'function', cur)) {
    return inDeclaratorPart(p) ? { role: 'none' } : { role: 'call', callNode: p };
  }
  if (inDeclaratorPart(node)) return { role: 'none' };

  // Broken code: `realloc (` left inside an ERROR node is still a call as far as a reader can tell.
  // Its arguments cannot be trusted, so the "call" is just the name.
  if (parentType === 'ERROR' && node.nextSibling?.type === '(') return { role: 'call', callNode: node };

  // `&realloc` is a reference; report the whole `&realloc`.
  if (parentType === 'pointer_expression' && parent.childForFieldName('operator')?.type === '&') {
    return { role: 'reference', exprNode: parent };
  }
  if (declarationMacroArgument(node)) return { role: 'none' };
  return { role: 'reference', exprNode: node };
}

const STOP_AT = new Set([
  'compound_statement',
  'initializer_list',
  'translation_unit',
  'function_definition',
  'field_declaration_list',
  'enumerator_list',
  'preproc_if',
  'preproc_ifdef',
  'preproc_elif',
  'preproc_else',
]);
const DECLARATOR_PARTS = new Set([
  'function_declarator',
  'parameter_list',
  'parameter_declaration',
  'attribute_specifier',
  'attribute',
  'attribute_declaration',
  'declaration',
]);

/**
 * True inside the non-expression part of a declaration: `__attr_dealloc (reallocarray, 1)` after
 * a prototype, `__attribute__((…))`, or a prototype that macros turned into an ERROR. An
 * initialiser (`= realloc`) is an expression; so is anything inside a statement.
 */
function inDeclaratorPart(node: Node): boolean {
  let cur = node;
  for (let p = parentOf(node), i = 0; p && i < 24; cur = p, p = parentOf(p), i++) {
    const type = p.type;
    if (type === 'init_declarator') return !isField(p, 'value', cur);
    if (STOP_AT.has(type) || type.endsWith('_statement')) return false;
    if (DECLARATOR_PARTS.has(type)) return true;
  }
  return false;
}

/** A local variable or parameter of that name: hides the global from its declaration to the end of its block. */
function shadowOf(decl: Node): Classified {
  let scope: Node | null = null;
  if (decl.type === 'parameter_declaration') {
    // Only parameters of a function *definition* shadow; a prototype's parameter names do nothing.
    const list = decl.parent;
    const fdecl = list?.parent;
    let up: Node | null = fdecl?.parent ?? null;
    while (up && DECLARATOR_CHAIN.has(up.type)) up = up.parent;
    if (up && up.type === 'function_definition') scope = up;
  } else {
    for (let up = decl.parent; up; up = up.parent) {
      if (up.type === 'compound_statement' || up.type === 'for_statement') {
        scope = up;
        break;
      }
      if (up.type === 'function_definition' || up.type === 'translation_unit') break;
    }
  }
  if (!scope) return { role: 'none' };
  return {
    role: 'shadow',
    shadow: { declStart: decl.startIndex, scopeStart: scope.startIndex, scopeEnd: scope.endIndex },
  };
}

export interface FindOptions {
  /** Only look at [start, end) of the text (offsets in UTF-16 code units). */
  start?: number;
  end?: number;
  /**
   * Filled with the occurrences that fall in a `#define` body, in text order: wrapper detection
   * reads those macros, and the scan that finds the uses has found them already (a second scan of
   * the text for them cost ~30 ms of the dense corpus's ~28 MB of rounds).
   */
  macroBodyMentions?: MacroBodyMention[];
  /** The text's occurrences found by earlier scans (by its holder, across rounds): only new names are looked for. */
  matches?: NameMatches;
}

/** An indexed name spelled in a `#define` body (the tree's `preproc_arg`). */
export interface MacroBodyMention {
  name: string;
  node: Node;
}

/**
 * Every real use of an indexed name in `root` (optionally limited to a range), in source order.
 * Declarations, #define names, struct fields, comments, strings, macro bodies and names hidden by
 * a local declaration are left out.
 */
export function findNameUses(root: Node, text: string, index: CalleeIndex, opts: FindOptions = {}): NameUse[] {
  const found: { node: Node; name: string; c: Classified; seen: Located }[] = [];
  const fieldUses: NameUse[] = [];
  const shadows: Shadow[] = [];
  const list = occurrences(text, index, opts);
  // After the text's occurrences: a text of its own forgets the tree too.
  const known = opts.matches?.perTree<Located>(root.tree);
  for (const { at, name } of list) {
    let seen = known?.get(at);
    if (seen?.name !== name) {
      seen = locate(root, at, name);
      known?.set(at, seen);
    }
    const { node, type } = seen;
    if (!node) continue;
    if (type === 'preproc_arg') opts.macroBodyMentions?.push({ name, node });
    if (!seen.exact) continue;
    if (type === 'field_identifier') {
      const defs = index.fields.get(name);
      const fc = defs ? fieldCall(node) : null;
      if (!fc) continue;
      const args = argsOf(fc.call);
      const pick = pickFieldPointer(defs!, fc.fieldExpr, args.length);
      if (!pick) continue;
      const target: Target = { kind: 'wrapper', name, def: pick.def };
      const use: NameUse = { nameNode: node, name, target, role: 'call', exprNode: fc.call, args, display: fieldText(fc.fieldExpr) };
      if (pick.byName) use.byName = true;
      fieldUses.push(use);
      continue;
    }
    if (type !== 'identifier') {
      continue; // comment, string, macro body, field or type name
    }
    const c = (seen.c ??= classify(node));
    if (c.role === 'none') continue;
    if (c.role === 'shadow') shadows.push({ name, ...c.shadow });
    else found.push({ node, name, c, seen });
  }
  // A shadow can only sit inside the function being scanned, so shadows outside [start, end)
  // never matter for uses inside it as long as callers scan whole functions.
  const uses: NameUse[] = [];
  for (const f of found) {
    const at = f.node.startIndex;
    // A name known only as a struct field pointer (`h.resize`) is not this plain identifier.
    const target = index.targets.get(f.name);
    if (!target) continue;
    // A pointer variable's own declaration is not a shadow of it.
    const isPointer = target.kind === 'wrapper' && target.def.kind === 'pointer';
    if (!isPointer && shadows.some((s) => s.name === f.name && s.declStart < at && at >= s.scopeStart && at < s.scopeEnd)) continue;
    if (isPointer && !inPointerScope(target.def, f.node)) continue;
    if (f.c.role === 'call') {
      const call = f.c.callNode;
      const seen = f.seen;
      const args = (seen.args ??= argsOf(call));
      uses.push({ nameNode: f.node, name: f.name, target, role: 'call', exprNode: call, args: args.slice(), texts: () => (seen.texts ??= args.map((a) => a.text)) });
    } else if (f.c.role === 'reference') {
      uses.push({ nameNode: f.node, name: f.name, target, role: 'reference', exprNode: f.c.exprNode, args: [] });
    }
  }
  if (!fieldUses.length) return uses;
  return uses.concat(fieldUses).sort((a, b) => a.nameNode.startIndex - b.nameNode.startIndex);
}

/** What the tree holds at an occurrence of a name: the same for every index (see NameMatches.perTree). */
interface Located {
  name: string;
  node: Node | null;
  type: string;
  /** The node spans the name exactly (an identifier, a field name), not something around it. */
  exact: boolean;
  c?: Classified;
  /** The call's arguments, for a call. */
  args?: Node[];
  /** Their texts: each `text` asks wasm for the node's end (~5,000 reads of the same argument's text on the dense bench corpus). */
  texts?: string[];
}

/** The texts of a use's arguments, in order. */
export function argTexts(use: NameUse): readonly string[] {
  return use.texts ? use.texts() : use.args.map((a) => a.text);
}

function locate(root: Node, at: number, name: string): Located {
  const node = root.descendantForIndex(at, at + name.length);
  if (!node) return { name, node, type: '', exact: false };
  // Each `type` and `endIndex` asks wasm: read once per occurrence and tree.
  return { name, node, type: node.type, exact: node.startIndex === at && node.endIndex === at + name.length };
}

/** The index's names in [start, end) of the text, in text order (a match may run past `end`). */
function occurrences(text: string, index: CalleeIndex, opts: FindOptions): NameAt[] {
  const start = opts.start ?? 0;
  const end = opts.end ?? text.length;
  if (opts.matches && index.wholeWords) {
    const all = opts.matches.in(text, index.names);
    return start === 0 && end >= text.length ? all : all.filter((o) => o.at >= start && o.at < end);
  }
  const out: NameAt[] = [];
  const pattern = index.pattern;
  pattern.lastIndex = start;
  for (let m = pattern.exec(text); m && m.index < end; m = pattern.exec(text)) out.push({ at: m.index, name: m[0] });
  return out;
}

function argsOf(call: Node): Node[] {
  const argList = typeOf(call) === 'call_expression' ? call.childForFieldName('arguments') : null;
  if (!argList) return [];
  // A comment starts with `/`: a list without one holds none, and asking each argument its type asks wasm.
  const named = (argList.text.includes('/') ? argList.namedChildren.filter((a) => a && a.type !== 'comment') : argList.namedChildren.filter((a) => !!a)) as Node[];
  if (!argList.hasError) return named;
  // A macro's type argument (`GROW (p, unsigned char, n)`, `re_dfastate_t *, n + 1`) is no
  // expression, and error recovery splits it or swallows the comma after it: the commas of the
  // text say where each argument ends, as they do for the preprocessor.
  const out: Node[] = [];
  for (const [from, to] of commaPieces(argList.text)) {
    const parts = named.filter((n) => n.endIndex > argList.startIndex + from && n.startIndex < argList.startIndex + to);
    const whole = parts.length === 1 && parts[0]!.startIndex >= argList.startIndex + from && parts[0]!.endIndex <= argList.startIndex + to;
    if (whole) {
      out.push(parts[0]!);
      continue;
    }
    const raw = argList.text.slice(from, to);
    const text = raw.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const lead = raw.length - raw.replace(/^(?:\s|\/\*[\s\S]*?\*\/)+/, '').length;
    const first = argList.descendantForIndex(argList.startIndex + from + lead);
    const last = argList.descendantForIndex(argList.startIndex + Math.max(from + lead, to - 1));
    if (!first || !last) continue;
    out.push(Object.create(first, {
      text: { value: text },
      endIndex: { value: Math.max(first.endIndex, last.endIndex) },
      endPosition: { value: last.endPosition },
    }) as Node);
  }
  return out;
}

/** [from, to) of each argument in an argument list's text `( a, b )`, cut at commas outside brackets, strings and comments. */
function commaPieces(text: string): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let from = 1;
  const end = text.endsWith(')') ? text.length - 1 : text.length;
  for (let i = 1; i < end; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      for (i++; i < end && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? end : e + 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push([from, i]);
      from = i + 1;
    }
  }
  if (end > from || out.length) out.push([from, end]);
  return out;
}

/** `g->frealloc`, `(*g).frealloc`, as written but on one line (a macro's `(g)->f` as `g->f`). */
function fieldText(fieldExpr: Node): string {
  return fieldExpr.text.replace(/\s+/g, '').replace(/^\(([A-Za-z_]\w*)\)(?=->|\.)/, '$1');
}
