// What happens when a resize fails, read from the code that follows the call on that path.
//
// One walker serves two questions:
// - a wrapper's contract (WrapperDef.onFailure): what a call of it returns when the resize inside
//   fails — NULL with the old block kept, NULL with it freed, the old pointer, or nothing (it
//   dies) — so `p = wrapper(p, n)` is judged by what the wrapper really does, at every call and
//   macro expansion;
// - at a call site `p = f(p, n)`, whether the failure path ends the program (a check then a call
//   that does not return, an assertion that aborts) or leaves another pointer holding the old
//   block (a parameter the function returns: the caller still has it; a local copy of a pointer
//   the path does not overwrite).
//
// The walker follows the statements after the call as they run when the call failed: a test of
// the result for failure takes its branch, a test for success skips it (or takes its `else`), a
// test the failure does not decide is stepped over only when it cannot leave or touch the
// pointers. Anything it cannot follow (loops, switches, the result used) makes the answer
// "unknown", and the rules then fall back on what they did before: a resize whose failure path
// is unknown is treated as returning NULL.
import type { Node } from 'web-tree-sitter';
import type { FailureContract, Primitive, WrapperDef } from '../../types';
import { assertsNull, fileCalls, isAbortingAssertion, type FileCalls, type Elsewhere } from './noReturn';
import { isFreeName } from './releasers';
import { sameLvalue, stripParensAndCasts } from './substitute';
import { isLoopNode } from './syntax';
import { parentOf, typeOf } from './ancestry';

/** What a failing primitive does: realloc keeps the old block, reallocf frees it. */
export function primitiveContract(p: Primitive): FailureContract {
  return p === 'reallocf' ? 'null-freed' : 'null';
}

