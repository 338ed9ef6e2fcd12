// What tree-sitter reads (treeText.ts): K&R headers as prototypes, comments inside continued
// directives as spaces, every other character where it was.
import { strict as assert } from 'node:assert';
import { PreparedText, rangeReader, treeSitterText } from '../../../src/core/analysis/c/treeText';
import fc from 'fast-check';
import { fileLayout, toTreeSitterRanges } from '../../../src/core/scan/regions';
import { CDocument } from '../../../src/core/analysis/c/document';
import { analyze, brief, cParser, wrappersOf } from './helpers';

const KR = `#include <stdlib.h>
/* Grows a table of strings to hold count entries. */
char **
table_grow (table, count)
     char **table;	/* may be NULL */
     int count;
{
  return realloc (table, count * sizeof (char *));
}

void use (struct tab *t)
{
  t->v = table_grow (t->v, 10);
}
`;

const PROTO = KR.replace(`table_grow (table, count)
     char **table;	/* may be NULL */
     int count;
`, 'table_grow (char **table, int count)\n');

function linesOf(s: string): number {
  return s.split('\n').length;
}

describe('C text as tree-sitter reads it', () => {
  it('keeps every offset, line and the text after each rewritten header', () => {
    const seen = treeSitterText(KR);
    assert.notEqual(seen, KR);
    assert.equal(seen.length, KR.length);
    assert.equal(linesOf(seen), linesOf(KR));
    const body = KR.indexOf('{\n  return realloc');
    assert.equal(seen.slice(body), KR.slice(body));
    assert.match(seen, /table_grow \(char\*\*table,int count\)/);
  });

  it('returns the same string when nothing needs rewriting', () => {
    const plain = 'int f(int x)\n{\n  if (x) x = 1; { x++; }\n  return x;\n}\n#define ONE 1 /* one */\n';
    assert.equal(treeSitterText(plain), plain);
    assert.equal(treeSitterText(PROTO), PROTO);
  });

  it('reads a K&R definition as the wrapper its prototype twin is, with the same call-site size', async () => {
    const kr = await wrappersOf(KR);
    const proto = await wrappersOf(PROTO);
    assert.deepEqual(kr.map((w) => [w.name, w.params, w.paramNames]), proto.map((w) => [w.name, w.params, w.paramNames]));
    assert.deepEqual(kr.map((w) => w.name), ['table_grow']);
    const sites = (await analyze(KR)).sites.filter((s) => s.kind === 'wrapper-call');
    assert.deepEqual(sites.map(brief), ['13:10 wrapper-call realloc via table_grow']);
    assert.equal(sites[0]!.newSize?.bytes, 80);
    assert.equal(sites[0]!.enclosingFunction, 'use');
  });

  it('gives undeclared K&R parameters int, and leaves headers that are not K&R alone', async () => {
    const implicit = 'void *grow_by (p, n)\n  void *p;\n{\n  return realloc (p, n + 1);\n}\n';
    assert.match(treeSitterText(implicit), /grow_by \(void\*p,int n\)/);
    assert.deepEqual((await wrappersOf(implicit)).map((w) => w.name), ['grow_by']);
    // A declaration naming something that is not a parameter is not a K&R header.
    const other = 'int f (a) int b; {\n  return a;\n}\n';
    assert.equal(treeSitterText(other), other);
    // A directive among the declarations: left to tree-sitter as it is.
    const directive = 'int f (a)\n#ifdef W\n long a;\n#else\n int a;\n#endif\n{ return a; }\n';
    assert.equal(treeSitterText(directive), directive);
  });

  it('turns comments inside a continued directive into spaces, and only those', async () => {
    const macro = [
      '#include <stdlib.h>',
      'struct buf { char *p; size_t n, cap; };',
      '#define BUF_PUT(b, c) \\',
      '  do { \\',
      '    if ((b)->n == (b)->cap) { /* full */ \\',
      '      (b)->cap *= 2; /* double */ \\',
      '      (b)->p = realloc ((b)->p, (b)->cap); \\',
      '    } \\',
      '    (b)->p[(b)->n++] = (c); \\',
      '  } while (0)',
      '#define LIMIT 10 /* kept: one line */',
      'void put2 (struct buf *b) { BUF_PUT (b, 1); BUF_PUT (b, 2); }',
      '',
    ].join('\n');
    const seen = treeSitterText(macro);
    assert.equal(seen.length, macro.length);
    assert.ok(!seen.includes('/* full */') && !seen.includes('/* double */'));
    assert.ok(seen.includes('/* kept: one line */'));
    // A macro that defines functions (a template expanded at file scope) is left as it is.
    const template = '#define DEFINE_GROW(T) \\\n  static T *grow_##T (T *p, int n) /* n items */ \\\n  { return realloc (p, n * sizeof (T)); }\n';
    assert.equal(treeSitterText(template), template);
    const r = await analyze(macro);
    assert.deepEqual(r.wrappers.map((w) => w.name), ['BUF_PUT']);
    assert.deepEqual(r.sites.filter((s) => s.kind === 'wrapper-call').map(brief), ['12:29 wrapper-call realloc via BUF_PUT', '12:45 wrapper-call realloc via BUF_PUT']);
  });

  it('blanks a comment line in a block-bodied macro (`#define PUSH(v) { … }`): its parameter list is no function header', async () => {
    const text = [
      '#include <stdlib.h>',
      'struct stack { int *v; size_t n, cap; };',
      '#define PUSH(s, x) \\',
      '  { \\',
      '    if ((s)->n == (s)->cap) \\',
      '      { \\',
      '        size_t twice = 2 * (s)->cap + 1; \\',
      '        /* grow the stack */ \\',
      '        (s)->v = realloc ((s)->v, twice * sizeof (int)); \\',
      '        (s)->cap = twice; \\',
      '      } \\',
      '    (s)->v[(s)->n++] = (x); \\',
      '  }',
      'void fill (struct stack *s) { PUSH (s, 1); PUSH (s, 2); }',
      '',
    ].join('\n');
    assert.ok(!treeSitterText(text).includes('/* grow the stack */'));
    const r = await analyze(text);
    assert.deepEqual(r.wrappers.map((w) => w.name), ['PUSH']);
    assert.equal(r.sites.filter((s) => s.kind === 'wrapper-call').length, 2);
  });

  it('keeps the editor document equal to a fresh analysis while a K&R header is edited', async () => {
    const parser = await cParser();
    const doc = CDocument.open(parser, 'doc.c', KR);
    try {
      assert.deepEqual(doc.sites.map(brief), (await analyze(KR, 'doc.c')).sites.map(brief));
      // Typing in the declarations: the header stops and starts being K&R.
      for (const text of [KR.replace('int count;', 'int count'), KR.replace('int count;', 'long count;'), PROTO, KR]) {
        doc.update(text);
        assert.deepEqual(doc.sites.map(brief), (await analyze(text, 'doc.c')).sites.map(brief), text);
        assert.deepEqual(doc.sites.map((s) => s.newSize?.bytes ?? null), (await analyze(text, 'doc.c')).sites.map((s) => s.newSize?.bytes ?? null));
      }
    } finally {
      doc.dispose();
    }
  });
});

