// How much of a NameFilter is kept: the filter folded in halves while it stays sparse. The JS
// path folds here (`folded`); the wasm scanner (nameScanWasm.ts) counts and folds in its own
// memory and asks `foldedWords` how far, so both keep the same bits.

/**
 * Most of a filter's bits are 0 after the pass: two bits per byte of text are room for every
 * identifier of a file made only of distinct names, and a C file repeats its names (the dense
 * bench corpus: 1.1 million distinct names per file summed over 49 MB, 17.3 MiB of filters,
 * 2–4% of bits set). The filter is kept folded in halves (OR of the two; a position p is then
 * found at p & mask, so nothing set is lost) while at most FOLD_DENSITY of its bits would be set:
 * ~7 MiB on that corpus, a few percent of a scan's peak RSS. A name is a false "maybe" with
 * probability density⁴ (4 probes): 1 in 10,000 at 10%, and a "maybe" is checked on the text.
 */
const FOLD_DENSITY = 0.1;
/** The smallest filter: 2,048 bits, as `of` makes for a small text. */
export const MIN_WORDS = 64;
/** Words sampled for the density: the hash spreads the bits evenly, so a sample tells it. */
export const SAMPLE_WORDS = 1024;

/**
 * How many words of a filter of `words` words to keep, given how many bits are set in its first
 * min(words, SAMPLE_WORDS) words (not needed, and 0, when words <= MIN_WORDS).
 */
export function foldedWords(words: number, setInSample: number): number {
  if (words <= MIN_WORDS) return words;
  let density = setInSample / (Math.min(words, SAMPLE_WORDS) * 32);
  let n = words;
  for (;;) {
    const next = 1 - (1 - density) * (1 - density);
    if (n <= MIN_WORDS || next > FOLD_DENSITY) break;
    density = next;
    n >>>= 1;
  }
  return n;
}

/** `bits` folded to foldedWords (the same array when it is not folded). */
export function folded(bits: Uint32Array): Uint32Array {
  const words = bits.length;
  if (words <= MIN_WORDS) return bits;
  const sample = Math.min(words, SAMPLE_WORDS);
  let set = 0;
  for (let i = 0; i < sample; i++) set += popcount(bits[i]!);
  const n = foldedWords(words, set);
  if (n === words) return bits;
  const out = bits.slice(0, n);
  for (let i = n; i < words; i++) out[i & (n - 1)]! |= bits[i]!;
  return out;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
