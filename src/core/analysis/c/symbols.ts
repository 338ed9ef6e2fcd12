// What one C file declares that size evaluation and wrapper detection need: macros, enum
// constants, struct/union/typedef layouts, and the `#include "..."` names it pulls in.
// CONTRACT (shared by the size evaluator and the call-site finder; extend, do not rename).
//
// Speed matters here: this runs on every file with a call site in a whole-repository scan, and
// every node access crosses into wasm. The walk stays at file scope (see walkTopLevel) and uses
// descendantsOfType only inside type specifiers, so function bodies and big initializers,
// which are most of a file's nodes, are never visited.
import type { Node } from 'web-tree-sitter';
import { constInitializer, declaratorName, declaratorType, recordType, specifierType } from './declTypes';
import { enumValueInFile } from './evaluate';
import type { CType } from './layout';
import { declaredNoReturn } from './noReturn';

/** Keywords the size evaluator reads as operators: never macros, whatever a header says. */
const OPERATOR_KEYWORDS = new Set(['sizeof', '_Alignof', 'alignof', '__alignof__', '__alignof', 'offsetof', '__builtin_offsetof']);

export interface MacroDef {
  name: string;
  /** null for object-like macros; parameter names for function-like ones. */
  params: string[] | null;
  variadic: boolean;
  /** Replacement text, continuation lines joined, comments removed. */
  body: string;
  file: string;
  /** 1-based line of the #define. */
  line: number;
  /** `#if` conditions the definition sits under, outermost first (`defined(X)`, `!(A > 1)`). */
  conditions?: string[];
}

export interface FileSymbols {
  file: string;
  macros: Map<string, MacroDef>;
  /** Enum constants with their evaluated values (null when not evaluable). */
  enums: Map<string, number | null>;
  /** `#include "x.h"` targets as written (quoted includes only). */
  includes: string[];
  /**
   * Type declarations the layout engine needs, keyed by name: `struct foo`, `union u`, and
   * typedef names. Values are opaque to callers (owned by layout.ts / evaluate.ts).
   */
  types: Map<string, unknown>;
  /**
   * File-scope variables and their declared types (for `sizeof *global`). Opaque to callers.
   * Optional so hand-built FileSymbols stay valid.
   */
  globals?: Map<string, unknown>;
  /**
   * Each enum constant's value as C text (`A + 1` for implicit numbering), so constants that
   * need macros from other headers can be evaluated later, in a full scope.
   */
  enumExprs?: Map<string, string>;
  /**
   * `static inline` functions that compute a value from their parameters after guards only
   * (git's `st_mult`: `if (overflow) die(...); return a * b;`), so calls to them evaluate.
   */
  inlineFunctions?: Map<string, InlineFunction>;
  /** Every definition of macros defined more than once, in file order. */
  macroVariants?: Map<string, MacroDef[]>;
  /** Initializers of file-scope `const` objects (`static const size_t CHUNK = 4096;`). */
  constants?: Map<string, { text: string; line: number }>;
  /** Functions the file declares `noreturn` in any spelling (noReturn.ts), for failure checks in files that include it. */
  noReturn?: Set<string>;
}

export interface InlineFunction {
  name: string;
  params: string[];
  /** The returned expression as text. */
  returns: string;
  file: string;
  line: number;
}

/** Joins continuation lines and drops comments (not inside literals), so a body reads as one line of C. */
export function cleanMacroBody(text: string): string {
  const src = text.replace(/\\\r?\n/g, ' ');
  let out = '';
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      out += ' ';
      i = end < 0 ? src.length : end + 2;
    } else if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

const COLLECTED = [
  'preproc_def', 'preproc_function_def', 'preproc_include',
  'type_definition', 'struct_specifier', 'union_specifier', 'enum_specifier',
];

/**
 * Collects the symbols of one parsed file. Never throws on broken code; skips what it cannot read.
 * `noReturn: false` leaves out `noReturn`, a pass over the root's whole text: a lookup parsing a
 * few items of a header (lazySymbols.ts) reads it from the header's text instead.
 */
export function collectSymbols(root: Node, file: string, options: { noReturn?: boolean } = {}): FileSymbols {
  const c = collector(file);
  walkTopLevel(root, c.visit, c.specType, c.symbols, (fn, textOf) => {
    try {
      const f = inlineFunction(fn, textOf, file);
      if (f && !c.symbols.inlineFunctions!.has(f.name)) c.symbols.inlineFunctions!.set(f.name, f);
    } catch {
      // not a function we can read: leave it out
    }
  });
  const out = c.finish();
  if (options.noReturn !== false) out.noReturn = declaredNoReturn(root.text);
  return out;
}

