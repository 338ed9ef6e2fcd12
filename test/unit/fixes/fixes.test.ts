// Every quick fix is applied to realistic C and compiled with the system compiler
// (-fsyntax-only -Wall -Werror, the original compiling cleanly too); a few results are checked
// to the character.
import { strict as assert } from 'node:assert';
import { fixesFor } from '../../../src/core/fixes/index';
import { adviseSites } from '../../../src/core/advice/index';
import { analyze } from '../c-sites/helpers';
import { apply, assertCompiles, findingsOf, fixesOf, oneFinding } from './helpers';

const HEAD = '#define _GNU_SOURCE\n#include <stdlib.h>\n#include <stdio.h>\n#include <sys/mman.h>\n\n';

const RESERVE = `${HEAD}struct buf { char *data; size_t len, cap; };

int buf_reserve(struct buf *b, size_t need)
{
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap * 2 : 16;
  while (cap < need)
    cap *= 2;
  b->data = realloc(b->data, cap);
  if (!b->data) {
    fputs("out of memory\\n", stderr);
    return -1;
  }
  b->cap = cap;
  return 0;
}
`;

describe('quick fixes (applied and compiled)', function () {
  this.timeout(60_000);

  it('realloc leak: moves a leaving NULL check onto a temporary (exact text), and compiles', async () => {
    await assertCompiles(RESERVE);
    const fixes = await fixesOf(RESERVE, 'realloc-leak-on-failure');
    assert.equal(fixes.length, 2);
    assert.equal(fixes[0]!.isPreferred, true);
    const fixed = apply(RESERVE, fixes[0]!);
    assert.ok(fixed.includes(`  while (cap < need)
    cap *= 2;
  {
    void *new_data = realloc(b->data, cap);
    if (!new_data) {
      /* realloc failed: b->data still points to the old block */
      fputs("out of memory\\n", stderr);
      return -1;
    }
    b->data = new_data;
  }
  b->cap = cap;
`), fixed);
    await assertCompiles(fixed);
    // The repaired code no longer has the finding.
    assert.deepEqual((await findingsOf(fixed)).filter((f) => f.rule === 'realloc-leak-on-failure'), []);
    // The other variant frees the old block and keeps the original check.
    const other = apply(RESERVE, fixes[1]!);
    assert.ok(other.includes(`  {
    void *new_data = realloc(b->data, cap);
    if (!new_data)
      free(b->data); /* realloc failed: release the old block instead of leaking it (assumes no other pointer into it is used) */
    b->data = new_data;
  }
  if (!b->data) {`), other);
    await assertCompiles(other);
  });

  it('realloc leak: a check that does not leave stays where it is; casts and a single-statement if body survive', async () => {
    const src = `${HEAD}void append(char *s, size_t n, char **out)
{
  if (n > 4)
    s = (char *)realloc(s, n + 1);
  if (s == NULL)
    fprintf(stderr, "out of memory\\n");
  *out = s;
}
`;
    await assertCompiles(src);
    const fixes = await fixesOf(src, 'realloc-leak-on-failure');
    assert.equal(fixes.length, 1, 'the check does not leave: only the free variant');
    const fixed = apply(src, fixes[0]!);
    assert.ok(fixed.includes(`  if (n > 4)
    {
      void *new_s = realloc(s, n + 1);
      if (!new_s)
        free(s); /* realloc failed: release the old block instead of leaking it (assumes no other pointer into it is used) */
      s = (char *)new_s;
    }
  if (s == NULL)`), fixed);
    await assertCompiles(fixed);
  });

  it('realloc leak: a temporary name already used in the file is not reused', async () => {
    const src = `${HEAD}int f(int *new_v, size_t n)
{
  int *v = new_v;
  v = realloc(v, n);
  if (!v)
    return -1;
  free(v);
  return 0;
}
`;
    await assertCompiles(src);
    const [fix] = await fixesOf(src, 'realloc-leak-on-failure');
    const fixed = apply(src, fix!);
    assert.match(fixed, /void \*v_new = realloc\(v, n\);/);
    await assertCompiles(fixed);
  });

  it('realloc leak: goto to a cleanup label, and the leak of an mremap with its MAP_FAILED check', async () => {
    const src = `${HEAD}int load(char **out, size_t n)
{
  char *p = malloc(16);
  if (!p)
    return -1;
  p = realloc(p, n);
  if (p == NULL)
    goto fail;
  *out = p;
  return 0;
fail:
  return -1;
}

int grow(void *m, size_t len, void **out)
{
  m = mremap(m, len, len * 2, MREMAP_MAYMOVE);
  if (m == MAP_FAILED) {
    perror("mremap");
    return -1;
  }
  *out = m;
  return 0;
}
`;
    await assertCompiles(src);
    const leaks = (await findingsOf(src)).filter((f) => f.rule === 'realloc-leak-on-failure');
    assert.equal(leaks.length, 2);
    let text = src;
    for (const f of leaks.reverse()) {
      // Later finding first, so the earlier one's positions still hold.
      const fx = fixesFor(f, text).filter((x) => x.isPreferred)[0]!;
      assert.match(fx.title, /temporary/);
      text = apply(text, fx);
    }
    assert.match(text, /void \*new_m = mremap\(m, len, len \* 2, MREMAP_MAYMOVE\);\n    if \(new_m == MAP_FAILED\) \{\n      \/\* mremap failed: m still points to the old mapping \*\/\n      perror\("mremap"\);/);
    assert.match(text, /if \(!new_p\) \{\n      \/\* realloc failed: p still points to the old block \*\/\n      goto fail;\n    \}\n    p = new_p;/);
    await assertCompiles(text);
  });

  it('mremap NULL tests become MAP_FAILED tests, all of them, and compile', async () => {
    const src = `${HEAD}void *grow(void *m, size_t len)
{
  void *q = mremap(m, len, 2 * len, MREMAP_MAYMOVE);
  if (!q)
    return NULL;
  if (q != NULL && len > 1)
    ((char *)q)[0] = 1;
  return q ? q : m;
}
`;
    await assertCompiles(src);
    const [fix] = await fixesOf(src, 'mremap-null-check');
    const fixed = apply(src, fix!);
    assert.ok(fixed.includes('if (q == MAP_FAILED)\n'), fixed);
    assert.ok(fixed.includes('if (q != MAP_FAILED && len > 1)'), fixed);
    assert.ok(fixed.includes('return q != MAP_FAILED ? q : m;'), fixed);
    await assertCompiles(fixed);
    assert.deepEqual((await findingsOf(fixed)).filter((f) => f.rule === 'mremap-null-check'), []);
  });

  it('MREMAP_FIXED / MREMAP_DONTUNMAP without MREMAP_MAYMOVE: the flag is added', async () => {
    const src = `${HEAD}void *move(void *src, void *dst, size_t n)
{
  return mremap(src, n, n, MREMAP_FIXED, dst);
}

void *keep(void *src, size_t n)
{
  return mremap(src, n, n, MREMAP_DONTUNMAP);
}
`;
    await assertCompiles(src);
    const a = apply(src, (await fixesOf(src, 'mremap-fixed-without-maymove'))[0]!);
    assert.ok(a.includes('mremap(src, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, dst)'), a);
    const b = apply(a, (await fixesOf(a, 'mremap-dontunmap-without-maymove'))[0]!);
    assert.ok(b.includes('mremap(src, n, n, MREMAP_MAYMOVE | MREMAP_DONTUNMAP)'), b);
    await assertCompiles(b);
  });

  it('growing mremap without MREMAP_MAYMOVE: the flag is offered only where the result is stored back', async () => {
    const src = `${HEAD}void *grow(void *m)
{
  m = mremap(m, 4096, 8192, 0);
  return m == MAP_FAILED ? NULL : m;
}

int grow_here(void *m)
{
  void *r = mremap(m, 4096, 8192, 0);
  return r == MAP_FAILED ? -1 : 0;
}
`;
    await assertCompiles(src);
    const fs = (await findingsOf(src)).filter((f) => f.rule === 'mremap-grow-without-maymove');
    assert.equal(fs.length, 2);
    const [back, elsewhere] = fs;
    const fx = fixesFor(back!, src).filter((f) => !f.title.startsWith('Ignore '));
    assert.equal(fx.length, 1);
    const fixed = apply(src, fx[0]!);
    assert.ok(fixed.includes('m = mremap(m, 4096, 8192, MREMAP_MAYMOVE);'), fixed);
    await assertCompiles(fixed);
    assert.deepEqual(fixesFor(elsewhere!, src).filter((f) => !f.title.startsWith('Ignore ')), []);
  });

  it('unchecked n * sizeof *p becomes reallocarray (exact text), with the _DEFAULT_SOURCE note only when needed', async () => {
    const src = `#include <stdlib.h>

int *grow_ints(int *v, size_t n)
{
  int *w = realloc(v, sizeof *v * n);
  return w;
}
`;
    await assertCompiles(src);
    const [fix] = await fixesOf(src, 'realloc-unchecked-multiply');
    assert.match(fix!.note ?? '', /_DEFAULT_SOURCE/);
    const fixed = apply(src, fix!);
    assert.ok(fixed.includes('  int *w = reallocarray(v, n, sizeof *v);\n'), fixed);
    await assertCompiles(fixed);
    const withGnu = `#define _GNU_SOURCE\n${src}`;
    const [fix2] = await fixesOf(withGnu, 'realloc-unchecked-multiply');
    assert.equal(fix2!.note, undefined);
  });

  it('realloc(p, 0) becomes free + NULL', async () => {
    const src = `${HEAD}char *drop(char *p)
{
  p = realloc(p, 0);
  return p;
}
`;
    await assertCompiles(src);
    const [fix] = await fixesOf(src, 'realloc-zero-size');
    const fixed = apply(src, fix!);
    assert.ok(fixed.includes('  {\n    free(p);\n    p = NULL;\n  }\n'), fixed);
    await assertCompiles(fixed);
  });

  it('mremap → mmap + memcpy + munmap for a small growing move: MAP_FAILED handling kept, <string.h> added, no precondition comment when the source is a private anonymous mmap', async () => {
    const src = `${HEAD}int grow_table(void)
{
  char *t = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (t == MAP_FAILED)
    return -1;
  t[0] = 1;
  char *bigger = mremap(t, 4096, 8192, MREMAP_MAYMOVE);
  if (bigger == MAP_FAILED) {
    munmap(t, 4096);
    return -1;
  }
  bigger[4096] = 2;
  munmap(bigger, 8192);
  return 0;
}
`;
    await assertCompiles(src);
    const [fix] = await fixesOf(src, 'mremap-slower-than-memcpy');
    const fixed = apply(src, fix!);
    assert.ok(fixed.includes('#include <sys/mman.h>\n#include <string.h>\n'), fixed);
    assert.ok(fixed.includes(`  void *new_map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (new_map != MAP_FAILED) {
    memcpy(new_map, t, 4096);
    munmap(t, 4096);
  }
  char *bigger = new_map;
  if (bigger == MAP_FAILED) {`), fixed);
    assert.doesNotMatch(fixed, /pagecost:/);
    await assertCompiles(fixed);
  });

  it('mremap → mmap + memcpy writes the precondition as a comment when the source is not seen', async () => {
    const src = `${HEAD}#include <string.h>

void *grow(void *m)
{
  m = mremap(m, 4096, 8192, MREMAP_MAYMOVE);
  return m == MAP_FAILED ? NULL : m;
}
`;
    await assertCompiles(src);
    const fix = (await fixesOf(src, 'mremap-slower-than-memcpy'))[0]!;
    assert.match(fix.note!, /private anonymous/);
    const fixed = apply(src, fix);
    assert.match(fixed, /\/\* pagecost: m must be a private anonymous read\/write mapping/);
    assert.equal(fixed.match(/#include <string.h>/g)!.length, 1, 'string.h not added twice');
    assert.ok(fixed.includes('    m = new_map;\n  }\n'), fixed);
    await assertCompiles(fixed);
  });

  it('a same-size MREMAP_FIXED move becomes memcpy into the destination plus munmap of the source, precondition in a comment', async () => {
    const src = `${HEAD}void *move_page(void *src, void *dst)
{
  void *r = mremap(src, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
  if (r == MAP_FAILED)
    return NULL;
  return r;
}

void move_quietly(void *src, void *dst)
{
  if (src != dst)
    mremap(src, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
}
`;
    await assertCompiles(src);
    const fs = (await findingsOf(src)).filter((f) => f.rule === 'mremap-slower-than-memcpy');
    assert.equal(fs.length, 2);
    let text = src;
    for (let round = 0; round < 2; round++) {
      // Analysed again after each fix: the #include the first fix adds moves every line below it.
      const f = (await findingsOf(text)).filter((x) => x.rule === 'mremap-slower-than-memcpy')[0]!;
      const fx = fixesFor(f, text).filter((x) => !x.title.startsWith('Ignore '));
      assert.equal(fx.length, 1);
      assert.match(fx[0]!.note!, /writable mapping of at least 4096 bytes/);
      text = apply(text, fx[0]!);
    }
    assert.equal((await findingsOf(text)).filter((x) => x.rule === 'mremap-slower-than-memcpy').length, 0);
    assert.ok(text.includes(`  /* pagecost: dst must already be a writable mapping of at least 4096 bytes that does not overlap src (mremap made the mapping; memcpy only fills it). */
  memcpy(dst, src, 4096);
  munmap(src, 4096); /* mremap unmapped the source */
  void *r = dst;
`), text);
    // An if without braces gets a block, so both statements stay under it.
    assert.ok(text.includes(`  if (src != dst)
    {
      /* pagecost:`), text);
    await assertCompiles(text);
  });

  it('mremap → memcpy is not offered when an argument has side effects or the sizes are unknown', async () => {
    const src = `${HEAD}void *next_map(void);
void *grow(size_t *len)
{
  void *m = mremap(next_map(), 4096, 8192, MREMAP_MAYMOVE);
  void *k = mremap(m, *len, *len * 2, MREMAP_MAYMOVE);
  return k == MAP_FAILED ? m : k;
}
`;
    await assertCompiles(src);
    const fs = await findingsOf(src);
    const slow = fs.filter((f) => f.rule === 'mremap-slower-than-memcpy');
    assert.equal(slow.length, 1, 'only the known-size call is slower');
    assert.deepEqual(fixesFor(slow[0]!, src).filter((f) => !f.title.startsWith('Ignore ')), []);
  });

  it('suppression comment: inserted with the statement indentation, merged into an existing one, and honoured on re-analysis', async () => {
    const src = `${HEAD}void f(char **p, size_t n)
{
  if (n) {
    *p = realloc(*p, n);
  }
}
`;
    const f = await oneFinding(src, 'realloc-leak-on-failure');
    const sup = fixesFor(f, src).find((x) => x.title.startsWith('Ignore '))!;
    const once = apply(src, sup);
    assert.ok(once.includes('  if (n) {\n    // pagecost-ignore-next-line realloc-leak-on-failure\n    *p = realloc(*p, n);\n'), once);
    await assertCompiles(once);
    let after = await findingsOf(once);
    assert.deepEqual(after.filter((x) => x.rule === 'realloc-leak-on-failure'), []);
    const cost = after.find((x) => x.rule === 'realloc-cost')!;
    const merge = fixesFor(cost, once).find((x) => x.title.startsWith('Ignore '))!;
    const twice = apply(once, merge);
    assert.ok(twice.includes('    // pagecost-ignore-next-line realloc-leak-on-failure, realloc-cost\n    *p = realloc(*p, n);\n'), twice);
    after = await findingsOf(twice);
    assert.deepEqual(after, []);
    // Without the suppressions option the findings are back (a "show suppressed" view).
    const { sites } = await analyze(twice);
    assert.equal(adviseSites(sites, { correctness: true, suppressions: false }).length, 2);
  });

  it('tab-indented code, a call under a case label, and a call inside a test (no statement fix there)', async () => {
    const src = `${HEAD}int f(char **p, int kind, size_t n)
{
\tswitch (kind) {
\tcase 1:
\t\t*p = realloc(*p, n);
\t\tbreak;
\tdefault:
\t\tif (!(*p = realloc(*p, 2 * n)))
\t\t\treturn -1;
\t}
\treturn 0;
}
`;
    await assertCompiles(src);
    const leaks = (await findingsOf(src)).filter((f) => f.rule === 'realloc-leak-on-failure');
    assert.equal(leaks.length, 2);
    const caseFixes = fixesFor(leaks[0]!, src).filter((f) => !f.title.startsWith('Ignore '));
    assert.equal(caseFixes.length, 1);
    const fixed = apply(src, caseFixes[0]!);
    assert.ok(fixed.includes('\tcase 1:\n\t\t{\n\t\t\tvoid *new_p = realloc(*p, n);\n\t\t\tif (!new_p)\n\t\t\t\tfree(*p);'), fixed);
    await assertCompiles(fixed);
    const inTest = fixesFor(leaks[1]!, src);
    assert.deepEqual(inTest.map((f) => f.title), ['Ignore realloc-leak-on-failure on this line (pagecost-ignore-next-line comment)']);
    const ignored = apply(src, inTest[0]!);
    assert.ok(ignored.includes('\tdefault:\n\t\t// pagecost-ignore-next-line realloc-leak-on-failure\n\t\tif (!(*p'), ignored);
    await assertCompiles(ignored);
  });

  it('suppression next to a clang-tidy NOLINTNEXTLINE goes at the end of the line, so both keep working', async () => {
    const src = `${HEAD}void f(char *s, size_t n)
{
  // NOLINTNEXTLINE(bugprone-suspicious-realloc-usage)
  s = realloc(s, n);
  free(s);
}
`;
    const f = await oneFinding(src, 'realloc-leak-on-failure');
    const sup = fixesFor(f, src).find((x) => x.title.startsWith('Ignore '))!;
    const fixed = apply(src, sup);
    assert.ok(fixed.includes('  // NOLINTNEXTLINE(bugprone-suspicious-realloc-usage)\n  s = realloc(s, n); // pagecost-ignore-line realloc-leak-on-failure\n'), fixed);
    await assertCompiles(fixed);
    assert.deepEqual((await findingsOf(fixed)).filter((x) => x.rule === 'realloc-leak-on-failure'), []);
  });

  it('CRLF files get CRLF lines', async () => {
    const src = RESERVE.replace(/\n/g, '\r\n');
    const [fix] = await fixesOf(src, 'realloc-leak-on-failure');
    const fixed = apply(src, fix!);
    assert.doesNotMatch(fixed.replace(/\r\n/g, ''), /\n/);
    await assertCompiles(fixed);
  });

  it('a stale finding (the text changed since the analysis) gets no fix', async () => {
    const f = await oneFinding(RESERVE, 'realloc-leak-on-failure');
    const changed = RESERVE.replace('b->data = realloc', 'b->data = xrealoc');
    assert.deepEqual(fixesFor(f, changed), []);
  });
});
