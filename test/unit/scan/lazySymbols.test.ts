// A header's lookups given the words its text spells (the scan's filter of each file it read):
// a name the words rule out is answered "no" before any text guard is built, and every answer is
// the one the text guards and parses give without the words.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Parser } from 'web-tree-sitter';
import { hashOfKeyWord, lazyHeaderSymbols, spellingItems } from '../../../src/core/scan/lazySymbols';
import { identifierHashOf } from '../../../src/core/scan/nameHash';
import { itemsSpelling, wordSpelling, type TextRange } from '../../../src/core/scan/regions';
import { HeaderResolver, parseHeaderSymbols, parseSymbolsIn } from '../../../src/core/scan/headers';
import { NameFilter } from '../../../src/core/scan/prefilter';
import type { FileSymbols } from '../../../src/core/analysis/c/symbols';
import { createCParser } from '../../../src/core/analysis/c/parser';
import { grammarFiles } from '../../support/grammar';

/** The symbols of `text` parsed whole, as a header's are without partial parsing. */
const symbolsOf = (parser: Parser, file: string, text: string): FileSymbols => parseHeaderSymbols(parser, file, text, false);

/** What each map of `s` says about `name` (has, and the entry), for comparing two objects. */
function answers(s: FileSymbols, name: string): unknown[] {
  const maps = [s.macros, s.macroVariants, s.enums, s.enumExprs, s.types, s.globals, s.inlineFunctions, s.constants];
  const keys = [name, `struct ${name}`, `union ${name}`, `enum ${name}`];
  return maps.flatMap((m) => keys.map((k) => [m?.has(k) ?? false, JSON.stringify(m?.get(k) ?? null)]));
}

// Pieces of header text that define (or only mention) the names below in each way a map holds one.
const pieces = [
  '#define SLOTS 64\n', '#define SLOTS_OF(h) ((h)->n)\n', 'enum { SLOTS_MIN = 1, SLOTS_MAX };\n',
  'static const unsigned long CHUNK = 4096;\n', 'struct node { int n; long len; };\n',
  'typedef struct node node_t;\n', 'extern unsigned long counter;\n', 'void grow(node_t *h, unsigned long n);\n',
  'static inline unsigned long twice(unsigned long n) { return n * 2; }\n', 'int count_all(void) { int local_only = 3; return local_only; }\n',
  '/* CHUNK and len in a comment */\n', '#ifdef WIDE\n#define CHUNK_WIDE 8192\n#endif\n', 'union cell { int i; float f; };\n',
];
const names = ['SLOTS', 'SLOTS_OF', 'SLOTS_MIN', 'SLOTS_MAX', 'CHUNK', 'CHUNK_WIDE', 'node', 'node_t', 'counter', 'h', 'n', 'len', 'twice', 'local_only', 'cell', 'absent', 'WIDE'];

