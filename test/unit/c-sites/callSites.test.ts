import { directiveTable } from '../../../src/core/analysis/c/conditions';
import { strict as assert } from 'node:assert';
import { analyze, brief, cParser } from './helpers';
import { enclosingFunctionNode, isInLoop, placeOf } from '../../../src/core/analysis/c/syntax';

describe('C call sites: finding and classifying names', () => {
  it('placeOf walks up once for what isInLoop and enclosingFunctionNode say, at every name', async () => {
    const text = `void f(char *p, int n) {
  p = realloc(p, 1);
  for (int i = 0; i < n; i++) { p = realloc(p, i); if (i) { while (n--) p = realloc(p, n); } }
  list_for_each(it, head) { p = realloc(p, 2); }
  void g(void) { p = realloc(p, 3); for (;;) { void h(void) { p = realloc(p, 4); } } }
  do p = realloc(p, 5); while (0);
}
int k = 1;
`;
    const tree = (await cParser()).parse(text)!;
    const ids = tree.rootNode.descendantsOfType(['identifier', 'number_literal']).filter((n) => !!n);
    assert.ok(ids.length > 30);
    const seen = new Set<string>();
    for (const n of ids) {
      const got = placeOf(n!);
      assert.equal(got.inLoop, isInLoop(n!), `${n!.text} at ${n!.startIndex}`);
      assert.equal(got.fn?.id ?? null, enclosingFunctionNode(n!)?.id ?? null, `${n!.text} at ${n!.startIndex}`);
      seen.add(`${got.inLoop}/${got.fn ? 'fn' : 'file'}`);
    }
    // Names in and out of loops, in and out of functions, were all asked.
    assert.deepEqual([...seen].sort(), ['false/file', 'false/fn', 'true/fn']);
    tree.delete();
  });

  it('counts columns in UTF-16 units and gives offsets into the JS string', async () => {
    const text = '// größe 𝄞\nvoid f(char *p) { /* ü */ p = realloc(p, 8); }\n';
    const [site] = (await analyze(text)).sites;
    assert.ok(site);
    const at = text.indexOf('realloc');
    assert.equal(site.nameRange.startOffset, at);
    assert.equal(site.nameRange.start.line, 2);
    // "void f(char *p) { /* ü */ p = " is 30 UTF-16 units: column 31.
    assert.equal(site.nameRange.start.column, 31);
    assert.equal(site.range.endOffset, text.indexOf(');') + 1);
  });

  it('reports a call through `(*realloc)` and `(realloc)`, with the range covering the whole call', async () => {
    const text = 'void f(char *p) {\n  p = (*realloc)(p, 8);\n  p = (realloc)(p, 9);\n}\n';
    const sites = (await analyze(text)).sites;
    assert.deepEqual(sites.map(brief), ['2:9 direct-call realloc', '3:8 direct-call realloc']);
    assert.equal(text.slice(sites[1]!.range.startOffset, sites[1]!.range.endOffset), '(realloc)(p, 9)');
  });

  it('lets a shadowing local hide the primitive only inside its block, from its declaration on', async () => {
    const text = [
      'typedef void *(*fn_t)(void *, unsigned long);',
      'void f(char *p, fn_t other) {',
      '  p = realloc(p, 1);',
      '  {',
      '    fn_t realloc = other;',
      '    p = realloc(p, 2);',
      '  }',
      '  p = realloc(p, 3);',
      '}',
    ].join('\n');
    const sites = (await analyze(text)).sites;
    assert.deepEqual(sites.map((s) => s.newSize?.text), ['1', '3']);
  });

  it('does not treat a prototype inside a function, an enumerator or a goto label as a use', async () => {
    const text = [
      'enum ops { mremap = 3 };',
      'void f(char *p) {',
      '  void *realloc(void *, unsigned long);',
      '  p = realloc(p, 4);',
      'reallocf: return;',
      '}',
    ].join('\n');
    const sites = (await analyze(text)).sites;
    // The prototype does not shadow: the call after it is still the primitive.
    assert.deepEqual(sites.map(brief), ['4:7 direct-call realloc']);
  });

  it('reports a reference to a wrapper with its chain, and a wrapper call nested in a macro argument', async () => {
    const text = [
      'void *xrealloc(void *ptr, unsigned long size) { return realloc(ptr, size); }',
      'void g(char *q) {',
      '  void *(*cb)(void *, unsigned long) = xrealloc;',
      '  CHECK(q = xrealloc(q, 64));',
      '}',
    ].join('\n');
    const sites = (await analyze(text)).sites;
    assert.deepEqual(sites.map(brief), [
      '1:56 direct-call realloc',
      '3:40 reference realloc via xrealloc',
      '4:13 wrapper-call realloc via xrealloc',
    ]);
    assert.equal(sites[1]!.newSize, null);
    assert.equal(sites[2]!.newSize?.bytes, 64);
    assert.equal(sites[2]!.assignedBackTo, 'q');
    assert.equal(sites[2]!.enclosingFunction, 'g');
    // xrealloc here returns NULL on failure like realloc does: nothing says it dies.
    assert.equal(sites[2]!.diesOnFailure, undefined);
  });

  it('fills loop, assignment and function context', async () => {
    const text = [
      'struct s { char *buf; };',
      'static char *(grow)(struct s *s, int n) {',
      '  do {',
      '    s->buf = (char *)realloc( s -> buf , 16);',
      '  } while (n--);',
      '  while (n) { }',
      '  char *other = realloc(s->buf, 32);',
      '  return other;',
      '}',
    ].join('\n');
    const [a, b] = (await analyze(text)).sites;
    assert.equal(a!.inLoop, true);
    assert.equal(a!.assignedBackTo, 's->buf');
    assert.equal(a!.enclosingFunction, 'grow');
    assert.equal(b!.inLoop, false);
    assert.equal(b!.assignedBackTo, null);
  });

  it('keeps going through error nodes and reports what it still recognises', async () => {
    const text = 'void f(char *p {\n  p = realloc(p, 8);\n  ]]]\n  p = mremap(p, 4096, 8192, 1);\n}}\n#endif\n';
    const sites = (await analyze(text)).sites;
    assert.deepEqual(
      sites.map((s) => s.callee),
      ['realloc', 'mremap'],
    );
  });

  it('knows the #if branch of calls even where the branches leave braces unbalanced', async () => {
    const text = [
      'void f(struct r *s) {',
      '  if (s->n > 10) {',
      '#if HAVE_REALLOCARRAY',
      '    s->q = reallocarray(s->q, s->n, 8);',
      '  }',
      '#else',
      '    s->q = realloc(s->q, s->n * 8);',
      '  }',
      '#endif',
      '  s->z = realloc(s->z, 4);',
      '}',
    ].join('\n');
    const sites = (await analyze(text)).sites;
    assert.deepEqual(
      sites.map((s) => [s.nameRange.start.line, s.conditions]),
      [
        [4, ['#if HAVE_REALLOCARRAY']],
        [7, ['#else (not: #if HAVE_REALLOCARRAY)']],
        [10, []],
      ],
    );
  });

  it('sees the assignment back when `p =` stands before an #ifdef and each branch has the call', async () => {
    const text = [
      'void f(struct r *s) {',
      '  s->p =',
      '#ifdef USE_MREMAP',
      '    mremap(s->p, s->n, 2 * s->n, MREMAP_MAYMOVE);',
      '#else',
      '    realloc(s->p, 2 * s->n);',
      '#endif',
      '  s->q =',
      '#ifdef USE_MREMAP',
      '    mremap(s->other, s->n, 2 * s->n, MREMAP_MAYMOVE);',
      '#endif',
      '}',
    ].join('\n');
    const sites = (await analyze(text)).sites;
    assert.deepEqual(
      sites.map((s) => s.assignedBackTo),
      ['s->p', 's->p', null],
    );
  });

  it('handles CRLF line endings: positions, continued directives and macro bodies', async () => {
    const text = [
      '#define GROW(p, n) \\',
      '  ((p) = realloc((p), (n)))',
      '#if defined(A) && \\',
      '    defined(B)',
      'void f(char *q) {',
      '\tq = realloc(q,',
      '\t\t16);',
      '\tGROW(q, 32);',
      '}',
      '#endif',
      '',
    ].join('\r\n');
    const sites = (await analyze(text)).sites;
    assert.deepEqual(sites.map(brief), ['6:6 direct-call realloc', '8:2 wrapper-call realloc via GROW']);
    assert.deepEqual(sites[0]!.conditions, ['#if defined(A) && defined(B)']);
    assert.equal(sites[0]!.newSize?.bytes, 16);
    assert.equal(sites[1]!.newSize?.bytes, 32);
    assert.equal(sites[0]!.range.end.line, 7);
  });

  it('ignores directives inside comments when reading conditions', async () => {
    const text = 'void f(char *p) {\n/*\n#if 0\n*/\n  p = realloc(p, 1);\n}\n';
    const [s] = (await analyze(text)).sites;
    assert.deepEqual(s!.conditions, []);
  });

  it('evaluates reallocarray as nmemb × size and mremap old/new sizes and flags', async () => {
    const text = [
      '#define MREMAP_MAYMOVE 1',
      'void f(int *a, void *m) {',
      '  a = reallocarray(a, 1000, sizeof(int));',
      '  m = mremap(m, 2 * 4096, 16 * 4096, MREMAP_MAYMOVE);',
      '}',
    ].join('\n');
    const [ra, mr] = (await analyze(text)).sites;
    assert.equal(ra!.newSize?.bytes, 4000);
    assert.equal(ra!.oldSize, null);
    assert.equal(mr!.oldSize?.bytes, 8192);
    assert.equal(mr!.newSize?.bytes, 65536);
    assert.deepEqual(mr!.flags, ['MREMAP_MAYMOVE']);
  });

  it('says why a size is unknown when an argument is missing', async () => {
    const [s] = (await analyze('void f(char *p) { p = realloc(p); }')).sites;
    assert.equal(s!.newSize?.bytes, null);
    assert.match(s!.newSize!.note, /missing/);
  });
});

describe('C conditions: the directive table', () => {
  it('reads conditional directive lines as the multi-line regex did, without trying it at every position', () => {
    const text = [
      '#if A', '  #  ifdef\tB', 'x = 1; #if NOT_A_LINE', '#ifx', '#ifndef C // note', '#elif D && \\', '  E', '#if F \\',
      '#endif (continued, not a directive)', '# # if G', '#else', '#endif', '#if H\r#if I', '#elifdef J\u2028#endif', '#endif',
      '#if', '#endif',
    ].join('\n');
    const regex = /^[ \t]*#[ \t]*(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b((?:[^\n\\]|\\\r?\n|\\)*)/gm;
    const offsets = Array.from(text.matchAll(regex), (m) => m.index);
    const table = directiveTable(text);
    assert.deepEqual(table.offsets, offsets);
    assert.equal(offsets.length, 12); // `#if H\r#if I` and `#elifdef J\u2028#endif` are one match each, as for the regex
    assert.deepEqual(table.stacks[1], ['#if A', '#ifdef B']);
    assert.deepEqual(table.stacks[3], ['#if A', '#ifdef B', '#elif D && E (not: #ifndef C)']);
  });
});
