// What a NameFilter (prefilter.ts) stores for an identifier, and the plain-JS scanner that finds
// the identifiers of a text. The wasm scanner (nameScanWasm.ts) computes the same hash and sets
// the same bits; the names asked about are hashed here. Change one, change all three: the unit
// tests compare them on random texts.
//
// The hash reads an identifier 16 bytes at a time as four little-endian 32-bit words (zero past
// its end): a group's value is the sum of the words (xorshifted) times four odd constants (one SIMD multiply
// in wasm, no chain from byte to byte), groups are chained by a xorshift-multiply, and the length
// goes in last (the JS scanner knows it only then) before MurmurHash3's 32-bit finaliser makes
// every output bit depend on every input bit.

/** Multipliers of a group's four words (xxHash's 32-bit primes: odd, their bits spread). */
import { folded } from './nameFold';

export const WORD_MULTIPLIERS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;
/** Multiplier of the length, the hash's starting value. */
export const LENGTH_MULTIPLIER = 0x165667b1;
/** Multiplier of the step between groups and of the step between a name's filter positions. */
export const MIX_MULTIPLIER = 0x2c1b3c6d;

/** The hash of `length` identifier bytes at `start`. */
export function identifierHash(bytes: Uint8Array, start: number, length: number): number {
  let h = 0;
  for (let g = 0; g < length; g += 16) h = mixGroups(h) ^ groupSum(bytes, start + g, Math.min(16, length - g));
  return finish(h ^ Math.imul(length, LENGTH_MULTIPLIER));
}

/**
 * identifierHash of a name given as a string, or null when it is no identifier (a letter or `_`,
 * then letters, digits and `_`: ASCII, so its characters are its UTF-8 bytes). Read from the
 * characters as addIdentifiers reads bytes (the same steps: change both), with no encoding and
 * no table to look the name up in: the analysis asks about names it cut from a text (61,000 asks
 * per scan of the dense bench corpus), and a Map of names, hashing such a fresh string again at
 * each ask, took 5.0 ms for those asks where this takes 3.6 (mins of 15, 4 alternating runs; the
 * bytes copied to identifierHash took 5.0 too).
 */
export function identifierHashOf(name: string): number | null {
  const n = name.length;
  if (n === 0 || BYTE_KIND[name.charCodeAt(0)] !== START) return null;
  let h = 0;
  let sum = 0;
  let word = 0;
  for (let k = 0; k < n; ) {
    const c = name.charCodeAt(k);
    if (c > 127 || (BYTE_KIND[c]! & PART) === 0) return null;
    word = (word >>> 8) | (c << 24);
    if ((++k & 3) === 0) {
      sum = (sum + wordValue(word, ((k - 1) >>> 2) & 3)) | 0;
      if ((k & 15) === 0) {
        h = mixGroups(h) ^ sum;
        sum = 0;
      }
    }
  }
  return lastSteps(h, sum, word, n);
}

/** The hash's steps after an identifier's last byte: its partial word, its partial group, its length. */
function lastSteps(h: number, sum: number, word: number, n: number): number {
  const partial = n & 3;
  if (partial !== 0) sum = (sum + wordValue(word >>> (32 - 8 * partial), (n >>> 2) & 3)) | 0;
  if ((n & 15) !== 0) h = mixGroups(h) ^ sum;
  return finish(h ^ Math.imul(n, LENGTH_MULTIPLIER));
}

/** Sum of the group's words times their multipliers; bytes past `count` count as zero. */
function groupSum(bytes: Uint8Array, at: number, count: number): number {
  let sum = 0;
  for (let w = 0; w < 4; w++) {
    let word = 0;
    for (let b = 0; b < 4 && 4 * w + b < count; b++) word |= bytes[at + 4 * w + b]! << (8 * b);
    sum = (sum + wordValue(word, w)) | 0;
  }
  return sum;
}

/**
 * What word `j` of a group adds: its high half xored into its low bits first, so that bytes that
 * differ only in the top byte of their words (`outfilename`, `outFileName`: bit 5 of bytes 3 and
 * 7) do not cancel out in the sum (a product's top bits depend only on the factors' low bits).
 */
function wordValue(word: number, j: number): number {
  return Math.imul(word ^ (word >>> 15), WORD_MULTIPLIERS[j]!);
}

/** The chain from one group to the next (0 stays 0: the first group's sum is the hash so far). */
function mixGroups(h: number): number {
  return Math.imul(h ^ (h >>> 15), MIX_MULTIPLIER);
}

