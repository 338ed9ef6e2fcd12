// Partial parsing: which parts of a C file the analysis can need, so tree-sitter parses only
// those (Parser.parse with `includedRanges`; positions stay those of the whole file).
//
// Everything is kept except the inside of function bodies that never spell a relevant name:
// preprocessor lines, declarations, types, enums and globals all stay (the size evaluator and
// the #if conditions need them), and so does every body that mentions a primitive or a known
// wrapper. A skipped body parses as `{}`. On a typical file that leaves a small fraction of the
// text; since parsing is most of a scan's time, this is where the speed comes from.
//
// The split is a plain character scan (comments, strings, character literals and directive
// lines are skipped; braces counted). When the braces do not balance — #if branches that each
// open a block, a stray brace — the layout counts them again following the first branch of each
// conditional group (not an `#if 0`), as a compiler sees one configuration (FirstBranches); if they still do not
// balance, it gives up and the whole file is parsed: never wrong, only slower.

import { isWordChar } from './chars';

export interface TextRange {
  start: number;
  end: number;
}

/** A function body's inside: from after `{` to before its `}`. */
export interface Body extends TextRange {
  /**
   * Declared `inline`: never left out, because the size evaluator reads such helpers
   * (`static inline size_t st_mult(a, b) { ...; return a * b; }`) to evaluate calls to them.
   */
  inline: boolean;
}

const inlineRe = /\b(?:__)?inline(?:__)?\b/;

/**
 * `scan` with the answers for the last few texts kept: a text is asked about by several passes
 * in a row (a header's bodies by its symbols, its words and its constants; a file's layout by its
 * code tree and its own symbols). The answers are shared: callers never change them.
 */
function recentByText<T>(scan: (text: string) => T): (text: string) => T {
  // Compared with ===, not kept in a Map: a Map hashes every new text in full (V8 caches the hash
  // on the string, but most texts are asked about once), ~1 ns a character — ~10–18 ms of the
  // dense corpus's 26 M characters, where === rejects another text at its length or first
  // differing character.
  const recent: { text: string; answer: T }[] = [];
  return (text) => {
    for (const r of recent) if (r.text === text) return r.answer;
    const answer = scan(text);
    if (recent.length >= 8) recent.shift();
    recent.push({ text, answer });
    return answer;
  };
}

/** Function bodies of `text` (top-level `{...}` after a `)`), or null when the braces do not balance. */
export const functionBodies: (text: string) => Body[] | null = recentByText(scanBodies);

function scanBodies(text: string): Body[] | null {
  const bodies: Body[] = [];
  const n = text.length;
  let depth = 0;
  let bodyStart = -1;
  let bodyInline = false;
  let lastSignificant = 0; // last code character seen at depth 0
  let itemStart = 0; // where the current top-level declaration began
  let atLineStart = true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      atLineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) continue;
    if (c === 35 /* # */ && atLineStart) {
      // A directive runs to the end of the line, backslash-newlines included.
      i = endOfDirective(text, i);
      if (depth === 0) itemStart = i + 1;
      continue;
    }
    atLineStart = false;
    if (c === 47 /* / */ && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d === 42 /* * */) {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) return null;
        i = end + 1;
        continue;
      }
      if (d === 47) {
        i = endOfLineComment(text, text.indexOf('\n', i));
        continue;
      }
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const end = endOfQuoted(text, i, c);
      if (end < 0) return null;
      i = end;
      if (depth === 0) lastSignificant = c;
      continue;
    }
    if (c === 123 /* { */) {
      if (depth === 0) {
        bodyStart = lastSignificant === 41 /* ) */ ? i + 1 : -1;
        bodyInline = bodyStart >= 0 && inlineRe.test(text.slice(itemStart, i));
      }
      depth++;
    } else if (c === 125 /* } */) {
      depth--;
      if (depth < 0) return null;
      if (depth === 0) {
        if (bodyStart >= 0) bodies.push({ start: bodyStart, end: i, inline: bodyInline });
        bodyStart = -1;
        lastSignificant = c;
        itemStart = i + 1;
      }
    } else if (depth === 0) {
      lastSignificant = c;
      if (c === 59 /* ; */) itemStart = i + 1;
    } else i = nextInBody(text, i + 1) - 1;
  }
  return depth === 0 ? bodies : null;
}

