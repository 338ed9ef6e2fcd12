// Parts of a C file tree-sitter could not parse (ERROR and MISSING nodes), and whether a call
// site could hide in them. Code that compiles often trips the grammar on macros it cannot know
// (`UNUSED` parameter attributes, `for_each_item(x) { … }` iteration macros, types passed as
// macro arguments); those regions are harmless unless they spell a name the analysis watches.
// So a region becomes a file problem only when its code (comments and strings aside) names a
// primitive or a wrapper in a place that could be a call nobody found: not a call site found
// there, not a declaration (`void *xrealloc(void *, size_t);`, `(*xrealloc)(…)`), not a
// directive's name (`#define realloc(p, n) …`, `#ifdef realloc`), not the body of a macro that
// wrapper detection read or that is itself a known wrapper, not an argument of a macro used at
// file scope outside any initializer. The other regions are counted (ScanStats.unparsedRegions)
// and listed with --verbose.
import type { Node } from 'web-tree-sitter';
import { functionBodies } from '../../scan/regions';
import { treeSitterText } from './treeText';
import { typeOf } from './ancestry';

export interface UnparsedRegion {
  /** 1-based lines, inclusive. */
  startLine: number;
  endLine: number;
  startOffset: number;
  endOffset: number;
  /** Watched or wrapper names spelled in the region where a call could have been missed. */
  names: string[];
  /** Every one of them is in the body of a `#define` the grammar could not read (a wrapper macro may be missed). */
  inMacros?: boolean;
}

