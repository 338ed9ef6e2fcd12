// Regions tree-sitter could not parse (src/core/analysis/c/unparsed.ts): a file problem only where
// a call could hide; the rest counted, listed with --verbose; and the macro-heavy fixture, which
// compiles with gcc, gives no file problem at all.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, cParser, wrappersOf } from '../c-sites/helpers';
import { FIXTURE_ROOT } from '../c-sites/fixtureProject';
import { assertCompiles } from '../fixes/helpers';
import { harmlessNote, hiddenCallProblem, unparsedRegions } from '../../../src/core/analysis/c/unparsed';
import { namesPattern } from '../../../src/core/scan/prefilter';
import { fakeIO, makeTree, removeTree } from '../../support/cli';
import { main } from '../../../src/cli/main';

async function regionsOf(text: string, names = ['realloc', 'xrealloc']) {
  const { sites } = await analyze(text);
  const p = await cParser();
  const tree = p.parse(text)!;
  try {
    return unparsedRegions(tree.rootNode, text, namesPattern(names), new Set(sites.map((s) => s.nameRange.startOffset)));
  } finally {
    tree.delete();
  }
}

describe('unparsed regions', () => {
  it('a MISSING token stands for the statement it completes, all its lines', async () => {
    const regions = await regionsOf('void f(void) {\n  int x = g(1,\n            2)\n  h();\n}\n');
    assert.deepEqual(regions.map((r) => [r.startLine, r.endLine]), [[2, 3]]);
  });

  it('a name the parser lost is a problem naming the line and the name', async () => {
    const regions = await regionsOf('char *b;\nvoid f(void) { int x = 1 2 xrealloc(b, 8) 3; }\n');
    assert.deepEqual(regions.map((r) => [r.startLine, r.endLine, r.names]), [[2, 2, ['xrealloc']]]);
    assert.equal(hiddenCallProblem(regions), 'line 2 (`xrealloc`) did not parse (tree-sitter): a call there may be missed — does the file compile?');
    assert.equal(harmlessNote(regions), null);
  });

  it('not a problem: calls that were found, declarations, directive names, comments and strings; several stumbles on one line are one region', async () => {
    const text = `#include <stdlib.h>
#define UNUSED __attribute__((unused))
char *b;
static int cb(const char *name UNUSED, void *data UNUSED) { return 0; }
void f(void) { b = realloc(b, 32) }
void *xrealloc (void *p, size_t n) UNUSED;
#ifdef realloc /* realloc( */
#endif
void g(const char *s UNUSED) { puts("realloc(b, 1)"); }
#define HOOK(name) (*name)
struct hooks { void *HOOK(xrealloc)(void *p, size_t n) UNUSED; void *(*realloc)(void *, size_t) UNUSED; };
`;
    const regions = await regionsOf(text);
    assert.ok(regions.length >= 3, JSON.stringify(regions));
    assert.deepEqual(regions.filter((r) => r.names.length), []);
    assert.equal(hiddenCallProblem(regions), null);
    assert.match(harmlessNote(regions)!, /^lines 4, 5, .*9, 11 did not parse \(tree-sitter\); no call can be missed there/);
  });

  it('a function-pointer declarator is not a call; the same spelling in a body is', async () => {
    const text = '#define HOOK(name) (*name)\nchar *b;\nvoid f(void) { int x = 1 2 (*xrealloc)(b, 8) 3; }\nvoid g(void) { int y = 1 2 HOOK(xrealloc)(b, 8) 3; }\n';
    const regions = await regionsOf(text);
    assert.deepEqual(regions.map((r) => [r.startLine, r.names]), [[3, ['xrealloc']], [4, ['xrealloc']]]);
  });

  it('a name passed to a macro used at file scope is not a call (outside every body, not in an initializer); in a body or an initializer it counts', async () => {
    const text = '#include <stdlib.h>\ntypedef void *(*resize_fn)(void *, size_t);\nresize_fn xrealloc = realloc;\n#define ACCESSOR(name, type) type *name##_ptr(void) { return &name; }\nACCESSOR(xrealloc, resize_fn)\nint used(void) { return 1; }\n';
    const regions = await regionsOf(text);
    assert.deepEqual(regions.map((r) => [r.startLine, r.names]), [[5, []]]);
    const twins = '#define PAIR(a, b) { a, b }\nstruct hooks { int n; void *f; };\nstruct hooks h = PAIR(1, 2 xrealloc 3);\nvoid f(void) { int x = 1 2 PAIR(0, xrealloc) 3; }\n';
    assert.deepEqual((await regionsOf(twins)).map((r) => [r.startLine, r.names]), [[3, ['xrealloc']], [4, ['xrealloc']]]);
  });

  it('the body of a #define the grammar could not read counts, unless the macro is a known wrapper; a #define it read does not', async () => {
    // Macros in a prototype make the grammar give up on lines 4–7, #define line included.
    const text = '#include <stdlib.h>\n#define EXPORT\n#define SIZE_ARG(n)\nEXPORT SIZE_ARG(2) void *dbg_grow(void *p,\n    size_t n, int line);\n#define GROW(p, n) realloc((p), (n))\nEXPORT void dbg_free(void *p, int line);\n';
    const regions = await regionsOf(text);
    assert.deepEqual(regions.map((r) => [r.startLine, r.endLine, r.names]), [[4, 7, ['realloc']]]);
    assert.equal(hiddenCallProblem(regions), 'lines 4–7 (`realloc`) did not parse (tree-sitter): a macro defined there may resize, and calls of it would be missed — does the file compile?');
    assert.deepEqual((await regionsOf(text, ['realloc', 'GROW'])).map((r) => r.names), [[]], 'GROW is known: its body was read');
    // Each #if branch opens the function: one ERROR spans lines 2–9, but only lines 2–3 did not
    // parse (the second branch's definition, #define included, was read whole inside it).
    const inside = 'char *b;\n#ifdef A\nvoid f(void) {\n#else\nvoid f(int x) {\n#endif\n#define GROW(p) realloc((p), 64)\n  b = 0;\n}\n';
    assert.deepEqual((await regionsOf(inside)).map((r) => [r.startLine, r.endLine, r.names]), [[2, 3, []]]);
    // Inside the definition read whole, a resize call is found: nothing to report there, however long the ERROR.
    const long = inside.replace('  b = 0;\n', `  b = 0;\n${'  b = realloc(b, 16);\n'.repeat(40)}`);
    assert.deepEqual((await regionsOf(long)).map((r) => [r.startLine, r.endLine, r.names]), [[2, 3, []]]);
  });
  it('a call the grammar read as a declaration after a label, in a K&R function, is a problem, not "no call can be missed"', async () => {
    // `if TEST(c)` (a macro in place of the parentheses) throws the grammar off; the wrapper call
    // after `else label:` becomes a declarator beside an ERROR that starts at its `(`.
    const text = `#include <stdlib.h>
#define TEST(x) (x)
#define GROW_TOKEN(buf, used, room, cap, step) \\
  do { if ((used) + (room) >= (cap)) (buf) = realloc((buf), (cap) += (step)); } while (0)
extern int next(), peek(), back();
static char *tok;
static int size;
static int
lex (first)
     int first;
{
  int c, i = 0;
  for (;;)
    {
      c = next ();
#if defined (EXTENDED)
      if (c == '(')
	{
	  if (peek () == ')')
	    {
#if 1
	      goto more;
#else
	      goto done;
#endif
	    }
	}
#endif
      if TEST(c == ' ')
	{
	  back (c);
	  goto done;
	}
quoted:
      if TEST(c == 1)
	{
	  GROW_TOKEN (tok, i, 2, size, 64);
	}
      else
escaped:
	GROW_TOKEN (tok, i, 1, size,
		    64);
      tok[i++] = c;
more:
      continue;
    }
done:
  return i;
}
`;
    await assertCompiles(text, false);
    const regions = await regionsOf(text, ['realloc', 'GROW_TOKEN']);
    const lost = regions.filter((r) => r.names.length);
    assert.deepEqual(lost.map((r) => [r.startLine, r.endLine, r.names]), [[41, 43, ['GROW_TOKEN']]]);
  });

  it('a #define whose body has a comment before a line continuation is read from the text: a wrapper, its calls found, no problem', async () => {
    // The grammar ends the body at the comment and makes an ERROR of the rest of the definition.
    const plain = `#include <stdlib.h>
struct out { char *base; size_t len, used; };
#define OUT_CHAR(ch, o) \\
  do { \\
    if ((o)->used + 1 >= (o)->len) { \\
      (o)->len += 64; \\
      (o)->base = realloc((o)->base, (o)->len); \\
    } \\
    (o)->base[(o)->used++] = (ch); \\
  } while (0)
void put_all(struct out *o, const char *s) { while (*s) OUT_CHAR(*s++, o); }
`;
    const commented = plain.replace('(o)->len); \\', '(o)->len); /* may move the block */ \\');
    assert.notEqual(commented, plain);
    await assertCompiles(commented, true);
    const brief = async (text: string) => {
      const wrappers = (await wrappersOf(text)).map((w) => `${w.name}(${w.kind})`);
      const sites = (await analyze(text)).sites.map((s) => `${s.nameRange.start.line} ${s.kind} ${s.via.join('>')}`);
      return { wrappers, sites };
    };
    assert.deepEqual(await brief(commented), await brief(plain));
    assert.deepEqual((await brief(commented)).sites, ['11 wrapper-call OUT_CHAR']);
    const regions = await regionsOf(commented, ['realloc', 'OUT_CHAR']);
    assert.deepEqual(regions.map((r) => [r.startLine, r.endLine, r.names]), [[3, 9, []]]);
    // Its twin: the same body outside any #define is code, and a name the parser lost there counts.
    const lost = await regionsOf('char *b;\nvoid f(void) { int x = 1 2 /* c */ xrealloc(b, 8) 3; }\n');
    assert.deepEqual(lost.map((r) => r.names), [['xrealloc']]);
  });
});

