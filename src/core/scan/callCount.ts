// How often helpers are called across the project, for the hover of a resize inside one ("reached
// from 12 calls of `list_append`"). A text count, so that files that never otherwise need a parse
// are not parsed for it: `name(` counts unless it declares or defines the name (a type word before
// it: `void *name(`, `#define name(`) or sits on a comment line. Approximate by design (a call
// written in a comment after code still counts), which the hover's wording allows for.
//
// The count goes from each `(` back to the word before it, not from each name forward: a file asks
// for a name or two, but a C text has a `(` every ~75 characters, and finding them is a fast
// one-character search where a regex (or indexOf of each name) tries every position.

import { isRegexSpace, isWordChar } from './chars';

const NOT_A_TYPE = new Set(['return', 'else', 'case', 'do', 'sizeof', 'goto']);

/** The names `countCalls` looks for: identifiers only, each once. */
export type CallNames = readonly string[];

/** What `countCalls` looks for: `names` that are C identifiers, each once; null when none is. */
export function callNames(names: Iterable<string>): CallNames | null {
  const list = [...new Set(names)].filter((n) => /^[A-Za-z_]\w*$/.test(n));
  return list.length ? list : null;
}

/**
 * Calls per name in `text`: each of `names` as a whole word followed by `\s*(` (as the regex
 * `\b(name)\s*\(` finds them), less declarations and comment lines. In the order of each name's
 * first counted call, as a regex's left-to-right matches would give them.
 */
export function countCalls(text: string, names: CallNames): Map<string, number> {
  if (names.length === 1) return countCallsOf(text, names[0]!);
  const out = new Map<string, number>();
  for (let paren = text.indexOf('('); paren !== -1; paren = text.indexOf('(', paren + 1)) {
    let end = paren;
    while (end > 0 && isRegexSpace(text.charCodeAt(end - 1))) end--;
    const name = wordEndingAt(text, end, names);
    if (name !== null && isCountedCall(text, end - name.length)) out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

/**
 * countCalls for one name, from each place the name is spelled: an indexOf of a whole name
 * skips ahead faster than one of every `(` (the dense bench corpus's files, one name: 2.7–4.6
 * vs 5.9 ms per 14 M characters); with two names or more, two searches cost more than one.
 */
function countCallsOf(text: string, name: string): Map<string, number> {
  let n = 0;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if ((at > 0 && isWordChar(text.charCodeAt(at - 1))) || isWordChar(text.charCodeAt(at + name.length))) continue;
    let paren = at + name.length;
    while (isRegexSpace(text.charCodeAt(paren))) paren++;
    if (text.charCodeAt(paren) === 40 /* ( */ && isCountedCall(text, at)) n++;
  }
  return n ? new Map([[name, n]]) : new Map();
}

/** The one of `names` that is the whole word ending at `end`, if any. */
function wordEndingAt(text: string, end: number, names: CallNames): string | null {
  const last = text.charCodeAt(end - 1);
  for (const name of names) {
    const at = end - name.length;
    if (at < 0 || name.charCodeAt(name.length - 1) !== last || !text.startsWith(name, at)) continue;
    if (at === 0 || !isWordChar(text.charCodeAt(at - 1))) return name;
  }
  return null;
}

/** A call, not a declaration, a definition or a comment line (the rules of the file header). */
function isCountedCall(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const before = text.slice(lineStart, at);
  if (/^\s*(?:\/\/|\/?\*)/.test(before)) return false;
  const prev = /([A-Za-z_]\w*)[\s*]*$/.exec(before);
  if (prev && !NOT_A_TYPE.has(prev[1]!)) return false;
  // A definition's name at the start of a line, its type on the line above (BSD style).
  if (!before.trim() && lineStart > 0) {
    const lineAbove = text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1);
    const tail = text.slice(Math.max(0, lineStart - 1 - 200), lineStart - 1);
    if (/[A-Za-z_]\w*[\s*]*$/.test(lineAbove) && !/[;{}]\s*$/.test(tail)) return false;
  }
  return true;
}
