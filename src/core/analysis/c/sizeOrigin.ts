// Where the new size of a resize inside a function comes from: from the function's parameters
// (then the function is a resize wrapper, and its callers' calls are the sites), or from state the
// function owns (then its own call is the site, and its callers are not).
//
// The rule (docs/ARCHITECTURE.md, "resize wrapper"): the size is an expression of the parameters
// — also through `*param`, the `size_t *alloc` of an ALLOC_GROW-style helper — and constants
// (literals, `sizeof`, macro and enum names), possibly through locals computed only from those.
// It is *not* when it reads:
// - the block being resized (`lpBytes(lp) + n`, `malloc_usable_size(p) * 2`),
// - a field or element of anything (`v->len + 1`, `spec[i]`): the object's own bookkeeping,
// - a global variable or a local set from anything else (`n = strlen(line)` from a read),
// - a value the function changes in its own loop around the call (a line reader's `cap *= 2`).
// Text-level over the function's own tree: no types, no symbols from other files.
import type { Node, Tree } from 'web-tree-sitter';
import { perNode } from './ancestry';
import { isLoopNode } from './syntax';
import { definedNames } from '../../scan/lazySymbols';
import { bumpedIn, firstValue, multipliedIn, storedIn } from './reassigned';

/** What one function's body says about its variables, computed once per function. */
interface FunctionFacts {
  /** Local variable names (declared anywhere in the body). */
  locals: Set<string>;
  /** Writes to a name (`n`, or `*n` for a write through a pointer), in source order. */
  writes: Map<string, Write[]>;
  /** Loop statements of the function, outermost first where nested. */
  loops: Loop[];
}

interface Loop {
  start: number;
  end: number;
  /** What decides how often it runs (the condition's text); null for an iteration macro (the data does). */
  cond: string | null;
}

interface Write {
  at: number;
  /**
   * `=`, a compound operator (`+=`), `++`/`--`, `init` (declarator with a value), `decl` (no value),
   * `&` (address taken), `&call` (address passed to a call: `rhs` joins the call's other arguments).
   */
  op: string;
  /** The assigned value's text (`=`, compound, `init`). */
  rhs?: string;
}

export interface SizeOrigin {
  /** Null when the parameters decide the size; otherwise why not, in words. */
  why: string | null;
  /** The size as an expression of the parameters only, when locals could be replaced by their one value. */
  inlined: string | null;
}

export interface OriginContext {
  fn: Node;
  params: readonly string[];
  /** The parameter the resized pointer comes from ('' when none). */
  ptrParam: string;
  /** File-level constants: macro, enum and `const` names of the file. */
  isConstant: (name: string) => boolean;
  /** Per-function facts, shared by every call of one function. */
  cache: Map<number, FunctionFacts>;
}

const TOKEN =
  /[A-Za-z_$][\w$]*|0[xX][\da-fA-F]+\w*|\.?\d[\w.]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|->|\+\+|--|<<=?|>>=?|[<>=!]=|&&|\|\||[-+*/%&|^]=|\S/g;

interface Tok {
  text: string;
  at: number;
}

function tokens(text: string): Tok[] {
  const clean = text.replace(/\/\*[\s\S]*?\*\//g, (c) => ' '.repeat(c.length)).replace(/\/\/[^\n]*/g, (c) => ' '.repeat(c.length));
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(clean); m; m = TOKEN.exec(clean)) out.push({ text: m[0], at: m.index });
  return out;
}

const SIZEOF_LIKE = new Set(['sizeof', '_Alignof', 'alignof', '__alignof__', '__alignof', 'offsetof', '__builtin_offsetof']);
const TYPE_WORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'const', 'volatile',
  '_Bool', 'bool', 'size_t', 'ssize_t', 'ptrdiff_t', 'intptr_t', 'uintptr_t', 'off_t', 'struct', 'union', 'enum',
]);
const OPERAND_END = /^(?:[A-Za-z_$][\w$]*|\.?\d[\w.]*|\)|\]|'.*'|".*")$/;
const IDENT = /^[A-Za-z_$][\w$]*$/;
/** ALL_CAPS names are macros or enum constants by C convention. */
const CONSTANT_CASE = /^[A-Z_][A-Z0-9_]*$/;

