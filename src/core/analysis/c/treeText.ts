// The text tree-sitter is given for a C file: the file's own text with two shapes the grammar
// cannot read rewritten in place, every offset, line and column outside them unchanged (so
// positions in the tree are positions in the file, and the analysis keeps reading the file's
// own text for comments and suppressions).
//
// - A `/* comment */` inside a directive continued with backslashes (`x = 1; /* why */ \`):
//   tree-sitter ends the directive at the comment and the rest of a multi-line `#define` turns
//   into an error, losing the macro. The comment becomes spaces.
// - A K&R definition (`char **grow (list, n) char **list; int n; { … }`): tree-sitter leaves the
//   parameter declarations unparsed and the body a bare block, so the function has no name and
//   no parameters. The header becomes the prototype it means (`(char **list, int n)`), padded
//   with spaces; the line breaks move to the end of the header, so the body does not move.
//   Undeclared parameters are `int`, as in K&R. A header whose prototype would not fit, or that
//   a directive interrupts, is left as it is.
//
// One character scan, no tree; the text comes back unchanged (the same string) when neither
// shape occurs.
import type { ParseOptions, Parser, Tree } from 'web-tree-sitter';
import { endOfQuoted, fileLayout, LinePoints, nextInBody, toTreeSitterRanges, type FileLayout, type TextRange } from '../../scan/regions';
import { C_KEYWORDS } from './syntax';


interface Edit {
  start: number;
  end: number;
  text: string;
}

// The scan parses a file (and a header's pieces) more than once: the last answers are kept.
const recent: [string, string][] = [];

/** `text` with continued-directive comments blanked and K&R headers written as prototypes. */
export function treeSitterText(text: string): string {
  for (const [a, b] of recent) if (a === text) return b;
  const out = rewrite(text);
  recent.unshift([text, out]);
  if (recent.length > 4) recent.pop();
  return out;
}

/**
 * Whether `layout` (fileLayout's of `text`) shows the rewrite would leave the text as it is: it
 * says so, or its only doubts are directives this file's reader ends where the layout did,
 * blanking nothing (the two scans then read the text alike: see FileLayout.plain).
 */
function laidOutPlain(text: string, layout: FileLayout | null): boolean {
  if (!layout) return false;
  if (layout.plain) return true;
  const doubtful = layout.plainUnless;
  if (!doubtful) return false;
  const edits: Edit[] = [];
  const last = text.length - 1;
  for (let k = 0; k < doubtful.length; k += 2) {
    const end = directiveEnd(text, doubtful[k]!, edits);
    const expected = doubtful[k + 1]!;
    // At the text's end the two readers say n - 1 and n: both scans stop there.
    if (edits.length || (end !== expected && !(end >= last && expected >= last))) return false;
  }
  return true;
}