/**
 * The file cut into top-level pieces: `items` (a function with its header and body, a
 * declaration up to its `;`, with the directives and comments inside it; or a `#define`,
 * `#include`… line) and `fixed` (the conditional directives between items, and the comments
 * between items that hold a directive-like line). The code tree parses `fixed` plus the items that
 * name something relevant; everything else a scan needs of the file (macros, types, globals) comes
 * from its symbols, parsed apart and only when a size asks (see shard.ts). Null when the braces
 * do not balance, even following one branch of each conditional group (then the file is parsed whole).
 */
export interface FileLayout {
  items: TextRange[];
  fixed: TextRange[];
  /** The function bodies functionBodies finds, read in the same pass (layoutBodies adds their `inline`). */
  bodies?: BodySpan[];
  /**
   * The text holds neither shape treeText.ts rewrites for tree-sitter (no `/*` in a directive,
   * no `{` after a top-level `;`) and the two scans read it alike (no line comment continued by a
   * backslash): its tree text is the text itself, without the rewrite's own pass over it.
   */
  plain?: boolean;
  /**
   * When the only doubt is directives of several lines holding a comment: each one's `#` and its
   * last character as endOfDirective found it ([hash, end, …]). The text is plain if the
   * rewrite's own reader of each ends it there and blanks nothing (treeText.ts asks): most are a
   * `#define` whose trailing comment runs over lines, which it leaves as it is.
   */
  plainUnless?: number[] | null;
}

/** A function body found by scanLayout, and where functionBodies' `inline` test starts before it. */
export interface BodySpan extends TextRange {
  /** After the last `;`, `}` or directive line at the top level before the body. */
  declarationStart: number;
}

const CONDITIONAL = /^#[ \t]*(?:if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b/;

export const fileLayout: (text: string) => FileLayout | null = recentByText((text) => scanLayout(text, null) ?? scanLayout(text, new FirstBranches()));

/**
 * With `branches`, braces are counted along the first branch of each conditional group (the
 * second pass, for a text whose braces do not balance otherwise); the layout then has no
 * `bodies` (functionBodies still says null for such a text) and is not `plain` (the rewrite's
 * own brace count, which treeText.ts trusts for plain, is the plain one).
 */