function isTypeWord(name: string): boolean {
  return TYPE_WORDS.has(name) || /^(?:u?int\d+_t|[a-z_]\w*_t)$/.test(name);
}

/** Index just past the operand of `sizeof` starting at `i`: a parenthesised group, or a unary chain. */
function skipOperand(toks: Tok[], i: number): number {
  if (toks[i]?.text === '(') return skipGroup(toks, i);
  while (toks[i] && (toks[i]!.text === '*' || toks[i]!.text === '&')) i++;
  if (toks[i] && IDENT.test(toks[i]!.text)) i++;
  for (;;) {
    const t = toks[i]?.text;
    if ((t === '->' || t === '.') && toks[i + 1]) i += 2;
    else if (t === '[') i = skipGroup(toks, i);
    else return i;
  }
}

/** Index just past the bracket group opening at `i`. */
function skipGroup(toks: Tok[], i: number): number {
  const open = toks[i]!.text;
  const close = open === '(' ? ')' : open === '[' ? ']' : '}';
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const t = toks[j]!.text;
    if (t === open) depth++;
    else if (t === close && --depth === 0) return j + 1;
  }
  return toks.length;
}

/**
 * When the name at `i` starts a member chain that is called (`a.b.f(`, `a->f(`, or `(*a->f)(`),
 * the index just past the chain (and past the `)` of the `(*…)` form); 0 otherwise.
 */
function calleeChainEnd(toks: Tok[], i: number): number {
  let j = i + 1;
  while ((toks[j]?.text === '.' || toks[j]?.text === '->') && toks[j + 1] && IDENT.test(toks[j + 1]!.text)) j += 2;
  if (j === i + 1) return 0;
  if (toks[j]?.text === '(') return j;
  if (toks[j]?.text === ')' && toks[j + 1]?.text === '(' && toks[i - 1]?.text === '*' && toks[i - 2]?.text === '(') return j + 1;
  return 0;
}

/** `( type-words * )` at `i`, followed by an operand: a cast; returns the index after `)`, or -1. */
function castEnd(toks: Tok[], i: number, isConstant: (n: string) => boolean): number {
  if (toks[i]?.text !== '(') return -1;
  let j = i + 1;
  let words = 0;
  while (toks[j] && (IDENT.test(toks[j]!.text) || toks[j]!.text === '*')) {
    if (IDENT.test(toks[j]!.text)) words++;
    j++;
  }
  if (!words || toks[j]?.text !== ')') return -1;
  const inner = toks.slice(i + 1, j).map((t) => t.text);
  const next = toks[j + 1]?.text ?? '';
  // `(n)` alone is a parenthesised name; `(size_t)n`, `(T *)p`, `(struct s *)p` are casts.
  const typeLike = inner.includes('*') || inner.some(isTypeWord) || (inner.length === 1 && !isConstant(inner[0]!) && /^[A-Z]|_t$/.test(inner[0]!));
  if (!typeLike || !(IDENT.test(next) || /^\d/.test(next) || next === '(')) return -1;
  return j + 1;
}

// A function's facts, kept per tree as well: each wrapper round brings its own `ctx.cache`, and
// ~30% of the facts' calls into wasm on the dense bench corpus re-read a function of the same tree.
const factsByTree = new WeakMap<Tree, Map<number, FunctionFacts>>();

function factsOf(ctx: OriginContext): FunctionFacts {
  const hit = ctx.cache.get(ctx.fn.id);
  if (hit) return hit;
  const facts = perNode(factsByTree, ctx.fn, () => readFacts(ctx.fn));
  ctx.cache.set(ctx.fn.id, facts);
  return facts;
}