function rewrite(text: string): string {
  const edits: Edit[] = [];
  const n = text.length;
  let depth = 0;
  let atLineStart = true;
  // Top-level statements (`…;`) since the last `{}`/directive, for the K&R header test at `{`.
  let segments: { start: number; end: number }[] = [];
  let segStart = 0;
  let lastSignificant = 0;
  // Comments inside the current top-level segment, blanked when reading it.
  let comments: { start: number; end: number }[] = [];
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      atLineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) continue;
    if (c === 35 /* # */ && atLineStart) {
      const end = directiveEnd(text, i, edits);
      i = end;
      if (depth === 0) {
        segments = [];
        segStart = i + 1;
        comments = [];
      }
      continue;
    }
    atLineStart = false;
    if (c === 47 /* / */ && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d === 42) {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) break;
        if (depth === 0) comments.push({ start: i, end: end + 2 });
        i = end + 1;
        continue;
      }
      if (d === 47) {
        const nl = text.indexOf('\n', i);
        const end = nl < 0 ? n : nl;
        if (depth === 0) comments.push({ start: i, end });
        i = end - 1;
        continue;
      }
    }
    if (c === 34 || c === 39) {
      i = quotedEnd(text, i, c);
      if (depth === 0) lastSignificant = c;
      continue;
    }
    if (c === 123 /* { */) {
      if (depth === 0 && lastSignificant === 59 /* ; */ && segments.length >= 1) {
        const e = krHeader(text, segments, comments, i);
        if (e) edits.push(e);
      }
      depth++;
    } else if (c === 125 /* } */) {
      depth = Math.max(0, depth - 1);
      if (depth === 0) {
        segments = [];
        comments = [];
        segStart = i + 1;
        lastSignificant = c;
      }
    } else if (depth === 0) {
      lastSignificant = c;
      if (c === 59) {
        segments.push({ start: segStart, end: i + 1 });
        segStart = i + 1;
      }
    } else i = nextInBody(text, i + 1) - 1;
  }
  if (!edits.length) return text;
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of edits) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** End of the directive starting at `i` (index of its last character); records blanked comments. */
function directiveEnd(text: string, i: number, edits: Edit[]): number {
  let continued = false;
  const lineComments: Edit[] = [];
  let k = i;
  for (;;) {
    const nl = text.indexOf('\n', k);
    const lineEnd = nl < 0 ? text.length : nl;
    // Comments on this physical line; one left open runs on (the directive with it).
    let j = k;
    let openAt = -1;
    while (j < lineEnd) {
      const s = commentOpenIn(text, j, lineEnd);
      const q = firstQuote(text, j, lineEnd);
      if (q >= 0 && (s < 0 || q < s)) {
        j = quotedEnd(text, q, text.charCodeAt(q)) + 1;
        continue;
      }
      if (s < 0 || s >= lineEnd) break;
      const e = text.indexOf('*/', s + 2);
      if (e < 0 || e + 2 > lineEnd) {
        openAt = s;
        break;
      }
      lineComments.push({ start: s, end: e + 2, text: ' '.repeat(e + 2 - s) });
      j = e + 2;
    }
    if (openAt >= 0) {
      const e = text.indexOf('*/', openAt + 2);
      if (e < 0) return text.length;
      k = e + 2;
      continue;
    }
    if (nl < 0) break;
    let b = nl - 1;
    if (b >= 0 && text.charCodeAt(b) === 13) b--;
    if (b >= i && text.charCodeAt(b) === 92 /* \ */) {
      continued = true;
      k = nl + 1;
      continue;
    }
    if (continued && lineComments.length && !definesFunctions(text, i, nl, lineComments)) edits.push(...lineComments);
    return nl - 1;
  }
  if (continued && lineComments.length && !definesFunctions(text, i, text.length, lineComments)) edits.push(...lineComments);
  return text.length - 1;
}

/**
 * A macro that defines functions (`) {` outside any brace of its body: a template expanded at
 * file scope, like a generic hash table's) is left as it is: its expansions are no calls, and
 * what tree-sitter recovers of its body is where its calls are reported.
 */
function definesFunctions(text: string, start: number, end: number, comments: Edit[]): boolean {
  let body = text.slice(start, end);
  for (let k = comments.length - 1; k >= 0; k--) {
    const c = comments[k]!;
    body = body.slice(0, c.start - start) + c.text + body.slice(c.end - start);
  }
  body = body.replace(/\\\r?\n/g, ' ').replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
  // The macro's own parameter list is no function header: `#define PUSH(v) { … }` is a block.
  body = body.replace(/^\s*#\s*define\s+[A-Za-z_]\w*(?:\([^)]*\))?/, '');
  let depth = 0;
  let last = '';
  for (const ch of body) {
    if (ch === '{') {
      if (depth === 0 && last === ')') return true;
      depth++;
    } else if (ch === '}') depth = Math.max(0, depth - 1);
    if (!/\s/.test(ch)) last = ch;
  }
  return false;
}

/** Index of the first `/*` in text[from, to), or -1 (indexOf would look on to the next comment anywhere in the file). */
function commentOpenIn(text: string, from: number, to: number): number {
  for (let j = from; j + 1 < to; j++) if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) return j;
  return -1;
}

function firstQuote(text: string, from: number, to: number): number {
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === 34 || c === 39) return j;
    if (c === 47 && text.charCodeAt(j + 1) === 42) return -1;
  }
  return -1;
}

