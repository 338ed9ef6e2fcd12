// Which calls never return: the C library's (`exit`, `abort`, `longjmp`…), functions a file
// declares `noreturn` (`_Noreturn`, `__attribute__((noreturn))`, `[[noreturn]]`, or a macro
// spelling it such as `NORETURN`), functions a file defines whose body ends in such a call (a
// static `out_of_memory()` that prints and aborts), and, by name, the die/fatal/panic/oom helpers
// projects write. Assertion macros of test frameworks and `assert` itself abort when their
// condition is false.
//
// Read from the text, never from the tree: the scan parses only the function bodies that name a
// resize (regions.ts), so the body of a helper that aborts is usually not in the tree. The text
// is read once per file (memoised), and only when a failure path ends in a call of a name that
// is not already known.
import { functionBodies } from '../../scan/regions';
import { releasersOf } from './releasers';
import { directiveOperands } from '../../scan/paths';
import { isWordChar } from '../../scan/chars';

/** Never return, whatever their arguments. */
const ALWAYS = new Set([
  'abort', 'exit', '_exit', '_Exit', 'quick_exit', 'err', 'errx', 'verr', 'verrx', 'longjmp', 'siglongjmp', '_longjmp',
  '__longjmp_chk', 'pthread_exit', 'thrd_exit', '__builtin_unreachable', '__builtin_trap', 'unreachable', '__assert_fail',
  '__assert_rtn', '__stack_chk_fail', 'BUG',
]);

/**
 * Words that name a function that does not return in the projects we read (`die`, `fatalx`,
 * `serverPanic`, `zmalloc_oom_handler`, `xalloc_die`, `luaD_throw`) and out-of-memory handlers
 * (`out_of_memory`, `nomem`). By name only, so such a call counts only as the last statement of
 * its block (see `FileCalls.noReturn`).
 */
const WORDS = new Set(['die', 'fatal', 'fatalx', 'panic', 'oom', 'abort', 'exit', 'throw', 'unreachable']);

