// The name filter's scanner in WebAssembly with SIMD: the identifiers of a text, hashed and added
// to its Bloom filter exactly as nameHash.ts's addIdentifiers does, then folded as nameFold.ts
// says, ~4× faster than the JS loop (dense bench corpus: ~46 ms of CPU instead of ~185). The JS
// loop pays a mispredicted branch at nearly every identifier's start and end (~10 M of them in
// the corpus's 49 MB); this one classifies 64 bytes at a time into a bit mask, finds the runs'
// ends in it with ctz, and hashes each identifier of up to 16 bytes with one 16-byte load. A
// filter position is marked by storing a byte in a map of one byte per bit, packed into bits at
// the end: a load-or-store of the bit's word cost twice as much (the same name twice in a row
// makes the next load wait for the store before it).
// Built from the module's source below at first use or warm-up (no build step; a synchronous
// compile of a module this small is allowed in a browser worker too); a host without WebAssembly
// SIMD gets null and uses the JS loop.
import { block, br, br_if, declareLocals, i32, i32x4, i64, i8x16, local, loop, select, seq, v128, ValType, wasmModule, when, type Code } from '../wasm/encode';
import { foldedWords, MIN_WORDS, SAMPLE_WORDS } from './nameFold';
import { filterOfJs, LENGTH_MULTIPLIER, MIX_MULTIPLIER, WORD_MULTIPLIERS, type FilterBits } from './nameHash';

/**
 * Linear memory layout of one call: the byte map at 0 (mask + 1 bytes, a power of two of at least
 * 2048: kept all zero between calls), the filter's bits (an eighth of that), then the text, then
 * PADDING zero bytes: the scanner reads one 64-byte chunk ahead of the one it works on and 16
 * bytes from an identifier's start, and zeros are not identifier bytes.
 */
const PADDING = 128;
/** Memory beyond this is given back after the call (a new instance next time): a huge file's text should not stay resident for the rest of the scan. */
const KEEP_BYTES = 8 << 20;
/** A text that needs more memory than this is scanned by the JS loop (wasm32 memory ends at 4 GiB, and growing can fail). */
const MAX_BYTES = 1 << 30;

export interface NameScanner {
  /** The filter of `text`'s identifiers (`mask` + 1 bits; folded unless `fold` is false), and whether a byte is 128 or more. */
  filterOf(text: Uint8Array, mask: number, fold?: boolean): FilterBits;
}

// The few WebAssembly APIs used: the project's type libraries (ES2022, Node) do not declare them.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

let shared: NameScanner | null | undefined;

/** The wasm scanner (made once), or null where WebAssembly or its SIMD is missing. */
export function wasmNameScanner(): NameScanner | null {
  if (shared === undefined) shared = newWasmNameScanner();
  return shared;
}

/** A scanner with its own instance, or null where WebAssembly or its SIMD is missing (or memory is big-endian: the filter is read as a Uint32Array). */
export function newWasmNameScanner(): NameScanner | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm || new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) return null;
  const bytes = scannerModule();
  let module: object;
  try {
    module = new wasm.Module(bytes);
  } catch {
    return null; // no SIMD: a CompileError
  }
  return new Scanner(wasm, module);
}

class Scanner implements NameScanner {
  private instance: Instance | null = null;
  /** Views of the instance's memory, made again when it grows (asking a Memory for its buffer costs more than a small file's scan). */
  private bytes = new Uint8Array(0);
  private words = new Uint32Array(0);
  /** Bytes from address 0 known to be zero. */
  private clean = 0;

  constructor(
    private readonly wasm: WasmApi,
    private readonly module: object,
  ) {}

  filterOf(text: Uint8Array, mask: number, fold = true): FilterBits {
    const mapBytes = mask + 1;
    const bitsAt = mapBytes;
    const textAt = bitsAt + mapBytes / 8;
    const need = textAt + text.length + PADDING;
    if (need > MAX_BYTES) return filterOfJs(text, mask, fold);
    const wasm = (this.instance ??= this.instantiate());
    if (this.bytes.length < need) {
      try {
        wasm.memory.grow(Math.ceil((need - this.bytes.length) / 65536));
      } catch {
        this.instance = null;
        return filterOfJs(text, mask, fold);
      }
      this.viewMemory(wasm.memory);
    }
    const mem = this.bytes;
    // The map must start all zero: the scan leaves it so, but a bigger map reaches over the last text.
    if (this.clean < mapBytes) mem.fill(0, this.clean, mapBytes);
    mem.set(text, textAt);
    mem.fill(0, textAt + text.length, need);
    const high = wasm.addIdentifiers(textAt, text.length, mask) !== 0;
    this.clean = mapBytes;
    const words = mapBytes >>> 5;
    const kept = !fold || words <= MIN_WORDS ? words : foldedWords(words, wasm.popcount(bitsAt, Math.min(words, SAMPLE_WORDS)));
    if (kept < words) wasm.fold(bitsAt, words, kept);
    const bits = filterBlocks.take(kept);
    bits.set(this.words.subarray(bitsAt >>> 2, (bitsAt >>> 2) + kept));
    if (mem.length > KEEP_BYTES) this.instance = null;
    return { bits, high };
  }