/**
 * Types and enum constants declared inside one function (`struct local {...}` in a body).
 * Asked for only when a name is not found at file scope, so bodies are searched lazily.
 */
export function collectFunctionSymbols(fn: Node, file: string): FileSymbols {
  const c = collector(file);
  for (const n of fn.descendantsOfType(['type_definition', ...SPECIFIERS])) if (n) c.visit(n);
  return c.finish();
}

function collector(file: string) {
  const macros = new Map<string, MacroDef>();
  const enums = new Map<string, number | null>();
  const enumExprs = new Map<string, string>();
  const includes: string[] = [];
  const types = new Map<string, unknown>();
  const globals = new Map<string, unknown>();
  const inlineFunctions = new Map<string, InlineFunction>();
  const constants = new Map<string, { text: string; line: number }>();
  const macroVariants = new Map<string, MacroDef[]>();
  const symbols: FileSymbols = {
    file, macros, enums, includes, types, globals, enumExprs, inlineFunctions, constants, macroVariants,
  };
  // A struct body is read once even when both the typedef and the specifier see it.
  const records = new Map<number, CType>();
  const specType = (spec: Node | null): CType => {
    if (spec && (spec.type === 'struct_specifier' || spec.type === 'union_specifier')) {
      let t = records.get(spec.id);
      if (!t) {
        t = specifierType(spec);
        records.set(spec.id, t);
      }
      return t;
    }
    return specifierType(spec);
  };

  const visit = (node: Node, conds: string[] = []): void => {
    try {
      switch (node.type) {
        case 'preproc_def':
        case 'preproc_function_def': {
          const name = node.childForFieldName('name')?.text;
          // A macro named like an operator the evaluator reads is a local trick, undefined again a
          // few lines on (glibc's ioctl-types.h: `# define sizeof(type) 0` for one #if, then
          // `#undef sizeof`): taken as a definition, it made every sizeof in the project 0.
          if (!name || OPERATOR_KEYWORDS.has(name)) break;
          const paramsNode = node.childForFieldName('parameters');
          const params = paramsNode
            ? paramsNode.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text)
            : null;
          const def: MacroDef = {
            name,
            params,
            variadic: !!paramsNode?.text.includes('...'),
            body: cleanMacroBody(node.childForFieldName('value')?.text ?? ''),
            file,
            line: node.startPosition.row + 1,
          };
          if (conds.length) def.conditions = conds;
          const first = macros.get(name);
          // The first definition stays in `macros`; all of them are kept when there are several
          // (usually #if/#else branches), so the evaluator can pick the target's or say it cannot.
          if (!first) macros.set(name, def);
          else macroVariants.set(name, [...(macroVariants.get(name) ?? [first]), def]);
          break;
        }
        case 'preproc_include': {
          const path = node.childForFieldName('path');
          if (path?.type === 'string_literal') includes.push(path.text.slice(1, -1));
          break;
        }
        case 'type_definition': {
          const base = specType(node.childForFieldName('type'));
          for (const d of node.childrenForFieldName('declarator')) {
            if (!d) continue;
            const r = declaratorType(d, base);
            if (r.name && !types.has(r.name)) types.set(r.name, r.type);
          }
          break;
        }
        case 'struct_specifier':
        case 'union_specifier': {
          const name = node.childForFieldName('name')?.text;
          const body = node.childForFieldName('body');
          if (!name || !body) break;
          const key = `${node.type === 'struct_specifier' ? 'struct' : 'union'} ${name}`;
          if (types.has(key)) break;
          let t = records.get(node.id);
          if (!t) {
            t = recordType(node, body, node.type === 'struct_specifier' ? 'struct' : 'union', name);
            records.set(node.id, t);
          }
          types.set(key, t);
          break;
        }
        case 'enum_specifier': {
          const body = node.childForFieldName('body');
          if (!body) break;
          const name = node.childForFieldName('name')?.text;
          if (name) types.set(`enum ${name}`, { k: 'enum' } satisfies CType);
          let prev: string | null = null;
          for (const e of body.namedChildren) {
            if (!e || e.type !== 'enumerator') continue;
            const n = e.childForFieldName('name')?.text;
            if (!n) continue;
            const value = e.childForFieldName('value')?.text;
            enumExprs.set(n, value ?? (prev === null ? '0' : `${prev} + 1`));
            prev = n;
          }
          break;
        }
      }
    } catch {
      // A construct the grammar recovered oddly from: skip it, keep the rest of the file.
    }
  };

  const finish = (): FileSymbols => {
    for (const name of enumExprs.keys()) enums.set(name, enumValueInFile(name, symbols));
    return symbols;
  };
  return { symbols, visit, specType, finish };
}