/** `serverPanic` → server, panic; `xalloc_die` → xalloc, die. */
function words(name: string): string[] {
  return name
    .split(/_+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Phrases that name an out-of-memory handler (`out_of_memory`, `xnomem`, `memory_exhausted`), read across word breaks. */
const PHRASES = /outofmem|nomem|exhausted/;

/** A name that by itself says the function does not return (weak: only at the end of a block). */
export function noReturnByName(name: string): boolean {
  const ws = words(name);
  return ALWAYS.has(name) || ws.some((w) => WORDS.has(w)) || PHRASES.test(ws.join(''));
}

/**
 * Assertion macros and functions that abort (or longjmp out of the test) when their condition is
 * false: `assert`, `cl_assert`, `test_assert`, `serverAssert`, `assert_ptr_not_null`,
 * `TEST_ASSERT_NOT_NULL`, `g_assert_nonnull`, `ck_assert_ptr_nonnull`. Not compile-time asserts,
 * not CUnit's non-fatal `CU_ASSERT*` (only its `*_FATAL` forms abort), not `expect_*`.
 */
export function isAbortingAssertion(name: string): boolean {
  if (!/assert/i.test(name)) return false;
  if (/^(?:_?[Ss]tatic_assert|__?static_assert|STATIC_ASSERT\w*|BUILD_ASSERT\w*|\w*_Static_assert|ct_assert|CASSERT)$/.test(name)) return false;
  if (/^CU_ASSERT/.test(name) && !/_FATAL$/.test(name)) return false;
  return true;
}

/** An assertion whose name says it passes on NULL (`assert_null`, `TEST_ASSERT_NULL`). */
export function assertsNull(name: string): boolean {
  return /null/i.test(name) && !/not_?null|non_?null|notnull|nonnull/i.test(name);
}

const KEYWORDS = new Set([
  'if', 'while', 'for', 'switch', 'return', 'sizeof', 'alignof', '_Alignof', '__alignof__', 'typeof', '__typeof__', 'void', 'char',
  'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'const', 'volatile', 'static', 'extern', 'inline', '__inline',
  '__inline__', 'struct', 'union', 'enum', '__attribute__', '__attribute', '__declspec', 'alignas', '_Alignas', 'defined',
]);

/** The first `name (` at parenthesis depth 0 of a declaration's text that is not a keyword or attribute. */
function declaredName(decl: string, skip: (name: string) => boolean): string | null {
  let depth = 0;
  for (let i = 0; i < decl.length; i++) {
    const c = decl[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '[' && decl[i + 1] === '[') {
      const end = decl.indexOf(']]', i);
      if (end < 0) return null;
      i = end + 1;
    } else if (depth === 0 && /[A-Za-z_]/.test(c) && (i === 0 || !/\w/.test(decl[i - 1]!))) {
      const m = /^([A-Za-z_]\w*)\s*\(/.exec(decl.slice(i));
      const word = /^[A-Za-z_]\w*/.exec(decl.slice(i))![0];
      if (m && !KEYWORDS.has(m[1]!) && !skip(m[1]!)) return m[1]!;
      i += word.length - 1;
    }
  }
  return null;
}

/** A word that spells noreturn: holds one of these, or is `__dead`/`__dead2` (BSD). */
const ATTRIBUTE = /\b\w*(?:[Nn]oreturn|NORETURN|NoReturn|NO_RETURN|_noret)\w*\b|\b__dead2?\b/;
const ATTRIBUTE_WORD = new RegExp(`^(?:${ATTRIBUTE.source})$`);
const isAttribute = (name: string) => ATTRIBUTE_WORD.test(name);
/** Where such a word may be: every one holds a match of this. */
const QUICK = /[Nn]oreturn|NORETURN|NoReturn|NO_RETURN|_noret|__dead/g;

/**
 * The start of each word of `text` that spells noreturn, in order: where ATTRIBUTE with the `g`
 * flag matches (a whole word), found from the places QUICK matches (`\b\w*` tried at every word
 * start backtracked through each word).
 */
function attributeWords(text: string): number[] {
  const out: number[] = [];
  QUICK.lastIndex = 0;
  for (let m = QUICK.exec(text); m; m = QUICK.exec(text)) {
    let start = m.index;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    let end = m.index + m[0].length;
    while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    if (isAttribute(text.slice(start, end))) out.push(start);
    QUICK.lastIndex = end; // one word, one answer
  }
  return out;
}

/** Start of the declaration around `at`: after the previous `;`, `{`, `}` or directive line. */
function declarationStart(text: string, at: number): number {
  let s = Math.max(text.lastIndexOf(';', at - 1), text.lastIndexOf('{', at - 1), text.lastIndexOf('}', at - 1), at - 600, -1) + 1;
  // A directive line (with its continuations) between there and `at` ends before the declaration.
  let ls = s;
  while (ls < at) {
    let le = text.indexOf('\n', ls);
    if (le < 0 || le >= at) break;
    if (/^[ \t]*#/.test(text.slice(ls, le))) {
      while (le > 0 && text[le - 1] === '\\' && text.indexOf('\n', le + 1) >= 0) le = text.indexOf('\n', le + 1);
      s = le + 1;
    }
    ls = le + 1;
  }
  return s;
}

function onDirectiveLine(text: string, at: number): boolean {
  const ls = text.lastIndexOf('\n', at - 1) + 1;
  return /^[ \t]*#/.test(text.slice(ls, at)) || (ls > 1 && text[ls - 2] === '\\');
}

/** Names the file declares or defines with a noreturn attribute (in any spelling). */
export function declaredNoReturn(text: string): Set<string> {
  const out = new Set<string>();
  for (const at of attributeWords(text)) {
    if (onDirectiveLine(text, at)) continue;
    const start = declarationStart(text, at);
    let end = text.length;
    for (const ch of [';', '{']) {
      const e = text.indexOf(ch, at);
      if (e >= 0 && e < end) end = e;
    }
    if (end - start > 1200) continue;
    const name = declaredName(text.slice(start, end), isAttribute);
    if (name) out.add(name);
  }
  return out;
}

/** Drops comments (string contents are left: they cannot hold a statement boundary that matters here). */
function withoutComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

/** The callee of the last statement of a body's text when that statement is a plain call. */
function lastCall(body: string): { name: string; args: string } | null {
  const t = withoutComments(body).trimEnd();
  if (!t.endsWith(';')) return null;
  // The statement starts after the previous `;`, `{` or `}` at parenthesis depth 0.
  let depth = 0;
  let i = t.length - 2;
  for (; i >= 0; i--) {
    const c = t[i]!;
    if (c === ')') depth++;
    else if (c === '(') depth--;
    else if (depth === 0 && (c === ';' || c === '{' || c === '}')) break;
  }
  const stmt = t.slice(i + 1, -1).trim();
  const m = /^(?:\(\s*void\s*\)\s*)?([A-Za-z_]\w*)\s*\(([\s\S]*)\)$/.exec(stmt);
  return m && !KEYWORDS.has(m[1]!) ? { name: m[1]!, args: m[2]! } : null;
}

/** glibc/gnulib `error (status, …)` and `error_at_line` exit when the status is not 0. */
export function errorExits(name: string, firstArg: string | undefined): boolean {
  return /^error(?:_at_line)?$/.test(name) && firstArg !== undefined && !/^\s*0+[uUlL]*\s*$/.test(firstArg);
}

/** Functions a file defines whose body ends in a call that does not return (to a fixed point). */
function endingInNoReturn(text: string, known: Set<string>): Set<string> {
  const out = new Set<string>();
  const bodies = functionBodies(text);
  if (!bodies) return out;
  const candidates: { name: string; call: { name: string; args: string } }[] = [];
  for (const b of bodies) {
    const call = lastCall(text.slice(b.start, b.end));
    if (!call) continue;
    const head = text.slice(declarationStart(text, b.start - 1), b.start - 1);
    const name = declaredName(head, isAttribute);
    if (name) candidates.push({ name, call });
  }
  const dies = (c: { name: string; args: string }) =>
    noReturnByName(c.name) || known.has(c.name) || out.has(c.name) || errorExits(c.name, c.args.split(',')[0]);
  for (let pass = 0; pass < 6; pass++) {
    let added = false;
    for (const c of candidates) {
      if (!out.has(c.name) && dies(c.call)) {
        out.add(c.name);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}

/** What the headers a file includes say: functions declared noreturn, and macro definitions. */
export interface Elsewhere {
  noReturn(name: string): boolean;
  macro?(name: string): MacroText | undefined;
}

/** A function-like macro as written: parameter names and its body (continuations joined). */
export interface MacroText {
  params: string[] | null;
  body: string;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * For a macro that checks an argument and does not return when it is NULL or false
 * (`#define CHECK_ALLOC(p) if ((p) == NULL) { perror("oom"); exit(1); }`,
 * `#define REQUIRE(c) ((c) ? (void)0 : abort())`, `#define ENSURE(x) assert(x)`): the index of
 * that argument; -1 for any other macro.
 */
export function checkedArgument(m: MacroText, dies: (name: string) => boolean): number {
  if (!m.params) return -1;
  const body = withoutComments(m.body);
  const calls = [...body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((x) => x[1]!);
  const ends = calls.some((c) => dies(c));
  for (let i = 0; i < Math.min(m.params.length, 3); i++) {
    const p = m.params[i]!;
    if (!/^[A-Za-z_]\w*$/.test(p)) continue;
    const v = `\\(*\\s*${esc(p)}\\s*\\)*`;
    const tested = new RegExp(`if\\s*\\(\\s*(?:!\\s*${v}|${v}\\s*==\\s*(?:NULL|0)|(?:NULL|0)\\s*==\\s*${v})\\s*\\)`).test(body);
    const ternary = new RegExp(`^\\(*\\s*${v}\\s*\\?[^:]*:\\s*\\(*\\s*([A-Za-z_]\\w*)\\s*\\(`).exec(body.trim());
    const asserted = new RegExp(`\\b([A-Za-z_]\\w*)\\s*\\(\\s*${v}\\s*[,)]`).exec(body);
    if ((tested && ends) || (ternary && dies(ternary[1]!)) || (asserted && isAbortingAssertion(asserted[1]!) && !assertsNull(asserted[1]!))) return i;
  }
  return -1;
}

/** After `#define` and its blanks: a function-like macro's name, parameters and (continued) body (sticky). */
const FUNCTION_LIKE = /([A-Za-z_]\w*)\(([^)]*)\)((?:[^\n]*\\\r?\n)*[^\n]*)/y;

/**
 * The function-like macros a file defines, read from its text (the first definition of each name
 * wins): what `^[ \t]*#[ \t]*define[ \t]+` + FUNCTION_LIKE with the `gm` flags matches, found from
 * each `define` the text spells rather than by the multi-line regex tried at every position.
 */
function macrosOf(text: string): Map<string, MacroText> {
  const out = new Map<string, MacroText>();
  let matchedTo = 0;
  for (const { line, after, at } of directiveOperands(text, 'define')) {
    if (line < matchedTo || at === after) continue; // inside the last match, or no blank after `define`
    FUNCTION_LIKE.lastIndex = at;
    const m = FUNCTION_LIKE.exec(text);
    if (!m) continue;
    matchedTo = FUNCTION_LIKE.lastIndex;
    if (out.has(m[1]!)) continue;
    const params = m[2]!.split(',').map((x) => x.trim()).filter(Boolean);
    out.set(m[1]!, { params, body: m[3]!.replace(/\\\r?\n/g, ' ') });
  }
  return out;
}

/**
 * Whether a function with this body text ends in a call that does not return, given the names
 * known not to (the incremental document asks this of an edited function).
 */
export function bodyEndsInNoReturn(body: string, known: ReadonlySet<string>): boolean {
  const c = lastCall(body);
  return !!c && (noReturnByName(c.name) || known.has(c.name) || errorExits(c.name, c.args.split(',')[0]));
}

/** What one file says about calls that do not return. */
export class FileCalls {
  private table: Set<string> | null = null;
  private attributed: Set<string> | null = null;
  constructor(private readonly text: string) {}

  /** Declared noreturn in this file, or defined here ending in such a call. */
  private declared(): Set<string> {
    if (!this.table) {
      const declared = (this.attributed = declaredNoReturn(this.text));
      this.table = new Set([...declared, ...endingInNoReturn(this.text, declared)]);
    }
    return this.table;
  }

  /** The names declared noreturn by an attribute (a subset of `names()`). */
  declaredByAttribute(): Set<string> {
    this.declared();
    return this.attributed!;
  }

  /**
   * `always`: never returns (the C library's, or this file says so); `if-last`: its name says
   * so, which is trusted only for the last statement of a block; null: returns.
   */
  noReturn(name: string, firstArg?: string, elsewhere?: Elsewhere): 'always' | 'if-last' | null {
    if (ALWAYS.has(name) || errorExits(name, firstArg)) return 'always';
    if (this.text && this.declared().has(name)) return 'always';
    if (elsewhere?.noReturn(name)) return 'always';
    return noReturnByName(name) ? 'if-last' : null;
  }

  private macros: Map<string, MacroText> | null = null;
  private checks = new Map<string, number>();

  /** A macro of this file or its headers that does not return when argument i is NULL: i, else -1. */
  checkedArgument(name: string, elsewhere?: Elsewhere): number {
    let i = this.checks.get(name);
    if (i === undefined) {
      const m = (this.macros ??= macrosOf(this.text)).get(name) ?? elsewhere?.macro?.(name);
      i = m ? checkedArgument(m, (c) => this.noReturn(c, undefined, elsewhere) !== null) : -1;
      this.checks.set(name, i);
    }
    return i;
  }

  private releasers: Map<string, number> | null = null;

  /** A function this file defines that frees its argument i (`heap_put(block)` → free(block)): i, else -1. */
  releases(name: string): number {
    return (this.releasers ??= releasersOf(this.text)).get(name) ?? -1;
  }

  /** The names this file knows not to return (for tests and the incremental document). */
  names(): Set<string> {
    return this.declared();
  }
}

let memo: { text: string; calls: FileCalls } | null = null;

/** The FileCalls of `text`, shared by every question about the same text in a row. */
export function fileCalls(text: string): FileCalls {
  if (memo?.text !== text) memo = { text, calls: new FileCalls(text) };
  return memo.calls;
}