/** Read only, once made: shared by every round that asks about the function in the same tree. */
function readFacts(fn: Node): FunctionFacts {
  const facts: FunctionFacts = { locals: new Set(), writes: new Map(), loops: [] };
  const write = (name: string, w: Write) => {
    const list = facts.writes.get(name);
    if (list) list.push(w);
    else facts.writes.set(name, [w]);
  };
  // Each `type` and `text` read asks wasm: every one is read once here.
  const nameOf = (n: Node | null): string | null => {
    let type = n?.type;
    while (n && type === 'parenthesized_expression') {
      n = n.namedChild(0);
      type = n?.type;
    }
    if (!n) return null;
    if (type === 'identifier') return n.text;
    if (type === 'pointer_expression' && n.childForFieldName('operator')?.text === '*') {
      const inner = nameOf(n.childForFieldName('argument'));
      return inner && !inner.startsWith('*') ? `*${inner}` : null;
    }
    return null;
  };
  const kinds = ['assignment_expression', 'update_expression', 'declaration', 'pointer_expression', 'for_statement', 'while_statement', 'do_statement', 'compound_statement'];
  for (const n of fn.descendantsOfType(kinds)) {
    if (!n) continue;
    switch (n.type) {
      case 'assignment_expression': {
        const name = nameOf(n.childForFieldName('left'));
        const op = n.childForFieldName('operator')?.text ?? '=';
        if (name) write(name, { at: n.startIndex, op, rhs: n.childForFieldName('right')?.text ?? '' });
        break;
      }
      case 'update_expression': {
        const name = nameOf(n.childForFieldName('argument'));
        if (name) write(name, { at: n.startIndex, op: '++' });
        break;
      }
      case 'declaration':
        for (const d of n.childrenForFieldName('declarator')) {
          if (!d) continue;
          const declType = d.type;
          let id: Node | null = d;
          for (let type: string | undefined = declType; id && type !== 'identifier'; type = id?.type) id = id.childForFieldName('declarator');
          if (!id) continue;
          const name = id.text;
          facts.locals.add(name);
          const value = declType === 'init_declarator' ? d.childForFieldName('value') : null;
          write(name, value ? { at: n.startIndex, op: 'init', rhs: value.text } : { at: n.startIndex, op: 'decl' });
        }
        break;
      case 'pointer_expression':
        if (n.childForFieldName('operator')?.text === '&') {
          const name = nameOf(n.childForFieldName('argument'));
          // `MUL_OVERFLOW(&n, a, b)`, `__builtin_mul_overflow(a, b, &n)`: the call's other arguments make n.
          const list = n.parent?.type === 'argument_list' ? n.parent : null;
          const inputs = list ? list.namedChildren.filter((a) => a && a.id !== n.id && a.type !== 'comment').map((a) => `(${a!.text})`).join(' + ') : undefined;
          if (name) write(name, inputs === undefined ? { at: n.startIndex, op: '&' } : { at: n.startIndex, op: '&call', rhs: inputs || '0' });
        }
        break;
      case 'compound_statement':
        if (isLoopNode(n)) facts.loops.push({ start: n.startIndex, end: n.endIndex, cond: null });
        break;
      default:
        facts.loops.push({ start: n.startIndex, end: n.endIndex, cond: n.childForFieldName('condition')?.text ?? '1' });
    }
  }
  return facts;
}

/**
 * Where the size `text` (in the function's own terms) used at offset `at` comes from. `text` is
 * the argument as written, or a wrapper's size expression with this call's arguments spliced in.
 */
export function sizeOrigin(text: string, at: number, ctx: OriginContext): SizeOrigin {
  const facts = factsOf(ctx);
  // The loops around the call: a value written inside one of them may change between calls.
  const around = facts.loops.filter((l) => l.start <= at && at < l.end);
  return originOf(text, at, ctx, facts, around, 0, new Set(), new Map());
}