function scanLayout(text: string, branches: FirstBranches | null): FileLayout | null {
  const items: TextRange[] = [];
  const fixed: TextRange[] = [];
  const n = text.length;
  let depth = 0;
  let itemStart = -1;
  let lastSignificant = 0;
  let inBody = false;
  let atLineStart = true;
  // functionBodies' own bookkeeping (see scanBodies), for the bodies a scanned file's symbols need.
  const bodies: BodySpan[] = [];
  let declarationStart = 0;
  let bodyStart = -1;
  let plain = true;
  let doubtful: number[] | null = null;
  let nextHash = -2; // the first `#` at or after the latest comment between items (-1: none; -2: not looked for)
  let linkage = 0; // open `extern "C" {` blocks, read as top level
  const close = (end: number) => {
    items.push({ start: itemStart, end });
    itemStart = -1;
    inBody = false;
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      atLineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) continue;
    if (c === 35 /* # */ && atLineStart) {
      const end = endOfDirective(text, i);
      // Between items a directive stands alone; inside one (an #ifdef in a body or between a
      // header and its body) it belongs to the item. The conditionals always stay (an #if
      // without its #endif would not parse); a #define or #include is an item of its own, kept
      // only when it names something. (With its newline: the grammar ends a directive there.)
      if (depth === 0 && itemStart < 0) {
        const range = { start: i, end: Math.min(n, end + 2) };
        if (CONDITIONAL.test(text.slice(i, Math.min(n, i + 16)))) fixed.push(range);
        else items.push(range);
      }
      if (depth === 0) declarationStart = end + 1;
      // A comment in a directive of several lines is what the rewrite blanks (and it reads such a
      // directive with quotes in mind, where endOfDirective does not); on one line, both end it there.
      if (plain && commentInLongDirective(text, i, end)) (doubtful ??= []).push(i, end);
      if (branches !== null && branches.directive(text, i, depth, linkage)) {
        depth = branches.depth;
        linkage = branches.linkage;
      }
      i = end;
      continue;
    }
    atLineStart = false;
    if (c === 47 /* / */ && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d === 42 || d === 47) {
        let end: number;
        if (d === 42) {
          end = text.indexOf('*/', i + 2);
          if (end < 0) return null;
        } else {
          const nl = text.indexOf('\n', i);
          end = endOfLineComment(text, nl);
          // The rewrite ends a line comment at its first line break, continued or not.
          if (end !== (nl < 0 ? n : nl - 1)) plain = false;
        }
        const last = d === 42 ? end + 1 : end;
        // A comment matters to the tree only when a line in it looks like a directive: conditions.ts
        // asks the tree whether such a line is in a comment.
        if (depth === 0 && itemStart < 0 && d === 42 && nextHash !== -1) {
          if (nextHash < i) nextHash = text.indexOf('#', i);
          if (nextHash >= 0 && nextHash < last && /\n[ \t]*#/.test(text.slice(i, last))) fixed.push({ start: i, end: Math.min(n, last + 1) });
        }
        i = last;
        continue;
      }
    }
    if (itemStart < 0) itemStart = i;
    if (c === 34 || c === 39) {
      const end = endOfQuoted(text, i, c);
      if (end < 0) return null;
      i = end;
      if (depth === 0) lastSignificant = c;
      continue;
    }
    if (c === 123 /* { */) {
      if (depth === 0) {
        if ((lastSignificant === 34 /* " */ && isLinkageOpen(text, itemStart, i)) || (branches !== null && isNamespaceOpen(text, itemStart, i))) {
          // `extern "C" {`: what it holds are items of their own, and the line is no item (C
          // never reads it: it stands in `#ifdef __cplusplus`). Kept whole, it made a header's
          // every declaration one item (curl.h: 124 K characters parsed for one function).
          linkage++;
          itemStart = -1;
          lastSignificant = c;
          declarationStart = i + 1;
          continue;
        }
        inBody = lastSignificant === 41 /* ) */;
        bodyStart = i + 1;
        if (lastSignificant === 59 /* ; */) plain = false; // maybe a K&R header: `grow(p, n) char *p; int n; {`
      }
      depth++;
    } else if (c === 125 /* } */) {
      if (depth === 0 && linkage > 0) {
        // The `extern "C"` block's own `}`: it ends what ran on without a `;` and is no item.
        linkage--;
        if (itemStart < i) close(i);
        itemStart = -1;
        lastSignificant = c;
        declarationStart = i + 1;
        continue;
      }
      depth--;
      if (depth < 0) return null;
      if (depth === 0) {
        lastSignificant = c;
        if (inBody) {
          // functionBodies leaves out a body inside `extern "C" {` (it reads the block as one): so does this.
          if (linkage === 0) bodies.push({ start: bodyStart, end: i, declarationStart });
          close(i + 1);
        }
        declarationStart = i + 1;
      }
    } else if (depth === 0) {
      lastSignificant = c;
      if (c === 59 /* ; */) {
        close(i + 1);
        declarationStart = i + 1;
      }
    } else i = nextInBody(text, i + 1) - 1;
  }
  if (depth !== 0 || linkage !== 0) return null;
  if (itemStart >= 0) close(n);
  if (branches !== null) return { items, fixed, plain: false, plainUnless: null };
  return { items, fixed, bodies, plain: plain && !doubtful, plainUnless: plain ? doubtful : null };
}

/**
 * Brace depths along the first branch of each `#if … #elif/#else … #endif` group (the second
 * after an `#if 0`, which no configuration compiles). Code that compiles balances its braces in
 * every configuration, but not always across the branches of one group: `#ifdef A` /
 * `if (a(x)) {` / `#else` / `if (b(x)) {` / `#endif` opens one block for the compiler and two
 * for a plain count. Each branch starts again from the depth (and open `extern "C"` blocks) at
 * the group's `#if`, and after the `#endif` the count goes on from where the followed branch
 * ended. Every branch's text still lands in an item or between items as the count reads it, so
 * nothing is left out of the parse: only the cut differs.
 */
class FirstBranches {
  depth = 0;
  linkage = 0;
  // Per open group, GROUP_FIELDS numbers: depth and linkage at its `#if`, then at the end of the
  // followed branch (-1: not ended), the branch read now and the one followed (0, or 1 after `#if 0`).
  private readonly open: number[] = [];

