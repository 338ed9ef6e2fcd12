// Evaluates C size expressions to bytes, or says honestly why it cannot.
// CONTRACT (shared by the size evaluator and the call-site finder; extend, do not rename).
//
// The pipeline works on text, so arguments and macro bodies go the same way:
//   tokenize -> expand macros (top-level invocations that stand alone are evaluated on their
//   own, so the note can say "PAGE_SIZE = 4096") -> Pratt-parse -> evaluate with BigInt.
// The tree node is used only to find declarations for `sizeof *p`.
import type { Node, Tree } from 'web-tree-sitter';
import type { Bytes, Growth, SizeValue } from '../../types';
import { ParseError, parseExpression, tokenText, type Expr } from './constExpr';
import { Evaluator, type EvalEnv } from './exprEval';
import { classifyGrowthAt, type ParsedSize } from './growth';
import { isLibraryTypedef, type CType, type Result, type Shape } from './layout';
import { ancestorsOf, perNode, typeOf } from './ancestry';
import { variableResolver } from './locals';
import { ExpandError, createExpander, type Expander } from './macroExpand';
import { collectFunctionSymbols, type FileSymbols, type InlineFunction, type MacroDef } from './symbols';
import { decideAll, decideCondition } from './targetConditions';
import { tokenize, type Token } from './tokens';

export type DataModel = 'lp64' | 'ilp32';

export interface SizeOptions {
  /** Page size that PAGE_SIZE, getpagesize() and sysconf(_SC_PAGESIZE) evaluate to. */
  pageSize: Bytes;
  target: DataModel;
}

export const defaultSizeOptions: SizeOptions = { pageSize: 4096, target: 'lp64' };

/** Everything visible at a call site: this file's symbols, then its included headers'. */
export interface Scope {
  file: FileSymbols;
  /** Symbols of headers reachable through `#include "..."` (nearest first). */
  headers: FileSymbols[];
  options: SizeOptions;
}

/** Largest byte count reported as known: beyond it doubles lose integers and no real size lives. */
export const MAX_BYTES = 2n ** 53n;

/** Nested evaluations (array lengths, enum values) deeper than this give up. */
const MAX_NESTING = 12;
/** ... and more of them than this in one evaluation (fan-out in self-referring types). */
const MAX_NESTED_EVALUATIONS = 2000;

export interface TextEvaluation {
  value: Result<bigint>;
  /** How names got their values, in order ("PAGE_SIZE = 4096 (configured page size)"). */
  facts: string[];
  /** The expression with known names replaced by numbers ("4 * 4096"), when it parsed. */
  rendered: string | null;
  /** The parsed expression after macro expansion, when it parsed (growth.ts reads it). */
  ast: Expr | null;
  /** The evaluator that produced the value, to ask about sub-expressions (growth.ts). */
  evaluator?: Evaluator;
}

const fail = (why: string): { ok: false; why: string } => ({ ok: false, why });

function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

interface Context {
  scope: Scope;
  at: Node | null;
  nesting: number;
  /** Nested evaluations so far, shared by the whole top-level evaluation. */
  work: { nested: number };
  layoutCache: Map<CType, Result<Shape>>;
  /** Types and enums declared in the enclosing function, read on the first miss at file scope. */
  local: { read: boolean; symbols: FileSymbols | null };
  /** Ancestors of `at`, root first, computed on first use. */
  chain: { nodes: Node[] | null | undefined };
  builtins?: Map<string, bigint>;
}

/**
 * What a scope's files answer for a name (not the function-local declarations), kept with the
 * scope: its files and options do not change while it is used, and the sites of one file ask the
 * same names — on the dense corpus 2,625 type and 4,147 macro lookups, each walking the file and
 * up to 48 headers, for ~400 and ~1,200 distinct names.
 */
