// Text helpers for quick fixes: positions, edits, indentation, #include insertion, fresh names.
// Pure functions of the file's text; no tree needed (the analysis recorded what the fixes need
// in CallSite.facts).

/** 1-based line and column (UTF-16 units), like CallSite positions. */
export interface FixPosition {
  line: number;
  column: number;
}

export interface FixEdit {
  range: { start: FixPosition; end: FixPosition };
  newText: string;
}

export interface Fix {
  title: string;
  kind: 'quickfix';
  isPreferred?: boolean;
  /** Non-overlapping edits, in any order; applied together or not at all. */
  edits: FixEdit[];
  /** A precondition or caveat the fix rests on (also written into the code as a comment when it is a precondition). */
  note?: string;
}

/** Offsets of line starts, for offset ↔ position. */
export class LineIndex {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): FixPosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
  offset(p: FixPosition): number {
    const s = this.starts[Math.min(Math.max(p.line, 1), this.starts.length) - 1]!;
    return s + p.column - 1;
  }
  lineText(line: number): string {
    if (line < 1 || line > this.starts.length) return '';
    const s = this.starts[line - 1]!;
    const e = line < this.starts.length ? this.starts[line]! - 1 : this.text.length;
    return this.text.slice(s, e).replace(/\r$/, '');
  }
  get eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }
}

export function edit(lines: LineIndex, start: number, end: number, newText: string): FixEdit {
  return { range: { start: lines.position(start), end: lines.position(end) }, newText };
}

/** Applies edits (non-overlapping) to `text`; throws when two overlap, which a fix must never produce. */
export function applyEdits(text: string, edits: readonly FixEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e) => ({ s: lines.offset(e.range.start), e: lines.offset(e.range.end), t: e.newText }))
    .sort((a, b) => a.s - b.s || a.e - b.e);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.s < spans[i - 1]!.e) throw new Error('overlapping edits in one fix: a bug in src/core/fixes; report it with the file');
  }
  let out = '';
  let at = 0;
  for (const sp of spans) {
    out += text.slice(at, sp.s) + sp.t;
    at = sp.e;
  }
  return out + text.slice(at);
}

/** The indentation step of the file: the smallest positive indentation of a line, tabs winning. */
export function indentUnit(text: string): string {
  let best = Infinity;
  for (const m of text.matchAll(/^([ \t]+)\S/gm)) {
    const ind = m[1]!;
    if (ind.startsWith('\t')) return '\t';
    if (ind.length < best) best = ind.length;
  }
  return Number.isFinite(best) && best >= 2 && best <= 8 ? ' '.repeat(best) : '  ';
}

/** Re-indents a block of code lines: strips their common indentation, then prefixes `indent` (directive lines stay at column 1). */
export function reindent(code: string, indent: string): string[] {
  const raw = code.replace(/\r/g, '').split('\n');
  while (raw.length && raw[0]!.trim() === '') raw.shift();
  while (raw.length && raw[raw.length - 1]!.trim() === '') raw.pop();
  // The first line of a node's text has no leading indentation of its own: ignore it for the common part.
  const rest = raw.slice(1).filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
  const common = rest.length ? Math.min(...rest.map((l) => /^[ \t]*/.exec(l)![0].length)) : 0;
  return raw.map((l, i) => {
    if (l.trim() === '') return '';
    if (/^\s*#/.test(l)) return l.trimStart();
    return indent + (i === 0 ? l.trimStart() : l.slice(Math.min(common, /^[ \t]*/.exec(l)![0].length)));
  });
}

/** A name not spelled anywhere in `text` (so it shadows and collides with nothing). */
export function freshName(text: string, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '') || 'tmp';
  const candidates = [`new_${clean}`, `${clean}_new`, `pagecost_${clean}`];
  for (const c of candidates) if (!new RegExp(`\\b${c}\\b`).test(text)) return c;
  for (let i = 2; ; i++) if (!new RegExp(`\\bnew_${clean}${i}\\b`).test(text)) return `new_${clean}${i}`;
}

/** The last identifier of an lvalue (`v->items` → `items`, `a[i]` → `a`). */
export function baseName(lvalue: string): string {
  const noIndex = lvalue.replace(/\[[^\]]*\]/g, '');
  const ids = noIndex.match(/[A-Za-z_]\w*/g);
  return ids ? ids[ids.length - 1]! : 'tmp';
}

/** True when evaluating `expr` again cannot change anything (no assignment, ++/--, or calls but to a few pure ones). */
export function sideEffectFree(expr: string): boolean {
  const e = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  if (/\+\+|--/.test(e)) return false;
  if (/(?:^|[^=!<>+\-*/%&|^])=(?!=)|[+\-*/%&|^]=|<<=|>>=/.test(e)) return false;
  for (const m of e.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    if (!['sizeof', '_Alignof', 'alignof', 'getpagesize', 'sysconf', 'offsetof', '__builtin_offsetof'].includes(m[1]!)) return false;
  }
  return true;
}

const INCLUDE_LINE = /^[ \t]*#[ \t]*include\b/;
const COND_OPEN = /^[ \t]*#[ \t]*if(?:n?def)?\b/;
const COND_CLOSE = /^[ \t]*#[ \t]*endif\b/;

/** An edit adding `#include <header>` after the last unconditional #include above `before`, or null when it is already there. */
export function includeEdit(lines: LineIndex, header: string, before: number): FixEdit | null {
  const text = lines.text;
  if (new RegExp(`^[ \\t]*#[ \\t]*include[ \\t]*<${header.replace(/[./]/g, '\\$&')}>`, 'm').test(text)) return null;
  let depth = 0;
  let afterLine = 0; // insert after this line (0: at the top)
  let lastSource = 0;
  for (let n = 1; n <= lines.starts.length && lines.starts[n - 1]! < before; n++) {
    const l = lines.lineText(n);
    if (COND_OPEN.test(l)) depth++;
    else if (COND_CLOSE.test(l)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && INCLUDE_LINE.test(l)) afterLine = n;
    else if (depth === 0 && /^[ \t]*#[ \t]*define[ \t]+_\w*SOURCE\b/.test(l)) lastSource = n;
  }
  const line = afterLine || lastSource;
  const eol = lines.eol;
  if (line === 0) return { range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, newText: `#include <${header}>${eol}` };
  const end = lines.lineText(line).length + 1;
  return { range: { start: { line, column: end }, end: { line, column: end } }, newText: `${eol}#include <${header}>` };
}