  /** Reads the directive at `hash`; true when the count goes on from `depth` and `linkage` here. */
  directive(text: string, hash: number, depth: number, linkage: number): boolean {
    const line = text.slice(hash, hash + 16);
    if (!CONDITIONAL.test(line)) return false;
    const kind = conditionalKind(text, hash);
    const open = this.open;
    if (kind === 'open') {
      open.push(depth, linkage, -1, 0, 0, IF_ZERO.test(line) ? 1 : 0);
      return false;
    }
    const g = open.length - GROUP_FIELDS;
    if (g < 0) return false; // its `#if` is in no text read here
    if (open[g + 4] === open[g + 5] && open[g + 2]! < 0) {
      open[g + 2] = depth;
      open[g + 3] = linkage;
    }
    if (kind === 'close') {
      // No branch followed (`#if 0` without `#else`): on from the `#if`.
      const ended = open[g + 2]! >= 0;
      this.depth = ended ? open[g + 2]! : open[g]!;
      this.linkage = ended ? open[g + 3]! : open[g + 1]!;
      open.length = g;
    } else {
      open[g + 4] = open[g + 4]! + 1;
      this.depth = open[g]!;
      this.linkage = open[g + 1]!;
    }
    return true;
  }
}

const GROUP_FIELDS = 6;
const IF_ZERO = /^#[ \t]*if[ \t]+0(?![\w.])/;

/**
 * `text[start, brace)` is `namespace NAME`: C++ only, in a `#ifdef __cplusplus` branch, which
 * FirstBranches follows (nedmalloc's `namespace nedalloc {` / `#else` / `extern "C" {`): read
 * like the `extern "C" {` of the other branch, so the file's items stay items.
 */
function isNamespaceOpen(text: string, start: number, brace: number): boolean {
  return start >= 0 && text.startsWith('namespace', start) && /^namespace\s+[A-Za-z_]\w*\s*$/.test(text.slice(start, brace));
}

/** `text[start, brace)` is `extern "C"` (or `"C++"`): the `{` at `brace` opens a linkage block. */
function isLinkageOpen(text: string, start: number, brace: number): boolean {
  return start >= 0 && text.startsWith('extern', start) && /^extern\s*"C(?:\+\+)?"\s*$/.test(text.slice(start, brace));
}

/**
 * functionBodies(text) from `layout` (scanLayout's of the same text), without a second scan when
 * the layout holds its bodies: a scanned file is cut for its code tree first, and its symbols' guards
 * ask for its bodies after (177 files, 6.7 M characters scanned again on the dense corpus).
 */
export function layoutBodies(text: string, layout: FileLayout | null): Body[] | null {
  if (!layout) return null;
  if (!layout.bodies) return functionBodies(text);
  return layout.bodies.map((b) => ({ start: b.start, end: b.end, inline: inlineRe.test(text.slice(b.declarationStart, b.start - 1)) }));
}

/**
 * Of `directives` (a layout's conditional directive lines, in text order), those a parse of
 * `items` (sorted, none overlapping a directive) needs: every line of an `#if … #endif` group that
 * holds one of them (its conditions), and every line that pairs with no other among `directives`
 * (an `#ifdef __cplusplus` whose `#endif` is inside an item). A group around none of the items is
 * a run of lines balanced among themselves with nothing else parsed between them: leaving it out
 * changes nothing else, and git-compat-util.h has 259 such lines where one lookup reads a few items.
 */
export function conditionalsAround(text: string, directives: readonly TextRange[], items: readonly TextRange[]): TextRange[] {
  const keep = new Uint8Array(directives.length);
  const open: { members: number[]; itemsBefore: number }[] = [];
  let k = 0; // items before the current directive
  for (let d = 0; d < directives.length; d++) {
    const at = directives[d]!.start;
    while (k < items.length && items[k]!.start < at) k++;
    const kind = conditionalKind(text, at);
    if (kind === 'open') {
      open.push({ members: [d], itemsBefore: k });
      continue;
    }
    const group = open[open.length - 1];
    if (!group) {
      keep[d] = 1; // its group starts inside an item
      continue;
    }
    group.members.push(d);
    if (kind === 'close') {
      open.pop();
      if (k > group.itemsBefore) for (const m of group.members) keep[m] = 1;
    }
  }
  // Groups whose `#endif` is inside an item.
  for (const group of open) for (const m of group.members) keep[m] = 1;
  return directives.filter((_, d) => keep[d] === 1);
}

/** `#if`, `#ifdef`, `#ifndef` open a group, `#endif` closes it; `#elif…`/`#else` go on with it. */
function conditionalKind(text: string, hash: number): 'open' | 'close' | 'middle' {
  let i = hash + 1;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  if (text.startsWith('endif', i)) return 'close';
  return text.startsWith('if', i) ? 'open' : 'middle';
}

