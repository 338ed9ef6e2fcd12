// Whether a top-level item spells a name in its code, not only in its comments or string and
// character literals. A name written only there holds no call or reference of it, so the item is
// not parsed for that name: on the dense bench corpus, 61 of the 800 items the code trees took in
// for a name (358 K of their 1.5 M characters) spelled it only in a comment or a string.
// Literals and comments are read as the layout's scanner reads them (regions.ts): a line break
// ends a broken literal, and a backslash at a line's end continues a `//` comment.
import { endOfLineComment, endOfQuoted, type TextRange } from './regions';

const COMMENT_OR_QUOTE = /\/[*/]|["']/g;
const globals = new WeakMap<RegExp, RegExp>();

/** `pattern` with the g flag (made once per pattern), for searches from a given index. */
function searching(pattern: RegExp): RegExp {
  let g = globals.get(pattern);
  if (!g) globals.set(pattern, (g = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`)));
  return g;
}

/** Does `pattern` (a names pattern: matches hold no `/`, quote or line break) match in `item` outside comments and literals? */
export function spelledInCode(text: string, item: TextRange, pattern: RegExp): boolean {
  // The item alone (a slice shares the text's characters): a search that finds nothing in it must
  // not run on through the rest of the file, once per item. Its ends are no word characters (an
  // item starts at code after a separator and ends at `;`, `}` or a line's end), so `\b` holds there.
  const part = text.slice(item.start, item.end);
  const re = searching(pattern);
  let match = -1; // the first match at or after `from`, once searched
  const nextMatch = (from: number): number => {
    if (match >= from) return match;
    re.lastIndex = from;
    const m = re.exec(part);
    match = m ? m.index : Infinity;
    return match;
  };
  let i = 0;
  while (i < part.length) {
    const hit = nextMatch(i);
    if (hit >= part.length) return false;
    COMMENT_OR_QUOTE.lastIndex = i;
    const special = COMMENT_OR_QUOTE.exec(part);
    const stop = special ? special.index : part.length;
    if (hit < stop) return true;
    if (stop >= part.length) return false;
    i = afterCommentOrLiteral(part, stop);
  }
  return false;
}

/** The index after the comment or literal starting at `at` (a `/` of `/*` or `//`, or a quote), read by the layout's own readers. */
function afterCommentOrLiteral(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === 47 /* / */) {
    if (text.charCodeAt(at + 1) === 42 /* * */) {
      const end = text.indexOf('*/', at + 2);
      return end < 0 ? text.length : end + 2;
    }
    return endOfLineComment(text, text.indexOf('\n', at)) + 1;
  }
  const end = endOfQuoted(text, at, c);
  return end < 0 ? text.length : end + 1;
}