/** The contract of what a call resolves to; a wrapper whose body did not show one counts as returning NULL. */
export function innerContract(t: { kind: 'primitive'; name: Primitive } | { kind: 'wrapper'; def: WrapperDef }): FailureContract {
  if (t.kind === 'primitive') return primitiveContract(t.name);
  return t.def.onFailure ?? (t.def.diesOnFailure ? 'dies' : 'null');
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The pieces `lvalue` is written in: names, `->`, `.`, `[`, `]` and what the brackets hold. */
function lvalueParts(lvalue: string): string[] {
  const t = stripParensAndCasts(lvalue).replace(/\s+/g, '');
  return t.split(/(->|\.|\[|\])/).filter((p) => p !== '');
}

/** A regex source matching `lvalue` as written, with any spacing around `->`, `.`, `[`, `]`. */
export function lvalueRe(lvalue: string): string {
  const body = lvalueParts(lvalue).map(escapeRe).join('\\s*');
  return `(?<![\\w.>])${body}(?![\\w\\[]|\\s*(?:->|\\.(?!\\.)))`;
}

/**
 * The last piece lvalueRe(lvalue) spells literally (`items` of `a->items`, `]` of `a[i]`; '' when
 * none): text without it has no match. A regex made for one lvalue is compiled on its first run,
 * which costs far more than the run: a look for the piece first spares most of them.
 */
export function lvalueTail(lvalue: string): string {
  const parts = lvalueParts(lvalue);
  return parts[parts.length - 1] ?? '';
}

/** Any use of `lvalue` (also `p->x`, `p[0]`): a looser match than lvalueRe. */
function mentionRe(lvalue: string): RegExp {
  let re = mentionRes.get(lvalue);
  if (!re) {
    const t = stripParensAndCasts(lvalue).replace(/\s+/g, '').replace(/[()]/g, '');
    const parts = t.split(/(->|\.|\[|\])/).filter((p) => p !== '');
    re = new RegExp(`(?<![\\w.>])${parts.map(escapeRe).join('\\s*')}(?!\\w)`);
    // A walk asks about the same few names at every statement: each is built once (a scan's
    // pointers are a few thousand names; the map starts over past that).
    if (mentionRes.size >= 4096) mentionRes.clear();
    mentionRes.set(lvalue, re);
  }
  return re;
}

const mentionRes = new Map<string, RegExp>();

const NULLISH = /^(?:NULL|0|0L|0UL|nullptr|\(\s*void\s*\*\s*\)\s*0|MAP_FAILED|\(\s*void\s*\*\s*\)\s*-\s*1)$/;

/** Drops parentheses and casts from the top of an expression node. */
export function inner(expr: Node): Node {
  let cur: Node = expr;
  for (let guard = 0; guard < 16; guard++) {
    const type = typeOf(cur);
    if (type === 'parenthesized_expression') {
      const c = cur.namedChildren.find((x) => x && x.type !== 'comment');
      if (!c) break;
      cur = c;
    } else if (type === 'cast_expression') {
      const v = cur.childForFieldName('value');
      if (!v) break;
      cur = v;
    } else break;
  }
  return cur;
}

/** Climbs parentheses and casts. */
export function outer(expr: Node): Node {
  let cur = expr;
  for (let p = parentOf(cur); p && WRAPPING.has(typeOf(p)); p = parentOf(p)) cur = p;
  return cur;
}

const WRAPPING = new Set(['parenthesized_expression', 'cast_expression']);

/** How the code after a failed resize ends, as far as the walker can tell. */
export type FailureOutcome =
  | { kind: 'dies'; by: 'call' | 'assertion' }
  /** `result`: the variable that got the call's value; `old`: a pointer that still holds the old block. */
  | { kind: 'returns'; value: 'result' | 'old' | 'null' | 'other' | 'void' }
  /** goto, break, continue: the path goes somewhere the walker does not follow. */
  | { kind: 'leaves' }
  /** The end of the body (a void function's end, a macro's last statement). */
  | { kind: 'ends' }
  | { kind: 'unknown' };

interface State {
  /** The lvalue that received the call's value. */
  result: string;
  /** What `result` holds on this path: the failure value, or the old block (after `r = p;`). */
  resultHolds: 'failure' | 'old';
  /** Lvalues that still hold the old block. */
  holders: string[];
  freed: boolean;
  steps: number;
  /** Labels already followed (a `goto` back to one would loop). */
  labels: Set<string>;
  calls: FileCalls;
  elsewhere?: Elsewhere;
  /** The resize's size arguments as written (`size`, `n`): a request that fails asked for more than 0 bytes. */
  sizes: string[];
}

export interface FailureWalk {
  outcome: FailureOutcome;
  /** The old block was freed on the path. */
  freed: boolean;
  /** Lvalues still holding the old block where the path ended. */
  holders: string[];
  /** What the result variable held there. */
  resultHolds: 'failure' | 'old';
}

const MAX_STEPS = 80;
const UNKNOWN: FailureOutcome = { kind: 'unknown' };

/** `e` is the result: the variable itself, or an assignment to it (`(r = realloc(…))`). */
function isResult(e: Node, st: State): boolean {
  const n = inner(e);
  if (n.type === 'assignment_expression' && n.childForFieldName('operator')?.text === '=') {
    const left = n.childForFieldName('left');
    return !!left && sameLvalue(left.text, st.result);
  }
  return sameLvalue(n.text, st.result);
}

function isNullish(e: Node): boolean {
  return NULLISH.test(inner(e).text.replace(/\s+/g, ' ').trim()) || NULLISH.test(e.text.trim());
}

/** `!r`, `r == NULL`, `NULL == r`, `r == 0`, `r == MAP_FAILED`. */
function failureTest(e: Node, st: State): boolean {
  const n = inner(e);
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
    const a = n.childForFieldName('argument');
    return !!a && isResult(a, st);
  }
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '==') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return !!l && !!r && ((isResult(l, st) && isNullish(r)) || (isResult(r, st) && isNullish(l)));
  }
  return false;
}

/** `r`, `r != NULL`, `NULL != r`, `!!r`. */
function successTest(e: Node, st: State): boolean {
  const n = inner(e);
  if (isResult(n, st)) return true;
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
    const a = n.childForFieldName('argument');
    return !!a && failureTest(a, st);
  }
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '!=') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return !!l && !!r && ((isResult(l, st) && isNullish(r)) || (isResult(r, st) && isNullish(l)));
  }
  return false;
}

/** `!n`, `n == 0`, `0 == n`: a test that a size is zero (git's `if (!ret && !size)` retries only for zero-byte requests). */
function zeroTest(e: Node): boolean {
  const n = inner(e);
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') return true;
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '==') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return !!l && !!r && (/^0+[uUlL]*$/.test(r.text.trim()) || /^0+[uUlL]*$/.test(l.text.trim()));
  }
  return false;
}

/**
 * `n > 0`, `n != 0`, `0 < n`, `n >= 1`, `n`: a test that a size argument of the failed call is not
 * zero, true on the failure path (reallocf's `if (size > 0) free(ptr);`); `!n`, `n == 0`: false.
 */
