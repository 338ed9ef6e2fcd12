// Syntax facts around a call site that only the tree has, for the correctness rules
// (src/core/advice/correctness.ts) and the quick fixes (src/core/fixes/): the statement the call
// is the value of, the failure check right after it, whether the old pointer was saved, how an
// mremap result is tested, an unchecked `n * size`, and the suppression comments on its lines.
//
// Cost: every question is answered from the call's own statement, its neighbours, or a text
// slice of its enclosing function (regexes over the function's text, node lookups only at their
// matches), never by walking the whole tree. Sites are rare, so this stays well under the
// call-site finder's own time. A regex made for one site's names is compiled on its first run,
// which costs more than the run: each is run only where a plain text test says it can match.
//
// Invariant for the incremental document: every fact depends only on the site's enclosing
// function (or, at file scope, on text whose edits re-analyse the whole file), so re-analysing
// a changed function gives the same facts as a fresh analysis. Ranges in facts move with the
// site (shiftFactRanges).
import type { Node } from 'web-tree-sitter';
import type { ArgFact, CallSite, Range, SiteFacts, TextReplacement } from '../../types';
import { markersOn } from '../../advice/suppress';
import { cannotLeakOnFailure } from '../../advice/correctness';
import { argTexts, type NameUse } from './callSites';
import { sameLvalue, stripParensAndCasts } from './substitute';
import { declaratorName, enclosingFunctionNode, functionParams } from './syntax';
import { argTextAt } from './wrappers';
import { inner, lvalueRe, lvalueTail, outer, siteFailure } from './failureContract';
import { fileCalls, isAbortingAssertion, type Elsewhere } from './noReturn';
import { isWordChar } from '../../scan/chars';
import { parentOf, typeOf } from './ancestry';

function rangeOf(n: Node): Range {
  const end = n.endPosition; // a call into wasm, and a new object, at each read
  return {
    start: { line: n.startPosition.row + 1, column: n.startPosition.column + 1 },
    end: { line: end.row + 1, column: end.column + 1 },
    startOffset: n.startIndex,
    endOffset: n.endIndex,
  };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function indentAt(text: string, offset: number): string {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(ls, offset))![0];
}

const NULLISH = /^(?:NULL|0|0L|0UL|nullptr|\(\s*void\s*\*\s*\)\s*0)$/;
const MAP_FAILED_RE = /^(?:MAP_FAILED|\(\s*void\s*\*\s*\)\s*-\s*1)$/;

/** The last statement of a body (a block's last statement, or the statement itself). */
function lastStatement(body: Node): Node | null {
  if (body.type !== 'compound_statement') return body;
  const kids = body.namedChildren.filter((c) => c && c.type !== 'comment') as Node[];
  return kids.length ? lastStatement(kids[kids.length - 1]!) : null;
}

/**
 * How the body ends: `dies` (a call of a function that does not return, or an assertion that
 * cannot hold: `assert(0)`), `leaves` (return/goto/break/continue), or falls through.
 */
function ending(body: Node, text: string, elsewhere?: Elsewhere): 'dies' | 'leaves' | 'falls' {
  const last = lastStatement(body);
  if (!last) return 'falls';
  if (['return_statement', 'goto_statement', 'break_statement', 'continue_statement'].includes(last.type)) return 'leaves';
  if (last.type === 'expression_statement') {
    const e = last.namedChild(0);
    const call = e ? inner(e) : null;
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    if (fn && fn.type === 'identifier') {
      const first = call!.childForFieldName('arguments')?.namedChild(0)?.text.trim();
      if (fileCalls(text).noReturn(fn.text, first, elsewhere)) return 'dies';
      if (isAbortingAssertion(fn.text) && first !== undefined && /^(?:0|false|FALSE|!\s*".*")$/.test(first)) return 'dies';
    }
  }
  return 'falls';
}

