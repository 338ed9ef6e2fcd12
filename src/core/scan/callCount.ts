// How often helpers are called across the project, for the hover of a resize inside one ("reached
// from 12 calls of `list_append`"). A text count, so that files that never otherwise need a parse
// are not parsed for it: `name(` counts unless it declares or defines the name (a type word before
// it: `void *name(`, `#define name(`) or sits on a comment line. Approximate by design (a call
// written in a comment after code still counts), which the hover's wording allows for.

const NOT_A_TYPE = new Set(['return', 'else', 'case', 'do', 'sizeof', 'goto']);

/** A regex for `countCalls`: any of `names` as a whole word followed by `(`. */
export function callPattern(names: Iterable<string>): RegExp | null {
  const list = [...new Set(names)].filter((n) => /^[A-Za-z_]\w*$/.test(n));
  return list.length ? new RegExp(`\\b(${list.join('|')})\\s*\\(`, 'g') : null;
}

/** Calls per name in `text` (names from `pattern`, made by callPattern). */
export function countCalls(text: string, pattern: RegExp): Map<string, number> {
  const out = new Map<string, number>();
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const name = m[1]!;
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    const before = text.slice(lineStart, m.index);
    if (/^\s*(?:\/\/|\/?\*)/.test(before)) continue;
    const prev = /([A-Za-z_]\w*)[\s*]*$/.exec(before);
    if (prev && !NOT_A_TYPE.has(prev[1]!)) continue;
    // A definition's name at the start of a line, its type on the line above (BSD style).
    if (!before.trim() && lineStart > 0 && /[A-Za-z_]\w*[\s*]*$/.test(text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)) && !/[;{}]\s*$/.test(text.slice(0, lineStart - 1).slice(-200))) continue;
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}