function sizeTest(e: Node, st: State): 'nonzero' | 'zero' | null {
  if (!st.sizes.length) return null;
  const isSize = (x: Node | null) => !!x && st.sizes.some((sz) => sameLvalue(inner(x).text, sz));
  const zero = (x: Node | null) => !!x && /^0+[uUlL]*$/.test(inner(x).text.trim());
  const one = (x: Node | null) => !!x && /^0*1[uUlL]*$/.test(inner(x).text.trim());
  const n = inner(e);
  if (isSize(n)) return 'nonzero';
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') return isSize(n.childForFieldName('argument')) ? 'zero' : null;
  if (n.type !== 'binary_expression') return null;
  const op = n.childForFieldName('operator')?.text;
  const l = n.childForFieldName('left');
  const r = n.childForFieldName('right');
  if (isSize(l)) {
    if ((op === '>' || op === '!=') && zero(r)) return 'nonzero';
    if (op === '>=' && one(r)) return 'nonzero';
    if (op === '==' && zero(r)) return 'zero';
  } else if (isSize(r)) {
    if ((op === '<' || op === '!=') && zero(l)) return 'nonzero';
    if (op === '==' && zero(l)) return 'zero';
  }
  return null;
}

function operands(e: Node, op: '&&' | '||'): Node[] {
  const n = inner(e);
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === op) {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return [...(l ? operands(l, op) : []), ...(r ? operands(r, op) : [])];
  }
  return [n];
}

/** `n`'s text with the operands of `sizeof`/`alignof` blanked: they are not evaluated, so `sizeof(p[0])` does not read `p`. */
function evaluatedText(n: Node): string {
  let text = n.text;
  if (!/\b(?:sizeof|_?_?[aA]lignof)\b/.test(text)) return text;
  for (const d of n.descendantsOfType(['sizeof_expression', 'alignof_expression'])) {
    if (!d) continue;
    const from = d.startIndex - n.startIndex;
    const to = d.endIndex - n.startIndex;
    text = text.slice(0, from) + ' '.repeat(to - from) + text.slice(to);
  }
  return text;
}

function mentions(n: Node, names: readonly string[]): boolean {
  if (!names.length) return false;
  const text = evaluatedText(n);
  return names.some((x) => mentionRe(x).test(text));
}

/** What a failed call makes of an if's condition. */
function conditionOnFailure(cond: Node, st: State): 'taken' | 'not-taken' | 'undecided' | 'unknown' {
  const r = conditionIfNull(cond, st);
  // A result that holds the old block here is not NULL: its tests go the other way.
  if (st.resultHolds === 'old' && mentions(cond, [st.result])) return r === 'taken' ? 'not-taken' : r === 'not-taken' ? 'taken' : r;
  return r;
}

/** What the condition makes of a result that is NULL (MAP_FAILED for mremap). */
function conditionIfNull(cond: Node, st: State): 'taken' | 'not-taken' | 'undecided' | 'unknown' {
  const names = [st.result, ...st.holders];
  const conj = operands(cond, '&&');
  if (conj.length > 1) {
    const mine = conj.filter((c) => mentions(c, [st.result]));
    if (mine.some((c) => successTest(c, st))) return 'not-taken';
    if (mine.length && mine.every((c) => failureTest(c, st))) {
      const others = conj.filter((c) => !mine.includes(c));
      if (others.some((c) => mentions(c, names))) return 'unknown';
      // `if (!r && !n)`: only zero-byte requests get there; a real request that fails does not.
      return others.some(zeroTest) ? 'not-taken' : 'taken';
    }
    return mine.length || mentions(cond, st.holders) ? 'unknown' : 'undecided';
  }
  const disj = operands(cond, '||');
  if (disj.length > 1) {
    if (disj.some((c) => failureTest(c, st))) return 'taken';
    if (disj.every((c) => successTest(c, st) || !mentions(c, names))) return disj.some((c) => successTest(c, st)) ? 'unknown' : 'undecided';
    return 'unknown';
  }
  if (failureTest(cond, st)) return 'taken';
  if (successTest(cond, st)) return 'not-taken';
  const size = sizeTest(cond, st);
  if (size) return size === 'nonzero' ? 'taken' : 'not-taken';
  return mentions(cond, names) ? 'unknown' : 'undecided';
}

const LEAVES_TEXT = /\b(?:return|goto|break|continue|longjmp|siglongjmp|exit|abort|_exit)\b/;

/** The statements of a body: a block's children, or the one statement. */
function statementsOf(n: Node): Node[] {
  if (n.type === 'compound_statement') return n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  return [n];
}

const BRANCH_TYPES = new Set(['preproc_else', 'preproc_elif', 'preproc_elifdef']);
const PREPROC_BLOCKS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

/** A call statement's callee name and first argument, or null. */
function callOf(e: Node): { name: string; args: Node[] } | null {
  const n = inner(e);
  if (n.type !== 'call_expression') return null;
  const fn = n.childForFieldName('function');
  if (!fn || fn.type !== 'identifier') return null;
  const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  return { name: fn.text, args };
}