interface ScopeAnswers {
  files: FileSymbols[];
  types: Map<string, CType | undefined>;
  /** The definition, none, or why the name has no single one (an ExpandError's message). */
  macros: Map<string, MacroDef | undefined | { ambiguous: string }>;
  /** Whether some file declares the name as an enum constant; a const object. */
  enums: Map<string, boolean>;
  consts: Map<string, boolean>;
}

const scopeAnswers = new WeakMap<Scope, ScopeAnswers>();

function answersOf(scope: Scope): ScopeAnswers {
  let a = scopeAnswers.get(scope);
  if (!a) {
    a = { files: [scope.file, ...scope.headers], types: new Map(), macros: new Map(), enums: new Map(), consts: new Map() };
    scopeAnswers.set(scope, a);
  }
  return a;
}

function remembered<V>(memo: Map<string, V>, key: string, find: () => V): V {
  if (memo.has(key)) return memo.get(key)!;
  const v = find();
  memo.set(key, v);
  return v;
}

const functionSymbols = new WeakMap<Tree, Map<number, FileSymbols | null>>();

function chainOf(ctx: Context): Node[] | null {
  if (ctx.chain.nodes === undefined) ctx.chain.nodes = ctx.at ? ancestorsOf(ctx.at) : null;
  return ctx.chain.nodes;
}

const functionTexts = new WeakMap<Tree, Map<number, string>>();

// Asked for each name a size looks up (constInFunction, localSymbols): kept per ancestor chain,
// which the evaluations of one site share — 1,668 asks read 15.5 K node types (a call into wasm
// each) on the dense bench corpus.
const chainFunctions = new WeakMap<Node[], Node | null>();

function enclosingFunction(ctx: Context): Node | null {
  const chain = chainOf(ctx);
  if (!chain) return null;
  let fn = chainFunctions.get(chain);
  if (fn === undefined) {
    fn = null;
    for (let i = chain.length - 1; i >= 0 && !fn; i--) if (typeOf(chain[i]!) === 'function_definition') fn = chain[i]!;
    chainFunctions.set(chain, fn);
  }
  return fn;
}

/** The text from each `const` of a function to the `;` after it: where a const object's name can be. */
function constStatements(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf('const'); i >= 0; i = text.indexOf('const', i + 5)) {
    const stmtEnd = text.indexOf(';', i);
    out.push(text.slice(i, stmtEnd < 0 ? undefined : stmtEnd));
  }
  return out;
}

const functionConstWords = new WeakMap<Tree, Map<number, Set<string>>>();

