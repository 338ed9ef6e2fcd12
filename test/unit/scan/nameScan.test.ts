import { strict as assert } from 'node:assert';
import { folded } from '../../../src/core/scan/nameFold';
import { addHash, addIdentifiers, filterOfJs, identifierHash, identifierHashOf } from '../../../src/core/scan/nameHash';
import { newWasmNameScanner, scannerModule, type NameScanner } from '../../../src/core/scan/nameScanWasm';
import { nameHashes, NameFilter } from '../../../src/core/scan/prefilter';

/** A filter's size for `n` bytes, as NameFilter.of picks it. */
function filterSize(n: number): number {
  let size = 2048;
  while (size < 2 * n && size < 1 << 27) size <<= 1;
  return size;
}

function bitsBy(scan: (text: Uint8Array, bits: Uint32Array, mask: number) => boolean, text: Uint8Array) {
  const size = filterSize(text.length);
  const bits = new Uint32Array(size >>> 5);
  const high = scan(text, bits, size - 1);
  return { bits, high };
}

/** The filter made from the identifiers a regex finds, each hashed on its own (the definition). */
function referenceBits(text: Uint8Array) {
  const size = filterSize(text.length);
  const bits = new Uint32Array(size >>> 5);
  // latin1: one char per byte; bytes of 128 and up are no word characters to the regex.
  for (const m of Buffer.from(text).toString('latin1').matchAll(/\b[A-Za-z_]\w*/g)) addHash(bits, size - 1, identifierHash(text, m.index!, m[0].length));
  return { bits, high: text.some((b) => b >= 128) };
}

/** Deterministic texts: random bytes, C-like soup with long names and high bytes, and runs around the 64-byte chunk edges. */
function* texts(): Generator<Uint8Array> {
  let seed = 11;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const soup = 'abcXYZ_0189 \n\t(){};.,*#"\'/\x80\xc3\xa9\xff';
  for (let t = 0; t < 400; t++) {
    const n = t < 130 ? t : rand(t < 300 ? 300 : 5000);
    const b = new Uint8Array(n);
    const kind = t % 3;
    for (let i = 0; i < n; i++) b[i] = kind === 0 ? rand(256) : kind === 1 ? soup.charCodeAt(rand(soup.length)) : rand(24) === 0 ? 0x20 : 0x61 + rand(3);
    yield b;
  }
  // Names repeated over 64 KiB: sparse enough to be folded many times.
  const line = new TextEncoder().encode('alpha_1 = beta(gamma, 0x10); delta->epsilon[zeta] += eta_theta_iota_kappa_lambda_mu;\n');
  const repeated = new Uint8Array(64 << 10);
  for (let i = 0; i < repeated.length; i += line.length) repeated.set(line.subarray(0, Math.min(line.length, repeated.length - i)), i);
  yield repeated;
  // One identifier of every length 1..200 starting at every offset around a chunk edge, and ending the text.
  for (let len = 1; len <= 200; len += len < 40 ? 1 : 17) {
    for (const at of [0, 1, 15, 16, 47, 48, 62, 63, 64, 65, 127, 128]) {
      const b = new Uint8Array(at + len).fill(0x20);
      for (let i = 0; i < len; i++) b[at + i] = i === 0 ? 0x5f : 0x41 + ((i * 7) % 26);
      yield b;
      yield Uint8Array.from([...b, 0x28]);
    }
  }
}