/** An assertion's first argument is false on this path: `r` (NULL here), `r != NULL`, `0`, `!"out of memory"`. */
function assertionFails(name: string, arg: Node | undefined, st: State): boolean | null {
  if (!arg) return null;
  const a = inner(arg);
  const t = a.text.trim();
  if (/^(?:0|false|FALSE)$/.test(t) || /^!\s*"/.test(t)) return true;
  if (assertsNull(name)) return mentions(a, [st.result]) ? null : false;
  const conj = operands(a, '&&');
  if (conj.some((c) => successTest(c, st))) return st.resultHolds === 'failure';
  return mentions(a, [st.result, ...st.holders]) ? null : false;
}


/** One statement on the failure path: an outcome when the path ends there, null to go on. */
function step(s: Node, st: State, last: boolean): FailureOutcome | null {
  if (++st.steps > MAX_STEPS) return UNKNOWN;
  const names = () => [st.result, ...st.holders];
  switch (s.type) {
    case 'comment':
    case 'type_definition':
      return null;
    case 'expression_statement': {
      const e = s.namedChildren.find((c) => c && c.type !== 'comment');
      if (!e) return null;
      const call = callOf(e);
      if (call) {
        const first = call.args[0];
        const dies = st.calls.noReturn(call.name, first?.text, st.elsewhere);
        if (dies === 'always' || (dies === 'if-last' && last)) return { kind: 'dies', by: 'call' };
        if (isAbortingAssertion(call.name)) {
          const fails = assertionFails(call.name, first, st);
          if (fails) return { kind: 'dies', by: 'assertion' };
          if (fails === null) return UNKNOWN;
          return null;
        }
        // A project macro that checks its argument and does not return when it is NULL (`CHECK_ALLOC(p);`).
        const checked = st.calls.checkedArgument(call.name, st.elsewhere);
        const arg = checked >= 0 ? call.args[checked] : undefined;
        if (arg && st.resultHolds === 'failure' && (isResult(arg, st) || successTest(arg, st))) return { kind: 'dies', by: 'assertion' };
        // A free (its block may be any argument: `env_free(env, p)`), or a function of this file
        // that frees one of its arguments (`heap_put(old)`).
        const at = isFreeName(call.name) ? -1 : st.calls.releases(call.name);
        const released = at >= 0 ? [call.args[at]].filter((a): a is Node => !!a) : isFreeName(call.name) ? call.args : [];
        for (const a of released) {
          const held = st.holders.find((h) => sameLvalue(h, a.text));
          if (held) {
            st.freed = true;
            st.holders = st.holders.filter((h) => h !== held);
            return null;
          }
        }
        if (released.some((a) => isResult(a, st)) && st.resultHolds === 'failure') return null; // free(NULL)
        return mentions(e, names()) ? UNKNOWN : null;
      }
      const n = inner(e);
      if (n.type === 'assignment_expression') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (!left || !right) return UNKNOWN;
        const op = n.childForFieldName('operator')?.text;
        if (op === '=' && sameLvalue(left.text, st.result)) {
          if (isNullish(right)) {
            st.resultHolds = 'failure';
            return null;
          }
          if (st.holders.some((h) => sameLvalue(h, right.text))) {
            st.resultHolds = 'old';
            return null;
          }
          return UNKNOWN; // a retry, or another value
        }
        const held = st.holders.find((h) => sameLvalue(h, left.text));
        if (held) {
          // `p = r;` with r NULL here: the last pointer to the old block may be gone.
          if (op === '=' && (isNullish(right) || (isResult(right, st) && st.resultHolds === 'failure'))) {
            st.holders = st.holders.filter((h) => h !== held);
            return null;
          }
          return UNKNOWN;
        }
        return mentions(n, names()) ? UNKNOWN : null;
      }
      return mentions(e, names()) ? UNKNOWN : null;
    }
    case 'declaration':
      return mentions(s, names()) ? UNKNOWN : null;
    case 'return_statement': {
      const v = s.namedChildren.find((c) => c && c.type !== 'comment');
      if (!v) return { kind: 'returns', value: 'void' };
      if (isResult(v, st)) return { kind: 'returns', value: 'result' };
      if (st.holders.some((h) => sameLvalue(h, v.text))) return { kind: 'returns', value: 'old' };
      if (isNullish(v)) return { kind: 'returns', value: 'null' };
      return { kind: 'returns', value: 'other' };
    }
    case 'goto_statement': {
      // Error paths jump to a label (`goto fail;`): follow them there, each label once.
      const label = s.childForFieldName('label')?.text;
      let fn: Node | null = s.parent;
      while (fn && fn.type !== 'function_definition') fn = fn.parent;
      if (!label || !fn || st.labels.has(label)) return { kind: 'leaves' };
      st.labels.add(label);
      const target = fn.descendantsOfType('labeled_statement').find((l) => l?.childForFieldName('label')?.text === label);
      if (!target) return { kind: 'leaves' };
      return step(target, st, false) ?? walkFrom(target, st);
    }
    case 'break_statement':
    case 'continue_statement':
      return { kind: 'leaves' };
    case 'compound_statement':
      return block(statementsOf(s), st);
    case 'labeled_statement':
      return block(s.namedChildren.filter((c): c is Node => !!c && c.type !== 'statement_identifier' && c.type !== 'comment'), st);
    case 'do_statement': {
      // `do { … } while (0)`: the body of a statement-like macro, run once.
      const cond = s.childForFieldName('condition');
      const body = s.childForFieldName('body');
      if (cond && body && /^\(\s*0\s*\)$/.test(cond.text.trim())) return block(statementsOf(body), st);
      break;
    }
    case 'if_statement': {
      const cond = s.childForFieldName('condition');
      const cons = s.childForFieldName('consequence');
      const altClause = s.childForFieldName('alternative');
      const alt = altClause?.type === 'else_clause' ? altClause.namedChildren.find((c) => c && c.type !== 'comment') ?? null : altClause;
      if (!cond || !cons) return UNKNOWN;
      const taken = conditionOnFailure(cond, st);
      if (taken === 'taken') return block(statementsOf(cons), st);
      if (taken === 'not-taken') return alt ? block(statementsOf(alt), st) : null;
      if (taken === 'undecided') {
        // Either branch may run: step over it only when neither can leave or touch the pointers.
        const quiet = (b: Node | null) => !b || (!LEAVES_TEXT.test(b.text) && !mentions(b, names()));
        return quiet(cons) && quiet(alt) ? null : UNKNOWN;
      }
      return UNKNOWN;
    }
    default:
      if (PREPROC_BLOCKS.has(s.type) || s.type.startsWith('preproc_')) {
        return mentions(s, names()) || LEAVES_TEXT.test(s.text) ? UNKNOWN : null;
      }
  }
  return mentions(s, names()) || LEAVES_TEXT.test(s.text) ? UNKNOWN : null;
}