/** MurmurHash3's fmix32. */
function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The stride between a name's filter positions: odd, so the four are distinct in any power-of-two size. */
function step(h: number): number {
  return Math.imul(h ^ (h >>> 15), MIX_MULTIPLIER) | 1;
}

/** Sets the four bits of hash `h`: h, h + g, h + 2g, h + 3g (double hashing, g = step(h)) under `mask`. */
export function addHash(bits: Uint32Array, mask: number, h: number): void {
  const g = step(h);
  // `| 0` keeps the sums 32-bit: a sum past 2^31 would turn V8's integer code into floats (2× slower).
  let p = h & mask;
  bits[p >>> 5]! |= 1 << (p & 31);
  h = (h + g) | 0;
  p = h & mask;
  bits[p >>> 5]! |= 1 << (p & 31);
  h = (h + g) | 0;
  p = h & mask;
  bits[p >>> 5]! |= 1 << (p & 31);
  h = (h + g) | 0;
  p = h & mask;
  bits[p >>> 5]! |= 1 << (p & 31);
}

/** False when one of the four bits of hash `h` is clear: no identifier of the text has this hash. */
export function hasHash(bits: Uint32Array, mask: number, h: number): boolean {
  const g = step(h);
  for (let k = 0; k < 4; k++, h = (h + g) | 0) {
    const p = h & mask;
    if ((bits[p >>> 5]! & (1 << (p & 31))) === 0) return false;
  }
  return true;
}

/** A text's filter as made: its bits, and whether a byte is 128 or more (the text is not all ASCII). */
export interface FilterBits {
  bits: Uint32Array;
  high: boolean;
}

/** The filter of `text` (`mask` + 1 bits, folded unless `fold` is false) by the JS scanner. */
export function filterOfJs(text: Uint8Array, mask: number, fold = true): FilterBits {
  const bits = new Uint32Array((mask + 1) >>> 5);
  const high = addIdentifiers(text, bits, mask);
  return { bits: fold ? folded(bits) : bits, high };
}

/**
 * Adds every identifier of `bytes` to the filter `bits` (one byte at a time, for hosts without
 * WebAssembly SIMD); true when a byte is 128 or more (the text is not all ASCII).
 * An identifier is a run of letters, digits and `_` that does not start with a digit (a run that
 * does is a number, or a name's tail glued to one, and no whole-word search finds a name in it).
 */
export function addIdentifiers(bytes: Uint8Array, bits: Uint32Array, mask: number): boolean {
  const n = bytes.length;
  let i = 0;
  let high = false;
  while (i < n) {
    const kind = BYTE_KIND[bytes[i]!]!;
    if (kind === OTHER || kind === HIGH) {
      if (kind === HIGH) high = true;
      i++;
      continue;
    }
    if (kind === DIGIT) {
      do i++;
      while (i < n && (BYTE_KIND[bytes[i]!]! & PART) !== 0);
      continue;
    }
    // identifierHash, taken while the bytes are read: each byte shifted in at the top of `word`
    // (after four, it is their little-endian word), a word every 4 bytes, a group every 16.
    let h = 0;
    let sum = 0;
    let word = 0;
    let k = 0;
    let c = bytes[i]!;
    for (;;) {
      word = (word >>> 8) | (c << 24);
      if ((++k & 3) === 0) {
        sum = (sum + wordValue(word, ((k - 1) >>> 2) & 3)) | 0;
        if ((k & 15) === 0) {
          h = mixGroups(h) ^ sum;
          sum = 0;
        }
      }
      if (++i >= n) break;
      c = bytes[i]!;
      if ((BYTE_KIND[c]! & PART) === 0) break;
    }
    addHash(bits, mask, lastSteps(h, sum, word, k));
  }
  return high;
}

const OTHER = 0;
const START = 1;
const DIGIT = 2;
/** START or DIGIT: a byte that continues an identifier. */
const PART = START | DIGIT;
/** 128 and up: a piece of a non-ASCII character (never in an identifier). */
const HIGH = 4;
/** What each byte is to a C identifier: a start (letter, `_`), a digit, or neither (ASCII or not). */
const BYTE_KIND = new Uint8Array(256).map((_, c) => ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 ? START : c >= 48 && c <= 57 ? DIGIT : c >= 128 ? HIGH : OTHER));