describe('unparsed regions: what the walk asks tree-sitter', () => {
  // errorNodes asks a child `hasError || isError`: MISSING nodes must count as having an error,
  // and a lone ERROR leaf (a character the grammar cannot read) need not.
  it('a MISSING node has an error; an ERROR leaf has none, so it is asked whether it is one', async () => {
    const p = await cParser();
    const text = 'int f(void) { return 1 }\nint g(void) { int a = 1 @ 2; return a; }\n';
    const tree = p.parse(text)!;
    try {
      const missing: boolean[] = [];
      const leaves: boolean[] = [];
      const walk = (n: import('web-tree-sitter').Node) => {
        if (n.isMissing) missing.push(n.hasError);
        if (n.isError && n.childCount === 0) leaves.push(n.hasError);
        for (const c of n.children) if (c) walk(c);
      };
      walk(tree.rootNode);
      assert.ok(missing.length > 0, 'the missing `;` is a MISSING node');
      assert.ok(missing.every((h) => h), 'every MISSING node has an error');
      assert.deepEqual(leaves, [false], 'the `@` is an ERROR leaf without an error cost');
      const regions = unparsedRegions(tree.rootNode, text, namesPattern(['realloc']), new Set());
      assert.deepEqual(regions.map((r) => [r.startLine, r.endLine]), [[1, 1], [2, 2]]);
    } finally {
      tree.delete();
    }
  });
});