/** Runs statements in order: an outcome when the path ends among them, null when it runs past them. */
function block(stmts: Node[], st: State): FailureOutcome | null {
  const list = stmts.filter((s) => s.type !== 'comment');
  for (let i = 0; i < list.length; i++) {
    const r = step(list[i]!, st, i === list.length - 1);
    if (r) return r;
  }
  return null;
}

/**
 * Follows the failure path from `start`, the statement whose run made `result` the call's value
 * (the path goes on after it), or an `if` whose condition makes the call (`if (!(r = f(…)))`),
 * which is run itself.
 */
function walkFrom(start: Node, st: State): FailureOutcome {
  let cur: Node = start;
  if (typeOf(start) === 'if_statement') {
    const r = step(start, st, false);
    if (r) return r;
  }
  for (let guard = 0; guard < 64; guard++) {
    const following: Node[] = [];
    for (let s = cur.nextNamedSibling; s; s = s.nextNamedSibling) {
      const type = typeOf(s);
      if (BRANCH_TYPES.has(type)) break; // the other branch of an #if around us
      if (type === 'else_clause') break; // the if's other branch: the path goes on after the if
      following.push(s);
    }
    const list = following.filter((s) => typeOf(s) !== 'comment');
    for (let i = 0; i < list.length; i++) {
      const r = step(list[i]!, st, i === list.length - 1);
      if (r) return r;
    }
    const parent = parentOf(cur);
    if (!parent) return { kind: 'ends' };
    switch (typeOf(parent)) {
      case 'compound_statement':
        if (parentOf(parent)?.type === 'function_definition') return { kind: 'ends' };
        cur = parent;
        continue;
      case 'if_statement':
      case 'else_clause':
      case 'labeled_statement':
        cur = parent;
        continue;
      case 'do_statement': {
        const cond = parent.childForFieldName('condition');
        if (cond && /^\(\s*0\s*\)$/.test(cond.text.trim())) {
          cur = parent;
          continue;
        }
        return UNKNOWN;
      }
      case 'translation_unit':
        return { kind: 'ends' };
      default:
        if (PREPROC_BLOCKS.has(parent.type)) {
          // Leaving an #if branch: go on after the whole #if … #endif (its other branches do not run).
          let top: Node = parent;
          while (top.parent && PREPROC_BLOCKS.has(top.parent.type) && BRANCH_TYPES.has(top.type)) top = top.parent;
          cur = top;
          continue;
        }
        return UNKNOWN; // loops, switch cases, statement expressions
    }
  }
  return UNKNOWN;
}