/** Merges sorted-or-not ranges into sorted, non-overlapping ones. */
export function mergeRanges(ranges: TextRange[]): TextRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: TextRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** The first index from `from` where the identifier `word` stands whole (`\bword\b`), or -1. */
export function wordIndex(text: string, word: string, from: number): number {
  for (let at = text.indexOf(word, from); at >= 0; at = text.indexOf(word, at + 1)) {
    if ((at === 0 || !isWordChar(text.charCodeAt(at - 1))) && !isWordChar(text.charCodeAt(at + word.length))) return at;
  }
  return -1;
}

/** Where something is spelled in a text: the first place from an index, and the length found there. */
export interface Spelling {
  from(at: number): number;
  length(at: number): number;
}

/**
 * The places the identifier `word` stands whole, by indexOf and a check of the characters either
 * side. A regex made for one lookup runs in V8's regex interpreter (it is compiled to machine
 * code only once it has run a while): over the 12 M characters the dense corpus's header lookups
 * search, several times slower than indexOf.
 */
export function wordSpelling(text: string, word: string): Spelling {
  return { from: (at) => wordIndex(text, word, at), length: () => word.length };
}

/** The places `pattern` (any flags; run globally) matches in `text`. */
export function regexSpelling(text: string, pattern: RegExp): Spelling {
  const re = new RegExp(pattern.source, 'g');
  let matched = '';
  return {
    from: (at) => {
      re.lastIndex = at;
      const m = re.exec(text);
      matched = m?.[0] ?? '';
      return m ? m.index : -1;
    },
    length: () => Math.max(1, matched.length),
  };
}

/**
 * The places of names a text is known to spell (offsets in text order, with the name at each: a
 * NameMatches answer), as a Spelling: the items naming them are found without a scan of the text.
 */
export function placesSpelling(places: readonly { at: number; name: string }[]): Spelling {
  let k = 0;
  return {
    from: (at) => {
      // The first place at or after `at` (itemsSpelling asks in ascending order; any order works).
      let lo = 0;
      let hi = places.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (places[mid]!.at < at) lo = mid + 1;
        else hi = mid;
      }
      k = lo;
      return k < places.length ? places[k]!.at : -1;
    },
    length: () => places[k]!.name.length,
  };
}

/** Indexes of `items` that hold a place of `spelled` (one place is enough for an item). */
export function itemsSpelling(items: readonly TextRange[], spelled: Spelling): number[] {
  const out: number[] = [];
  let k = 0;
  for (let at = spelled.from(0); at >= 0; ) {
    while (k < items.length && items[k]!.end <= at) k++;
    if (k >= items.length) break;
    let next = at + spelled.length(at);
    if (items[k]!.start <= at) {
      out.push(k);
      next = Math.max(next, items[k]!.end);
    }
    at = spelled.from(next);
  }
  return out;
}

/** Indexes of the items that contain a match of `pattern` (any flags; run globally). */
export function itemsMatching(text: string, items: readonly TextRange[], pattern: RegExp): number[] {
  return itemsSpelling(items, regexSpelling(text, pattern));
}

/**
 * Inside braces, after a character that is no line start, only a comment, a quote, a brace or a
 * directive changes anything for the scanners here and in treeText: the index of the next `"`,
 * `'`, `/`, `{` or `}`, or of the line break before a directive (blanks, then `#`), or the text's
 * end. A line break before anything else only starts a line those scanners then read as code, so
 * it is passed over. Bodies are most of a C file: one regex run (V8 compiles it to machine code)
 * steps through them ~1.3× faster than a table lookup a character that stopped at every line
 * (the layout and bodies scans of the dense corpus's 49 M characters: 91 → 75 and 89 → 68 ms).
 */
export function nextInBody(text: string, i: number): number {
  BODY_STOP.lastIndex = i;
  return BODY_STOP.test(text) ? BODY_STOP.lastIndex - 1 : text.length;
}

/** A line break counts only when blanks and then a `#` follow (the blanks the scanners' loops pass over at a line start). */
const BODY_STOP = /["'\/{}]|\n(?=[\t\n\v\f\r ]*#)/g;

function endOfDirective(text: string, i: number): number {
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    // A block comment opened on the directive line may run on; continuation by backslash too.
    const line = text.slice(i, nl);
    const open = line.lastIndexOf('/*');
    if (open >= 0 && line.indexOf('*/', open + 2) < 0) {
      const end = text.indexOf('*/', i + open + 2);
      if (end < 0) return text.length;
      i = end + 2;
      continue;
    }
    let k = nl - 1;
    if (k >= 0 && text.charCodeAt(k) === 13) k--;
    if (k >= 0 && text.charCodeAt(k) === 92 /* \ */) {
      i = nl + 1;
      continue;
    }
    return nl - 1;
  }
}