function originOf(
  text: string,
  at: number,
  ctx: OriginContext,
  facts: FunctionFacts,
  around: Loop[],
  depth: number,
  seen: Set<string>,
  memo: Map<string, SizeOrigin>,
): SizeOrigin {
  if (depth > 4) return { why: 'the size is computed through too many locals to follow', inlined: null };
  const toks = tokens(text);
  let inlined: string | null = '';
  let last = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const name = t.text;
    if (!IDENT.test(name)) continue;
    const prev = toks[i - 1]?.text;
    const next = toks[i + 1]?.text;
    if (prev === '.' || prev === '->') continue;
    if (SIZEOF_LIKE.has(name)) {
      i = skipOperand(toks, i + 1) - 1;
      continue;
    }
    if (next === '(') continue; // a call or function-like macro: its arguments are read on
    const callee = calleeChainEnd(toks, i);
    if (callee > 0) {
      // A call through a function pointer (`cfg.m.xRound(n)`, `(*e->round)(n)`): like a direct
      // call, what it returns is decided by its arguments, which are read on.
      i = callee - 1;
      continue;
    }
    if (name === 'struct' || name === 'union' || name === 'enum') {
      i++;
      continue;
    }
    if (isTypeWord(name)) continue;
    if (prev === '(' && castEnd(toks, i - 1, ctx.isConstant) === i + 2) continue;
    const deref = prev === '*' && !OPERAND_END.test(toks[i - 2]?.text ?? '');
    const key = deref ? `*${name}` : name;
    const member = next === '->' || next === '.' || next === '[';
    const isParam = ctx.params.includes(name);
    const isLocal = !isParam && facts.locals.has(name);
    if (!isParam && !isLocal) {
      if (CONSTANT_CASE.test(name) || ctx.isConstant(name)) continue;
      return { why: `reads \`${name}\`, which is not one of its parameters`, inlined: null };
    }
    if (member) return { why: `reads \`${name}${next === '[' ? '[…]' : `${next}…`}\`, state of its own rather than a parameter`, inlined: null };
    if (isParam && name === ctx.ptrParam) return { why: `reads the block it resizes (\`${name}\`)`, inlined: null };
    if (isLocal && deref) return { why: `reads \`${key}\` through a local pointer`, inlined: null };
    const writes = facts.writes.get(key) ?? [];
    const inLoop = writes.find((w) => w.op !== 'decl' && w.op !== 'init' && around.some((l) => l.start <= w.at && w.at < l.end) && w.at !== at);
    if (inLoop) return { why: `changes \`${key}\` in its own loop around the call`, inlined: null };
    // Changed in an earlier loop: fine when the loop runs as the parameters say (`while (n < need) n *= 2;`),
    // not when the data does (`for (…; line[i]; i++) count++;`).
    for (const w of writes) {
      if (w.op === 'decl' || w.at >= at) continue;
      for (const l of facts.loops) {
        if (!(l.start <= w.at && w.at < l.end) || around.includes(l)) continue;
        if (l.cond === null) return { why: `changes \`${key}\` in a loop over its data`, inlined: null };
        if (seen.has(`loop@${l.start}`)) continue;
        seen.add(`loop@${l.start}`);
        const c = originOf(l.cond, at, ctx, facts, around, depth + 1, seen, memo);
        if (c.why) return { why: `changes \`${key}\` in a loop that ${c.why}`, inlined: null };
      }
    }
    const before = writes.filter((w) => w.at < at);
    if (before.some((w) => w.op === '&')) {
      if (isLocal) return { why: `sets \`${key}\` through a pointer`, inlined: null };
    }
    // A value written through `&n` by a call stands for the call's other arguments (not inlined).
    const values = before.filter((w) => w.op !== '&' && w.op !== 'decl');
    if (isLocal && !values.length) return { why: `computes it in \`${key}\`, which is not set from its parameters`, inlined: null };
    let r = memo.get(key);
    if (!r) {
      r = { why: null, inlined: null };
      // A name met again while following its own value (`n = n * 2`) adds nothing new.
      if (!seen.has(key)) {
        seen.add(key);
        for (const w of values) {
          if (w.rhs === undefined) continue;
          const sub = originOf(w.rhs, at, ctx, facts, around, depth + 1, seen, memo);
          if (sub.why) {
            r = { why: sub.why, inlined: null };
            break;
          }
          // A local with one value can be replaced by it, so call sites evaluate the size in their own terms.
          if (isLocal && values.length === 1 && (w.op === '=' || w.op === 'init')) r.inlined = sub.inlined;
        }
      }
      memo.set(key, r);
    }
    if (r.why) return { why: r.why, inlined: null };
    if (inlined === null) continue;
    if (isParam && values.length) inlined = null;
    else if (isLocal) {
      if (!r.inlined) inlined = null;
      else {
        inlined += text.slice(last, t.at) + `(${r.inlined})`;
        last = t.at + name.length;
      }
    }
  }
  return { why: null, inlined: inlined === null ? null : inlined + text.slice(last) };
}