/** Index of the closing quote (or of the character before the line break that ends a broken literal, or the text's last). */
function quotedEnd(text: string, i: number, quote: number): number {
  const end = endOfQuoted(text, i, quote);
  return end < 0 ? text.length - 1 : end;
}

const HEADER = /^(([\s\S]*?)\b([A-Za-z_]\w*)\s*)\(\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*\)([\s\S]*)$/;

/** The view of `text[start, end)` with the comments inside it turned into spaces. */
function codeOf(text: string, start: number, end: number, comments: { start: number; end: number }[]): string {
  let s = text.slice(start, end);
  for (const c of comments) {
    if (c.end <= start || c.start >= end) continue;
    const a = Math.max(c.start, start) - start;
    const b = Math.min(c.end, end) - start;
    s = s.slice(0, a) + s.slice(a, b).replace(/[^\n]/g, ' ') + s.slice(b);
  }
  return s;
}

/**
 * The prototype rewrite of a K&R header that ends at `brace` (the body's `{`), when the
 * statements before it are `… name (a, b) decl; decl;` with every declaration naming only
 * parameters of that list.
 */
function krHeader(text: string, segments: { start: number; end: number }[], comments: { start: number; end: number }[], brace: number): Edit | null {
  // The header statement is the earliest of the trailing run whose shape fits.
  for (let j = segments.length - 1; j >= 0 && j >= segments.length - 32; j--) {
    const seg = segments[j]!;
    const code = codeOf(text, seg.start, seg.end, comments);
    const m = HEADER.exec(code);
    if (!m) continue;
    const [, head, prefix, name, list, firstDecl] = m as unknown as [string, string, string, string, string, string];
    if (C_KEYWORDS.has(name) || /[=;{}()[\]"']/.test(prefix) || /^\s*$/.test(firstDecl.replace(/;\s*$/, ''))) return null;
    const names = list.split(',').map((s) => s.trim());
    const decls = [firstDecl, ...segments.slice(j + 1).map((s) => codeOf(text, s.start, s.end, comments))];
    const declared = new Map<string, string>();
    for (const d of decls) {
      const params = paramDecls(d.trim().replace(/;$/, ''), names);
      if (!params) return null;
      for (const [k, v] of params) declared.set(k, v);
    }
    const proto = `(${names.map((p) => compact(declared.get(p) ?? `int ${p}`)).join(',')})`;
    return layOut(text, seg.start + head.length, brace, proto);
  }
  return null;
}

/** `char **list, *p` → [list → `char **list`], when every declarator declares one of `names`. */
function paramDecls(decl: string, names: string[]): Map<string, string> | null {
  if (!decl || /[={}]/.test(decl)) return null;
  const parts = splitTop(decl);
  if (!parts) return null;
  const out = new Map<string, string>();
  let type = '';
  for (let k = 0; k < parts.length; k++) {
    let part = parts[k]!.trim();
    if (k === 0) {
      // The type is what comes before the declarator: the first `*`, `(`, or the declared name.
      const toks = [...part.matchAll(/[A-Za-z_]\w*|\S/g)];
      let at = -1;
      for (let t = 0; t < toks.length; t++) {
        const tok = toks[t]![0];
        if (tok === '*' || tok === '(') {
          at = toks[t]!.index!;
          break;
        }
        if (names.includes(tok) && t > 0) {
          at = toks[t]!.index!;
          break;
        }
      }
      if (at <= 0) return null;
      type = part.slice(0, at).trim().replace(/^register\s+/, '');
      if (!type || !/^[A-Za-z_][\w\s]*$/.test(type)) return null;
      part = part.slice(at).trim();
    }
    const declared = [...part.matchAll(/[A-Za-z_]\w*/g)].map((x) => x[0]).find((id) => names.includes(id));
    if (!declared) return null;
    out.set(declared, `${type || 'int'} ${part.replace(/\s+/g, ' ')}`);
  }
  return out.size ? out : null;
}

/** A declaration with only the spaces C needs (between two words). */
function compact(decl: string): string {
  return decl.replace(/\s*([^\w\s])\s*/g, '$1').trim();
}

/** Splits at commas outside brackets; null when brackets do not balance. */
function splitTop(s: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (--depth < 0) return null;
    } else if (c === ',' && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  if (depth) return null;
  out.push(s.slice(from));
  return out;
}

/**
 * Replaces `text[start, brace)` by `proto`, padded to the same length and holding the same line
 * breaks (in place of its spaces where room is short), so the `{` keeps its offset, line and
 * column; null when the prototype does not fit.
 */
function layOut(text: string, start: number, brace: number, proto: string): Edit | null {
  const old = text.slice(start, brace);
  const lastNl = old.lastIndexOf('\n');
  if (lastNl < 0) return proto.length <= old.length ? { start, end: brace, text: proto + ' '.repeat(old.length - proto.length) } : null;
  const units = old.slice(0, lastNl + 1).match(/\r?\n/g) ?? [];
  const last = units.pop()!;
  const room = lastNl + 1 - last.length;
  let lead = proto;
  // Line breaks go where spaces were, from the end, while the prototype is too long to sit beside them.
  while (units.length && lead.length + units.join('').length > room) {
    const sp = lead.lastIndexOf(' ');
    if (sp < 0) break;
    lead = lead.slice(0, sp) + units.pop()! + lead.slice(sp + 1);
  }
  lead += units.join('');
  if (lead.length > room) return null;
  return { start, end: brace, text: lead + ' '.repeat(room - lead.length) + last + old.slice(lastNl + 1) };
}

/** Parses a C file's text as tree-sitter should read it (see above); positions are the file's. */
export function parseCText(parser: Parser, text: string, options?: ParseOptions): Tree | null {
  return parser.parse(treeSitterText(text), null, options);
}

/**
 * A C text parsed in parts many times (a file in each wrapper round that needs more of it, a
 * header for each name looked up in it): the rewritten text and the points of the ranges'
 * boundaries are worked out once for all its parses, not once per parse (on the dense bench corpus that was 21 million
 * characters rewritten for 3 million parsed).
 */
export class PreparedText {
  private rewritten: string | null = null;
  private points: LinePoints | null = null;

  constructor(readonly text: string) {}

  /**
   * What tree-sitter reads (treeSitterText). Every text parsed in parts is cut by fileLayout
   * first, and the layout's pass tells a text the rewrite would leave as it is (`plain`): on the
   * dense bench corpus 420 of 429 texts, 13.5 M characters the rewrite no longer reads.
   */
  get treeText(): string {
    return (this.rewritten ??= laidOutPlain(this.text, fileLayout(this.text)) ? this.text : treeSitterText(this.text));
  }

  /**
   * A tree of `ranges` of the text only (none: an empty tree); positions are the file's. With
   * `old`, a tree of other ranges of this same text, tree-sitter reuses what lies outside the
   * ranges that changed: a round that needs a few more functions parses those.
   */
  parseRanges(parser: Parser, ranges: readonly TextRange[], old: Tree | null = null): Tree | null {
    if (!ranges.length) return parser.parse('');
    return parser.parse(rangeReader(this.treeText, ranges), old, { includedRanges: toTreeSitterRanges(this.text, ranges, (this.points ??= new LinePoints(this.text))) });
  }
}

/**
 * The text as tree-sitter reads it for a parse of `ranges` (sorted, apart): from an index, up
 * to the end of the range holding it. Given the whole text, web-tree-sitter copies 5,120
 * characters into its buffer at each read, and a parse of a few functions of a file reads at
 * each range's start: on the dense bench corpus 9 million characters were copied for 3
 * million parsed. Never empty before the end of the text (tree-sitter would take it for the end).
 */
export function rangeReader(text: string, ranges: readonly TextRange[]): (index: number) => string {
  let k = 0;
  return (index) => {
    if (index >= text.length) return '';
    // Reads go forward but may step back (a reused subtree, node.text afterwards): move the cursor either way.
    while (k > 0 && ranges[k - 1]!.end > index) k--;
    while (k < ranges.length && ranges[k]!.end <= index) k++;
    const r = ranges[k];
    const end = r === undefined ? text.length : r.start <= index ? r.end : r.start;
    return text.slice(index, Math.min(Math.max(end, index + 1), index + 5120));
  };
}
