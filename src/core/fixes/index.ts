// Quick fixes for findings: pure functions from (finding, file text) to text edits.
//
// A fix must be correct C (tests apply every fix to realistic code and compile it with the
// system compiler). So each fix checks its preconditions from what the analysis recorded
// (CallSite.facts) and from the text, and is not returned when it cannot be made safely; where a
// precondition cannot be checked from the code (what kind of mapping a pointer holds), the fix
// writes that precondition into the code as a comment and names it in `note` — never silently.
// Every fix replaces whole statements (or one expression inside a test), its edits never
// overlap, and a fix whose text no longer matches the finding (a stale finding) is not offered.
import type { CallSite, Finding } from '../types';
import { isSuppressed } from '../advice/suppress';
import {
  LineIndex, applyEdits, baseName, edit, freshName, includeEdit, indentUnit, reindent, sideEffectFree,
  type Fix, type FixEdit, type FixPosition,
} from './text';
import { jsGrowthFixes } from './js';

export type { Fix, FixEdit, FixPosition };
export { applyEdits };

export interface FixOptions {
  /** One indentation step (the editor's tab settings); default: inferred from the file. */
  indentUnit?: string;
  /** Also offer the "ignore on this line" comment (default true). */
  suppression?: boolean;
}

interface Ctx {
  f: Finding;
  site: CallSite;
  text: string;
  lines: LineIndex;
  unit: string;
  eol: string;
}

/** The text of a recorded range, when it still says what the analysis saw. */
function at(c: Ctx, r: { startOffset: number; endOffset: number }): string {
  return c.text.slice(r.startOffset, r.endOffset);
}

/** The site's call is still where the finding says (the finding is not stale). */
function fresh(c: Ctx): boolean {
  const st = c.site.facts?.statement;
  if (at(c, c.site.nameRange) !== c.site.name) return false;
  if (st && !at(c, st.callRange).startsWith(c.site.name)) return false;
  return (c.site.facts?.args ?? []).every((a) => at(c, a.range) === a.text);
}

/** `// pagecost-ignore-next-line <rule>` above the statement, merged into one already there. */
function suppressionFix(c: Ctx): Fix | null {
  const rule = c.f.rule;
  const stmt = c.site.facts?.statement?.range;
  const line = Math.min(c.site.nameRange.start.line, stmt?.start.line ?? Infinity);
  const prev = c.lines.lineText(line - 1);
  const m = /^([ \t]*(?:\/\/|\/\*)[ \t]*pagecost-ignore-next-line)((?:[ \t,]+[A-Za-z0-9*][\w*-]*)*)/.exec(prev);
  const title = `Ignore ${rule} on this line (pagecost-ignore-next-line comment)`;
  if (m && line > 1) {
    const list = m[2]!.split(/[\s,]+/).filter(Boolean);
    if (!list.length || isSuppressed(rule, list.map((w) => w.replace(/^pagecost-/, '')))) return null; // already silenced
    const col = m[0].length + 1;
    return { title, kind: 'quickfix', edits: [{ range: { start: { line: line - 1, column: col }, end: { line: line - 1, column: col } }, newText: `, ${rule}` }] };
  }
  if (/NOLINTNEXTLINE/.test(prev)) {
    // A line between clang-tidy's NOLINTNEXTLINE and its line would switch that off: mark the line itself.
    const nameLine = c.site.nameRange.start.line;
    const t = c.lines.lineText(nameLine);
    if (/\\\s*$/.test(t) || /\/\*(?!.*\*\/)/.test(t)) return null; // a continued line or an open block comment
    const col = t.trimEnd().length + 1;
    return { title, kind: 'quickfix', edits: [{ range: { start: { line: nameLine, column: col }, end: { line: nameLine, column: col } }, newText: ` // pagecost-ignore-line ${rule}` }] };
  }
  const indent = /^[ \t]*/.exec(c.lines.lineText(line))![0];
  return { title, kind: 'quickfix', edits: [{ range: { start: { line, column: 1 }, end: { line, column: 1 } }, newText: `${indent}// pagecost-ignore-next-line ${rule}${c.eol}` }] };
}

/** Lines joined with the file's line ending. */
function join(c: Ctx, lines: string[]): string {
  return lines.join(c.eol);
}

/** The statement's text with its call replaced by `by` (keeps casts, the target, comments). */
function withCallReplaced(c: Ctx, by: string): string {
  const st = c.site.facts!.statement!;
  const s = st.range.startOffset;
  return c.text.slice(s, st.callRange.startOffset) + by + c.text.slice(st.callRange.endOffset, st.range.endOffset);
}

