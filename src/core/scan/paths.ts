// Minimal POSIX path arithmetic for include resolution, so src/core needs no Node APIs.
// Paths handed to the scan use '/' separators (the CLI converts on Windows).

export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return path.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return normalizePath(rel);
  return normalizePath(dir === '' ? rel : `${dir}/${rel}`);
}

export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/**
 * Each `^[ \t]*#[ \t]*NAME[ \t]*` of a directive (lines ended as JavaScript's `^` ends them):
 * where its line starts, where NAME ends and where the operand after the blanks starts. Found
 * from each `#` the text spells rather than by a multi-line regex tried at every position: every
 * header a file reaches is read for its includes and its #define names, and the regexes took most
 * of that time. (A `#` rather than NAME: V8 finds one character ~8× faster than a word, and there
 * is one `#` before each NAME of a directive.)
 */
export function* directiveOperands(text: string, name: string): Generator<{ line: number; after: number; at: number }> {
  for (let hash = text.indexOf('#'); hash >= 0; hash = text.indexOf('#', hash + 1)) {
    let k = hash + 1;
    while (k < text.length && isBlank(text.charCodeAt(k))) k++;
    if (!text.startsWith(name, k)) continue;
    const line = directiveLineStart(text, hash);
    if (line < 0) continue;
    const after = k + name.length;
    let op = after;
    while (op < text.length && isBlank(text.charCodeAt(op))) op++;
    yield { line, after, at: op };
  }
}

/**
 * The start of the line whose first character other than blanks is the `#` at `hash` (where a
 * multi-line `^[ \t]*#` matches), or -1 when something else comes before it on its line.
 */
export function directiveLineStart(text: string, hash: number): number {
  let k = hash - 1;
  while (k >= 0 && isBlank(text.charCodeAt(k))) k--;
  return k >= 0 && !isLineEnd(text.charCodeAt(k)) ? -1 : k + 1;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * The operands `open … close` of the include lines, as `^[ \t]*#[ \t]*include[ \t]*` + open +
 * `([^close\n]+)` + close would match them with the `gm` flags: a match ends after its close, and
 * the next one starts on a later line start.
 */
function delimitedIncludes(text: string, open: string, close: string, accept: (operand: string) => boolean): string[] {
  const out: string[] = [];
  let matchedTo = 0;
  for (const { line, at } of directiveOperands(text, 'include')) {
    if (line < matchedTo || text[at] !== open) continue;
    const end = text.indexOf(close, at + 1);
    const nl = text.indexOf('\n', at + 1);
    if (end <= at + 1 || (nl >= 0 && nl < end)) continue;
    const operand = text.slice(at + 1, end);
    if (!accept(operand)) continue;
    out.push(operand);
    matchedTo = end + 1;
  }
  return out;
}

/** `#include "x.h"` targets as written (quoted includes only; `<...>` are system headers). */
export function quotedIncludes(text: string): string[] {
  return delimitedIncludes(text, '"', '"', () => true);
}

/** `<dir/x.h>`: a path with a directory (a `/` with a character either side), which a project including itself this way (`-Iinclude`) may hold. */
function hasDirectory(operand: string): boolean {
  const slash = operand.indexOf('/', 1);
  return slash > 0 && slash < operand.length - 1;
}

/**
 * The includes a scan follows into the project: the quoted ones as written, and the `<dir/x.h>`
 * ones marked with a leading `<` (looked for under each root and its `include/`, never beside
 * the file: `<stdio.h>` and other system headers without a directory are left alone).
 */
export function projectIncludes(text: string): string[] {
  const out = quotedIncludes(text);
  for (const operand of delimitedIncludes(text, '<', '>', hasDirectory)) out.push(`<${operand.trim()}`);
  return out;
}