/** Whether the enclosing function's text could declare `name` as a const object. */
function constInFunction(ctx: Context, name: string): boolean {
  const fn = enclosingFunction(ctx);
  if (!fn) return false;
  // Asked for most names of every size: the words of the function's const statements are read
  // once (a name of word characters matches `\bname\b` exactly where it is a whole word there).
  if (/^\w+$/.test(name)) {
    const words = perNode(functionConstWords, fn, () => {
      const set = new Set<string>();
      for (const decl of constStatements(perNode(functionTexts, fn, () => fn.text))) for (const w of decl.match(/\w+/g) ?? []) set.add(w);
      return set;
    });
    return words.has(name);
  }
  const re = new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`);
  return constStatements(perNode(functionTexts, fn, () => fn.text)).some((decl) => re.test(decl));
}

function localSymbols(ctx: Context): FileSymbols | null {
  if (!ctx.local.read) {
    ctx.local.read = true;
    const fn = enclosingFunction(ctx);
    // Most functions declare no types: a text test (JS-side) spares the walk through the body.
    const file = ctx.scope.file.file;
    ctx.local.symbols = fn
      ? perNode(functionSymbols, fn, () =>
          /\b(?:struct|union|enum)\b[^;{}()]*\{|\btypedef\b/.test(fn.text) ? collectFunctionSymbols(fn, file) : null)
      : null;
  }
  return ctx.local.symbols;
}

function makeEnv(ctx: Context, facts: string[]): EvalEnv {
  const answers = answersOf(ctx.scope);
  const fileScope = answers.files;
  // Function-local declarations shadow file scope, but are searched only after a miss there
  // (so, of all the files, only they can still answer).
  const local = (): FileSymbols | null => (ctx.at ? localSymbols(ctx) : null);
  const fileType = (key: string) => remembered(answers.types, key, () => findType(fileScope, key));
  const localType = (key: string) => {
    const l = local();
    return l ? findType([l], key) : undefined;
  };
  const nested = (text: string): Result<bigint> =>
    ctx.nesting >= MAX_NESTING
      ? fail('nested too deeply (array lengths or enum values refer to each other?)')
      : ++ctx.work.nested > MAX_NESTED_EVALUATIONS
        ? fail(`more than ${MAX_NESTED_EVALUATIONS} nested evaluations (array lengths or enum values refer to each other?)`)
        : evaluateInContext(text, { ...ctx, nesting: ctx.nesting + 1 }).value;
  const vars = variableResolver(() => chainOf(ctx), fileScope);
  const env: EvalEnv = {
    model: ctx.scope.options.target,
    pageSize: ctx.scope.options.pageSize,
    facts,
    resolveTypedef(name) {
      return fileType(name) ?? (ctx.at ? localType(name) : undefined);
    },
    resolveTag(tag, name) {
      const key = `${tag} ${name}`;
      return fileType(key) ?? (ctx.at ? localType(key) : undefined);
    },
    evalLen: nested,
    lookupEnum(name) {
      const atFileScope = remembered(answers.enums, name, () => fileScope.some((f) => f.enums.has(name) || f.enumExprs?.has(name)));
      const l = atFileScope ? null : local();
      for (const f of atFileScope ? fileScope : l ? [l] : []) {
        const v = f.enums.get(name);
        if (typeof v === 'number') return { ok: true, v: BigInt(v) };
        const expr = f.enumExprs?.get(name);
        if (expr !== undefined) return nested(expr);
        if (f.enums.has(name)) return fail('its value could not be evaluated');
      }
      return undefined;
    },
    lookupVar: (name) => vars(name)?.type,
    lookupConst(name) {
      // Most names are plain variables: a text test spares the declaration search for them.
      if (!remembered(answers.consts, name, () => fileScope.some((f) => f.constants?.has(name))) && !constInFunction(ctx, name)) return undefined;
      const v = vars(name);
      return v?.init === undefined ? undefined : { value: nested(v.init), where: v.where ?? 'declaration' };
    },
    inlineFunction(name, arity) {
      let found: InlineFunction | undefined;
      for (const f of fileScope) if ((found = f.inlineFunctions?.get(name))) break;
      if (!found || found.params.length !== arity) return undefined;
      const fn = found;
      return (args) => {
        const text = tokenize(fn.returns)
          .map((t) => {
            const i = t.kind === 'id' ? fn.params.indexOf(t.text) : -1;
            return i >= 0 ? `(${args[i]})` : t.text;
          })
          .join(' ');
        // Evaluated at file scope: the caller's locals are not visible inside the function.
        const value = ctx.nesting >= MAX_NESTING || ++ctx.work.nested > MAX_NESTED_EVALUATIONS
          ? fail('inline functions nested too deeply')
          : evaluateInContext(text, { ...ctx, at: null, chain: { nodes: null }, local: { read: true, symbols: null }, nesting: ctx.nesting + 1 }).value;
        return { value, where: `inline function, ${basename(fn.file)}:${fn.line}` };
      };
    },
    layoutCache: ctx.layoutCache,
  };
  if (ctx.builtins) env.builtins = ctx.builtins;
  return env;
}

function findType(where: FileSymbols[], key: string): CType | undefined {
  for (const f of where) {
    const t = f.types.get(key);
    if (t) return t as CType;
  }
  return undefined;
}

function macroLookup(scope: Scope, opaque?: ReadonlySet<string>): (name: string) => MacroDef | undefined {
  const answers = answersOf(scope);
  const model = scope.options.target;
  return (name) => {
    // Hand-written offsetof macros (`&((T *)0)->m`) cannot be evaluated; the builtin can.
    if (name === 'offsetof' || opaque?.has(name)) return undefined;
    const found = remembered(answers.macros, name, () => findMacro(answers.files, name, model));
    if (found && 'ambiguous' in found) throw new ExpandError(found.ambiguous);
    return found;
  };
}

function findMacro(all: FileSymbols[], name: string, model: DataModel): MacroDef | undefined | { ambiguous: string } {
  for (const f of all) {
    const first = f.macros.get(name);
    if (!first) continue;
    // Definitions under #if conditions the target rules out do not exist for it.
    const live = (f.macroVariants?.get(name) ?? [first]).filter((d) => decideAll(d.conditions, model) !== false);
    if (live.length === 0) continue;
    const distinct = live.filter((d, i) => live.findIndex((e) => e.body === d.body && String(e.params) === String(d.params)) === i);
    if (distinct.length > 1) {
      const shown = distinct.slice(0, 3).map((v) => `\`${v.body}\` at ${basename(v.file)}:${v.line}`).join(', ');
      return { ambiguous: `\`${name}\` is defined ${distinct.length} ways (${shown}): its value depends on the build configuration` };
    }
    return live[0];
  }
  return undefined;
}