  private instantiate(): Instance {
    this.clean = 0; // a new memory is zero: clearing its map once more is cheap and keeps this simple
    const instance = new this.wasm.Instance(this.module).exports as unknown as Instance;
    this.viewMemory(instance.memory);
    return instance;
  }

  private viewMemory(memory: WasmMemory): void {
    this.bytes = new Uint8Array(memory.buffer);
    this.words = new Uint32Array(memory.buffer);
  }
}

/**
 * Where filters are kept: side by side in shared blocks rather than each in an ArrayBuffer of its
 * own. A scan makes one per file and keeps them all to its end (4,053 on the dense bench corpus,
 * ~1.7 KiB each); a buffer each is an allocation outside V8's heap that its collector tracks, and
 * the passes that ask every file's filter about a few names (~700,000 asks per scan) find them
 * faster side by side: the call-site pass's 705,222 asks 4.9 → 3.2 ms, and making the 4,053
 * filters 51.7 → 49.0 ms (mins of 20 passes over the corpus, 4 alternating runs each, load ~5).
 * A block lives while one of its filters does, so a filter much bigger than average gets its own.
 */
class FilterBlocks {
  private block = new Uint32Array(0);
  private used = 0;

  constructor(private readonly blockWords: number) {}

  /** `words` zero words of their own. */
  take(words: number): Uint32Array {
    if (words > this.blockWords >>> 3) return new Uint32Array(words);
    if (this.used + words > this.block.length) {
      this.block = new Uint32Array(this.blockWords);
      this.used = 0;
    }
    const out = this.block.subarray(this.used, this.used + words);
    this.used += words;
    return out;
  }
}

/** 64 Ki words (256 KiB): ~150 filters of an average file, and a big one (over 32 KiB) has its own buffer. */
const filterBlocks = new FilterBlocks(1 << 16);

/** The module's exports (scannerModule). */
interface Instance {
  memory: WasmMemory;
  /** Marks the identifiers of the n bytes of text at `text` in the map and packs it into bits at mask + 1; 1 when a byte is 128 or more. */
  addIdentifiers(text: number, n: number, mask: number): number;
  /** The bits set in `words` 32-bit words at `at` (an even number of them). */
  popcount(at: number, words: number): number;
  /** Ors words [n, words) at `at` into [0, n), word i into word i mod n (n a multiple of 4 dividing `words`). */
  fold(at: number, words: number, n: number): void;
}

/** The module's bytes: its functions (Instance) and memory. */
export function scannerModule(): Uint8Array {
  return wasmModule(
    [
      { name: 'addIdentifiers', params: [I32, I32, I32], results: [I32], locals: locals.types, body: scanText },
      { name: 'popcount', params: [I32, I32], results: [I32], locals: [I32, I32], body: popcountWords },
      { name: 'fold', params: [I32, I32, I32], locals: [I32, I32], results: [], body: foldWords },
    ],
    1,
  );
}

const { i32: I32, i64: I64, v128: V128 } = ValType;
const [text, n, mask] = [0, 1, 2]; // the parameters
const locals = declareLocals(3, {
  /** The chunk's first byte, and the text's end. */
  o: I32,
  end: I32,
  /** Where the run open at the chunk's start began. */
  pending: I32,
  /** The run: its start, length, hash, step between filter positions; a group's address and the bytes from there. */
  s: I32,
  len: I32,
  h: I32,
  g: I32,
  at: I32,
  rest: I32,
  /** A run's end in the chunk; a byte of the map, and where the filter's bits go; a group's sum. */
  e: I32,
  at8: I32,
  bitsAt: I32,
  x: I32,
  /** Identifier-byte masks of this chunk and the next; the runs' starts and ends in this one; the byte before it; starts up to a run's end. */
  m: I64,
  mNext: I64,
  starts: I64,
  ends: I64,
  carry: I64,
  low: I64,
  /** 16 bytes, the high bits of all bytes so far, a group's products. */
  v: V128,
  hi: V128,
  q: V128,
});
const { o, end, pending, s, len, h, g, at, rest, e, at8, bitsAt, x, m, mNext, starts, ends, carry, low, v, hi, q } = locals.index;

