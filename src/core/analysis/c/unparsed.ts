// Parts of a C file tree-sitter could not parse (ERROR and MISSING nodes), and whether a call
// site could hide in them. Code that compiles often trips the grammar on macros it cannot know
// (`UNUSED` parameter attributes, `for_each_item(x) { … }` iteration macros, types passed as
// macro arguments); those regions are harmless unless they spell a name the analysis watches.
// So a region becomes a file problem only when its code (comments and strings aside) names a
// primitive or a wrapper in a place that could be a call nobody found: not a call site found
// there, not a declaration (`void *xrealloc(void *, size_t);`), not a directive's name
// (`#define realloc(p, n) …`, `#ifdef realloc`), not the body of a macro that is itself a known
// wrapper. The other regions are counted (ScanStats.unparsedRegions) and listed with --verbose.
import type { Node } from 'web-tree-sitter';

export interface UnparsedRegion {
  /** 1-based lines, inclusive. */
  startLine: number;
  endLine: number;
  startOffset: number;
  endOffset: number;
  /** Watched or wrapper names spelled in the region where a call could have been missed. */
  names: string[];
}

/** Blanks comments and string/character literals, keeping offsets. */
function codeOnly(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

const MAX_NODES = 20000;

/** The ERROR and MISSING nodes of a tree, outermost only, found by descending into erroneous subtrees. */
function errorNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  let seen = 0;
  while (stack.length && ++seen < MAX_NODES) {
    const n = stack.pop()!;
    if (n.isError || n.isMissing) {
      out.push(n);
      continue;
    }
    for (const c of n.children) if (c && (c.hasError || c.isMissing || c.isError)) stack.push(c);
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/**
 * The name at `at` is on a directive line where it cannot be a call the analysis misses:
 * `#ifdef realloc`, `#undef realloc`, the name a `#define` defines, or the body of a `#define`
 * whose own name is watched or a known wrapper (it was read as one). In another `#define`'s
 * body it could be a wrapper the analysis missed, so that counts.
 */
function onDirective(text: string, at: number, known: (name: string) => boolean): boolean {
  let ls = text.lastIndexOf('\n', at - 1) + 1;
  // Continuation lines belong to the directive that starts above them.
  while (ls > 1 && text[ls - 2] === '\\') ls = text.lastIndexOf('\n', ls - 2) + 1;
  const head = text.slice(ls, at);
  if (!/^[ \t]*#/.test(head)) return false;
  const def = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)?/.exec(head);
  if (!def) return true;
  return def[1] === undefined || known(def[1]);
}

const STATEMENT_WORDS = /\b(?:return|else|do|case|goto|sizeof|if|while|for|switch)\b/;

/**
 * The name at `at` is declared there, not called: only type words and `*` stand before it in
 * its statement (`void *xrealloc (void *, size_t);`, `static char *grow(char *p) {`).
 */
function declaredAt(text: string, at: number): boolean {
  // Comments first (a `;` inside one is no boundary); a chunk that starts inside a comment has a stray `*/`.
  let chunk = codeOnly(text.slice(Math.max(0, at - 600), at));
  const stray = chunk.lastIndexOf('*/');
  if (stray >= 0) chunk = chunk.slice(stray + 2);
  const from = Math.max(chunk.lastIndexOf(';'), chunk.lastIndexOf('{'), chunk.lastIndexOf('}')) + 1;
  // Directive lines before the name are not part of its statement.
  const prefix = chunk
    .slice(from)
    .split('\n')
    .filter((l) => !/^[ \t]*#/.test(l))
    .join('\n');
  return /^[\s*]*[A-Za-z_]\w*(?:[\s*]+[A-Za-z_]\w*)*[\s*]+$/.test(prefix) && !STATEMENT_WORDS.test(prefix);
}

/**
 * The unparsed regions of `root` (a tree of `text`), merged where they touch. `names` matches
 * the watched and wrapper names as whole identifiers; `found` holds the start offsets of the
 * names of the call sites and references already found in this file.
 */
export function unparsedRegions(root: Node, text: string, names: RegExp, found: ReadonlySet<number>): UnparsedRegion[] {
  if (!root.hasError) return [];
  const spans: { start: number; end: number; first: number; last: number }[] = [];
  for (const n of errorNodes(root)) {
    // A MISSING token (an inserted `;` or `)`) stands for the node it completes.
    const at = n.isMissing ? n.parent ?? n : n;
    const end = at.endPosition;
    // A node that ends at the start of a line ends on the line before.
    const last = end.column === 0 && end.row > at.startPosition.row ? end.row : end.row + 1;
    spans.push({ start: at.startIndex, end: Math.max(at.endIndex, at.startIndex + 1), first: at.startPosition.row + 1, last });
  }
  spans.sort((a, b) => a.start - b.start);
  // One region per stretch of lines: two stumbles on one line are one place to look at.
  const merged: typeof spans = [];
  for (const s of spans) {
    const prev = merged[merged.length - 1];
    if (prev && (s.start <= prev.end || s.first <= prev.last)) {
      prev.end = Math.max(prev.end, s.end);
      prev.last = Math.max(prev.last, s.last);
    } else merged.push({ ...s });
  }
  const global = new RegExp(names.source, 'g');
  const exact = new RegExp(`^(?:${names.source})$`);
  const known = (name: string) => exact.test(name);
  return merged.map(({ start, end, first, last }) => {
    const code = codeOnly(text.slice(start, end));
    const hits = new Set<string>();
    global.lastIndex = 0;
    for (let m = global.exec(code); m; m = global.exec(code)) {
      const at = start + m.index;
      if (!found.has(at) && !onDirective(text, at, known) && !declaredAt(text, at)) hits.add(m[0]);
    }
    return { startLine: first, endLine: last, startOffset: start, endOffset: end, names: [...hits].sort() };
  });
}

const span = (r: UnparsedRegion) => (r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}–${r.endLine}`);
const lines = (rs: readonly UnparsedRegion[]) => `${rs.length === 1 && rs[0]!.startLine === rs[0]!.endLine ? 'line' : 'lines'} ${rs.map(span).join(', ')}`;

/** The file problem for regions where a call may hide, or null when there are none. */
export function hiddenCallProblem(regions: readonly UnparsedRegion[]): string | null {
  const risky = regions.filter((r) => r.names.length);
  if (!risky.length) return null;
  const parts = risky.slice(0, 8).map((r) => `${lines([r])} (${r.names.map((n) => `\`${n}\``).join(', ')})`);
  const more = risky.length > 8 ? ` and ${risky.length - 8} more` : '';
  return `${parts.join(', ')}${more} did not parse (tree-sitter): a call there may be missed — does the file compile?`;
}

/** A plain-words note for the regions that cannot hide a call (shown with --verbose). */
export function harmlessNote(regions: readonly UnparsedRegion[]): string | null {
  const quiet = regions.filter((r) => !r.names.length);
  if (!quiet.length) return null;
  const more = quiet.length > 12 ? ` and ${quiet.length - 12} more` : '';
  return `${lines(quiet.slice(0, 12))}${more} did not parse (tree-sitter); no call can be missed there (they name no resize function, or only calls that were found)`;
}
