// The preprocessor conditions an offset sits under, as readable text, outermost first:
// `#if HAVE_MREMAP`, `#ifndef NO_MMAP`, `#elif defined(__APPLE__) (not: #if __linux__)`,
// `#else (not: #if HAVE_MREMAP)`. Branches after #elif/#else name the earlier conditions they
// exclude, since a bare `#else` would say nothing.
//
// Read from the directive lines of the text, not from the syntax tree: branches that open or
// close a brace differently (`#ifdef X\n if (a) {\n#else\n if (b) {\n#endif`) are common, and
// tree-sitter then parses them as ERROR nodes that no longer say which branch a call is in.
// The preprocessor itself only looks at lines, so lines are the reliable source.
import type { Node } from 'web-tree-sitter';
import { directiveLineStart } from '../../scan/paths';

export interface DirectiveTable {
  /** Offsets where the condition stack changes (the start of each conditional directive line), ascending. */
  offsets: number[];
  /** The conditions in force after the directive at the same index. */
  stacks: string[][];
}

/** After a line's `#`: the conditional directive and the rest of its (continued) line (sticky). */
const DIRECTIVE = /[ \t]*(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b((?:[^\n\\]|\\\r?\n|\\)*)/y;

/**
 * The conditional directive lines of `text`, as `^[ \t]*#` + DIRECTIVE with the `gm` flags would
 * match them (a match runs to the end of its continued line; the next starts after it), found
 * from each `#` rather than by trying the multi-line regex at every position.
 */
function* conditionalLines(text: string): Generator<{ at: number; kind: string; rest: string }> {
  let matchedTo = 0;
  for (let hash = text.indexOf('#'); hash >= 0; hash = text.indexOf('#', hash + 1)) {
    const at = directiveLineStart(text, hash);
    if (at < matchedTo) continue; // -1, or inside the last match's continuation lines
    DIRECTIVE.lastIndex = hash + 1;
    const m = DIRECTIVE.exec(text);
    if (!m) continue;
    matchedTo = DIRECTIVE.lastIndex;
    yield { at, kind: m[1]!, rest: m[2] ?? '' };
  }
}

const squash = (s: string) =>
  s
    .replace(/\\\r?\n/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();

interface Frame {
  /** Headers of the branches seen so far in this chain (`#if A`, `#elif B`). */
  chain: string[];
  /** How the branch in force is described. */
  current: string;
}

/**
 * Whether the directive `#` at `hash` (its line starting at `at`) may sit inside a comment or a
 * string literal, as far as the text tells — only those are asked of the tree (a
 * descendantForIndex and a type read into wasm each: 3,195 and 9,585 on the dense bench corpus,
 * nearly all for directives no comment holds). It may be when: a block comment's opener before
 * it is not closed before it (every opener in the text to its first closer: their union covers
 * every block comment, whatever strings or line comments hold those marks); the line before
 * ends with a backslash (a `//` comment or a string continued); or its line does not begin
 * after a `\n` (a `//` comment or a string runs on across `\r` and U+2028). Asked with
 * ascending `hash`.
 */
export function quotedSuspects(text: string): (hash: number, at: number) => boolean {
  let open = text.indexOf('/*');
  let close = -1;
  let coveredTo = 0; // the `/*` … `*/` spans that start before the last hash reach this far
  return (hash, at) => {
    for (; open >= 0 && open < hash; open = text.indexOf('/*', open + 1)) {
      // The first `*/` after `open + 2`: the last one found while it is not before that.
      if (close < open + 2) close = text.indexOf('*/', open + 2);
      coveredTo = close < 0 ? Infinity : Math.max(coveredTo, close + 2);
      if (close < 0) {
        open = -1; // open to the end of the text, and every later opener with it
        break;
      }
    }
    if (coveredTo > hash) return true;
    if (at === 0) return false;
    if (text.charCodeAt(at - 1) !== 10) return true;
    const before = text.charCodeAt(at - 2) === 13 ? at - 3 : at - 2;
    return before >= 0 && text.charCodeAt(before) === 92;
  };
}

/**
 * The directive table of `text` (skipping directives inside comments when `root` is given), read
 * as far as it is asked: the conditions at an offset need only the directives before it, so the
 * lines after a file's last call site are never read (on the dense bench corpus 37% of the 11 M
 * characters of the 295 tables built, ~2 ms). `root`'s
 * tree must stay as it is while the table is read: a holder that edits it takes `fullDirectiveTable`.
 */
export function directiveTable(text: string, root?: Node): DirectiveTable {
  return new DirectiveReader(text, root);
}

/** The whole directive table of `text`, read now (as `directiveTable`). */
export function fullDirectiveTable(text: string, root?: Node): DirectiveTable {
  const reader = new DirectiveReader(text, root);
  return { offsets: reader.offsets, stacks: reader.stacks };
}

/** A DirectiveTable read on demand: `offsets` and `stacks` read to the end; `readBeyond` as far as needed. */
class DirectiveReader implements DirectiveTable {
  private readonly read = { offsets: [] as number[], stacks: [] as string[][] };
  private readonly frames: Frame[] = [];
  private lines: Generator<{ at: number; kind: string; rest: string }> | null;
  private readonly mayBeQuoted: (hash: number, at: number) => boolean;

  constructor(
    private readonly text: string,
    private readonly root: Node | undefined,
  ) {
    this.lines = conditionalLines(text);
    this.mayBeQuoted = root ? quotedSuspects(text) : () => false;
  }

  get offsets(): number[] {
    this.readBeyond(Infinity);
    return this.read.offsets;
  }

  get stacks(): string[][] {
    this.readBeyond(Infinity);
    return this.read.stacks;
  }

  /** The table read until a directive at or after `offset` (or the end): all conditionsAt(offset) needs. */
  readBeyond(offset: number): { offsets: number[]; stacks: string[][] } {
    const { offsets } = this.read;
    while (this.lines && !(offsets.length && offsets[offsets.length - 1]! >= offset)) {
      const next = this.lines.next();
      if (next.done) this.lines = null;
      else this.take(next.value);
    }
    return this.read;
  }

  private take({ at, kind, rest }: { at: number; kind: string; rest: string }): void {
    const { text, root, frames } = this;
    if (root) {
      const hash = text.indexOf('#', at);
      if (this.mayBeQuoted(hash, at)) {
        const n = root.descendantForIndex(hash, hash + 1);
        const type = n?.type; // each read asks wasm
        if (type === 'comment' || type === 'string_literal' || type === 'string_content') return;
      }
    }
    const cond = squash(rest);
    const header = cond ? `#${kind} ${cond}` : `#${kind}`;
    if (kind === 'if' || kind === 'ifdef' || kind === 'ifndef') {
      frames.push({ chain: [header], current: header });
    } else if (kind === 'endif') {
      frames.pop();
    } else {
      const top = frames[frames.length - 1];
      if (!top) return; // a stray #else/#elif: nothing to attach it to
      top.current = kind === 'else' ? `#else (not: ${top.chain.join(', ')})` : `${header} (not: ${top.chain.join(', ')})`;
      if (kind !== 'else') top.chain.push(header);
    }
    this.read.offsets.push(at);
    this.read.stacks.push(frames.map((f) => f.current));
  }
}

/** Conditions in force at `offset` (which must not be on a directive line itself). */
export function conditionsAt(table: DirectiveTable, offset: number): string[] {
  const { offsets, stacks } = table instanceof DirectiveReader ? table.readBeyond(offset) : table;
  let lo = 0;
  let hi = offsets.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! < offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? [] : [...stacks[found]!];
}