const get = local.get;
const set = local.set;
const c32 = i32.const;
const bytesOf = (b: number) => v128.const(Array(16).fill(b));

/** Bit k set when byte k of the 16 in `v` is a letter, a digit or `_`. */
const identifierBytes = (bytes: Code): Code =>
  i8x16.bitmask(
    v128.or(
      v128.or(
        // Letters: lower-cased by setting bit 5 (no other byte lands in a..z that way).
        i8x16.lt_u(i8x16.sub(v128.or(bytes, bytesOf(0x20)), bytesOf(0x61)), bytesOf(26)),
        i8x16.lt_u(i8x16.sub(bytes, bytesOf(0x30)), bytesOf(10)),
      ),
      i8x16.eq(bytes, bytesOf(0x5f)),
    ),
  );

/** mNext = the identifier-byte mask of the 64 bytes at `from` (bit k: byte k); their high bits are or-ed into hi. */
const classify = (from: Code): Code =>
  seq(
    ...[0, 1, 2, 3].map((k) =>
      seq(
        set(v, v128.load(from, 16 * k)),
        set(hi, v128.or(get(hi), get(v))),
        set(mNext, k === 0 ? i64.extend_i32_u(identifierBytes(get(v))) : i64.or(get(mNext), i64.shl(i64.extend_i32_u(identifierBytes(get(v))), i64.const(16 * k)))),
      ),
    ),
  );

const IOTA = v128.const(Array.from({ length: 16 }, (_, k) => k));

/** x = nameHash.groupSum of the 16 bytes at `from`, bytes from `count` on taken as zero. */
const groupSum = (from: Code, count: Code): Code =>
  seq(
    set(q, v128.and(v128.load(from), i8x16.lt_u(IOTA, i8x16.splat(select(count, c32(16), i32.lt_u(count, c32(16))))))),
    set(q, i32x4.mul(v128.xor(get(q), i32x4.shr_u(get(q), c32(15))), i32x4.const(WORD_MULTIPLIERS))),
    // Lanes 0 + 2 and 1 + 3, then the two.
    set(q, i32x4.add(get(q), i8x16.shuffle(get(q), get(q), [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]))),
    set(x, i32.add(i32x4.extract_lane(get(q), 0), i32x4.extract_lane(get(q), 1))),
  );

/** h = f(h), for nameHash's xorshift-multiply steps. */
const xorShiftMul = (shift: number, multiplier: number): Code => set(h, i32.mul(i32.xor(get(h), i32.shr_u(get(h), c32(shift))), c32(multiplier)));

/** h = identifierHash of the `len` bytes at `s` (nameHash.ts). */
const hashIdentifier = seq(
  groupSum(get(s), get(len)),
  set(h, get(x)),
  when(
    i32.gt_u(get(len), c32(16)),
    set(at, i32.add(get(s), c32(16))),
    set(rest, i32.sub(get(len), c32(16))),
    loop(
      'groups',
      groupSum(get(at), get(rest)),
      xorShiftMul(15, MIX_MULTIPLIER),
      set(h, i32.xor(get(h), get(x))),
      set(at, i32.add(get(at), c32(16))),
      set(rest, i32.sub(get(rest), c32(16))),
      br_if('groups', i32.gt_s(get(rest), c32(0))),
    ),
  ),
  set(h, i32.xor(get(h), i32.mul(get(len), c32(LENGTH_MULTIPLIER)))),
  // finish: MurmurHash3's fmix32.
  xorShiftMul(16, 0x85ebca6b),
  xorShiftMul(13, 0xc2b2ae35),
  set(h, i32.xor(get(h), i32.shr_u(get(h), c32(16)))),
);

/** Marks position h & mask: byte h & mask of the byte map (at address 0) is set to 0x80. */
const setBit = i32.store8(i32.and(get(h), get(mask)), c32(0x80));

/** The run of identifier bytes ending at bit e of this chunk: its start s (in this chunk, or `pending`) and length; unless it starts with a digit (a number), its hash and bits. */
const addRun = seq(
  set(low, i64.and(get(starts), i64.sub(i64.shl(i64.const(2), i64.extend_i32_u(get(e))), i64.const(1)))),
  set(s, select(i32.sub(i32.add(get(o), c32(63)), i32.wrap_i64(i64.clz(get(low)))), get(pending), i64.ne(get(low), i64.const(0)))),
  set(len, i32.sub(i32.add(i32.add(get(o), get(e)), c32(1)), get(s))),
  // A branch, not a mask on the bits: runs that are numbers are rare enough (8%) to predict.
  when(
    i32.ge_u(i32.sub(i32.load8_u(get(s)), c32(0x30)), c32(10)),
    hashIdentifier,
    // addHash: four positions h + k·step(h).
    set(g, i32.or(i32.mul(i32.xor(get(h), i32.shr_u(get(h), c32(15))), c32(MIX_MULTIPLIER)), c32(1))),
    setBit,
    ...[1, 2, 3].map(() => seq(set(h, i32.add(get(h), get(g))), setBit)),
  ),
);

