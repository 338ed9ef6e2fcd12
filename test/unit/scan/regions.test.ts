import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { bodiesWithout, conditionalsAround, fileLayout, functionBodies, includedRanges, itemsMatching, itemsSpelling, mergeRanges, placesSpelling } from '../../../src/core/scan/regions';
import { NameMatches } from '../../../src/core/analysis/c/nameMatches';
import { parseSymbolsIn } from '../../../src/core/scan/headers';
import { namesPattern } from '../../../src/core/scan/prefilter';
import { createCParser } from '../../../src/core/analysis/c/parser';
import { LinePoints, toTreeSitterRanges } from '../../../src/core/scan/regions';
import { grammarFiles } from '../../support/grammar';
import { definedNames, definedTypes, lazyHeaderSymbols } from '../../../src/core/scan/lazySymbols';
import { collectSymbols, type FileSymbols } from '../../../src/core/analysis/c/symbols';
import type { Parser } from 'web-tree-sitter';
import { PreparedText } from '../../../src/core/analysis/c/treeText';

const src = `#include <stdlib.h>
#define BRACE "{"   /* a brace in a directive: not counted */
struct s { int a; };          /* not a function body: after "s" */
static int table[] = { 1, 2 };
int quiet(int x) { const char *t = "}"; char c = '{'; /* } */ return x; }
void *grow(void *p) {
  // realloc appears here: this body is kept
  return realloc(p, 10);
}
int main(void) { return quiet(1); }
`;

/** The symbols of `text` parsed whole. */
function symbolsOf(parser: Parser, file: string, text: string): FileSymbols {
  const tree = parser.parse(text)!;
  try {
    return collectSymbols(tree.rootNode, file);
  } finally {
    tree.delete();
  }
}

