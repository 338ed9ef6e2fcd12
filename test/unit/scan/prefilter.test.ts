import { strict as assert } from 'node:assert';
import { folded } from '../../../src/core/scan/nameFold';
import { mentionsAny, nameHashes, namesPattern, NameFilter, narrowed } from '../../../src/core/scan/prefilter';
import { dirnameOf, joinPath } from '../../../src/core/scan/paths';
import { quotedIncludes } from '../../../src/core/scan/shard';

describe('scan prefilter and paths', () => {
  it('matches names as whole identifiers only', () => {
    const re = namesPattern(['realloc', 'mremap']);
    assert.equal(mentionsAny('p = realloc(p, n);', re), true);
    assert.equal(mentionsAny('x = my_realloc(p, n); reallocs++; mremap_count = 0;', re), false);
    assert.equal(mentionsAny('#define R mremap', re), true);
  });

  it('never matches with no names', () => {
    assert.equal(mentionsAny('realloc', namesPattern([])), false);
  });

  it('finds quoted includes, not system ones', () => {
    assert.deepEqual(quotedIncludes('#include <stdlib.h>\n#include "a.h"\n  #  include "../b/c.h"\n// #include "no.h"\n'), ['a.h', '../b/c.h']);
  });

  it('resolves include paths', () => {
    assert.equal(joinPath(dirnameOf('/r/src/x.c'), '../lib/sizes.h'), '/r/lib/sizes.h');
    assert.equal(joinPath('/r', './a/./b.h'), '/r/a/b.h');
    assert.equal(dirnameOf('x.c'), '.');
  });

  it('NameFilter never says no to an identifier of the text, and mostly says no to others', () => {
    // Deterministic pseudo-random identifiers, comments, strings and numbers.
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const word = () => {
      const first = 'abcxyz_QRS';
      const rest = 'abcdefghijklmnopqrstuvwxyz_0123456789';
      let w = first[rand(first.length)]!;
      for (let k = rand(12); k > 0; k--) w += rest[rand(rest.length)]!;
      return w;
    };
    const present = Array.from({ length: 2000 }, word);
    const text = present.map((w, i) => (i % 7 === 0 ? `/* ${w} */` : i % 5 === 0 ? `"${w}"` : `${w}(${i}x1);`)).join('\n');
    const filter = NameFilter.of(text);
    const hashes = nameHashes(present);
    assert.deepEqual(filter.candidates([...new Set(present)], hashes), [...new Set(present)], 'every identifier is a maybe');
    const absent = Array.from({ length: 2000 }, (_, i) => `absent_name_${i}`);
    const maybes = filter.candidates(absent, nameHashes(absent)).length;
    assert.ok(maybes < 40, `${maybes} false maybes of 2000`);
    // A number's tail and a longer identifier are not the name.
    const other = NameFilter.of('x = 0x1f + 12ab; my_realloc(p, n);');
    assert.equal(other.mayHaveAny(nameHashes(['realloc'])), false);
    assert.equal(other.mayHaveAny(nameHashes(['my_realloc'])), true);
  });

  it('NameFilter of a big text that repeats its names is folded small, and still never says no to them', () => {
    const names = Array.from({ length: 300 }, (_, i) => `name_${i}_${(i * 7919) % 1000}`);
    const line = names.map((n, i) => `${n}(${i});`).join(' ');
    const text = line.repeat(Math.ceil((400 << 10) / line.length)); // 400 KiB: 3.2 Mbit before folding
    const filter = NameFilter.of(text);
    assert.deepEqual(filter.candidates(names, nameHashes(names)), names);
    const absent = Array.from({ length: 4000 }, (_, i) => `absent_${i}`);
    const maybes = filter.candidates(absent, nameHashes(absent)).length;
    assert.ok(maybes < 40, `${maybes} false maybes of 4000`);
  });

  it('folded: halves a sparse filter while its density stays low, keeping every bit at p & mask; leaves a dense one alone', () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const words = 1 << 14; // 524,288 bits
    const bits = new Uint32Array(words);
    const set: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const p = rand(words * 32);
      set.push(p);
      bits[p >>> 5]! |= 1 << (p & 31);
    }
    const small = folded(bits);
    assert.ok(small.length < words && small.length >= 64 && (small.length & (small.length - 1)) === 0, `${small.length} words`);
    const mask = small.length * 32 - 1;
    for (const p of set) assert.ok((small[(p & mask) >>> 5]! & (1 << (p & mask & 31))) !== 0, `bit ${p}`);
    let ones = 0;
    for (const w of small) for (let b = 0; b < 32; b++) ones += (w >>> b) & 1;
    assert.ok(ones / (small.length * 32) <= 0.12, `density ${ones / (small.length * 32)}`);
    const dense = new Uint32Array(words).fill(0x11111111); // 12.5% set: folding would pass 10%
    assert.equal(folded(dense), dense);
    const tiny = new Uint32Array(64);
    assert.equal(folded(tiny), tiny);
  });

  it('narrows a names pattern to the names a text may hold, and says so when none', () => {
    const text = 'p = xrealloc(p, n); /* mremap */ q = other(q);';
    const filter = NameFilter.of(text);
    const all = namesPattern(['realloc', 'xrealloc', 'mremap', 'grow_buffer']);
    const cut = narrowed(all, filter)!;
    assert.equal(cut.source, namesPattern(['mremap', 'xrealloc']).source);
    assert.equal(mentionsAny(text, all, filter), true);
    assert.equal(narrowed(namesPattern(['realloc', 'grow_buffer']), filter), null);
    assert.equal(narrowed(namesPattern([]), filter), null, 'no names: nothing to run');
    assert.equal(mentionsAny(text, namesPattern(['realloc', 'grow_buffer']), filter), false);
    // Every name present: the same regex; a regex not made by namesPattern: untouched.
    const both = namesPattern(['xrealloc', 'other']);
    assert.equal(narrowed(both, filter), both);
    const defs = /\b(?:grow_buffer)\s*\(/;
    assert.equal(narrowed(defs, filter), defs);
  });

  it('NameFilter of the bytes read holds the identifiers of the decoded text, around bytes invalid in UTF-8 too', () => {
    // Latin-1 é (0xE9) before a name, a stray continuation byte after one, a BOM at the start.
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('int x;\n/* caf'), 0xe9, ...Buffer.from('realloc */ p = grow(p);'), 0x80, ...Buffer.from('more\n')]);
    const text = new TextDecoder('utf-8').decode(bytes);
    for (const filter of [NameFilter.of(bytes), NameFilter.of(text)]) {
      assert.deepEqual(filter.candidates(['realloc', 'grow', 'more', 'int'], nameHashes(['realloc', 'grow', 'more', 'int'])), ['realloc', 'grow', 'more', 'int']);
      assert.equal(filter.mayHaveAny(nameHashes(['cafrealloc', 'growmore'])), false);
    }
  });

  it('NameFilter.mayHaveName: by name, as mayHave by hash; a name that is no identifier is never ruled out', () => {
    const filter = NameFilter.of('void *grow(void *p, size_t n) { return xrealloc(p, n); }');
    assert.equal(filter.mayHaveName('xrealloc'), true);
    assert.equal(filter.mayHaveName('growmore'), filter.mayHaveAny(nameHashes(['growmore'])));
    assert.equal(filter.mayHaveName('cafrealloc'), false);
    assert.equal(filter.mayHaveName('9lives'), true);
  });
});