/** `cond` (an if's condition) is a failure test of `target`: `!t`, `t == NULL`, `NULL == t`, `t == MAP_FAILED`. */
function testsFailure(cond: Node, target: string, mremap: boolean): boolean {
  const e = inner(cond);
  if (!mremap && e.type === 'unary_expression' && e.childForFieldName('operator')?.text === '!') {
    const a = e.childForFieldName('argument');
    return !!a && sameLvalue(a.text, target);
  }
  if (e.type === 'binary_expression' && e.childForFieldName('operator')?.text === '==') {
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    if (!l || !r) return false;
    const failed = mremap ? MAP_FAILED_RE : NULLISH;
    return (sameLvalue(l.text, target) && failed.test(r.text.trim())) || (sameLvalue(r.text, target) && failed.test(l.text.trim()));
  }
  return false;
}

/** What the realloc-leak repair needs about the `if` right after the statement. */
function nextCheckOf(stmt: Node, target: string, text: string, mremap: boolean, elsewhere?: Elsewhere): SiteFacts['nextCheck'] {
  const next = stmt.nextNamedSibling;
  if (!next || next.type !== 'if_statement' || next.childForFieldName('alternative')) return undefined;
  if (text.slice(stmt.endIndex, next.startIndex).trim() !== '') return undefined; // a comment in between
  const cond = next.childForFieldName('condition');
  const body = next.childForFieldName('consequence');
  if (!cond || !body || !testsFailure(cond, target, mremap)) return undefined;
  const bodyText = body.text;
  const withoutFree = /free|munmap/.test(bodyText) ? bodyText.replace(new RegExp(`\\b(?:free|munmap)\\s*\\(\\s*${lvalueRe(target)}\\s*[,)]`, 'g'), '') : bodyText;
  const reads = withoutFree.includes(lvalueTail(target)) && new RegExp(lvalueRe(target)).test(withoutFree);
  const end = ending(body, text, elsewhere);
  return {
    range: rangeOf(next),
    body: { text: bodyText, range: rangeOf(body) },
    leaves: end !== 'falls',
    ...(end === 'dies' ? { dies: true } : {}),
    readsTarget: reads,
  };
}

const isBlock = (n: Node | null): boolean => !!n && typeOf(n) === 'compound_statement';

/** A copy of `r` (facts and site do not share Range objects). */
function copyRange(r: Range): Range {
  return { start: { ...r.start }, end: { ...r.end }, startOffset: r.startOffset, endOffset: r.endOffset };
}

/** `callRange`: the call's range when the caller has it (the site's), which spares two calls into wasm. */
function statementOf(call: Node, text: string, callRange?: Range): { stmt: Node; facts: NonNullable<SiteFacts['statement']> } | null {
  const o = outer(call);
  const holder = parentOf(o);
  if (!holder) return null;
  let stmt: Node | null = null;
  let form: 'assign' | 'declare' | 'call';
  let target: string | undefined;
  const holderType = typeOf(holder);
  if (holderType === 'assignment_expression') {
    const right = holder.childForFieldName('right');
    const left = holder.childForFieldName('left');
    if (holder.childForFieldName('operator')?.text !== '=' || !right || !left || right.id !== o.id) return null;
    const up = parentOf(holder);
    if (!up || typeOf(up) !== 'expression_statement') return null;
    stmt = up;
    form = 'assign';
    target = left.text;
  } else if (holderType === 'init_declarator') {
    const value = holder.childForFieldName('value');
    const decl = parentOf(holder);
    if (!value || value.id !== o.id || !decl || typeOf(decl) !== 'declaration') return null;
    if (decl.childrenForFieldName('declarator').length !== 1) return null;
    const name = declaratorName(holder.childForFieldName('declarator'));
    if (!name) return null;
    stmt = decl;
    form = 'declare';
    target = name.text;
  } else if (holderType === 'expression_statement') {
    stmt = holder;
    form = 'call';
  } else return null;
  return {
    stmt,
    facts: {
      form,
      range: rangeOf(stmt),
      indent: indentAt(text, stmt.startIndex),
      ...(target !== undefined ? { target } : {}),
      inBlock: isBlock(parentOf(stmt)),
      callRange: callRange ? copyRange(callRange) : rangeOf(call),
    },
  };
}

/**
 * What the rules ask of a function's text before a call, indexed once per function (a function
 * with many sites is scanned once, not once per site), each part only when a site asks for it.
 */