const TOP_LEVEL_CONTAINERS = new Set([
  'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification', 'declaration_list',
]);
const SPECIFIERS = ['struct_specifier', 'union_specifier', 'enum_specifier'];

/**
 * Visits what matters at file scope without entering function bodies or initializers, which
 * are most of a file's nodes: preprocessor lines, type definitions (and specifiers nested in
 * them), and global variables. Function bodies are entered only when their text has a #define.
 * ERROR nodes (broken code) are searched whole, so a typo does not hide the rest of a file.
 */
function walkTopLevel(
  root: Node,
  visit: (n: Node, conds?: string[]) => void,
  specType: (n: Node | null) => CType,
  symbols: FileSymbols,
  onFunction: (fn: Node, textOf: (from: number, to: number) => string) => void,
): void {
  // The root starts where its first item does (not at 0 when the parse skipped the file's head):
  // offsets into its text are relative to it.
  const source = root.text;
  const base = root.startIndex;
  const textOf = (from: number, to: number) => source.slice(from - base, to - base);
  const specifiersIn = (n: Node | null) => {
    // Only a specifier with a body declares something (a tag's fields, an enum's constants), and
    // a body has a `{`: the text says so without a walk (most are `struct foo *` in prototypes).
    if (!n) return;
    const text = textOf(n.startIndex, n.endIndex);
    const brace = text.indexOf('{');
    if (brace < 0) return;
    if (SPECIFIERS.includes(n.type)) {
      visit(n);
      // When its own body holds the only `{`, nothing inside has a body: no walk through its
      // fields (the walks were a fifth of reading the symbols of a lookup's items).
      if (text.indexOf('{', brace + 1) < 0 && n.childForFieldName('body')?.startIndex === n.startIndex + brace) return;
    }
    if (n.childCount === 0) return;
    for (const d of n.descendantsOfType(SPECIFIERS)) if (d && d.id !== n.id) visit(d);
  };
  let budget = 1_000_000; // items visited; bounds pathological generated files
  // Depth-first in document order, so "the first definition" means the first in the file.
  // `conds` are the #if conditions around the items, outermost first.
  const walk = (items: (Node | null)[], depth: number, conds: string[]): void => {
    for (const item of items) {
      if (!item || budget-- <= 0) continue;
      switch (item.type) {
        case 'preproc_def': case 'preproc_function_def': case 'preproc_include':
          visit(item, conds);
          break;
        case 'struct_specifier': case 'union_specifier': case 'enum_specifier':
          specifiersIn(item);
          break;
        case 'type_definition':
          specifiersIn(item.childForFieldName('type'));
          visit(item);
          break;
        case 'declaration':
          specifiersIn(item.childForFieldName('type'));
          addGlobals(item, specType, symbols);
          break;
        case 'function_definition':
          if (/#\s*define/.test(textOf(item.startIndex, item.endIndex))) {
            for (const d of item.descendantsOfType(['preproc_def', 'preproc_function_def'])) if (d) visit(d, conds);
          }
          onFunction(item, textOf);
          break;
        case 'ERROR':
          for (const d of item.descendantsOfType(COLLECTED)) if (d) visit(d, conds);
          break;
        case 'preproc_if': case 'preproc_ifdef': case 'preproc_elif': case 'preproc_elifdef': case 'preproc_else':
          if (depth <= 64) branch(item, depth, conds);
          break;
        default:
          if (TOP_LEVEL_CONTAINERS.has(item.type) && depth <= 64) walk(item.namedChildren, depth + 1, conds);
      }
    }
  };
  // One #if/#elif/#else arm: its items under its condition, then the rest of the chain under
  // the negation. `#if 0` arms (and what follows `#if 1`) are never compiled: skipped.
  const branch = (node: Node, depth: number, conds: string[]): void => {
    let cond: string | null = null;
    let condNode: Node | null = null;
    if (node.type === 'preproc_if' || node.type === 'preproc_elif') {
      condNode = node.childForFieldName('condition');
      cond = condNode?.text.trim() ?? null;
    } else if (node.type === 'preproc_ifdef' || node.type === 'preproc_elifdef') {
      condNode = node.childForFieldName('name');
      const negated = /n/.test(node.child(0)?.type.replace(/^#\s*(el)?if/, '') ?? '');
      if (condNode) cond = negated ? `!defined(${condNode.text})` : `defined(${condNode.text})`;
    }
    const alt = node.childForFieldName('alternative');
    const body = node.namedChildren.filter((c) => !!c && c.id !== alt?.id && c.id !== condNode?.id);
    // An include guard (`#ifndef X_H` / `#define X_H`) holds whenever the file is read at all.
    const firstItem = body.find((c) => c!.type !== 'comment');
    if (cond === `!defined(${condNode?.text})` && firstItem?.type === 'preproc_def' && firstItem.childForFieldName('name')?.text === condNode?.text) {
      cond = null;
    }
    if (cond !== '0') walk(body, depth + 1, cond === null || cond === '1' ? conds : [...conds, cond]);
    if (alt && cond !== '1') walk([alt], depth + 1, cond === null || cond === '0' ? conds : [...conds, `!(${cond})`]);
  };
  walk(root.namedChildren, 0, []);
}

function addGlobals(item: Node, specType: (n: Node | null) => CType, symbols: FileSymbols): void {
  const globals = symbols.globals!;
  const declarators = item.childrenForFieldName('declarator');
  // Prototypes are most top-level declarations in headers; skip them before reading types.
  if (declarators.every((d) => !d || d.type === 'function_declarator')) return;
  const base = specType(item.childForFieldName('type'));
  for (const d of declarators) {
    if (!d) continue;
    const r = declaratorType(d, base);
    if (!r.name || r.type.k === 'func' || globals.has(r.name)) continue;
    globals.set(r.name, r.type);
    const init = constInitializer(item, d);
    if (init !== null) symbols.constants!.set(r.name, { text: init, line: item.startPosition.row + 1 });
  }
}

const GUARD_CALL = /^[A-Za-z_]\w*\s*\(/;

/**
 * An inline function whose body is guards (`if (...) die(...);`) and then `return expr;`.
 * Only `inline` functions are read: they are the small helpers size expressions call, and the
 * text check keeps the cost to one substring test for every other function.
 */
function inlineFunction(fn: Node, textOf: (from: number, to: number) => string, file: string): InlineFunction | null {
  const body = fn.childForFieldName('body');
  if (!body || !/\binline\b|__inline/.test(textOf(fn.startIndex, body.startIndex))) return null;
  let decl: Node | null = fn.childForFieldName('declarator');
  for (let guard = 0; decl && decl.type !== 'function_declarator' && guard < 8; guard++) {
    decl = decl.childForFieldName('declarator');
  }
  const name = decl?.childForFieldName('declarator');
  const paramList = decl?.childForFieldName('parameters');
  if (!name || name.type !== 'identifier' || !paramList) return null;
  const params: string[] = [];
  for (const p of paramList.namedChildren) {
    if (!p || p.type === 'comment') continue;
    if (p.type !== 'parameter_declaration') return null;
    const d = p.childForFieldName('declarator');
    if (!d) {
      if (p.text.trim() === 'void') continue;
      return null;
    }
    const n = declaratorName(d);
    if (!n) return null;
    params.push(n);
  }
  const stmts = body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const last = stmts.pop();
  if (!last || last.type !== 'return_statement') return null;
  const returned = last.namedChildren.find((c) => !!c && c.type !== 'comment');
  if (!returned) return null;
  for (const s of stmts) {
    // A guard only calls something (die, abort, a BUG macro) when a check fails.
    if (s.type !== 'if_statement' || s.childForFieldName('alternative')) return null;
    const cons = s.childForFieldName('consequence');
    const calls = cons?.type === 'compound_statement' ? cons.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : cons ? [cons] : [];
    if (calls.length === 0 || !calls.every((c) => c.type === 'expression_statement' && GUARD_CALL.test(c.text))) return null;
  }
  return { name: name.text, params, returns: returned.text, file, line: fn.startPosition.row + 1 };
}