/** Names a file defines as constants: `#define` names, enumerators, file-level `const` objects. */
export function fileConstants(text: string): (name: string) => boolean {
  let names: Set<string> | null = null;
  return (name) => {
    if (!names) {
      names = definedNames(text);
      for (const m of text.matchAll(/\benum\b[^{;()]*\{([^}]*)\}/g)) {
        for (const e of m[1]!.split(',')) {
          const id = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([A-Za-z_]\w*)/.exec(e);
          if (id) names.add(id[1]!);
        }
      }
      for (const n of constObjectNames(text)) names.add(n);
    }
    return names.has(name);
  };
}

/** After a line start: `const` (or `static const`) objects given a value, as `^` + this with the `gm` flags would match. */
const CONST_OBJECT = /(?:static[ \t]+)?const[ \t]+[\w \t*]*?\b([A-Za-z_]\w*)[ \t]*(?:\[[^\]]*\])?[ \t]*=/y;

/**
 * Names of the `const` objects given a value on lines that start with `const` or `static const`.
 * Tried at the start of each line that spells `const`, not by a multi-line regex tried at every
 * position of the file (which took most of the wrapper round's constant-step test).
 */
function constObjectNames(text: string): string[] {
  const out: string[] = [];
  let matchedTo = 0;
  let tried = -1;
  for (let at = text.indexOf('const'); at >= 0; at = text.indexOf('const', at + 5)) {
    const ls = lineOpening(text, at);
    if (ls < 0 || ls < matchedTo || ls === tried) continue; // inside the last match (its `[…]` may span lines), or a line tried
    tried = ls;
    CONST_OBJECT.lastIndex = ls;
    const m = CONST_OBJECT.exec(text);
    if (!m) continue;
    out.push(m[1]!);
    matchedTo = CONST_OBJECT.lastIndex;
  }
  return out;
}

/** The start of the line when the `const` at `at` opens it, alone or after `static` and blanks; else -1. */
function lineOpening(text: string, at: number): number {
  const starts = (i: number) => i === 0 || isLineEnd(text.charCodeAt(i - 1));
  if (starts(at)) return at;
  let k = at;
  while (k > 0 && (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9)) k--;
  return k < at && k >= 6 && text.startsWith('static', k - 6) && starts(k - 6) ? k - 6 : -1;
}

/** Where a multi-line `^` sees a line end. */
function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** A value read as written: a name or member chain (`v->len`, `*count`), or null for anything else. */
function chainOf(toks: Tok[]): string | null {
  let i = 0;
  let star = '';
  if (toks[0]?.text === '*') {
    star = '*';
    i = 1;
  }
  if (!toks[i] || !IDENT.test(toks[i]!.text)) return null;
  let chain = toks[i]!.text;
  for (i++; i < toks.length; i += 2) {
    if ((toks[i]!.text !== '->' && toks[i]!.text !== '.') || !toks[i + 1] || !IDENT.test(toks[i + 1]!.text)) return null;
    chain += toks[i]!.text + toks[i + 1]!.text;
  }
  return star + chain;
}

/** Splits tokens at top-level `sep` operators (outside brackets): the pieces and the operator before each. */
function splitTop(toks: Tok[], seps: ReadonlySet<string>): { op: string; toks: Tok[] }[] {
  const out: { op: string; toks: Tok[] }[] = [{ op: '', toks: [] }];
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!.text;
    if (t === '(' || t === '[') depth++;
    else if (t === ')' || t === ']') depth--;
    // A binary operator follows an operand; a leading `*` or `-` is unary.
    const binary = i > 0 && OPERAND_END.test(toks[i - 1]!.text) && !SIZEOF_LIKE.has(toks[i - 1]!.text);
    if (depth === 0 && seps.has(t) && binary) out.push({ op: t, toks: [] });
    else out[out.length - 1]!.toks.push(toks[i]!);
  }
  return out;
}

function stripOuterParens(toks: Tok[]): Tok[] {
  while (toks.length >= 2 && toks[0]!.text === '(' && skipGroup(toks, 0) === toks.length) toks = toks.slice(1, -1);
  return toks;
}

const ADDITIVE = new Set(['+', '-']);
const MULTIPLICATIVE = new Set(['*', '<<', '/', '%', '>>', '&', '|', '^']);