const LVALUE_SAFE = (t: string) => !/\+\+|--|\(|=/.test(t);

/** realloc-leak-on-failure: a temporary, a failure test, then the assignment. */
function leakFixes(c: Ctx): Fix[] {
  const site = c.site;
  const st = site.facts?.statement;
  if (!st || st.form !== 'assign' || st.target === undefined || site.assignedBackTo === null || !LVALUE_SAFE(st.target)) return [];
  const mremap = site.callee === 'mremap';
  const T = st.target;
  const I = st.indent;
  const U = c.unit;
  const tmp = freshName(c.text, baseName(T));
  const call = at(c, st.callRange);
  const failed = mremap ? `${tmp} == MAP_FAILED` : `!${tmp}`;
  const out: Fix[] = [];
  const nc = site.facts?.nextCheck;
  if (nc && nc.leaves && !nc.readsTarget && st.inBlock) {
    const body = nc.body.text.trim();
    const inner = body.startsWith('{') && body.endsWith('}') ? body.slice(1, -1) : body;
    const lines = [
      '{',
      `${I}${U}void *${tmp} = ${call};`,
      `${I}${U}if (${failed}) {`,
      `${I}${U}${U}/* ${site.name} failed: ${T} still points to the old ${mremap ? 'mapping' : 'block'} */`,
      ...reindent(inner, I + U + U),
      `${I}${U}}`,
      `${I}${U}${withCallReplaced(c, tmp)}`,
      `${I}}`,
    ];
    out.push({
      title: `Check the result of ${site.name} in a temporary (${T} stays valid on failure)`,
      kind: 'quickfix',
      isPreferred: true,
      edits: [edit(c.lines, st.range.startOffset, nc.range.endOffset, join(c, lines))],
    });
  }
  // Without a check to move: release the old block on failure, so the code after sees what it saw before (NULL), minus the leak.
  const direct = site.kind === 'direct-call';
  const oldSize = site.facts?.args?.[1]?.text;
  if (direct && (!mremap || (oldSize !== undefined && sideEffectFree(oldSize)))) {
    const release = mremap ? `munmap(${T}, ${oldSize});` : `free(${T});`;
    const lines = [
      '{',
      `${I}${U}void *${tmp} = ${call};`,
      `${I}${U}if (${failed})`,
      `${I}${U}${U}${release} /* ${site.name} failed: release the old ${mremap ? 'mapping' : 'block'} instead of leaking it (assumes no other pointer into it is used) */`,
      `${I}${U}${withCallReplaced(c, tmp)}`,
      `${I}}`,
    ];
    const edits = [edit(c.lines, st.range.startOffset, st.range.endOffset, join(c, lines))];
    const inc = mremap ? null : includeEdit(c.lines, 'stdlib.h', st.range.startOffset);
    if (inc) edits.unshift(inc);
    out.push({
      title: `Free the old ${mremap ? 'mapping' : 'block'} when ${site.name} fails (${T} becomes ${mremap ? 'MAP_FAILED' : 'NULL'} as before)`,
      kind: 'quickfix',
      isPreferred: out.length === 0,
      edits,
      note: `Assumes nothing else still points into the old ${mremap ? 'mapping' : 'block'} after a failed ${site.name}.`,
    });
  }
  return out;
}

function nullCheckFix(c: Ctx): Fix[] {
  const checks = c.site.facts?.nullChecks ?? [];
  if (!checks.length || checks.some((k) => at(c, k.range) !== k.text)) return [];
  return [{
    title: checks.length === 1 ? 'Compare the mremap result with MAP_FAILED' : `Compare the mremap result with MAP_FAILED (${checks.length} tests)`,
    kind: 'quickfix',
    isPreferred: true,
    edits: checks.map((k) => edit(c.lines, k.range.startOffset, k.range.endOffset, k.newText)),
  }];
}

/** Adds MREMAP_MAYMOVE to the flags argument. */
function maymoveFix(c: Ctx, why: string): Fix[] {
  const flags = c.site.facts?.args?.[3];
  if (c.site.kind !== 'direct-call' || !flags) return [];
  const f = flags.text.trim();
  const simple = /^[A-Za-z_]\w*(?:\s*\|\s*[A-Za-z_]\w*)*$/.test(f);
  const newText = /^0[uUlL]*$/.test(f) ? 'MREMAP_MAYMOVE' : `MREMAP_MAYMOVE | ${simple ? f : `(${f})`}`;
  return [{ title: `Add MREMAP_MAYMOVE${why}`, kind: 'quickfix', isPreferred: true, edits: [edit(c.lines, flags.range.startOffset, flags.range.endOffset, newText)] }];
}

/** realloc(p, a * b) → reallocarray(p, a, b). */
function reallocarrayFix(c: Ctx): Fix[] {
  const site = c.site;
  const m = site.facts?.uncheckedMultiply;
  const args = site.facts?.args;
  const st = site.facts?.statement;
  if (!m || site.kind !== 'direct-call' || site.name !== 'realloc' || !args || args.length !== 2) return [];
  const callStart = site.nameRange.startOffset;
  const callEnd = st ? st.callRange.endOffset : site.range.endOffset;
  if (at(c, { startOffset: callStart, endOffset: callEnd }) !== at(c, site.range)) return [];
  // The product must be the whole size argument (after parentheses and casts to size_t).
  const sizeArg = args[1]!.text.trim();
  const stripped = sizeArg.replace(/^\(\s*size_t\s*\)\s*/, '').replace(/^\((.*)\)$/s, '$1').trim();
  if (stripped !== `${m.left} * ${m.right}`.trim() && stripped.replace(/\s+/g, '') !== `${m.left}*${m.right}`.replace(/\s+/g, '')) return [];
  const sizeFirst = /^sizeof\b/.test(m.left.trim()) && !/^sizeof\b/.test(m.right.trim());
  const [count, size] = sizeFirst ? [m.right, m.left] : [m.left, m.right];
  const feature = /^[ \t]*#[ \t]*define[ \t]+_(?:GNU|DEFAULT|BSD)_SOURCE\b/m.test(c.text);
  return [{
    title: `Use reallocarray(${args[0]!.text}, ${count}, ${size}) (fails instead of overflowing)`,
    kind: 'quickfix',
    isPreferred: true,
    edits: [edit(c.lines, site.range.startOffset, site.range.endOffset, `reallocarray(${args[0]!.text}, ${count}, ${size})`)],
    ...(feature ? {} : {
      note: 'reallocarray is declared by <stdlib.h> in glibc ≥ 2.26 under _DEFAULT_SOURCE (on by default, off with a strict -std=c99/c11: then define _DEFAULT_SOURCE before the first #include); musl ≥ 1.2.2 and the BSDs have it too.',
    }),
  }];
}

/** realloc(p, 0) → free(p); p = NULL; */
function zeroSizeFix(c: Ctx): Fix[] {
  const st = c.site.facts?.statement;
  if (!st || st.form !== 'assign' || c.site.assignedBackTo === null || c.site.kind !== 'direct-call' || !LVALUE_SAFE(st.target ?? '(')) return [];
  const T = st.target!;
  const I = st.indent;
  const U = c.unit;
  const text = join(c, ['{', `${I}${U}free(${T});`, `${I}${U}${T} = NULL;`, `${I}}`]);
  return [{ title: `Replace with free(${T}); ${T} = NULL;`, kind: 'quickfix', isPreferred: true, edits: [edit(c.lines, st.range.startOffset, st.range.endOffset, text)] }];
}

/**
 * mremap → mmap/memcpy where the model says copying wins. Two shapes only:
 * - a same-size `MREMAP_MAYMOVE | MREMAP_FIXED` move into `dst`: memcpy into it, then munmap the
 *   source (mremap unmapped it); `dst` must already be a writable mapping (a precondition the
 *   code cannot show: written as a comment);
 * - a growing `MREMAP_MAYMOVE`: mmap the new size, copy, unmap the old; MAP_FAILED on failure as
 *   before, with the old mapping left in place (as mremap leaves it). Needs a private anonymous
 *   read/write source: checked when the pointer came from such an mmap in the function,
 *   otherwise written as a comment.
 */
function memcpyFix(c: Ctx): Fix[] {
  const site = c.site;
  const facts = site.facts;
  const st = facts?.statement;
  const args = facts?.args;
  const flags = site.flags;
  if (site.kind !== 'direct-call' || !st || !args || args.length < 4 || !flags) return [];
  if (!args.every((a) => sideEffectFree(a.text))) return [];
  if (st.form === 'declare' ? !st.inBlock : false) return [];
  const oldB = site.oldSize?.bytes ?? null;
  const newB = site.newSize?.bytes ?? null;
  if (oldB === null || newB === null) return [];
  const [P, OLD, NEW] = [args[0]!.text, args[1]!.text, args[2]!.text];
  const I = st.indent;
  const U = c.unit;
  const fl = [...flags].sort().join('|');
  const edits: FixEdit[] = [];
  let body: string[];
  let note: string;
  let title: string;
  const paren = (s: string) => (/^[A-Za-z_]\w*$/.test(s.trim()) ? s.trim() : `(${s.trim()})`);
  if (fl === 'MREMAP_FIXED|MREMAP_MAYMOVE' && args.length === 5 && oldB === newB) {
    const D = args[4]!.text;
    note = `${D} must already be a writable mapping of at least ${OLD} bytes that does not overlap ${P} (mremap made the mapping; memcpy only fills it).`;
    const lines = [
      `/* pagecost: ${note} */`,
      `memcpy(${D}, ${P}, ${OLD});`,
      `munmap(${P}, ${OLD}); /* mremap unmapped the source */`,
    ];
    if (st.form !== 'call') lines.push(withCallReplaced(c, paren(D)));
    body = lines;
    title = `Copy with memcpy into ${D} instead of moving pages with mremap`;
  } else if (fl === 'MREMAP_MAYMOVE' && newB > oldB && st.form !== 'call') {
    const tmp = freshName(c.text, `map`);
    const pre = facts?.sourceAnonymousPrivate ? null : `${P} must be a private anonymous read/write mapping (MAP_PRIVATE | MAP_ANONYMOUS, PROT_READ | PROT_WRITE); a file or shared mapping must stay with mremap.`;
    note = pre ?? `${P} comes from a private anonymous read/write mmap in this function.`;
    body = [
      ...(pre ? [`/* pagecost: ${pre} */`] : []),
      `void *${tmp} = mmap(NULL, ${NEW}, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);`,
      `if (${tmp} != MAP_FAILED) {`,
      `${U}memcpy(${tmp}, ${P}, ${OLD});`,
      `${U}munmap(${P}, ${OLD});`,
      '}',
      withCallReplaced(c, tmp),
    ];
    title = 'Allocate, copy and unmap instead of mremap (cheaper at this size)';
  } else return [];
  let text: string;
  if (st.form === 'declare') {
    // A declaration keeps its scope: the new statements go in front of it, without a block.
    text = join(c, body.map((l, i) => (i === 0 ? l : I + l)));
  } else {
    text = join(c, ['{', ...body.map((l) => I + U + l), `${I}}`]);
  }
  edits.push(edit(c.lines, st.range.startOffset, st.range.endOffset, text));
  const inc = includeEdit(c.lines, 'string.h', st.range.startOffset);
  if (inc) edits.unshift(inc);
  return [{ title, kind: 'quickfix', isPreferred: true, edits, note }];
}

/** Quick fixes for one finding; [] when none is safe. `text` is the file the finding's positions refer to. */
export function fixesFor(finding: Finding, text: string, options: FixOptions = {}): Fix[] {
  const lines = new LineIndex(text);
  const c: Ctx = { f: finding, site: finding.site, text, lines, unit: options.indentUnit ?? indentUnit(text), eol: lines.eol };
  if (!fresh(c)) return [];
  const out: Fix[] = [];
  try {
    switch (finding.rule) {
      case 'realloc-leak-on-failure': out.push(...leakFixes(c)); break;
      case 'mremap-null-check': out.push(...nullCheckFix(c)); break;
      case 'mremap-fixed-without-maymove': out.push(...maymoveFix(c, ' (MREMAP_FIXED requires it)')); break;
      case 'mremap-dontunmap-without-maymove': out.push(...maymoveFix(c, ' (MREMAP_DONTUNMAP requires it)')); break;
      case 'mremap-grow-without-maymove':
        if (c.site.assignedBackTo !== null) out.push(...maymoveFix(c, ' (the mapping may move: pointers into it go stale)'));
        break;
      case 'realloc-unchecked-multiply': out.push(...reallocarrayFix(c)); break;
      case 'realloc-zero-size': out.push(...zeroSizeFix(c)); break;
      case 'mremap-slower-than-memcpy': out.push(...memcpyFix(c)); break;
      case 'js-linear-growth': out.push(...jsGrowthFixes(finding, text, lines)); break;
      default: break;
    }
  } catch {
    // A fix that cannot be built is not offered; the suppression comment still is.
    out.length = 0;
  }
  if (options.suppression !== false) {
    const s = suppressionFix(c);
    if (s) out.push(s);
  }
  // Never hand out a fix whose edits overlap (applyEdits refuses them).
  return out.filter((fx) => {
    try {
      applyEdits(text, fx.edits);
      return true;
    } catch {
      return false;
    }
  });
}