export class FunctionIndex {
  private g?: { at: number; text: string | null }[];
  private m?: { at: number; lhs: string; args: string }[];
  private readonly body: string;
  private readonly base: number;
  constructor(fn: Node, text: string) {
    this.body = text.slice(fn.startIndex, fn.endIndex);
    this.base = fn.startIndex;
  }
  /** Overflow checks: a checked-multiply helper (text null), or a test with a division (its text). */
  get guards(): { at: number; text: string | null }[] {
    if (!this.g) {
      this.g = [];
      for (const m of this.body.matchAll(OVERFLOW_GUARD_G)) this.g.push({ at: this.base + m.index, text: null });
      for (const m of this.body.matchAll(DIV_TEST_RE)) this.g.push({ at: this.base + m.index, text: m[1]! });
    }
    return this.g;
  }
  /** `x = mmap(…);`: where, the left side, the argument text. */
  get mmaps(): { at: number; lhs: string; args: string }[] {
    if (!this.m) {
      this.m = [];
      if (this.body.includes('mmap')) for (const m of this.body.matchAll(MMAP_RE)) this.m.push({ at: this.base + m.index, lhs: m[1]!, args: m[2]! });
    }
    return this.m;
  }
}

const LVALUE = String.raw`[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\s*\[[^\]\n;]*\])*`;
const COPY_RE = new RegExp(String.raw`(?<![\w.>])(${LVALUE})\s*=(?!=)\s*(?:\(\s*[^()]*\)\s*)*(\*?\s*${LVALUE})\s*[;,)]`, 'g');
const MMAP_RE = new RegExp(String.raw`(?<![\w.>])(${LVALUE})\s*=\s*(?:\([^()]*\)\s*)*mmap\s*\(([^;]*)\)\s*;`, 'g');
const DIV_TEST_RE = /\b(?:if|while|assert)\s*\(([^;{}]*\/[^;{}]*)/g;
const OVERFLOW_GUARD_G = /\b(?:__builtin_(?:u?mul|u?mull|u?mulll)?_?overflow|__builtin_mul_overflow|ckd_mul|SIZE_MAX|st_mult|mul_overflow|MUL_OVERFLOW|safe_mul|checked_mul)\b/g;

/**
 * Before the call, in the same function, the old pointer went into another variable (`old = p;`,
 * `char *old = p;`), and the pointer was not set again since (then the copy is of an older block).
 * Only the lines that spell the pointer's last name are read (few), so this costs next to nothing
 * even in long functions.
 */
function savedBefore(text: string, from: number, before: number, target: string): boolean {
  const ids = stripParensAndCasts(target).match(/[A-Za-z_]\w*/g);
  const base = ids?.[ids.length - 1];
  if (!base) return false;
  let assigns: RegExp | undefined;
  let saved: { copy: string; at: number } | null = null;
  for (let i = text.indexOf(base, from); i >= 0 && i < before; i = text.indexOf(base, i + 1)) {
    // Both regexes below match the name whole: a line where it only ends or starts a longer
    // word (`p` in `ptr`, the usual case for a one-letter pointer) has nothing for them.
    if (!wholeWordAt(text, i, base.length, from, before)) continue;
    const ls = Math.max(from, text.lastIndexOf('\n', i) + 1);
    let le = text.indexOf('\n', i);
    if (le < 0 || le > before) le = before;
    const line = text.slice(ls, le);
    const events: { at: number; copy: string | null }[] = [];
    // A copy of the pointer spells its name after an `=`: the regex, tried at every position of
    // the line, is spared the lines where none does (2.7 µs a line on the dense bench corpus).
    const eq = line.indexOf('=');
    if (eq >= 0 && line.lastIndexOf(base) > eq) {
      for (const m of line.matchAll(COPY_RE)) {
        if (sameLvalue(m[2]!, target) && !sameLvalue(m[1]!, target)) events.push({ at: m.index, copy: m[1]! });
      }
    }
    // An assignment only forgets a copy: with none seen so far nor on this line, there is nothing
    // to forget (the regex, new for each target, costs most on its first run: most sites skip it).
    if (saved || events.length) {
      for (const m of line.matchAll((assigns ??= new RegExp(`${lvalueRe(target)}\\s*=(?!=)`, 'g')))) {
        // The site's own assignment (`p = realloc(…)`, `(p = realloc(…))`) is not a later one.
        if (onlyCastsBetween(text, ls + m.index + m[0].length, before)) continue;
        events.push({ at: m.index, copy: null });
      }
    }
    for (const e of events.sort((a, b) => a.at - b.at)) saved = e.copy ? { copy: e.copy, at: ls + e.at } : null;
    i = le;
  }
  // A copy that moves afterwards is a cursor into the block, not a pointer to it (`pos = buf;
  // fill(&pos, …); buf = realloc(buf, pos - buf + 1)`): nothing holds the block's start.
  return !!saved && !movedAfter(text.slice(text.indexOf(';', saved.at) + 1, before), saved.copy);
}

/** `text` spells a whole identifier at `i` (of `length`), as far as the span `from`…`before` shows. */
function wholeWordAt(text: string, i: number, length: number, from: number, before: number): boolean {
  return (i <= from || !isWordChar(text.charCodeAt(i - 1))) && (i + length >= before || !isWordChar(text.charCodeAt(i + length)));
}

/**
 * `text` from `start` to `end` holds only blanks, `(` and casts (`(void *)`), as between an
 * assignment's `=` and the call it assigns. A character no cast has ends the test where it
 * stands: the anchored regex alone was tried at every position of a span that can run to the
 * end of a long function.
 */
function onlyCastsBetween(text: string, start: number, end: number): boolean {
  const span = text.slice(start, end);
  return !/[^\s()\w*]/.test(span) && /^[\s(]*(?:\(\s*[\w\s*]+\)\s*)*$/.test(span);
}

/**
 * `copy` moves in `text`: stepped, or its address handed out (to a function that may move it).
 * A plain reassignment is not counted: it is mostly in another branch (`else old = "";`).
 */
function movedAfter(text: string, copy: string): boolean {
  if (!text.trim()) return false;
  const c = lvalueRe(copy);
  return new RegExp(String.raw`&\s*${c}|${c}\s*(?:\+\+|--|[-+]=)|(?:\+\+|--)\s*${c}`).test(text);
}

function identifiers(n: Node): string[] {
  if (n.type === 'identifier') return [n.text];
  if (n.type === 'sizeof_expression' || n.type === 'alignof_expression') return [];
  const out: string[] = [];
  for (const c of n.namedChildren) if (c) out.push(...identifiers(c));
  return out;
}

/** `sizeof (char)`, `sizeof (unsigned char)`, or a `sizeof` the size's note says is 1 (`sizeof(byte_t) = 1`). */
function sizeOfOne(x: Node, note: string): boolean {
  const e = inner(x);
  if (e.type !== 'sizeof_expression') return false;
  const spelled = e.text.replace(/\s+/g, '');
  if (/^sizeof\((?:(?:un)?signed)?char\)$/.test(spelled)) return true;
  const squeezed = note.replace(/\s+/g, '');
  return squeezed.includes(`${spelled}=1`) && new RegExp(`${escapeRe(spelled)}=1(?![\\d.xX])`).test(squeezed);
}

/** `realloc(p, n * size)` with runtime operands and no overflow check earlier in the function. */
function uncheckedMultiply(size: Node, site: CallSite, idx: FunctionIndex | null): SiteFacts['uncheckedMultiply'] {
  if (site.newSize?.bytes !== null && site.newSize?.bytes !== undefined) return undefined; // a constant product
  const e = inner(size);
  if (typeOf(e) !== 'binary_expression' || e.childForFieldName('operator')?.text !== '*') return undefined;
  const l = e.childForFieldName('left');
  const r = e.childForFieldName('right');
  if (!l || !r) return undefined;
  const ids = [...identifiers(l), ...identifiers(r)];
  // All operands constants by their names (macros the evaluator could not see): not a runtime product.
  if (!ids.some((id) => /[a-z]/.test(id))) return undefined;
  // `cap * 2`, `2 * n`: a growth factor, not an element size; overflowing it needs half the address space.
  if ([l, r].some((x) => x.type === 'number_literal' && Number.parseInt(x.text, 10) <= 4)) return undefined;
  // `n * sizeof (char)`: a product by one cannot overflow (also a typedef of a one-byte type, as the size's note evaluated it).
  if ([l, r].some((x) => sizeOfOne(x, site.newSize?.note ?? ''))) return undefined;
  const at = size.startIndex;
  const names = [...new Set(ids)];
  const namesOperand = (t: string) => names.some((id) => t.includes(id) && new RegExp(`\\b${escapeRe(id)}\\b`).test(t));
  // A checked-multiply helper anywhere before, or `if (n > LIMIT / sizeof *p)`, `if (SIZE_MAX / size < n)`,
  // `assert(n <= max / 2)`: a comparison with a division, naming an operand, in a test before the call.
  const guarded = idx?.guards.some((g) => g.at < at && (g.text === null || (/[<>]/.test(g.text) && namesOperand(g.text))));
  if (guarded) return undefined;
  return { left: l.text, right: r.text, range: rangeOf(e) };
}

/** A NULL/0/truth test of the value `e` (an mremap result or a variable holding it), as a replacement with MAP_FAILED. */
function nullTestOf(e: Node): { kind: 'null'; fix: TextReplacement } | { kind: 'map-failed' } | null {
  const o = outer(e);
  const p = parentOf(o);
  if (!p) return null;
  const op = p.type === 'binary_expression' ? p.childForFieldName('operator')?.text : undefined;
  if (op === '==' || op === '!=') {
    const l = p.childForFieldName('left');
    const r = p.childForFieldName('right');
    const other = l && l.id === o.id ? r : l;
    if (!other) return null;
    const t = other.text.trim();
    if (MAP_FAILED_RE.test(t)) return { kind: 'map-failed' };
    if (NULLISH.test(t)) return { kind: 'null', fix: { range: rangeOf(other), text: other.text, newText: 'MAP_FAILED' } };
    return null;
  }
  const wrap = (s: string, at: Node) => {
    const up = parentOf(at);
    const bare =
      !up ||
      up.type === 'parenthesized_expression' ||
      up.type === 'expression_statement' ||
      up.type === 'return_statement' ||
      up.type === 'init_declarator' ||
      up.type === 'argument_list' ||
      (up.type === 'conditional_expression' && up.childForFieldName('condition')?.id === at.id) ||
      (up.type === 'binary_expression' && ['&&', '||'].includes(up.childForFieldName('operator')?.text ?? ''));
    return bare ? s : `(${s})`;
  };
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '!') {
    return { kind: 'null', fix: { range: rangeOf(p), text: p.text, newText: wrap(`${o.text} == MAP_FAILED`, p) } };
  }
  // `if (q)`, `while (q)`, `q ? a : b`, `q && …`: a truth test.
  const cond =
    (p.type === 'parenthesized_expression' && ['if_statement', 'while_statement', 'do_statement'].includes(p.parent?.type ?? '')) ||
    (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id === o.id) ||
    (p.type === 'binary_expression' && ['&&', '||'].includes(p.childForFieldName('operator')?.text ?? ''));
  if (cond) return { kind: 'null', fix: { range: rangeOf(o), text: o.text, newText: wrap(`${o.text} != MAP_FAILED`, o) } };
  return null;
}

/** How an mremap result is tested: at the call itself, then through the variable holding it until that is reassigned. */
function mremapChecks(call: Node, fn: Node | null, text: string, facts: SiteFacts): void {
  const checks: TextReplacement[] = [];
  let mapFailed = false;
  const note = (r: ReturnType<typeof nullTestOf>) => {
    if (!r) return;
    if (r.kind === 'map-failed') mapFailed = true;
    else checks.push(r.fix);
  };
  const o = outer(call);
  let variable: string | null = null;
  let from = o.endIndex;
  const holder = parentOf(o);
  if (holder?.type === 'assignment_expression' && holder.childForFieldName('operator')?.text === '=') {
    variable = holder.childForFieldName('left')?.text ?? null;
    note(nullTestOf(holder)); // if ((q = mremap(…)) == NULL)
    from = holder.endIndex;
  } else if (holder?.type === 'init_declarator') {
    variable = declaratorName(holder.childForFieldName('declarator'))?.text ?? null;
    from = holder.endIndex;
  } else note(nullTestOf(call));
  if (variable && fn) {
    const body = text.slice(from, fn.endIndex);
    const re = new RegExp(lvalueRe(variable), 'g');
    let seen = 0;
    for (let m = re.exec(body); m && seen < 64; m = re.exec(body), seen++) {
      const at = from + m.index;
      const node = fn.descendantForIndex(at, at + m[0].length);
      if (!node || node.startIndex !== at || node.endIndex !== at + m[0].length) continue; // comment, string, part of a longer name
      const up = parentOf(node);
      if (up?.type === 'assignment_expression' && up.childForFieldName('left')?.id === node.id) break; // reassigned: later tests are about another value
      if (up?.type === 'pointer_expression' && up.childForFieldName('operator')?.text === '&') break;
      note(nullTestOf(node));
    }
  }
  if (checks.length) facts.nullChecks = checks;
  if (mapFailed) facts.checksMapFailed = true;
}

/** `p = mmap(…, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, …)` before the call. */
function fromAnonymousMmap(idx: FunctionIndex, before: number, ptr: string): boolean {
  const last = idx.mmaps.filter((m) => m.at < before && sameLvalue(m.lhs, ptr)).pop()?.args;
  if (last === undefined) return false;
  return /\bPROT_READ\b/.test(last) && /\bPROT_WRITE\b/.test(last) && /\bMAP_PRIVATE\b/.test(last) && /\bMAP_ANON(?:YMOUS)?\b/.test(last) && !/\bMAP_SHARED/.test(last);
}

const PIECE_PARENTS: ReadonlySet<string> = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

/** The outermost node below the file (or an #if around it) that holds `n`: a function whose header did not parse. */
function topLevelPiece(n: Node): Node | null {
  let cur: Node = n;
  for (let up = parentOf(cur); up; up = parentOf(cur)) {
    if (PIECE_PARENTS.has(typeOf(up))) return cur;
    cur = up;
  }
  return null;
}

/**
 * Rules silenced on the site's lines. The line above counts only when it lies in the same
 * function as the site, or wholly at file scope: an edit there then re-analyses this site
 * (the incremental document's invariant).
 */
function suppressedAt(site: CallSite, facts: SiteFacts, stmtStartLine: number, root: Node, fn: Node | null, text: string): string[] {
  const out: string[] = [];
  const lines = stmtStartLine < site.nameRange.start.line ? [site.nameRange.start.line, stmtStartLine] : [site.nameRange.start.line];
  for (const line of lines) {
    const start = line === site.nameRange.start.line ? site.nameRange.startOffset : (facts.statement?.range.startOffset ?? site.range.startOffset);
    const ls = text.lastIndexOf('\n', start - 1) + 1;
    let le = text.indexOf('\n', start);
    if (le < 0) le = text.length;
    out.push(...markersOn(text.slice(ls, le)).thisLine);
    if (ls === 0) continue;
    const ps = text.lastIndexOf('\n', ls - 2) + 1;
    const prev = text.slice(ps, ls - 1);
    const marks = markersOn(prev).nextLine;
    if (!marks.length) continue;
    const first = ps + (prev.length - prev.trimStart().length);
    const last = ps + prev.trimEnd().length - 1;
    const ok = [first, last].every((o) => {
      let f: Node | null = root.descendantForIndex(o, o + 1);
      while (f && f.type !== 'function_definition') f = f.parent;
      return f === null || (fn !== null && f.id === fn.id);
    });
    if (ok) out.push(...marks);
  }
  return out;
}

/**
 * Facts for one site (built from `use`), or undefined when there is nothing to say.
 * `elsewhere`: functions declared noreturn in the headers the file includes; `fn`: the function
 * around the site, when the caller has it.
 */
export function siteFacts(
  use: NameUse,
  site: CallSite,
  root: Node,
  text: string,
  cache?: Map<number, FunctionIndex>,
  elsewhere?: Elsewhere,
  fn: Node | null = enclosingFunctionNode(use.nameNode),
): SiteFacts | undefined {
  const facts: SiteFacts = {};
  // Where the function's own text would be read: the function, or, when the grammar lost its
  // header (`#if` branches that each open a block), the top-level piece the call sits in.
  const scope = fn ?? topLevelPiece(use.nameNode);
  let idxMemo: FunctionIndex | null | undefined;
  const fnIndex = (): FunctionIndex | null => {
    if (idxMemo !== undefined) return idxMemo;
    if (!scope) return (idxMemo = null);
    let i = cache?.get(scope.id);
    if (!i) {
      i = new FunctionIndex(scope, text);
      cache?.set(scope.id, i);
    }
    return (idxMemo = i);
  };
  const isCall = site.kind !== 'reference' && typeOf(use.exprNode) === 'call_expression';
  let stmtStart = site.range.start.line;
  if (isCall) {
    const call = use.exprNode;
    const texts = argTexts(use);
    facts.args = use.args.map((a, i): ArgFact => ({ text: texts[i]!, range: rangeOf(a) }));
    // The site's range is its call's (siteBuilder): read from wasm once, for the site.
    const st = statementOf(call, text, site.range.startOffset === call.startIndex ? site.range : undefined);
    if (st) {
      facts.statement = st.facts;
      stmtStart = st.facts.range.start.line;
      const target = st.facts.target;
      if (target !== undefined && st.facts.inBlock) {
        const nc = nextCheckOf(st.stmt, target, text, site.callee === 'mremap', elsewhere);
        if (nc) facts.nextCheck = nc;
      }
    }
    if (site.assignedBackTo !== null && use.target.kind === 'wrapper' && use.target.def.assignsBack && use.target.def.kind === 'function') {
      facts.assignedInWrapper = true;
    }
    if (site.assignedBackTo !== null && scope && savedBefore(text, scope.startIndex, call.startIndex, site.assignedBackTo)) facts.oldPointerSaved = true;
    // The failure path is read only where the leak rule, its one reader, could still fire.
    if (site.assignedBackTo !== null && !facts.oldPointerSaved && !facts.assignedInWrapper && !cannotLeakOnFailure(site)) {
      const def = use.target.kind === 'wrapper' ? use.target.def : null;
      const f = siteFailure(call, site.assignedBackTo, text, scope, fn ? functionParams(fn) : [], !!def?.assignsBack, elsewhere);
      if (f.failureEnds) facts.failureEnds = f.failureEnds;
      if (f.oldBlockHeldBy) facts.oldBlockHeldBy = f.oldBlockHeldBy;
      if (f.oldBlockFreed) facts.oldBlockFreed = true;
    }
    if (site.callee === 'mremap' && site.kind === 'direct-call') {
      mremapChecks(call, fn, text, facts);
      const ptr = use.args[0];
      if (ptr && scope && fromAnonymousMmap(fnIndex()!, call.startIndex, ptr.text)) facts.sourceAnonymousPrivate = true;
    }
    if (site.callee === 'realloc' || site.callee === 'reallocf') {
      const size = argTextAt(use, 'size');
      if ('node' in size && size.node) {
        const u = uncheckedMultiply(size.node, site, fnIndex());
        if (u) facts.uncheckedMultiply = u;
      }
    }
  }
  const sup = suppressedAt(site, facts, stmtStart, root, fn, text);
  if (sup.length) facts.suppressed = [...new Set(sup)];
  return Object.keys(facts).length ? facts : undefined;
}

/**
 * Applies `f` to every Range inside `facts` (the incremental document shifts them after an edit).
 * Written out field by field: it runs for every site below every edit, so it must be cheap. A
 * Range-typed field added to SiteFacts must be added here too (the document test would catch it).
 */
export function mapFactRanges(facts: SiteFacts, f: (r: Range) => Range): SiteFacts {
  const out: SiteFacts = { ...facts };
  if (facts.args) out.args = facts.args.map((a) => ({ text: a.text, range: f(a.range) }));
  if (facts.statement) out.statement = { ...facts.statement, range: f(facts.statement.range), callRange: f(facts.statement.callRange) };
  if (facts.nextCheck) {
    const n = facts.nextCheck;
    out.nextCheck = { ...n, range: f(n.range), body: { text: n.body.text, range: f(n.body.range) } };
  }
  if (facts.nullChecks) out.nullChecks = facts.nullChecks.map((c) => ({ ...c, range: f(c.range) }));
  if (facts.uncheckedMultiply) out.uncheckedMultiply = { ...facts.uncheckedMultiply, range: f(facts.uncheckedMultiply.range) };
  return out;
}