/** Blanks comments and string/character literals, keeping offsets. */
function codeOnly(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

const MAX_NODES = 20000;

/** Children of an ERROR node the grammar read whole: the calls in them are found like any other. */
const READ_WHOLE = new Set([
  'comment', 'function_definition', 'expression_statement', 'compound_statement', 'if_statement', 'for_statement',
  'while_statement', 'do_statement', 'switch_statement', 'case_statement', 'return_statement', 'break_statement',
  'continue_statement', 'goto_statement', 'labeled_statement', 'call_expression', 'preproc_include', 'preproc_def',
  'preproc_function_def', 'preproc_call', 'preproc_if', 'preproc_ifdef', 'type_definition', 'struct_specifier',
  'union_specifier', 'enum_specifier',
]);

/**
 * The parts of a tree that did not parse: MISSING tokens, and inside each ERROR node the tokens it
 * holds itself, its nested ERRORs, and the children recovery made of something it could not read
 * (a declaration or declarator where a call stood: `label: GROW (p, 1);`) — not the statements,
 * definitions and directives it read whole. One stray `#if` inside a condition can make a
 * thousand-line ERROR of a whole `#ifdef` block; the places that did not parse are a few lines.
 */
function errorNodes(root: Node): { node: Node; outer: number; missing: boolean }[] {
  // `missing` is known here for every piece (a child with no error is not MISSING: MISSING has
  // one), so unparsedRegions need not ask wasm again.
  const out: { node: Node; outer: number; missing: boolean }[] = [];
  // Each piece keeps the outermost ERROR it came from: pieces of one ERROR on touching lines are one region.
  // `leaf`: an ERROR pushed for being one (it has no error below it: not MISSING, nothing to ask).
  const stack: { node: Node; outer: number; leaf: boolean }[] = [{ node: root, outer: -1, leaf: false }];
  let seen = 0;
  while (stack.length && ++seen < MAX_NODES) {
    const { node: n, outer: o, leaf } = stack.pop()!;
    // Each of these asks wasm: once per node, not once per child.
    const isError = leaf || n.isError;
    const isMissing = !leaf && n.isMissing;
    const outer = o < 0 && (isError || isMissing) ? n.id : o;
    if (isMissing) {
      out.push({ node: n, outer, missing: true });
      continue;
    }
    for (const c of n.children) {
      if (!c) continue;
      // hasError holds for every MISSING node (tree-sitter gives it an error cost) but not for an
      // ERROR leaf (one character it could not read): two questions per child, not three.
      if (c.hasError) stack.push({ node: c, outer, leaf: false });
      else if (c.isError) stack.push({ node: c, outer, leaf: true });
      else if (isError && !READ_WHOLE.has(typeOf(c))) out.push({ node: c, outer, missing: false });
    }
    // An ERROR with nothing of its own to show (all read whole) still did not parse somewhere: itself.
    if (isError && !n.children.some((c) => c && !READ_WHOLE.has(typeOf(c)))) out.push({ node: n, outer, missing: false });
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** The directive's text from its `#` up to `at`, when `at` is on a directive line (or its continuation); else null. */
function directiveHead(text: string, at: number): string | null {
  let ls = text.lastIndexOf('\n', at - 1) + 1;
  // Continuation lines belong to the directive that starts above them.
  while (ls > 1 && text[ls - 2] === '\\') ls = text.lastIndexOf('\n', ls - 2) + 1;
  const head = text.slice(ls, at);
  return /^[ \t]*#/.test(head) ? head : null;
}

/**
 * The name at `at` is on a directive line where it cannot be a call the analysis misses:
 * `#ifdef realloc`, `#undef realloc`, the name a `#define` defines, or the body of a `#define`
 * whose own name is watched or a known wrapper (it was read as one). In another `#define`'s
 * body it could be a wrapper the analysis missed, so that counts.
 */
function onDirective(text: string, at: number, known: (name: string) => boolean): boolean {
  const head = directiveHead(text, at);
  if (head === null) return false;
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
  const prefix = statementBefore(text, at, /[;{}]/);
  return /^[\s*]*[A-Za-z_]\w*(?:[\s*]+[A-Za-z_]\w*)*[\s*]+$/.test(prefix) && !STATEMENT_WORDS.test(prefix);
}

/**
 * The code before `at` back to the last character matching `stop` (at most `window` characters), with
 * comments, strings and directive lines blanked: directives (with their continuations, also one
 * begun before the window) are not part of the statement, and a `;` or `=` in them is no boundary.
 */
function statementBefore(text: string, at: number, stop: RegExp, window = 600): string {
  const from0 = Math.max(0, at - window);
  let chunk = codeOnly(text.slice(from0, at));
  // A window that starts inside a comment has a stray `*/`.
  const stray = chunk.lastIndexOf('*/');
  if (stray >= 0) chunk = ' '.repeat(stray + 2) + chunk.slice(stray + 2);
  let lineStart = 0;
  const kept: string[] = [];
  for (const line of chunk.split('\n')) {
    const end = from0 + lineStart + line.length;
    kept.push(end < at && directiveHead(text, end) !== null ? ' '.repeat(line.length) : line);
    lineStart += line.length + 1;
  }
  const code = kept.join('\n');
  for (let i = code.length - 1; i >= 0; i--) if (stop.test(code[i]!)) return code.slice(i + 1);
  return code;
}

/**
 * The name at `at` is in the body of a `#define` the grammar did read: wrapper detection saw it
 * (also through an ERROR inside the definition, where a comment stood before a line
 * continuation: wrapper detection reads such a body from the text).
 */
function inParsedMacro(root: Node, text: string, at: number): boolean {
  let throughError = false;
  for (let n: Node | null = root.descendantForIndex(at, at + 1); n; n = n.parent) {
    if (n.type === 'preproc_def' || n.type === 'preproc_function_def') return !throughError || directiveHead(text, at) !== null;
    if (n.type === 'translation_unit') return false;
    if (n.type === 'ERROR') throughError = true;
  }
  return false;
}

/**
 * The name at `at` declares a function pointer: `void *(*grow)(…)`, or through a macro that adds
 * the calling convention, `void *CALLBACK(grow)(…)` (a struct of allocator hooks). Only type words
 * may stand before the declarator: `(*grow)(p, n);` in a body is a call.
 */
function pointerDeclarator(text: string, at: number, length: number): boolean {
  if (!/^\s*\)\s*\(/.test(text.slice(at + length, at + length + 40))) return false;
  const before = text.slice(Math.max(0, at - 80), at);
  const opener = /(?:\(\s*\*\s*(?:(?:const|volatile)\s+)*|[A-Za-z_]\w*\s*\(\s*)$/.exec(before);
  return opener !== null && declaredAt(text, at - (before.length - opener.index));
}

/**
 * The unparsed regions of `root` (a tree of `text`), merged where they touch. `names` matches
 * the watched and wrapper names as whole identifiers; `found` holds the start offsets of the
 * names of the call sites and references already found in this file.
 */
export function unparsedRegions(root: Node, text: string, names: RegExp, found: ReadonlySet<number>): UnparsedRegion[] {
  if (!root.hasError) return [];
  const spans: { start: number; end: number; first: number; last: number; outer: number }[] = [];
  for (const { node: n, outer, missing } of errorNodes(root)) {
    // A MISSING token (an inserted `;` or `)`) stands for the node it completes.
    const at = missing ? n.parent ?? n : n;
    const end = at.endPosition;
    // A node that ends at the start of a line ends on the line before.
    const last = end.column === 0 && end.row > at.startPosition.row ? end.row : end.row + 1;
    spans.push({ start: at.startIndex, end: Math.max(at.endIndex, at.startIndex + 1), first: at.startPosition.row + 1, last, outer });
  }
  spans.sort((a, b) => a.start - b.start);
  // One region per stretch of lines: two stumbles on one line are one place to look at.
  const merged: typeof spans = [];
  for (const s of spans) {
    const prev = merged[merged.length - 1];
    if (prev && (s.start <= prev.end || s.first <= prev.last || (s.outer === prev.outer && s.first <= prev.last + 1))) {
      prev.end = Math.max(prev.end, s.end);
      prev.last = Math.max(prev.last, s.last);
    } else merged.push({ ...s });
  }
  const global = new RegExp(names.source, 'g');
  const exact = new RegExp(`^(?:${names.source})$`);
  const known = (name: string) => exact.test(name);
  // Outside every function body and not in an initializer (`HOOKS(xrealloc, fn)` at file scope): not a call.
  let bodies: ReturnType<typeof functionBodies> | undefined;
  const atFileScope = (at: number): boolean => {
    // K&R headers read as prototypes (same offsets): `f (a) int a; {` has a body too.
    bodies ??= functionBodies(treeSitterText(text));
    if (!bodies || bodies.some((b) => b.start <= at && at < b.end) || directiveHead(text, at) !== null) return false;
    // An initializer can be long (a table of hooks): look further back than for a declaration.
    return !statementBefore(text, at, /[;}]/, 8000).includes('=');
  };
  return merged.map(({ start: pieceStart, end: pieceEnd, first, last }) => {
    // Names are looked for on the region's whole lines: recovery often keeps the name of a call it
    // could not read (`GROW (p, 1);` as a declarator) outside the ERROR that starts at its `(`.
    const start = text.lastIndexOf('\n', pieceStart - 1) + 1;
    const eol = text.indexOf('\n', Math.max(pieceStart, pieceEnd - 1));
    const end = eol < 0 ? text.length : eol;
    const code = codeOnly(text.slice(start, end));
    const hits = new Set<string>();
    let inCode = false;
    global.lastIndex = 0;
    for (let m = global.exec(code); m; m = global.exec(code)) {
      const at = start + m.index;
      if (found.has(at) || onDirective(text, at, known) || declaredAt(text, at) || pointerDeclarator(text, at, m[0].length)) continue;
      if (inParsedMacro(root, text, at) || atFileScope(at)) continue;
      hits.add(m[0]);
      if (directiveHead(text, at) === null) inCode = true;
    }
    const region: UnparsedRegion = { startLine: first, endLine: last, startOffset: start, endOffset: end, names: [...hits].sort() };
    if (hits.size && !inCode) region.inMacros = true;
    return region;
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
  const what = risky.every((r) => r.inMacros)
    ? 'a macro defined there may resize, and calls of it would be missed'
    : 'a call there may be missed';
  return `${parts.join(', ')}${more} did not parse (tree-sitter): ${what} — does the file compile?`;
}

/** A plain-words note for the regions that cannot hide a call (shown with --verbose). */
export function harmlessNote(regions: readonly UnparsedRegion[]): string | null {
  const quiet = regions.filter((r) => !r.names.length);
  if (!quiet.length) return null;
  const more = quiet.length > 12 ? ` and ${quiet.length - 12} more` : '';
  return `${lines(quiet.slice(0, 12))}${more} did not parse (tree-sitter); no call can be missed there (they name no resize function, or only calls that were found)`;
}