/**
 * Where the path starts for a call whose value goes to `result`: the statement the assignment
 * or declaration is (the path goes on after it), or the `if` whose condition makes it. Null when
 * the value goes anywhere else (an argument, a larger expression).
 */
export function startOf(call: Node): { start: Node; result: string } | { returned: true } | null {
  let o = outer(call);
  // `t = p ? realloc(p, n) : malloc(n)`: the conditional's value is the call's on its path.
  while (o.parent?.type === 'conditional_expression' && o.parent.childForFieldName('condition')?.id !== o.id) o = outer(o.parent);
  let holder = parentOf(o);
  if (!holder) return null;
  if (holder.type === 'return_statement') return { returned: true };
  if (holder.type === 'init_declarator') {
    const decl = parentOf(holder);
    const value = holder.childForFieldName('value');
    let d = holder.childForFieldName('declarator');
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator') ?? null;
    if (!decl || decl.type !== 'declaration' || !value || value.id !== o.id || !d) return null;
    return { start: decl, result: d.text };
  }
  if (holder.type !== 'assignment_expression' || holder.childForFieldName('operator')?.text !== '=') return null;
  const left = holder.childForFieldName('left');
  if (!left || holder.childForFieldName('right')?.id !== o.id) return null;
  const result = left.text;
  // Up from the assignment through parentheses (a macro's `((p) = realloc((p), (n)))`).
  let top: Node = holder;
  for (let up = parentOf(top); up?.type === 'parenthesized_expression'; up = parentOf(top)) top = up;
  holder = parentOf(top);
  if (holder?.type === 'expression_statement') return { start: holder, result };
  // `if (!(r = f(…)))`, `if ((r = f(…)) == NULL)`: the if is the first step.
  for (let n: Node | null = holder; n; n = n.parent) {
    if (n.type === 'if_statement') {
      const cond = n.childForFieldName('condition');
      return cond && top.startIndex >= cond.startIndex && top.endIndex <= cond.endIndex ? { start: n, result } : null;
    }
    if (!['parenthesized_expression', 'unary_expression', 'binary_expression', 'cast_expression'].includes(n.type)) return null;
  }
  return null;
}

