// The cheap text test that decides which files are worth parsing: a file that never spells a
// known name (primitive or wrapper) as a whole word cannot contain a call site of it.
// False positives (the name in a comment) only cost a parse; false negatives cannot happen for
// names written literally. (A name built by token pasting, `x##alloc`, is not found: documented.)
import { filterOfJs, hasHash, identifierHash, identifierHashOf } from './nameHash';
import { wasmNameScanner, type NameScanner } from './nameScanWasm';

const cache = new Map<string, RegExp>();
/** The names of each namesPattern regex and their NameFilter hashes (null: not an identifier, never ruled out), for `narrowed`. */
const namesOf = new WeakMap<RegExp, { names: string[]; hashes: (number | null)[] }>();

/** A regex that matches any of `names` as a whole C identifier. */
export function namesPattern(names: Iterable<string>): RegExp {
  const sorted = [...new Set(names)].sort();
  const key = sorted.join('|');
  let re = cache.get(key);
  if (!re) {
    // Longest first is not needed with the identifier guards on both sides.
    const words = [...new Set(sorted.map((n) => n.replace(/[^A-Za-z0-9_]/g, '')).filter(Boolean))];
    // `\\b` is exact here: C identifier characters are the regex word characters (no u flag).
    // No name: a class irregexp knows to be empty, so nothing runs over the text (`(?!)` is
    // tried at every position: slower over a text than a real name).
    re = words.length ? new RegExp(`\\b(?:${words.join('|')})\\b`) : /[^\s\S]/;
    namesOf.set(re, { names: words, hashes: words.map(hashOfName) });
    if (cache.size > 64) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/**
 * `pattern` cut down to the names of it that `filter`'s text may contain; null when there are
 * none (then nothing in the text matches). Irregexp runs a 60-name alternation over a text at
 * ~2 ns a character and a handful of names at a fraction of that, and with none the regex need
 * not run at all; most files of a scan hold none or a few of the names a pass looks for.
 * A regex not made by namesPattern comes back as it is.
 */
export function narrowed(pattern: RegExp, filter: NameFilter): RegExp | null {
  const of = namesOf.get(pattern);
  if (!of) return pattern;
  if (!of.names.length) return null;
  const keep = of.names.filter((_, i) => of.hashes[i] === null || filter.mayHave(of.hashes[i]!));
  if (keep.length === of.names.length) return pattern;
  return keep.length ? namesPattern(keep) : null;
}

/** The names of a namesPattern regex (whole words of word characters), or undefined for another regex. */
export function patternNames(pattern: RegExp): readonly string[] | undefined {
  return namesOf.get(pattern)?.names;
}

/** Does `text` spell one of `pattern`'s names? With the text's filter, only the names it may hold are looked for. */
export function mentionsAny(text: string, pattern: RegExp, filter?: NameFilter): boolean {
  const re = filter ? narrowed(pattern, filter) : pattern;
  return re !== null && re.test(text);
}

/**
 * A name's NameFilter hash; null for a name the filter never rules out (not an identifier: one
 * that starts with a digit is a number's tail to it). Worked out from the name each time: cheaper
 * than remembering it by name (identifierHashOf).
 */
const hashOfName = identifierHashOf;

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
    /** Every byte is ASCII: the text is valid UTF-8 and decodes to itself (no decoder needed to judge it). */
    readonly ascii: boolean,
  ) {}

  /**
   * The filter of a text, from its UTF-8 bytes as read (or the text, encoded). Identifiers are
   * ASCII, and every other character is bytes of 128 and up: the bytes hold the same identifiers
   * as the decoded text (a BOM or a byte invalid in UTF-8 included, which the decoder replaces
   * without taking an ASCII byte with it). Reading bytes is ~1.5× faster than charCodeAt.
   */
  static of(source: string | Uint8Array): NameFilter {
    const bytes = typeof source === 'string' ? utf8.encode(source) : source;
    // Two bits per byte of text (at least 2048) and four bits per identifier. With one bit
    // and three, 174 helper names asked of the dense bench corpus's 4,053 files were a false
    // "maybe" in 379 files (each then read again from disk and searched); with these, in 12.
    let size = 2048;
    while (size < 2 * bytes.length && size < 1 << 27) size <<= 1;
    // Every file of a scan passes here once (49 MB on the dense bench corpus).
    const { bits, high } = (scanner ??= wasmNameScanner() ?? jsScanner).filterOf(bytes, size - 1);
    return new NameFilter(bits, bits.length * 32 - 1, !high);
  }

  /** False when the text surely does not contain the name (of this hash) as a whole identifier. */
  mayHave(h: number): boolean {
    return hasHash(this.bits, this.mask, h);
  }

  /** False when the text surely does not contain `name` as a whole identifier. */
  mayHaveName(name: string): boolean {
    const h = hashOfName(name);
    return h === null || this.mayHave(h);
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
    const bytes = utf8.encode(name);
    out.push(identifierHash(bytes, 0, bytes.length));
  }
  return out;
}

/**
 * Makes the filter's scanner now and runs it over 128 KiB of text of our own: building and
 * compiling the wasm module costs a few ms of the main thread, and V8 compiles the function's
 * optimised code (in the background) only after its baseline code has run that much, so a scan
 * that warms up while it lists files reads its first files with the fast code.
 */
export function warmUpNameFilter(): void {
  if (warmedUp) return;
  warmedUp = true;
  NameFilter.of(WARM_UP_TEXT.repeat(Math.ceil((128 << 10) / WARM_UP_TEXT.length)));
}
let warmedUp = false;
const WARM_UP_TEXT = 'static void *grow_buffer(struct buf *b, size_t n) { if (n > b->cap) b->data = realloc(b->data, n * 2 + 0x10); return b->data; }\n';

const utf8 = new TextEncoder();
const jsScanner: NameScanner = { filterOf: filterOfJs };
/** The scanner of every filter: wasm where the host has WebAssembly SIMD, else the JS loop. */
let scanner: NameScanner | undefined;