const ZERO = v128.const(Array(16).fill(0));

/**
 * The byte map (mask + 1 bytes at 0) packed into the filter's bits right after it, 64 bytes into
 * 64 bits at a time (each byte's high bit), and cleared for the next text.
 */
const packMap = seq(
  set(bitsAt, i32.add(get(mask), c32(1))),
  set(at8, c32(0)),
  loop(
    'pack',
    i64.store(
      i32.add(get(bitsAt), i32.shr_u(get(at8), c32(3))),
      i64.or(
        i64.or(i64.extend_i32_u(i8x16.bitmask(v128.load(get(at8), 0))), i64.shl(i64.extend_i32_u(i8x16.bitmask(v128.load(get(at8), 16))), i64.const(16))),
        i64.or(i64.shl(i64.extend_i32_u(i8x16.bitmask(v128.load(get(at8), 32))), i64.const(32)), i64.shl(i64.extend_i32_u(i8x16.bitmask(v128.load(get(at8), 48))), i64.const(48))),
      ),
    ),
    ...[0, 16, 32, 48].map((k) => v128.store(get(at8), ZERO, k)),
    set(at8, i32.add(get(at8), c32(64))),
    br_if('pack', i32.lt_u(get(at8), get(bitsAt))),
  ),
);
const scanText = seq(
  set(end, i32.add(get(text), get(n))),
  set(o, get(text)),
  set(pending, get(text)),
  classify(get(o)),
  block(
    'done',
    loop(
      'chunks',
      br_if('done', i32.ge_u(get(o), get(end))),
      set(m, get(mNext)),
      classify(i32.add(get(o), c32(64))),
      // A run starts where the byte before is no identifier byte, and ends where the byte after is none.
      set(starts, i64.and(get(m), i64.xor(i64.or(i64.shl(get(m), i64.const(1)), get(carry)), i64.const(-1)))),
      set(ends, i64.and(get(m), i64.xor(i64.or(i64.shr_u(get(m), i64.const(1)), i64.shl(get(mNext), i64.const(63))), i64.const(-1)))),
      block(
        'runsDone',
        loop(
          'runs',
          br_if('runsDone', i64.eqz(get(ends))),
          set(e, i32.wrap_i64(i64.ctz(get(ends)))),
          addRun,
          set(ends, i64.and(get(ends), i64.sub(get(ends), i64.const(1)))),
          br('runs'),
        ),
      ),
      // A run still open at the chunk's end started at its last start (or before, when it has none).
      set(pending, select(i32.sub(i32.add(get(o), c32(63)), i32.wrap_i64(i64.clz(get(starts)))), get(pending), i64.ne(get(starts), i64.const(0)))),
      set(carry, i64.shr_u(get(m), i64.const(63))),
      set(o, i32.add(get(o), c32(64))),
      br('chunks'),
    ),
  ),
  packMap,
  i32.ne(i8x16.bitmask(get(hi)), c32(0)),
);

// popcount(at, words): the words as i64 pairs.
const popcountWords = (() => {
  const [at, words, end, count] = [0, 1, 2, 3];
  return seq(
    set(end, i32.add(get(at), i32.shl(get(words), c32(2)))),
    loop(
      'words',
      set(count, i32.add(get(count), i32.wrap_i64(i64.popcnt(i64.load(get(at)))))),
      set(at, i32.add(get(at), c32(8))),
      br_if('words', i32.lt_u(get(at), get(end))),
    ),
    get(count),
  );
})();

// fold(at, words, n): each later block of n words ored into the first, 16 bytes at a time.
const foldWords = (() => {
  const [at, words, n, from, to] = [0, 1, 2, 3, 4];
  return seq(
    set(from, i32.add(get(at), i32.shl(get(n), c32(2)))),
    set(words, i32.add(get(at), i32.shl(get(words), c32(2)))), // now the end
    loop(
      'blocks',
      set(to, get(at)),
      loop(
        'block',
        v128.store(get(to), v128.or(v128.load(get(to)), v128.load(get(from)))),
        set(to, i32.add(get(to), c32(16))),
        set(from, i32.add(get(from), c32(16))),
        br_if('block', i32.lt_u(get(to), i32.add(get(at), i32.shl(get(n), c32(2))))),
      ),
      br_if('blocks', i32.lt_u(get(from), get(words))),
    ),
  );
})();