/** The arguments of a call other than the pointer it resizes: where its size is. */
function sizeArgs(call: Node, ptr: string | null): string[] {
  const args = (inner(call).childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  return args.map((a) => stripParensAndCasts(a.text)).filter((t) => !ptr || !sameLvalue(t, ptr));
}

/** Walks the failure path of a call whose result went to `result`, with `holders` holding the old block. */
export function followFailure(
  start: Node,
  result: string,
  holders: string[],
  text: string,
  resultHolds: 'failure' | 'old' = 'failure',
  elsewhere?: Elsewhere,
  sizes: string[] = [],
): FailureWalk {
  const st: State = {
    ...(elsewhere ? { elsewhere } : {}),
    sizes: sizes.filter((x) => /^[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*$/.test(x.trim())),
    result,
    resultHolds,
    holders: holders.filter((h) => !sameLvalue(h, result)),
    freed: false,
    steps: 0,
    labels: new Set(),
    calls: fileCalls(text),
  };
  const outcome = walkFrom(start, st);
  return { outcome, freed: st.freed, holders: st.holders, resultHolds: st.resultHolds };
}

const LVALUE = String.raw`[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\s*\[[^\]\n;]*\])*`;
const PLAIN_LVALUE = new RegExp(`^\\*?\\s*(?:${LVALUE})$`);

/** Variables `body` copies `ptr` into before offset `before` (`old = p;`, `char *old = p;`). */
export function copiesBefore(body: Node, before: number, ptr: string): string[] {
  const text = body.text.slice(0, Math.max(0, before - body.startIndex));
  const re = new RegExp(String.raw`(?<![\w.>])(${LVALUE})\s*=(?!=)\s*(?:\(\s*[^()]*\)\s*)*\(?\s*${lvalueRe(ptr)}\s*\)?\s*[;,)]`, 'g');
  const out: string[] = [];
  for (const m of text.matchAll(re)) if (!sameLvalue(m[1]!, ptr)) out.push(m[1]!);
  return out;
}

/**
 * A wrapper's contract from its body: what a call returns when the resize inside (`call`, of
 * `innerContract`) fails. `oldPtr` is the pointer argument of that call as written in the body
 * (`ptr`, `*pp`, `(x)`); `body` the function body (or a macro's synthetic one: `macro`, whose
 * end is the end of the expansion); `text` the file's text, where helpers that do not return
 * are looked up. Undefined when the body does not show it.
 */
export function wrapperContract(
  call: Node,
  innerContract: FailureContract,
  oldPtr: string | null,
  body: Node,
  text: string,
  macro: boolean,
): FailureContract | undefined {
  if (innerContract === 'dies') return 'dies';
  const start = startOf(call);
  if (!start) {
    // A macro whose body is the call itself: the expansion's value is the call's.
    if (macro && outer(call).parent?.type === 'expression_statement') return innerContract;
    return undefined;
  }
  if ('returned' in start) return innerContract;
  const saved = oldPtr ? copiesBefore(body, start.start.startIndex, oldPtr) : [];
  const holders = [...(oldPtr ? [oldPtr] : []), ...saved];
  const walk = followFailure(start.start, start.result, holders, text, innerContract === 'old' ? 'old' : 'failure', undefined, sizeArgs(call, oldPtr));
  const freed = walk.freed || innerContract === 'null-freed';
  const nullish = (): FailureContract => (freed ? 'null-freed' : 'null');
  const o = walk.outcome;
  switch (o.kind) {
    case 'dies':
      return 'dies';
    case 'returns':
      if (macro) return undefined;
      if (o.value === 'result') return walk.resultHolds === 'old' ? 'old' : nullish();
      if (o.value === 'old') return walk.freed ? undefined : 'old';
      if (o.value === 'null') return nullish();
      return undefined;
    case 'ends':
      // The end of a macro that assigned the result back to the caller's pointer.
      if (macro && oldPtr && sameLvalue(start.result, oldPtr)) return walk.resultHolds === 'old' ? 'old' : nullish();
      return undefined;
    default:
      return undefined;
  }
}

/** What the failure path of one `p = f(p, n)` site shows (SiteFacts.failureEnds / oldBlockHeldBy / oldBlockFreed). */
export interface SiteFailure {
  failureEnds?: 'call' | 'assertion';
  oldBlockHeldBy?: string;
  oldBlockFreed?: boolean;
}

function innermostLoop(n: Node | null): number | null {
  for (let p = n; p; p = p.parent) {
    if (isLoopNode(p)) return p.id;
    if (p.type === 'function_definition') return null;
  }
  return null;
}

/** `a` and `b` lie in the two branches of one if (its consequence and its else): never both on a path. */
function otherBranch(a: Node | null, b: Node): boolean {
  for (let p = a?.parent ?? null; p; p = p.parent) {
    if (p.type === 'function_definition') return false;
    if (p.type !== 'if_statement' || b.startIndex < p.startIndex || b.endIndex > p.endIndex) continue;
    const cons = p.childForFieldName('consequence');
    const alt = p.childForFieldName('alternative');
    if (!cons || !alt) return false;
    const inside = (n: Node, x: Node) => x.startIndex >= n.startIndex && x.endIndex <= n.endIndex;
    return (inside(cons, a!) && inside(alt, b)) || (inside(alt, a!) && inside(cons, b));
  }
  return false;
}

/** The pointer `target` (a plain local) was last set, before `before`, to a copy of another pointer: that one. */
function copiedFrom(fn: Node, before: number, target: string, call: Node): string | null {
  const text = fn.text.slice(0, Math.max(0, before - fn.startIndex));
  // The last assignment to the target, whatever it is; then whether it copies a pointer:
  // `p = s->buf;`, `char *p = *pp;`, or inside a condition, `(p = v->items[0]) != NULL`.
  const re = new RegExp(String.raw`(?<![\w.>])${escapeRe(target)}\s*=(?!=)`, 'g');
  // The last one on the call's path: one in the other branch of an if around both does not run
  // before it (`p = s->buf; if (!p) p = malloc(…); else p = realloc(p, …);`).
  const all = [...text.matchAll(re)];
  let last: RegExpMatchArray | null = null;
  for (let i = all.length - 1; i >= 0 && !last; i--) {
    const at = fn.startIndex + all[i]!.index!;
    if (!otherBranch(fn.descendantForIndex(at, at + 1), call)) last = all[i]!;
  }
  if (!last) return null;
  const after = text.slice(last.index! + last[0].length);
  // The value up to the end of the assignment (`;`, `,` or the `)` closing a condition).
  let end = 0;
  for (let depth = 0; end < after.length; end++) {
    const c = after[end]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (--depth < 0) break;
    } else if (depth === 0 && (c === ';' || c === ',' || c === '{' || c === '}')) break;
  }
  // A pointer, or a pointer into the same block: `data - 1`, `(char *)p - offsetof(struct hdr, data)`
  // (a header before the data the caller holds).
  const value = new RegExp(String.raw`^(\*?\s*${LVALUE})\s*(?:[-+][\s\S]*)?$`).exec(stripParensAndCasts(after.slice(0, end)));
  if (!value) return null;
  const rhs = stripParensAndCasts(value[1]!);
  if (!PLAIN_LVALUE.test(rhs) || NULLISH.test(rhs) || sameLvalue(rhs, target)) return null;
  const at = fn.startIndex + last.index!;
  // The copy must run before each call, not once before a loop around it; and the original must not change in between.
  if (innermostLoop(fn.descendantForIndex(at, at + 1)) !== innermostLoop(call)) return null;
  const between = after.slice(end);
  if (new RegExp(`${lvalueRe(rhs)}\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)`).test(between)) return null;
  return rhs;
}

/**
 * At a site that stores the result of a resize of `target` back into `target` (`p = f(p, n)`,
 * or a macro that does it), whether the failure path ends the program or leaves another pointer
 * holding the old block. `assignsInside`: the callee is a macro or wrapper that stores the
 * result itself (the site is a bare `GROW(p, n);`). `params`: the enclosing function's.
 * `elsewhere`: functions declared noreturn in the headers the file includes.
 */
export function siteFailure(
  call: Node,
  target: string,
  text: string,
  fn: Node | null,
  params: readonly string[],
  assignsInside: boolean,
  elsewhere?: Elsewhere,
): SiteFailure {
  let s = startOf(call);
  if (assignsInside && (!s || 'returned' in s)) {
    const stmt = outer(call).parent;
    s = stmt?.type === 'expression_statement' ? { start: stmt, result: target } : null;
  }
  if (!s || 'returned' in s || !sameLvalue(s.result, target)) return {};
  const plain = /^[A-Za-z_]\w*$/.test(stripParensAndCasts(target));
  const name = stripParensAndCasts(target);
  const origin = fn && plain && !params.includes(name) ? copiedFrom(fn, s.start.startIndex, name, call) : null;
  const walk = followFailure(s.start, target, origin ? [origin] : [], text, 'failure', elsewhere, sizeArgs(call, target));
  const o = walk.outcome;
  if (o.kind === 'dies') return { failureEnds: o.by };
  const returnedHere = () => {
    const after = fn!.text.slice(Math.max(0, call.endIndex - fn!.startIndex));
    // `return p;`, `return (void *)p;`, past a header: `return p + 1;`, `return &p[1];`, `return p->data;`
    const n = escapeRe(name);
    const returned = new RegExp(
      String.raw`\breturn\s*(?:\(\s*[\w\s*]+\)\s*)*\(?\s*(?:${n}\s*(?:[-+]\s*\w+\s*)?|&\s*${n}\s*\[\s*\w+\s*\]|&?\s*${n}\s*->\s*\w+)\s*\)?\s*;`,
    ).test(after);
    const otherReturn = o.kind === 'returns' && (o.value === 'other' || o.value === 'void' || o.value === 'old');
    return returned && !otherReturn;
  };
  if (fn && plain && params.includes(name) && innermostLoop(call) === null) {
    // `ptr = inner_realloc(ptr, n); …; return ptr;`: the caller passed the old pointer in and still has it.
    const before = fn.text.slice(0, Math.max(0, s.start.startIndex - fn.startIndex));
    const setBefore = new RegExp(String.raw`(?<![\w.>])${escapeRe(name)}\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|(?:\+\+|--)\s*${escapeRe(name)}\b`).test(before.slice(before.indexOf('{')));
    if (!setBefore && returnedHere()) return { oldBlockHeldBy: 'the caller' };
  }
  // A copy of a parameter (also `(T *)param - 1`, a header before the caller's data) counts like
  // the parameter: not a leak when returned. A copy of anything else (a member, `*pp`, a global)
  // keeps the old block reachable as long as the failure path leaves it alone.
  if (origin && params.includes(origin)) return returnedHere() && innermostLoop(call) === null ? { oldBlockHeldBy: 'the caller' } : {};
  if (origin && o.kind !== 'unknown' && walk.holders.includes(origin)) return { oldBlockHeldBy: origin };
  if (origin && o.kind !== 'unknown' && walk.freed) return { oldBlockFreed: true };
  return {};
}