describe('partial parsing regions', () => {
  it('finds function bodies past strings, characters, comments and directives', () => {
    const bodies = functionBodies(src)!;
    assert.deepEqual(bodies.map((b) => src.slice(b.start, b.end).trim().slice(0, 12)), ['const char *', '// realloc a', 'return quiet']);
  });

  it('never leaves out an inline function (the evaluator reads them)', () => {
    const text = 'static inline size_t st_mult(size_t a, size_t b) { return a * b; }\nint f(void) { return 1; }\n';
    const bodies = functionBodies(text)!;
    assert.deepEqual(bodies.map((b) => b.inline), [true, false]);
    assert.deepEqual(bodiesWithout(text, bodies, namesPattern(['realloc'])).map((b) => text.slice(b.start, b.end).trim()), ['return 1;']);
  });

  it('gives up (whole-file parse) when braces do not balance', () => {
    assert.equal(functionBodies('#if A\nvoid f(void) {\n#else\nvoid f(int x) {\n#endif\n}\n'), null);
    assert.equal(functionBodies('void f(void) { /* never closed'), null);
    assert.equal(functionBodies('}'), null);
  });

  it('keeps bodies that spell a relevant name and skips the others', () => {
    const bodies = functionBodies(src)!;
    const skip = bodiesWithout(src, bodies, namesPattern(['realloc']));
    assert.equal(skip.length, 2);
    const ranges = includedRanges(src, skip)!;
    const kept = ranges.map((r) => src.slice(r.start, r.end)).join('');
    assert.match(kept, /return realloc\(p, 10\)/);
    assert.doesNotMatch(kept, /return quiet\(1\)/);
    assert.match(kept, /static int table\[\] = \{ 1, 2 \};/);
    assert.equal(includedRanges(src, []), null);
  });

  it('answers a text asked again from the last eight texts, an equal copy too, and scans it again after', () => {
    const copy = (t: string) => [...t].join('');
    const first = fileLayout(src);
    assert.equal(fileLayout(copy(src)), first, 'an equal text (another string) gets the kept answer');
    assert.equal(functionBodies(copy(src)), functionBodies(src));
    for (let i = 0; i < 7; i++) fileLayout(`int x${i};`);
    assert.equal(fileLayout(src), first, 'still among the last eight');
    for (let i = 0; i < 8; i++) fileLayout(`int y${i};`);
    const again = fileLayout(src);
    assert.notEqual(again, first, 'scanned again once eight others came after it');
    assert.deepEqual(again, first);
  });

  it('gives each range boundary the row and column of its place, sorted ranges or not, one text asked many times (property)', () => {
    const piece = fc.constantFrom('a', ' ', '\n', '\r\n', 'bc', '\n\n');
    const rangeSet = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 5 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(rangeSet, { minLength: 1, maxLength: 4 }), (parts, sets) => {
        const text = parts.join('');
        const expected = (i: number) => {
          const before = text.slice(0, i);
          return { row: before.split('\n').length - 1, column: i - (before.lastIndexOf('\n') + 1) };
        };
        // One LinePoints for every parse of the text (as a prepared text keeps it), and a fresh one.
        const shared = new LinePoints(text);
        for (const [ends, sort] of sets) {
          let ranges = ends.map(([a, b]) => [a % (text.length + 1), b % (text.length + 1)].sort((x, y) => x - y)).map(([start, end]) => ({ start: start!, end: end! }));
          if (sort) ranges = ranges.sort((x, y) => x.start - y.start);
          for (const got of [toTreeSitterRanges(text, ranges, shared), toTreeSitterRanges(text, ranges)]) {
            for (const r of got) {
              assert.deepEqual(r.startPosition, expected(r.startIndex), JSON.stringify({ text, ranges }));
              assert.deepEqual(r.endPosition, expected(r.endIndex), JSON.stringify({ text, ranges }));
            }
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a partial parse puts nodes at their places in the whole file', async () => {
    const parser = await createCParser(grammarFiles);
    const skip = bodiesWithout(src, functionBodies(src)!, namesPattern(['realloc']));
    const tree = parser.parse(src, null, { includedRanges: toTreeSitterRanges(src, includedRanges(src, skip)!) })!;
    const call = tree.rootNode.descendantsOfType('call_expression').map((n) => n!);
    assert.equal(call.length, 1, 'only the kept body is parsed');
    assert.equal(call[0]!.text, 'realloc(p, 10)');
    assert.equal(call[0]!.startPosition.row, 7);
    assert.equal(call[0]!.startPosition.column, 9);
    assert.equal(tree.rootNode.descendantsOfType('function_definition').length, 3, 'skipped bodies parse as {}');
    assert.equal(tree.rootNode.hasError, false);
    tree.delete();
  });
});

describe('lazy header symbols', () => {
  it('reads the names of #define lines as the multi-line regex did, without trying it at every position', () => {
    const text = '#define A 1\n  #  define B\n\t#\tdefine\tC(x)\nx #define D\n#defineE\n#define\nF\r#define G\u2028#define H\n/* #define I */\n#  undef J\n##define K\ndefine L\n#define M';
    const regex = new Set(Array.from(text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm), (m) => m[1]!));
    assert.deepEqual([...definedNames(text)].sort(), ['A', 'B', 'C', 'G', 'H', 'M']);
    assert.deepEqual([...definedNames(text)].sort(), [...regex].sort());
    assert.deepEqual([...definedNames('#define')], []);
  });

  it('reads struct, union and enum tags with a body as the regex did, without trying it at every position', () => {
    const text = 'struct a { int x; };\nunion\n  b\n{ };\nenum c{X};\nstruct d;\nxstruct e { };\nstructf g { };\nstruct enum { };\n'
      + 'typedef struct h { struct i { int y; } in; } h_t;\nstruct j /* c */ { };\nenum  k  {';
    const regex = Array.from(text.matchAll(/\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{/g), (m) => `${m[1]} ${m[2]}`);
    const tags = [...definedTypes(text)].filter((t) => t.includes(' '));
    assert.deepEqual(tags, regex);
    assert.deepEqual(tags, ['struct a', 'union b', 'enum c', 'struct enum', 'struct h', 'struct i', 'enum k']);
    assert.ok(definedTypes(text).has('h_t'));
  });

  it('answers from the text without parsing, and parses once when a name could be there', async () => {
    const parser = await createCParser(grammarFiles);
    const text = '#include "other.h"\n#define CHUNK (4 * 4096)\nenum { SLOTS = 8 };\nstruct node { int a; long b; };\nvoid *grow(void *p, unsigned long n);\n';
    let parses = 0;
    const lazy = lazyHeaderSymbols('h.h', text, () => (parses++, symbolsOf(parser, 'h.h', text)));
    assert.deepEqual(lazy.includes, ['other.h']);
    // `newsize` is in no #define and no word of the text; `n` is a word but not a macro.
    assert.equal(lazy.macros.get('newsize'), undefined);
    assert.equal(lazy.macros.has('n'), false);
    assert.equal(lazy.enums.has('newsize'), false);
    assert.equal(parses, 0, 'no parse for names the text cannot define');
    // A field this module does not know comes from the parsed symbols.
    assert.equal((lazy as unknown as Record<string, unknown>)['fieldFromTheFuture'], undefined);
    assert.equal(parses, 1);
    assert.equal(lazy.macros.get('CHUNK')?.body, '(4 * 4096)');
    assert.equal(lazy.enums.has('SLOTS'), true);
    assert.equal(lazy.types.has('struct node'), true);
    assert.equal(parses, 1, 'parsed once, then reused');
    assert.equal(lazy.macros.size, 1);
    assert.deepEqual([...lazy.macros.keys()], ['CHUNK']);
  });

  it('asks a parse for a global or an inline helper only when the name is written outside function bodies', async () => {
    const parser = await createCParser(grammarFiles);
    const text = 'static inline unsigned long twice(unsigned long n) { return n * 2; }\nstatic unsigned long count_all(void) { unsigned long local_only = 3; return local_only; }\nint counter;\n';
    let parses = 0;
    const lazy = lazyHeaderSymbols('g.h', text, () => (parses++, symbolsOf(parser, 'g.h', text)));
    assert.equal(lazy.globals!.get('local_only'), undefined);
    assert.equal(lazy.inlineFunctions!.has('local_only'), false);
    assert.equal(lazy.globals!.has('absent_everywhere'), false);
    assert.equal(parses, 0, 'a word only inside a body, or nowhere, needs no parse');
    assert.equal(lazy.inlineFunctions!.has('twice'), true);
    assert.equal(parses, 1);
    assert.equal(lazy.globals!.has('counter'), true);
  });

  it('parses for a type or macro only the items that can define it, with the same answers as the whole text', async () => {
    const parser = await createCParser(grammarFiles);
    const text = [
      '/* notes',
      '#if 0 (a directive-like line in a comment)',
      '*/',
      'void conn_open(conn *c);',
      'void conn_close(conn *c, int how);',
      '#ifdef WIDE',
      '#define CONN_SLOTS (2 * 64)',
      'typedef struct conn { long id; char buf[CONN_SLOTS]; } conn;',
      '#else',
      '#define CONN_SLOTS 64',
      'typedef struct conn { int id; char buf[CONN_SLOTS]; } conn;',
      '#endif',
      'struct pool { struct conn *all; int n; };',
      'int conn_count(struct conn *c) { return c->id; }',
      '',
    ].join('\n');
    const whole = (() => {
      const tree = parser.parse(text)!;
      try {
        return collectSymbols(tree.rootNode, 'conn.h');
      } finally {
        tree.delete();
      }
    })();
    const parsed: string[] = [];
    const lazy = lazyHeaderSymbols('conn.h', text, () => whole, (prepared, ranges) => {
      parsed.push(ranges.map((r) => text.slice(r.start, r.end)).join(''));
      return parseSymbolsIn(parser, 'conn.h', prepared, ranges);
    });
    for (const key of ['conn', 'struct conn', 'struct pool']) assert.deepEqual(lazy.types.get(key), whole.types.get(key), key);
    assert.deepEqual(lazy.macros.get('CONN_SLOTS'), whole.macros.get('CONN_SLOTS'));
    assert.deepEqual(lazy.macroVariants!.get('CONN_SLOTS'), whole.macroVariants!.get('CONN_SLOTS'));
    // Neither the prototypes naming `conn` nor the comment are parsed for its typedef or its tag;
    // `struct pool { struct conn ...` can hold no `struct conn` body (no `{` after the name), so
    // `conn` and `struct conn` pick the same two typedefs: parsed once.
    for (const p of parsed) assert.doesNotMatch(p, /conn_open|directive-like/);
    assert.equal(parsed.length, 3);
    assert.match(parsed[0]!, /^#ifdef WIDE\ntypedef[^\n]*;#else\ntypedef[^\n]*;#endif\n$/);
    assert.match(parsed[1]!, /struct pool/);
    assert.doesNotMatch(parsed[2]!, /typedef/, 'the macro lookup reads the #define lines');
  });

  it('parses no #define or #include line for a type, global or enum: only macros come from one', async () => {
    const parser = await createCParser(grammarFiles);
    const text = [
      '#define SLOTS_OF(h) ((h)->n)',
      '#include "h.h"',
      '  #  define H_MAX 64',
      'struct holder { int n; };',
      'extern struct holder *h;',
      'void use(struct holder *h);',
      '#define ONLY_MACRO(h) (h)',
      'enum { H_MIN = 1 };',
      '',
    ].join('\n');
    const whole = symbolsOf(parser, 'h2.h', text);
    const parsed: string[] = [];
    const lazy = lazyHeaderSymbols('h2.h', text, () => whole, (prepared, ranges) => {
      // (No ranges: parseSymbolsIn answers without a parse.)
      if (ranges.length) parsed.push(ranges.map((r) => text.slice(r.start, r.end)).join(''));
      return parseSymbolsIn(parser, 'h2.h', prepared, ranges);
    });
    assert.deepEqual(lazy.globals!.get('h'), whole.globals!.get('h'));
    assert.ok(lazy.globals!.get('h'));
    assert.equal(parsed.length, 1);
    assert.doesNotMatch(parsed[0]!, /#/, 'the #define lines naming h are not parsed for a global');
    assert.match(parsed[0]!, /extern struct holder \*h;/);
    // Named in #define lines only: nothing to parse for a global or an enum constant.
    assert.equal(lazy.globals!.get('H_MAX'), undefined);
    assert.equal(lazy.enums.has('H_MAX'), false);
    assert.equal(parsed.length, 1);
    assert.equal(lazy.macros.get('H_MAX')?.body, '64');
    assert.equal(lazy.enums.get('H_MIN'), 1);
    assert.deepEqual(lazy.types.get('struct holder'), whole.types.get('struct holder'));
  });

  it('cuts the text with the layout its caller already has (a scanned file cut for its code tree)', async () => {
    const parser = await createCParser(grammarFiles);
    const text = 'struct pool { int n; };\nstruct conn { long id; };\nvoid conn_open(struct conn *c);\n';
    const parsed: string[] = [];
    const ranges = (prepared: PreparedText, r: { start: number; end: number }[]) => {
      parsed.push(r.map((x) => text.slice(x.start, x.end)).join(''));
      return parseSymbolsIn(parser, 'c.c', prepared, r);
    };
    const whole = () => symbolsOf(parser, 'c.c', text);
    // The caller's layout holds one item for the whole text: the lookup parses that item.
    const given = lazyHeaderSymbols('c.c', text, whole, ranges, undefined, { items: [{ start: 0, end: text.length }], fixed: [] });
    assert.equal((given.types.get('struct conn') as { k: string } | undefined)?.k, 'record');
    assert.deepEqual(parsed, [text]);
    parsed.length = 0;
    const own = lazyHeaderSymbols('c.c', text, whole, ranges);
    assert.equal((own.types.get('struct conn') as { k: string } | undefined)?.k, 'record');
    assert.deepEqual(parsed, ['struct conn { long id; };'], 'its own cut: the one item defining the tag');
  });

  it('cuts a file into top-level items, keeping conditionals and directive-like comments apart', () => {
    const text = [
      '/* head comment */',
      '#ifndef H',
      '#define SIZE 64',
      'struct pair { int a; /* } */ char b[SIZE]; };',
      '/*',
      '#if 0 (a directive-like line in a comment)',
      '*/',
      'static void *grow(void *p)',
      '{',
      '#ifdef DEBUG',
      '  log("{");',
      '#endif',
      '  return realloc(p, SIZE);',
      '}',
      'int counter = 0;',
      '#endif',
      '',
    ].join('\n');
    const layout = fileLayout(text)!;
    const items = layout.items.map((r) => text.slice(r.start, r.end).split('\n')[0]);
    assert.deepEqual(items, ['#define SIZE 64', 'struct pair { int a; /* } */ char b[SIZE]; };', 'static void *grow(void *p)', 'int counter = 0;']);
    assert.deepEqual(layout.fixed.map((r) => text.slice(r.start, r.end).split('\n')[0]), ['#ifndef H', '/*', '#endif']);
    // The #ifdef inside the body belongs to the function's item.
    assert.match(text.slice(layout.items[2]!.start, layout.items[2]!.end), /#ifdef DEBUG[\s\S]*return realloc[\s\S]*\}$/);
    assert.deepEqual(itemsMatching(text, layout.items, /\bSIZE\b/), [0, 1, 2]);
    assert.deepEqual(itemsMatching(text, layout.items, /\brealloc\b/), [2]);
    assert.deepEqual(itemsMatching(text, layout.items, /\bhead\b/), [], 'a comment between items is in none');
    assert.equal(fileLayout('void f() { if (x) { }'), null, 'unbalanced braces: parse whole');
    assert.deepEqual(mergeRanges([{ start: 10, end: 20 }, { start: 0, end: 5 }, { start: 15, end: 30 }]), [{ start: 0, end: 5 }, { start: 10, end: 30 }]);
  });

  it('reads what an `extern "C" {` block holds as items of their own, its bodies left to functionBodies', () => {
    const text = [
      '#ifdef __cplusplus',
      'extern "C" {',
      '#endif',
      'struct buf { char *p; };',
      'static void *grow(void *p, int n) { return realloc(p, n); }',
      'DECLARE_THING(x)',
      '#ifdef __cplusplus',
      '}',
      '#endif',
      'int after(void) { return 0; }',
      '',
    ].join('\n');
    const layout = fileLayout(text)!;
    const items = layout.items.map((r) => text.slice(r.start, r.end));
    assert.deepEqual(items, ['struct buf { char *p; };', 'static void *grow(void *p, int n) { return realloc(p, n); }', 'DECLARE_THING(x)\n#ifdef __cplusplus\n', 'int after(void) { return 0; }']);
    // A line without its `;` runs on to the block's `}` (the `#ifdef` before it is the item's).
    assert.deepEqual(layout.fixed.map((r) => text.slice(r.start, r.end).trim()), ['#ifdef __cplusplus', '#endif', '#endif']);
    // functionBodies reads the block as one brace pair (no body inside it); the layout's bodies agree.
    assert.deepEqual(layout.bodies!.map((b) => text.slice(b.start, b.end)), [' return 0; ']);
    assert.deepEqual(functionBodies(text)!.map((b) => text.slice(b.start, b.end)), [' return 0; ']);
    assert.equal(fileLayout('extern "C" {\nint x;\n'), null, 'an unclosed block: parse whole');
    assert.equal(fileLayout('int x;\n}\n'), null, 'a stray `}`: parse whole');
  });

  it('cuts a file whose #if branches each open a block by following the first branch of each group', async () => {
    const text = [
      '#include <stdlib.h>',
      'static int width(const char *s)',
      '{',
      '#ifdef HAVE_WIDE',
      '  if (wide_width(s) > 0) {',
      '#else',
      '  if (narrow_width(s) > 0) {',
      '#endif',
      '    return 2;',
      '  }',
      '  return 1;',
      '}',
      'static int home(void)',
      '{',
      '#if 0', // never compiled: the count follows the empty branch after it
      '  if (old_home()) {',
      '#endif',
      '  if (new_home()) {',
      '    return 1;',
      '  }',
      '  return 0;',
      '}',
      '#if defined(__cplusplus)',
      'namespace alloc {',
      '#else',
      '#define EXTRA 1',
      '#endif',
      'static void *grow(void *p, size_t n) { return realloc(p, n); }',
      '#if defined(__cplusplus)',
      '}',
      '#endif',
      '',
    ].join('\n');
    assert.equal(functionBodies(text), null, 'a plain count opens two blocks in width()');
    const layout = fileLayout(text)!;
    const line = (r: { start: number; end: number }) => text.slice(r.start, r.end).split('\n')[0];
    assert.deepEqual(layout.items.map(line), ['#include <stdlib.h>', 'static int width(const char *s)', 'static int home(void)', '#define EXTRA 1', 'static void *grow(void *p, size_t n) { return realloc(p, n); }']);
    // Both branches of width()'s #ifdef are in its item; `namespace alloc {` and its `}` (C++ only) are no items.
    assert.match(text.slice(layout.items[1]!.start, layout.items[1]!.end), /narrow_width[\s\S]*return 1;\n\}$/);
    assert.match(text.slice(layout.items[2]!.start, layout.items[2]!.end), /old_home[\s\S]*return 0;\n\}$/);
    assert.deepEqual(layout.fixed.map(line), ['#if defined(__cplusplus)', '#else', '#endif', '#if defined(__cplusplus)', '#endif']);
    // What the second count leaves to the plain one: functionBodies' bodies (null here) and the rewrite (not plain).
    assert.equal(layout.bodies, undefined);
    assert.equal(layout.plain, false);
    // grow() parsed alone, as a code tree naming realloc parses it: the call at its place, no error.
    const parser = await createCParser(grammarFiles);
    const grow = layout.items[4]!;
    const directives = layout.fixed.filter((r) => text[r.start] === '#');
    const tree = new PreparedText(text).parseRanges(parser, mergeRanges([...conditionalsAround(text, directives, [grow]), grow]))!;
    try {
      assert.equal(tree.rootNode.hasError, false);
      const call = tree.rootNode.descendantsOfType('call_expression')[0]!;
      assert.equal(call.startIndex, text.indexOf('realloc(p, n)'));
      assert.equal(tree.rootNode.descendantsOfType('call_expression').length, 1, 'width() was not parsed');
    } finally {
      tree.delete();
    }
    // Braces that do not balance along the first branches either: parse whole.
    assert.equal(fileLayout('#ifdef A\nvoid f(void) {\n#endif\n}\n}\n'), null);
    assert.equal(fileLayout('#if A\nint x;\n#else\nint y;\n#endif\nvoid f(void) {\n'), null);
    assert.equal(fileLayout('#if 0\nint x;\n#else\nvoid f(void) {\n#endif\n'), null, 'the branch after #if 0 is the one followed');
  });

  it('keeps apart exactly the comments between items that hold a directive-like line, a `#` elsewhere in them or not (property)', () => {
    const comments = ['/* a */', '/* #x */', '/* a\n  # b */', '/* a\n#\n */', '/* a # b\n c */', '/*\n\t#if 0\n*/', '/* x\n */'];
    const items = ['int a;', 'int f(void) { x = 1; }', 'int g(void) { /* x\n#y */ }', '\n#define X 1 /* # */\n', '\n#if A\n', '\n#endif\n', 'char *s = "#";', 'struct s { int a; };'];
    const piece = fc.oneof(fc.constantFrom(...comments).map((text) => ({ text, comment: true })), fc.constantFrom(...items).map((text) => ({ text, comment: false })));
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.constantFrom('', '\n', ' ')), { maxLength: 20 }), (parts) => {
        let text = '';
        const expected: number[] = [];
        for (const [p, gap] of parts) {
          if (p.comment && /\n[ \t]*#/.test(p.text)) expected.push(text.length);
          text += p.text + gap;
        }
        const layout = fileLayout(text)!;
        const kept = layout.fixed.filter((r) => text.startsWith('/*', r.start)).map((r) => r.start);
        assert.deepEqual(kept, expected, JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the items naming a set of names from their known places as the regex finds them (property)', () => {
    const piece = fc.constantFrom('grow', 'grow2', 'xgrow', 'g', 'gr', ' ', '\n', ';', 'int a;', 'void f(void) { grow(p); }', '/* grow */', '{', '}', '(', ')', '_', '1');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.subarray(['grow', 'g', 'gr', 'grow2']), (parts, names) => {
        const text = parts.join('');
        const layout = fileLayout(text);
        if (!layout || !names.length) return;
        const places = new NameMatches().in(text, names);
        assert.deepEqual(itemsSpelling(layout.items, placesSpelling(places)), itemsMatching(text, layout.items, namesPattern(names)), JSON.stringify({ text, names }));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the conditionals of the groups around the parsed items, and every line that pairs with none', () => {
    const text = [
      'int split',
      '#ifdef PACKED',
      ';',
      '#endif', // its #ifdef is inside the declaration: unpaired, kept
      '#ifndef GUARD_H',
      '#if defined(X)', // nothing parsed inside: dropped with its #elif and #endif
      'int unrelated;',
      '#elif defined(Y)',
      '#if Z', // nested, empty of parsed items: dropped
      '#endif',
      '#endif',
      '#if WIDE',
      'long wanted;',
      '#else',
      '#if INNER', // nested around nothing: dropped
      'int other;',
      '#endif',
      'int wanted_too;',
      '#endif',
      '#endif',
      '#if LONG_IDS', // its #else and #endif are inside the declaration: unpaired, kept
      'long id',
      '#else',
      'int id',
      '#endif',
      ';',
      '',
    ].join('\n');
    const layout = fileLayout(text)!;
    const directives = layout.fixed.filter((r) => text[r.start] === '#');
    const line = (r: { start: number; end: number }) => text.slice(r.start, r.end).split('\n')[0];
    const items = itemsMatching(text, layout.items, /\bwanted\w*\b/).map((k) => layout.items[k]!);
    assert.deepEqual(items.map(line), ['long wanted;', 'int wanted_too;']);
    assert.deepEqual(conditionalsAround(text, directives, items).map(line), ['#endif', '#ifndef GUARD_H', '#if WIDE', '#else', '#endif', '#endif', '#if LONG_IDS']);
    // No item: only the unpaired lines.
    assert.deepEqual(conditionalsAround(text, directives, []).map(line), ['#endif', '#if LONG_IDS']);
    // Every item: every line but those of the group around none (`#if Z`).
    const all = conditionalsAround(text, directives, layout.items);
    assert.equal(all.length, directives.length - 2);
    assert.ok(!all.map(line).includes('#if Z'));
  });

  it('reads symbols of items parsed apart, an inline helper included, when the parse starts mid-file', async () => {
    const parser = await createCParser(grammarFiles);
    const text = '\n\n/* lead */\nint unrelated(void) { return 1; }\nstatic inline unsigned long mul(unsigned long a, unsigned long b)\n{\n  return a * b;\n}\n#define GROW(p, n) realloc((p), mul(n, 8))\n';
    const layout = fileLayout(text)!;
    const wanted = itemsMatching(text, layout.items, /\bmul\b/);
    assert.equal(wanted.length, 2);
    const symbols = parseSymbolsIn(parser, 'x.h', new PreparedText(text), mergeRanges(wanted.map((k) => layout.items[k]!)));
    assert.deepEqual([...symbols.inlineFunctions!.keys()], ['mul']);
    assert.deepEqual([...symbols.macros.keys()], ['GROW']);
  });
});
