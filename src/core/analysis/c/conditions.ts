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

export interface DirectiveTable {
  /** Offsets where the condition stack changes (the start of each conditional directive line), ascending. */
  offsets: number[];
  /** The conditions in force after the directive at the same index. */
  stacks: string[][];
}

const DIRECTIVE = /^[ \t]*#[ \t]*(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b((?:[^\n\\]|\\\r?\n|\\)*)/gm;

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

/** Scans the conditional directives of `text` (skipping ones inside comments when `root` is given). */
export function directiveTable(text: string, root?: Node): DirectiveTable {
  const offsets: number[] = [];
  const stacks: string[][] = [];
  const frames: Frame[] = [];
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    const at = m.index;
    if (root) {
      const hash = text.indexOf('#', at);
      const n = root.descendantForIndex(hash, hash + 1);
      if (n && (n.type === 'comment' || n.type === 'string_literal' || n.type === 'string_content')) continue;
    }
    const kind = m[1]!;
    const cond = squash(m[2] ?? '');
    const header = cond ? `#${kind} ${cond}` : `#${kind}`;
    if (kind === 'if' || kind === 'ifdef' || kind === 'ifndef') {
      frames.push({ chain: [header], current: header });
    } else if (kind === 'endif') {
      frames.pop();
    } else {
      const top = frames[frames.length - 1];
      if (!top) continue; // a stray #else/#elif: nothing to attach it to
      top.current = kind === 'else' ? `#else (not: ${top.chain.join(', ')})` : `${header} (not: ${top.chain.join(', ')})`;
      if (kind !== 'else') top.chain.push(header);
    }
    offsets.push(at);
    stacks.push(frames.map((f) => f.current));
  }
  return { offsets, stacks };
}

/** Conditions in force at `offset` (which must not be on a directive line itself). */
export function conditionsAt(table: DirectiveTable, offset: number): string[] {
  const { offsets } = table;
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
  return found < 0 ? [] : [...table.stacks[found]!];
}