/** "#define, x.c:3" plus the #if conditions it depends on that the target does not decide. */
function defineOrigin(def: MacroDef, model: DataModel): string {
  const open = (def.conditions ?? []).filter((c) => decideCondition(c, model) !== true);
  return `#define, ${basename(def.file)}:${def.line}${open.length ? `, if ${open.join(' && ')}` : ''}`;
}

/**
 * Expands the top-level macro invocations one by one. One that evaluates on its own to a
 * single operand (not `1 + 2`, whose precedence would change) becomes a `value` token, so
 * the note can name it; otherwise its tokens are spliced in, as a preprocessor would.
 */
function expandTopLevel(
  toks: Token[], expander: Expander, ev: Evaluator, isType: (n: string) => boolean, facts: string[], model: DataModel,
): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < toks.length; ) {
    const t = toks[i]!;
    const r = t.kind === 'id' ? expander.expandAt(toks, i) : null;
    if (!r) {
      out.push(t);
      i++;
      continue;
    }
    const label = tokenText(toks.slice(i, r.next));
    let value: bigint | null = null;
    try {
      const ast = parseExpression(r.out, isType);
      if (ast.k !== 'bin' && ast.k !== 'cond' && ast.k !== 'assign') {
        const v = ev.value(ast);
        if (v.ok) value = v.v;
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
    if (value !== null) {
      out.push({ kind: 'value', text: label, value });
      const body = r.def.body.length <= 40 && r.def.body !== String(value) && r.def.params === null ? ` = ${r.def.body}` : '';
      const fact = `${label}${body} = ${value} (${defineOrigin(r.def, model)})`;
      if (!facts.includes(fact)) facts.push(fact);
    } else {
      out.push(...r.out);
    }
    i = r.next;
  }
  return out;
}

function evaluateInContext(text: string, ctx: Context, opaque?: Set<string>): TextEvaluation {
  const facts: string[] = [];
  const env = makeEnv(ctx, facts);
  const ev = new Evaluator(env);
  const isType = (n: string) => env.resolveTypedef(n) !== undefined || isLibraryTypedef(n);
  try {
    const expander = createExpander(macroLookup(ctx.scope, opaque));
    const toks = expandTopLevel(tokenize(text), expander, ev, isType, facts, ctx.scope.options.target);
    const full = expander.expand(toks);
    if (full.length === 0) return { value: fail('the expression is empty'), facts, rendered: null, ast: null };
    const ast = parseExpression(full, isType);
    const value = ev.value(ast);
    let bare = ast;
    while (bare.k === 'paren') bare = bare.e;
    return { value, facts, rendered: ev.render(bare), ast, evaluator: ev };
  } catch (e) {
    if (e instanceof ExpandError) {
      // A macro defined differently per build configuration: when the size is not constant
      // whatever it means (`used` is a runtime value), that is the better reason to give.
      const ambiguous = /^`([A-Za-z_]\w*)` is defined \d+ ways/.exec(e.message)?.[1];
      if (ambiguous && (opaque?.size ?? 0) < 4) {
        const again = evaluateInContext(text, ctx, new Set([...(opaque ?? []), ambiguous]));
        const v = again.value;
        // Not when the reason is the macro itself (`M` is a runtime value, `M()` is a function call).
        const itself = (n: string) => new RegExp(`\`${n}(?:\\(\\))?\``).test(v.ok ? '' : v.why);
        if (!v.ok && 'runtime' in v && v.runtime && !itself(ambiguous) && ![...(opaque ?? [])].some(itself)) {
          return { ...again, facts: [...again.facts, e.message] };
        }
      }
      return { value: fail(e.message), facts, rendered: null, ast: null };
    }
    if (e instanceof ParseError) {
      return { value: fail(`\`${text}\` could not be parsed as a C expression (${e.message})`), facts, rendered: null, ast: null };
    }
    if (e instanceof RangeError) return { value: fail(`\`${text}\` is too large to evaluate`), facts, rendered: null, ast: null };
    throw e;
  }
}

/**
 * Evaluates C expression text as if written at `at` (a node inside the function, for local
 * declarations; null for file scope). Never throws.
 */
export function evaluateText(
  text: string,
  scope: Scope,
  at: Node | null = null,
  builtins?: Map<string, bigint>,
  /** `at`'s ancestors when the caller already has them (root first, `at` last). */
  chain?: Node[],
): TextEvaluation {
  try {
    const ctx: Context = {
      scope, at, nesting: 0, work: { nested: 0 }, layoutCache: new Map(),
      local: { read: false, symbols: null }, chain: { nodes: chain },
    };
    if (builtins) ctx.builtins = builtins;
    return evaluateInContext(text, ctx);
  } catch (e) {
    return { value: fail(`internal error while evaluating \`${text}\`: ${(e as Error).message}`), facts: [], rendered: null, ast: null };
  }
}

const PLAIN_LITERAL = /^\s*(?:\d[\w']*|'(?:[^'\\]|\\.)+')\s*$/;

/** Same as evaluateSize, for text (e.g. a size assembled from a wrapper's macro body). */
export function evaluateSizeText(text: string, scope: Scope, at: Node | null = null): SizeValue {
  return sizeValueOf(text, evaluateText(text, scope, at));
}

/** The bytes and the note of an evaluation of size text. */
function sizeValueOf(text: string, r: TextEvaluation): SizeValue {
  if (!r.value.ok) {
    // What did evaluate still helps the reader: "`n` is a runtime value; sizeof *p = 16 (...)".
    const why = r.value.why;
    const known = r.facts.filter((f) => !why.includes(f)).slice(0, 3);
    return { bytes: null, text, note: [why, ...known].join('; ') };
  }
  const v = r.value.v;
  const parts = [...r.facts];
  if (r.rendered !== null && r.rendered !== String(v)) parts.push(`${r.rendered} = ${v}`);
  const how = parts.join('; ');
  if (v < 0n) return { bytes: null, text, note: `${how ? how + '; ' : ''}a negative size (${v}) is not a byte count` };
  if (v > MAX_BYTES) {
    return { bytes: null, text, note: `${how ? how + '; ' : ''}${v} is beyond 2^53 bytes, not a plausible size (an unsigned wrap-around?)` };
  }
  const lit = text.trim();
  const note = how || (PLAIN_LITERAL.test(text) ? (lit === String(v) ? `literal ${lit}` : `${lit} = ${v}`) : `= ${v}`);
  return { bytes: Number(v), text, note };
}

/** Bytes of a size expression (an argument node). Local variable types are found from the node's enclosing function. */
export function evaluateSize(node: Node, scope: Scope): SizeValue {
  return evaluateSizeKept(node, scope).size;
}

/**
 * evaluateSize, with the evaluation it made (null when it failed), for classifyGrowth of the same
 * node: growth starts from the same text evaluated at the same place, so one evaluation serves both.
 */
export function evaluateSizeKept(node: Node, scope: Scope): { size: SizeValue; kept: TextEvaluation | null } {
  let text = '';
  try {
    text = node.text;
    const r = evaluateText(text, scope, node);
    return { size: sizeValueOf(text, r), kept: r };
  } catch (e) {
    return { size: { bytes: null, text, note: `internal error while evaluating \`${text}\`: ${(e as Error).message}` }, kept: null };
  }
}

/** Linux values (include/uapi/linux/mman.h). */
export const MREMAP_FLAGS: ReadonlyMap<string, bigint> = new Map([
  ['MREMAP_MAYMOVE', 1n],
  ['MREMAP_FIXED', 2n],
  ['MREMAP_DONTUNMAP', 4n],
]);

/** Names of set flags, low bit first; bits without a name as hex ("0x8"). */
export function flagNames(v: bigint): string[] {
  const names: string[] = [];
  for (let bit = 1n; bit <= v; bit <<= 1n) {
    if ((v & bit) === 0n) continue;
    const name = [...MREMAP_FLAGS].find(([, b]) => b === bit)?.[0];
    names.push(name ?? `0x${bit.toString(16)}`);
  }
  return names;
}

/** Names of the mremap flags set by a flags argument, or null when they cannot be recovered. */
export function evaluateMremapFlags(node: Node, scope: Scope): string[] | null {
  try {
    const r = evaluateText(node.text, scope, node, MREMAP_FLAGS as Map<string, bigint>);
    if (!r.value.ok || r.value.v < 0n || r.value.v > MAX_BYTES) return null;
    return flagNames(r.value.v);
  } catch {
    return null;
  }
}

/**
 * Growth shape of a realloc size relative to the resized pointer, where the code shows it.
 * `kept`: evaluateSizeKept's evaluation of the same node, when the caller has it.
 */
export function classifyGrowth(sizeNode: Node, scope: Scope, kept?: TextEvaluation): Growth | null {
  try {
    // One function, one chain: statements before the call are read in the call's scope.
    const sizeChain = ancestorsOf(sizeNode);
    const parse = (text: string) => parsedSize(evaluateText(text, scope, sizeNode, undefined, sizeChain));
    return classifyGrowthAt(sizeNode, ancestorsOf, parse, kept && parsedSize(kept));
  } catch {
    return null;
  }
}

function parsedSize(r: TextEvaluation): ParsedSize {
  const ev = r.evaluator;
  return {
    ast: r.ast,
    valueOf: (e) => (ev ? ev.value(e) : fail('not evaluated')),
    render: (e) => (ev ? ev.render(e) : ''),
  };
}

/** An enum constant's value using only its own file (collectSymbols fills FileSymbols.enums with it). */
export function enumValueInFile(name: string, symbols: FileSymbols): number | null {
  const expr = symbols.enumExprs?.get(name);
  if (expr === undefined) return null;
  const r = evaluateText(expr, { file: symbols, headers: [], options: defaultSizeOptions });
  if (!r.value.ok) return null;
  // A value that depends on the configured page size is left for evaluation in a full scope.
  if (r.facts.some((f) => f.includes('configured page size'))) return null;
  const v = r.value.v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : null;
}
