// The cheap text test that decides which files are worth parsing: a file that never spells a
// known name (primitive or wrapper) as a whole word cannot contain a call site of it.
// False positives (the name in a comment) only cost a parse; false negatives cannot happen for
// names written literally. (A name built by token pasting, `x##alloc`, is not found: documented.)

const cache = new Map<string, RegExp>();

/** A regex that matches any of `names` as a whole C identifier. */
export function namesPattern(names: Iterable<string>): RegExp {
  const sorted = [...new Set(names)].sort();
  const key = sorted.join('|');
  let re = cache.get(key);
  if (!re) {
    // Longest first is not needed with the identifier guards on both sides.
    const body = sorted.map((n) => n.replace(/[^A-Za-z0-9_]/g, '')).filter(Boolean).join('|');
    // `\\b` is exact here: C identifier characters are the regex word characters (no u flag).
    re = new RegExp(`\\b(?:${body || '(?!)'})\\b`);
    if (cache.size > 64) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function mentionsAny(text: string, pattern: RegExp): boolean {
  return pattern.test(text);
}

/**
 * Which identifiers a text may contain, as a Bloom filter built in one pass when the file is
 * read. The rounds ask about a few new names at a time over every file; most files name none of
 * them, and the filter says so without running a regex over their text. "Maybe" is confirmed with
 * the regex (false positives cost only that), "no" is always right: every identifier of the text
 * (comments and strings included, as the regex sees them) is in the filter.
 */
export class NameFilter {
  private constructor(
    private readonly bits: Uint32Array,
    private readonly mask: number,
  ) {}

  static of(text: string): NameFilter {
    // A bit per character of text (at least 1024) and three bits per identifier: a name asked
    // about is a false "maybe" about once in ten thousand files, even with hundreds of names.
    let size = 1024;
    while (size < text.length && size < 1 << 26) size <<= 1;
    const bits = new Uint32Array(size >>> 5);
    const mask = size - 1;
    const n = text.length;
    // Every file of a scan passes here once (57 MB on the dense bench corpus): one table lookup
    // per character, and the hash taken while the identifier is read.
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const kind = c < 128 ? CHAR_KIND[c]! : OTHER;
      if (kind === OTHER) {
        i++;
        continue;
      }
      if (kind === DIGIT) {
        // A number, or the tail of something that is not an identifier: skip it whole.
        do i++;
        while (i < n && isPart(text.charCodeAt(i)));
        continue;
      }
      let h = 0x811c9dc5;
      let d = c;
      for (;;) {
        h = Math.imul(h ^ d, 0x01000193);
        if (++i >= n) break;
        d = text.charCodeAt(i);
        if (!isPart(d)) break;
      }
      const a = h & mask;
      const b = (h >>> 11) & mask;
      const e = (h >>> 21 | h << 11) & mask;
      bits[a >>> 5]! |= 1 << (a & 31);
      bits[b >>> 5]! |= 1 << (b & 31);
      bits[e >>> 5]! |= 1 << (e & 31);
    }
    return new NameFilter(bits, mask);
  }

  /** False when the text surely does not contain the name (of this hash) as a whole identifier. */
  mayHave(h: number): boolean {
    const a = h & this.mask;
    const b = (h >>> 11) & this.mask;
    const d = (h >>> 21 | h << 11) & this.mask;
    const bits = this.bits;
    return (bits[a >>> 5]! & (1 << (a & 31))) !== 0 && (bits[b >>> 5]! & (1 << (b & 31))) !== 0 && (bits[d >>> 5]! & (1 << (d & 31))) !== 0;
  }

  mayHaveAny(hashes: readonly number[]): boolean {
    for (const h of hashes) if (this.mayHave(h)) return true;
    return false;
  }

  /** The names (parallel to `hashes`) the text may contain. */
  candidates(names: readonly string[], hashes: readonly number[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < hashes.length; i++) if (this.mayHave(hashes[i]!)) out.push(names[i]!);
    return out;
  }
}

/** The hashes NameFilter uses, for names asked about often. */
export function nameHashes(names: Iterable<string>): number[] {
  const out: number[] = [];
  for (const name of new Set(names)) {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    out.push(h);
  }
  return out;
}

const OTHER = 0;
const START = 1;
const DIGIT = 2;
/** What each ASCII character is to a C identifier: a start (letter, `_`), a digit, or neither. */
const CHAR_KIND = new Uint8Array(128).map((_, c) => ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 ? START : c >= 48 && c <= 57 ? DIGIT : OTHER));

function isPart(c: number): boolean {
  return c < 128 && CHAR_KIND[c] !== OTHER;
}