describe('name filter scanners (JS and WebAssembly)', () => {
  const wasm = newWasmNameScanner();

  it('Node has WebAssembly SIMD, so the scan uses the wasm scanner', () => {
    assert.ok(wasm, 'newWasmNameScanner() is null on this Node');
  });

  it('the JS scanner sets the bits of the identifiers a regex finds, hashed one by one', () => {
    let count = 0;
    for (const text of texts()) {
      assert.deepEqual(bitsBy(addIdentifiers, text), referenceBits(text), `text ${count} (${text.length} bytes)`);
      count++;
    }
    assert.ok(count > 1000);
  });

  it('the wasm scanner sets exactly the bits the JS scanner sets, says the same about high bytes, and folds the same', () => {
    const scanner = wasm!;
    let count = 0;
    let foldedSome = 0;
    for (const text of texts()) {
      const mask = filterSize(text.length) - 1;
      const js = bitsBy(addIdentifiers, text);
      assert.deepEqual(scanner.filterOf(text, mask, false), js, `text ${count} (${text.length} bytes)`);
      const kept = scanner.filterOf(text, mask);
      assert.deepEqual(kept, { bits: folded(js.bits), high: js.high }, `text ${count} folded`);
      assert.deepEqual(kept, filterOfJs(text, mask));
      if (kept.bits.length < js.bits.length) foldedSome++;
      count++;
    }
    assert.ok(foldedSome >= 30, `${foldedSome} texts folded`);
  });

  it('a name given as a string hashes as its bytes do, and one that is no identifier has no hash', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const chars = 'abcxyzABCXYZ_0189 -.$\u00e9\u4e2d';
    const names = ['a', '_', 'x1', 'realloc', 'my_realloc_wrapper_of_17_chars', 'A'.repeat(16), 'b'.repeat(32), 'c'.repeat(33), '', '1x', 'a-b', 'caf\u00e9', '\u00e9t\u00e9'];
    // Half of them from identifier characters only (most then are identifiers), half from all.
    for (let t = 0; t < 3000; t++) names.push(Array.from({ length: 1 + rand(40) }, () => chars[rand(t % 2 ? chars.length : 17)]).join(''));
    let identifiers = 0;
    for (const name of names) {
      const expected = /^[A-Za-z_]\w*$/.test(name) ? identifierHash(new TextEncoder().encode(name), 0, name.length) : null;
      assert.equal(identifierHashOf(name), expected, JSON.stringify(name));
      if (expected !== null) identifiers++;
    }
    assert.ok(identifiers > 300, `${identifiers} identifiers`);
  });

  it('numbers and names glued to them are not identifiers, in both', () => {
    const text = new TextEncoder().encode('x = 0x1f + 12ab + 9_lives; my_realloc(p, n)');
    const mask = filterSize(text.length) - 1;
    for (const scan of [(t: Uint8Array) => filterOfJs(t, mask), (t: Uint8Array) => wasm!.filterOf(t, mask)]) {
      const { bits } = scan(text);
      const has = (name: string) => {
        const probe = new Uint32Array(bits.length);
        const size = bits.length * 32;
        addHash(probe, size - 1, nameHashes([name])[0]!);
        return probe.every((w, i) => (bits[i]! & w) === w);
      };
      assert.equal(has('my_realloc'), true);
      assert.equal(has('x'), true);
      for (const name of ['ab', 'x1f', 'lives', '_lives', 'realloc']) assert.equal(has(name), false, name);
    }
  });

  it('a text bigger than the memory it keeps is scanned right, and so is the next one', () => {
    const scanner = newWasmNameScanner()!;
    const big = new Uint8Array(9 << 20).fill(0x20);
    for (let i = 0; i < big.length - 16; i += 4099) big.set(new TextEncoder().encode(`name${i}`), i);
    big[big.length - 1] = 0xe9;
    const small = new TextEncoder().encode('void *grow(void *p) { return xrealloc(p, 2); }');
    for (const text of [small, big, small]) {
      const mask = filterSize(text.length) - 1;
      assert.deepEqual(scanner.filterOf(text, mask, false), filterOfJs(text, mask, false));
      assert.deepEqual(scanner.filterOf(text, mask), filterOfJs(text, mask));
    }
  });

  it('filters kept side by side stay as they were made, whatever is made after them (a big one included)', () => {
    const scanner = newWasmNameScanner()!;
    const made: { text: Uint8Array; bits: Uint32Array; copy: Uint32Array }[] = [];
    let sizes = 0;
    for (const text of texts()) {
      const { bits } = scanner.filterOf(text, filterSize(text.length) - 1);
      made.push({ text, bits, copy: bits.slice() });
      sizes += bits.length;
    }
    // Big enough for a buffer of its own (over 32 KiB of filter), between the small ones.
    const big = new TextEncoder().encode(Array.from({ length: 100_000 }, (_, i) => `name${i}`).join(' '));
    const bigBits = scanner.filterOf(big, filterSize(big.length) - 1).bits;
    assert.ok(bigBits.length > 8192, `${bigBits.length} words`);
    for (const text of texts()) scanner.filterOf(text, filterSize(text.length) - 1);
    assert.ok(sizes > 1 << 16, 'the filters fill more than one block');
    for (const [i, m] of made.entries()) assert.deepEqual(m.bits, m.copy, `filter ${i}`);
    assert.deepEqual(bigBits, filterOfJs(big, filterSize(big.length) - 1).bits);
  });

  it('without WebAssembly there is no wasm scanner, and NameFilter still works', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly')!;
    let scanner: NameScanner | null;
    try {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
      scanner = newWasmNameScanner();
    } finally {
      Object.defineProperty(globalThis, 'WebAssembly', saved);
    }
    assert.equal(scanner, null);
    assert.equal(NameFilter.of('p = realloc(p, n);').mayHaveName('realloc'), true);
  });

  it('the module is valid WebAssembly', () => {
    const { WebAssembly } = globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } };
    assert.equal(WebAssembly.validate(scannerModule()), true);
  });
});