describe('pagecost scan: unparsed regions', function () {
  this.timeout(60_000);
  const macroHeavy = join(FIXTURE_ROOT, 'macro-heavy', 'list.c');
  let dir = '';
  before(() => {
    dir = makeTree({
      'list.c': readFileSync(macroHeavy, 'utf8'),
      'lost.c': 'static char *b;\nvoid h(void) { int x = 1 2 realloc(b, 8) 3; }\n',
    });
  });
  after(() => removeTree(dir));

  it('the macro-heavy fixture compiles with gcc', async () => {
    await assertCompiles(readFileSync(macroHeavy, 'utf8'), true);
  });

  it('code that compiles gets no file problem, its regions are counted; a region that can hide a call is a problem', async () => {
    const io = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--format', 'json', '--jobs', '1'], io), 0, io.err);
    const report = JSON.parse(io.out) as { errors: { file: string; message: string }[]; notes: { file: string }[]; stats: { unparsedRegions?: number; unparsedFiles?: number } };
    assert.deepEqual(report.errors.map((e) => e.file), ['lost.c']);
    assert.match(report.errors[0]!.message, /^line 2 \(`realloc`\) did not parse/);
    // (visit() on line 30 names no resize: the scan does not parse it, so its macro-made error is not counted.)
    assert.equal(report.stats.unparsedRegions, 2);
    assert.equal(report.stats.unparsedFiles, 1);
    assert.deepEqual(report.notes, [], 'listed only with --verbose');
  });

  it('--verbose lists them as notes, in text and JSON; the summary says how many', async () => {
    const text = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--jobs', '1'], text), 0, text.err);
    assert.match(text.err, /pagecost: 2 regions in 1 file did not parse but cannot hide a call \(--verbose lists them\)/);
    assert.doesNotMatch(text.err, /list\.c: note/);
    const verbose = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--jobs', '1', '--verbose'], verbose), 0, verbose.err);
    assert.match(verbose.err, /^list\.c: note: lines 39, 61 did not parse \(tree-sitter\); no call can be missed there/m);
    const json = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--format', 'json', '--jobs', '1', '--verbose'], json), 0, json.err);
    const report = JSON.parse(json.out) as { notes: { file: string; message: string }[] };
    assert.deepEqual(report.notes.map((n) => n.file), ['list.c']);
  });
});