/**
 * Whether the directive text[hash, end] runs over several lines and a `/*` starts in it. One
 * pass of charCodeAt: an indexOf of its line break per directive cost the layout ~40% more.
 */
function commentInLongDirective(text: string, hash: number, end: number): boolean {
  let lines = false;
  let comment = false;
  for (let j = hash; j <= end; j++) {
    const c = text.charCodeAt(j);
    if (c === 10) lines = true;
    else if (c === 47 && text.charCodeAt(j + 1) === 42) comment = true;
  }
  return lines && comment;
}

/** The last character of a line comment whose first line ends at `nl` (its line break, or -1), backslash-continued lines included. */
export function endOfLineComment(text: string, nl: number): number {
  for (;;) {
    if (nl < 0) return text.length;
    let k = nl - 1;
    if (k >= 0 && text.charCodeAt(k) === 13) k--;
    if (k >= 0 && text.charCodeAt(k) === 92) {
      nl = text.indexOf('\n', nl + 1);
      continue;
    }
    return nl - 1;
  }
}

/** Index of the closing quote, or -1. A newline ends a broken literal (as compilers recover). */
export function endOfQuoted(text: string, i: number, quote: number): number {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 92) {
      k++;
      continue;
    }
    if (c === quote) return k;
    if (c === 10) return k - 1;
  }
  return -1;
}

/**
 * The ranges to parse: the whole text minus the bodies in `skip`. Returns null when nothing
 * is skipped (then parse normally).
 */
export function includedRanges(text: string, skip: readonly Body[]): TextRange[] | null {
  if (!skip.length) return null;
  const out: TextRange[] = [];
  let at = 0;
  for (const b of skip) {
    if (b.start > at) out.push({ start: at, end: b.start });
    at = b.end;
  }
  if (at < text.length) out.push({ start: at, end: text.length });
  return out;
}

/** Bodies in `bodies` that can be left out: not inline, and spelling none of the names `pattern` matches. */
export function bodiesWithout(text: string, bodies: readonly Body[], pattern: RegExp): Body[] {
  const sticky = new RegExp(pattern.source, 'g');
  const hits: number[] = [];
  for (let m = sticky.exec(text); m; m = sticky.exec(text)) hits.push(m.index);
  // Both lists are in text order: walk them together.
  const out: Body[] = [];
  let h = 0;
  for (const b of bodies) {
    while (h < hits.length && hits[h]! < b.start) h++;
    if (b.inline || (h < hits.length && hits[h]! < b.end)) continue;
    out.push(b);
  }
  return out;
}

/**
 * Rows and columns of offsets in one text, as tree-sitter's includedRanges wants them: the line
 * breaks are counted from the nearest offset asked before, so a text parsed in parts many times
 * (a header for each name looked up in it) is read about once. An array of every line start did
 * this before: the scan's largest allocation after the texts themselves (11.5 MB on the dense
 * bench corpus) for a few points a parse.
 */
export class LinePoints {
  // The offsets asked so far, ascending, with their rows and line starts.
  private readonly offsets = [0];
  private readonly rows = [0];
  private readonly lineStarts = [0];

  constructor(private readonly text: string) {}

  point(index: number): { row: number; column: number } {
    const offsets = this.offsets;
    let k = offsets.length - 1;
    if (offsets[k]! > index) {
      let lo = 0;
      while (lo < k) {
        const mid = (lo + k + 1) >> 1;
        if (offsets[mid]! <= index) lo = mid;
        else k = mid - 1;
      }
    }
    let row = this.rows[k]!;
    let lineStart = this.lineStarts[k]!;
    if (offsets[k] !== index) {
      for (let nl = this.text.indexOf('\n', offsets[k]!); nl >= 0 && nl < index; nl = this.text.indexOf('\n', nl + 1)) {
        row++;
        lineStart = nl + 1;
      }
      offsets.splice(k + 1, 0, index);
      this.rows.splice(k + 1, 0, row);
      this.lineStarts.splice(k + 1, 0, lineStart);
    }
    return { row, column: index - lineStart };
  }
}

/** Row/column of every range boundary, as tree-sitter's includedRanges wants them. */
export function toTreeSitterRanges(text: string, ranges: readonly TextRange[], points = new LinePoints(text)) {
  return ranges.map((r) => ({ startIndex: r.start, endIndex: r.end, startPosition: points.point(r.start), endPosition: points.point(r.end) }));
}