describe('header lookups with the words of the text', () => {
  let parser: Parser;
  before(async () => {
    parser = await createCParser(grammarFiles);
  });

  it('answers every lookup as the text guards and the item parses do without the words (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 9 }), (chosen) => {
        const text = chosen.join('');
        const whole = () => symbolsOf(parser, 'h.h', text);
        const ranges = (prepared: Parameters<typeof parseSymbolsIn>[2], r: Parameters<typeof parseSymbolsIn>[3]) => parseSymbolsIn(parser, 'h.h', prepared, r);
        const plain = lazyHeaderSymbols('h.h', text, whole, ranges);
        const withWords = lazyHeaderSymbols('h.h', text, whole, ranges, undefined, undefined, NameFilter.of(text));
        for (const name of names) assert.deepEqual(answers(withWords, name), answers(plain, name), `${name} in ${JSON.stringify(text)}`);
      }),
      { numRuns: 60 },
    );
  });

  it('finds in one pass the items spelling an identifier and their first and last places, as a search from each item does (property)', () => {
    const word = fc.constantFrom('n', 'len', 'node');
    const chunk = fc.constantFrom('n', 'len', 'node', 'nn', 'len2', '_node', ' ', ';', '(', '\n', 'x');
    fc.assert(
      fc.property(fc.array(fc.array(chunk, { maxLength: 8 }), { maxLength: 8 }), fc.array(fc.boolean(), { maxLength: 8 }), word, (parts, gaps, w) => {
        // Items are the parts, some with a gap of text between them (places there belong to no item).
        let text = '';
        const items: TextRange[] = [];
        parts.forEach((p, i) => {
          if (gaps[i]) text += ' n len node ';
          const start = text.length;
          text += p.join('');
          if (text.length > start) items.push({ start, end: text.length });
        });
        const spelled = wordSpelling(text, w);
        const expected = itemsSpelling(items, spelled).map((k) => {
          const first = spelled.from(items[k]!.start);
          let last = first;
          for (let at = spelled.from(first + w.length); at >= 0 && at < items[k]!.end; at = spelled.from(at + w.length)) last = at;
          return { k, first, last };
        });
        assert.deepEqual(spellingItems(items, w, wordSpelling(text, w)), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('asks the words first: a name they rule out is looked up nowhere else', () => {
    const text = '#define CHUNK 4096\nenum { SLOTS = 8 };\nstruct node { int n; };\nstatic const int LIMIT = 3;\nint counter;\n';
    let parses = 0;
    const whole = () => (parses++, symbolsOf(parser, 'h.h', text));
    // The words of another text, which spells none of these names: every answer is "no", unparsed.
    const ruledOut = lazyHeaderSymbols('h.h', text, whole, undefined, undefined, undefined, NameFilter.of('int other;\n'));
    assert.equal(ruledOut.macros.get('CHUNK'), undefined);
    assert.equal(ruledOut.enums.has('SLOTS'), false);
    assert.equal(ruledOut.types.has('struct node'), false);
    assert.equal(ruledOut.constants!.has('LIMIT'), false);
    assert.equal(ruledOut.globals!.has('counter'), false);
    assert.equal(parses, 0);
    // The text's own words let each name through to its guard and the parse.
    const own = lazyHeaderSymbols('h.h', text, whole, undefined, undefined, undefined, NameFilter.of(text));
    assert.equal(own.macros.get('CHUNK')?.body, '4096');
    assert.equal(own.enums.get('SLOTS'), 8);
    assert.equal(own.types.has('struct node'), true);
    assert.equal(own.constants!.get('LIMIT')?.text, '3');
    assert.equal(own.globals!.has('counter'), true);
    assert.equal(parses, 1);
  });

  it('asks each filter about the name of the key it is given, when texts and names alternate', () => {
    const a = '#define A_SIZE 16\n';
    const b = '#define B_SIZE 32\nstruct b_node { int n; };\n';
    const whole = (text: string) => () => symbolsOf(parser, 'h.h', text);
    const inA = lazyHeaderSymbols('a.h', a, whole(a), undefined, undefined, undefined, NameFilter.of(a));
    const inB = lazyHeaderSymbols('b.h', b, whole(b), undefined, undefined, undefined, NameFilter.of(b));
    // One name asked of both texts, then the next: the name's hash is kept from one text to the next.
    for (let round = 0; round < 2; round++) {
      assert.equal(inA.macros.get('A_SIZE')?.body, '16');
      assert.equal(inB.macros.get('A_SIZE'), undefined);
      assert.equal(inA.macros.get('B_SIZE'), undefined);
      assert.equal(inB.macros.get('B_SIZE')?.body, '32');
      assert.equal(inA.types.has('struct b_node'), false);
      assert.equal(inB.types.has('struct b_node'), true);
    }
    fc.assert(
      fc.property(fc.array(fc.constantFrom('n', 'len', 'struct node', 'enum len', 'node', '', 'struct 9x', 'é'), { maxLength: 12 }), (keys) => {
        for (const k of keys) assert.equal(hashOfKeyWord(k), identifierHashOf(k.slice(k.lastIndexOf(' ') + 1)), k);
      }),
    );
  });

  it('the resolver gives each header the words its caller has for that path, asked once', () => {
    const texts: Record<string, string> = { '/p/a.c': '#include "a.h"\n#include "b.h"\n', '/p/a.h': '#define A_SIZE 16\n', '/p/b.h': '#define B_SIZE 32\n' };
    const asked: string[] = [];
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => texts[p] ?? null, (file) => symbolsOf(parser, file, texts[file]!), undefined, (p) => {
      asked.push(p);
      // The caller has words for a.h only, and they (wrongly, to show they are used) spell nothing.
      return p === '/p/a.h' ? NameFilter.of('') : undefined;
    });
    const [a, b] = r.headersOf('/p/a.c', texts['/p/a.c']!);
    assert.equal(a!.macros.get('A_SIZE'), undefined, 'ruled out by the words given for a.h');
    assert.equal(b!.macros.get('B_SIZE')?.body, '32', 'no words for b.h: its text guards answer');
    r.headersOf('/p/a.c', texts['/p/a.c']!);
    assert.deepEqual(asked, ['/p/a.h', '/p/b.h']);
  });
});