/**
 * Whether a helper's resize grows by a constant step: the size is one value of its own plus a
 * constant or a parameter (`(v->len + 1) * sizeof *v->at`, `t->used + n + 1`, `at` with
 * `u_int at = gl->size + 1;`), and the helper keeps that count — it bumps it before the resize
 * (`n++`) or stores it after (`v->len++`, `gl->size = at`). A size that merely reads a length
 * just computed (`sizeof *z + z->compressed_len`) is no step; neither is anything multiplied.
 */
export function constantStep(sizeText: string, fn: Node, callStart: number, callEnd: number, params: readonly string[], isConstant: (n: string) => boolean): boolean {
  const body = fn.text;
  const at = callStart - fn.startIndex;
  let toks = stripOuterParens(tokens(sizeText));
  // A lone local stands for its value (one level).
  if (toks.length === 1 && IDENT.test(toks[0]!.text) && !params.includes(toks[0]!.text)) {
    const init = firstValue(body.slice(0, at), toks[0]!.text);
    if (init !== null) toks = stripOuterParens(tokens(init));
  }
  const isFixed = (piece: Tok[]): boolean => {
    // sizeof, numbers, macro names, parameters (what the caller passes is fixed per call), and calls of those.
    for (let i = 0; i < piece.length; i++) {
      const t = piece[i]!.text;
      if (SIZEOF_LIKE.has(t)) {
        i = skipOperand(piece, i + 1) - 1;
        continue;
      }
      if (!IDENT.test(t) || isTypeWord(t) || piece[i + 1]?.text === '(' || piece[i - 1]?.text === '.' || piece[i - 1]?.text === '->') continue;
      if (CONSTANT_CASE.test(t) || isConstant(t)) continue;
      if (params.includes(t) && piece[i + 1]?.text !== '->' && piece[i + 1]?.text !== '.' && piece[i + 1]?.text !== '[') continue;
      return false;
    }
    return true;
  };
  // Constant factors (`sizeof *p`, `4`) scale the step; one factor must be the sum.
  const factors = splitTop(toks, MULTIPLICATIVE);
  if (factors.slice(1).some((f) => f.op !== '*' && f.op !== '<<')) return false;
  const varying = factors.filter((f) => !isFixed(f.toks));
  if (varying.length !== 1) return false;
  const terms = splitTop(stripOuterParens(varying[0]!.toks), ADDITIVE);
  let base: string | null = null;
  let step = false;
  for (const term of terms) {
    if (isFixed(term.toks)) {
      if (term.op !== '-') step = true;
      continue;
    }
    const chain = chainOf(stripOuterParens(term.toks));
    if (base !== null || chain === null || term.op === '-') return false;
    base = chain;
  }
  if (!base || !step) return false;
  // The count is kept: bumped before the resize, or stored after it.
  const bases = new Set([base]);
  const local = /^[A-Za-z_]\w*$/.test(base) ? firstValue(body.slice(0, at), base) : null;
  if (local !== null) for (const v of valuesRead(local)) bases.add(v);
  const after = body.slice(callEnd - fn.startIndex);
  const before = body.slice(0, at);
  const chains = [...bases].map((b) => b.replace(/^\*/, '').split(/->|\./));
  // Growth is geometric when any path multiplies (`if (n < MAX) n *= 2; else n += MAX;`).
  if (chains.some((c) => multipliedIn(before, c))) return false;
  return chains.some((c) => bumpedIn(before, c) || storedIn(after, c));
}

/** The values a size reads (names and member chains such as `v->len`, `*count`), outside `sizeof`. */
function valuesRead(text: string): string[] {
  const toks = tokens(text);
  const out: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!.text;
    if (!IDENT.test(t)) continue;
    if (SIZEOF_LIKE.has(t)) {
      i = skipOperand(toks, i + 1) - 1;
      continue;
    }
    const prev = toks[i - 1]?.text;
    if (prev === '.' || prev === '->' || toks[i + 1]?.text === '(' || isTypeWord(t) || CONSTANT_CASE.test(t)) continue;
    let chain = t;
    let j = i + 1;
    while ((toks[j]?.text === '->' || toks[j]?.text === '.') && toks[j + 1] && IDENT.test(toks[j + 1]!.text)) {
      chain += toks[j]!.text + toks[j + 1]!.text;
      j += 2;
    }
    out.push(prev === '*' ? `*${chain}` : chain);
    i = j - 1;
  }
  return out;
}