describe('PreparedText: the rewrite skipped where the layout finds nothing to rewrite', () => {
  it('calls plain the texts the rewrite leaves as they are, and only those it reads as the rewrite does', () => {
    const plain = (t: string) => fileLayout(t)?.plain;
    assert.equal(plain('#include <a.h> /* why */\nint f(void) { return 0; }\n#endif /* A */\n'), true, 'a comment on a one-line directive');
    assert.equal(plain(KR), false, 'a `{` after a top-level `;`: maybe a K&R header');
    assert.equal(plain('#define M(a) \\\n  (a) /* c */ \\\n  + 1\nint x;\n'), false, 'a comment in a continued directive');
    assert.equal(plain('#define M(a) /* one\n two */ (a)\n'), false, 'a directive running on in its comment');
    assert.equal(plain('int a; // no \\\nint b;\n'), false, 'a line comment continued: the rewrite reads the next line as code');
    assert.equal(plain('#define Q "/* a */" /* b */\nint x;\n'), true, 'one line, where both scans end the directive');
    for (const t of [KR, PROTO, '#define M(a) \\\n  (a) /* c */ \\\n  + 1\nint x;\n']) assert.equal(new PreparedText(t).treeText, treeSitterText(t));
  });

  it('gives what treeSitterText gives on any text (property)', () => {
    // Whole pieces (balanced, closed) more than loose characters: a layout is null, and claims nothing, where braces, quotes or comments do not close.
    const piece = fc.constantFrom(
      '#define M(a) \\\n', '#define N ', '#define C /* c */ \\\n', '#define Q /* a */ "/*" q\n', '#define R 1 /* r\n r */\n', '#if X\n', '#endif /* X */\n', '  (a) /* c */ \\\n', ' /* open\n', ' */ ', '/* c */', '// line \\\n', '// line\n',
      'char *grow (p, n) char *p; int n;', 'grow (p, n)\n', 'char *p;', ' int n;', '{ return p; }', 'int f(void) { x = 1; }', '{', '}', ')', ';', ' ', '\n', '\r\n', '\\',
      '"', "'", '"/*"', '"/* a */"', "'*/'", 'x = 1;', 'struct s { int a; };', '#',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const t = parts.join('');
        if (fileLayout(t)?.plain) assert.equal(treeSitterText(t), t, JSON.stringify(t));
        assert.equal(new PreparedText(t).treeText, treeSitterText(t), JSON.stringify(t));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('rangeReader: what tree-sitter reads of a text parsed in ranges', () => {
  const text = 'int a;\n/* gap */\nint f(void) { return 1; }\n/* gap */\nint g(void) { return 2; }\n';
  const f = { start: text.indexOf('int f'), end: text.indexOf('}') + 1 };
  const g = { start: text.indexOf('int g'), end: text.lastIndexOf('}') + 1 };

  it('reads to the end of the range that holds the index, never nothing before the end of the text', () => {
    const read = rangeReader(text, [f, g]);
    assert.equal(read(f.start), text.slice(f.start, f.end));
    assert.equal(read(f.start + 4), text.slice(f.start + 4, f.end));
    assert.equal(read(g.start), text.slice(g.start, g.end));
    // Stepping back (a reused subtree, node.text afterwards) and into gaps still gives text.
    assert.equal(read(f.start + 1), text.slice(f.start + 1, f.end));
    assert.equal(read(0), text.slice(0, f.start));
    assert.equal(read(f.end), text.slice(f.end, g.start));
    assert.equal(read(g.end), text.slice(g.end));
    assert.equal(read(text.length), '');
    for (let i = 0; i < text.length; i++) assert.ok(read(i).length > 0 && text.startsWith(read(i), i), `at ${i}`);
  });

  it('a parse of ranges through it gives the tree the whole text gives', async () => {
    const parser = await cParser();
    const prepared = new PreparedText(text);
    const tree = prepared.parseRanges(parser, [f, g])!;
    const whole = parser.parse(text, null, { includedRanges: toTreeSitterRanges(text, [f, g]) })!;
    assert.equal(tree.rootNode.toString(), whole.rootNode.toString());
    assert.equal(tree.rootNode.namedChildren.map((n) => n!.text).join('|'), 'int f(void) { return 1; }|int g(void) { return 2; }');
    tree.delete();
    whole.delete();
  });

  it('a long range is read in pieces of at most 5,120 characters', () => {
    const long = `int h(void) {${' x;'.repeat(4000)} }`;
    const read = rangeReader(long, [{ start: 0, end: long.length }]);
    assert.equal(read(0).length, 5120);
    assert.equal(read(long.length - 3), ' x; }'.slice(2));
  });
});
