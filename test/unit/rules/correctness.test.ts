// Correctness rules on C snippets: each with cases it must flag and the look-alikes other
// linters flag wrongly (saved old pointer, wrappers that die, a temporary).
import { strict as assert } from 'node:assert';
import { adviseSites, ALL_RULES, DEFAULT_SEVERITY } from '../../../src/core/advice/index';
import { analyze } from '../c-sites/helpers';
import { findingsOf } from '../fixes/helpers';

const HEAD = '#define _GNU_SOURCE\n#include <stdlib.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <sys/mman.h>\n';

/** `line rule` of the findings of one rule. */
async function lines(body: string, rule: string): Promise<number[]> {
  return (await findingsOf(HEAD + body)).filter((f) => f.rule === rule).map((f) => f.site.nameRange.start.line - 5);
}

describe('correctness rules', () => {
  describe('realloc-leak-on-failure', () => {
    it('flags p = realloc(p, n), struct fields, reallocarray, a NULL-returning wrapper and p = mremap(p, …)', async () => {
      const body = `
void *try_realloc(void *p, size_t n) { void *r = realloc(p, n); return r; }
struct v { int *items; size_t cap; };
void f(struct v *a, char *s, size_t n, void *m)
{
  s = realloc(s, n);
  a->items = reallocarray(a->items, n, sizeof *a->items);
  a->items = try_realloc(a->items, n);
  m = mremap(m, 4096, 8192, MREMAP_MAYMOVE);
  free(s);
}
`;
      assert.deepEqual(await lines(body, 'realloc-leak-on-failure'), [6, 7, 8, 9]);
    });

    it('is quiet for a saved old pointer, a temporary, reallocf, a wrapper that dies, an assigning macro over one, a check that exits (also through error (EXIT_FAILURE, …)), and wrappers that free on failure', async () => {
      const body = `
void die(const char *m);
void *xrealloc(void *p, size_t n) { void *r = realloc(p, n); if (!r) die("oom"); return r; }
#define XGROW(p, n) ((p) = xrealloc((p), (n)))
void fixup(size_t n);
/* gnulib style: the failure path ends in a helper that exits; the name says it never returns NULL. */
void *xnrealloc(void *p, size_t n, size_t s) { void *r = reallocarray(p, n, s); if (!r) fixup(n); return r; }
void error(int status, int errnum, const char *fmt, ...);
/* glibc wordexp style: frees the old buffer when realloc fails, so its callers do not leak. */
char *add_char(char *buf, size_t n) { char *old = buf; buf = realloc(buf, n); if (buf == NULL) free(old); return buf; }
char *add_str(char *buf, size_t n) { char *r = realloc(buf, n); if (!r) { free(buf); return NULL; } return r; }
/* Stores the result itself: the leak, if any, is its own call's. */
void grow(char **pp, size_t n) { char *t = realloc(*pp, n); if (t) *pp = t; }
void *reallocf(void *p, size_t n);
int f(char *s, size_t n)
{
  char *old = s;
  s = realloc(s, n);
  if (!s) { free(old); return -1; }
  char *tmp = realloc(s, 2 * n);
  if (!tmp) return -1;
  s = tmp;
  s = reallocf(s, n);
  s = xrealloc(s, n);
  XGROW(s, n);
  s = realloc(s, n + 1);
  if (!s) { fputs("out of memory", stderr); exit(1); }
  s = xnrealloc(s, n, 2);
  grow(&s, n);
  s = add_char(s, n);
  if (!s) return -1;
  s = add_str(s, n);
  s = realloc(s, n + 2);
  if (!s) error(EXIT_FAILURE, 0, "out of memory");
  free(s);
  return 0;
}
`;
      assert.deepEqual(await lines(body, 'realloc-leak-on-failure'), []);
    });

    it('error (0, …) returns, so a check calling it still leaks; a wrapper that returns NULL without freeing leaks at its callers', async () => {
      const body = `
void error(int status, int errnum, const char *fmt, ...);
char *try_grow(char *b, size_t n) { char *r = realloc(b, n); if (!r) return NULL; return r; }
void f(char *s, size_t n)
{
  s = realloc(s, n);
  if (!s) error(0, 0, "out of memory");
  s = try_grow(s, n);
  free(s);
}
`;
      assert.deepEqual(await lines(body, 'realloc-leak-on-failure'), [6, 8]);
    });

    it('a copy made after the call does not count as saved', async () => {
      const body = `
void f(char *s, size_t n, char **out)
{
  s = realloc(s, n);
  char *old = s;
  *out = old;
}
`;
      assert.deepEqual(await lines(body, 'realloc-leak-on-failure'), [4]);
    });
  });

  describe('mremap-null-check', () => {
    it('flags NULL, 0, ! and truth tests of the result, directly or through its variable', async () => {
      const body = `
void *f(void *m, size_t n)
{
  void *q = mremap(m, n, 2 * n, MREMAP_MAYMOVE);
  if (q == NULL) return m;
  if (mremap(q, 2 * n, 4 * n, MREMAP_MAYMOVE) == 0) return q;
  if (!mremap(q, 4 * n, 8 * n, MREMAP_MAYMOVE)) return q;
  return q;
}
`;
      assert.deepEqual(await lines(body, 'mremap-null-check'), [4, 6, 7]);
    });

    it('is quiet for MAP_FAILED tests, NULL tests next to one, and tests after the variable was reassigned', async () => {
      const body = `
void *f(void *m, size_t n)
{
  void *q = mremap(m, n, 2 * n, MREMAP_MAYMOVE);
  if (q == MAP_FAILED) return m;
  void *r = mremap(q, 2 * n, 4 * n, MREMAP_MAYMOVE);
  if (r == MAP_FAILED || r == NULL) return q;
  void *s = mremap(r, 4 * n, 8 * n, MREMAP_MAYMOVE);
  if (s == (void *)-1) return r;
  s = malloc(4);
  if (!s) return r;
  return s;
}
`;
      assert.deepEqual(await lines(body, 'mremap-null-check'), []);
    });
  });

  describe('mremap flags', () => {
    it('grow without MAYMOVE (known sizes, or a growing size), FIXED/DONTUNMAP without MAYMOVE, DONTUNMAP with a size change', async () => {
      const body = `
void f(void *m, void *d, size_t n)
{
  m = mremap(m, 4096, 8192, 0);
  m = mremap(m, n, n * 2, 0);
  m = mremap(m, n, n, MREMAP_FIXED, d);
  m = mremap(m, n, n, MREMAP_DONTUNMAP);
  m = mremap(m, 4096, 8192, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
}
`;
      assert.deepEqual(await lines(body, 'mremap-grow-without-maymove'), [4, 5]);
      assert.deepEqual(await lines(body, 'mremap-fixed-without-maymove'), [6]);
      assert.deepEqual(await lines(body, 'mremap-dontunmap-without-maymove'), [7]);
      assert.deepEqual(await lines(body, 'mremap-dontunmap-size-change'), [8]);
    });

    it('is quiet for shrinks, same-size calls, MAYMOVE, valid FIXED/DONTUNMAP, and flags it cannot read', async () => {
      const body = `
void f(void *m, void *d, size_t n, int fl)
{
  m = mremap(m, 8192, 4096, 0);
  m = mremap(m, 4096, 4096, 0);
  m = mremap(m, 4096, 8192, MREMAP_MAYMOVE);
  m = mremap(m, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, d);
  m = mremap(m, 4096, 4096, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  m = mremap(m, 4096, 8192, fl);
}
`;
      for (const r of ['mremap-grow-without-maymove', 'mremap-fixed-without-maymove', 'mremap-dontunmap-without-maymove', 'mremap-dontunmap-size-change']) {
        assert.deepEqual(await lines(body, r), [], r);
      }
    });
  });

  describe("NetBSD's five-argument mremap", () => {
    it('gets no Linux cost, only a line saying why; the Linux call beside it is priced', async () => {
      const body = `
void *dup_map(void *old, size_t size) { return mremap(old, size, NULL, size, MAP_REMAPDUP); }
void *grow_map(void *old, size_t size) { return mremap(old, size, size * 2, MREMAP_MAYMOVE); }
`;
      const costs = (await findingsOf(HEAD + body)).filter((f) => f.rule === 'mremap-cost');
      assert.deepEqual(costs.map((f) => [f.site.nameRange.start.line - 5, !!f.estimate]), [[2, false], [3, false]]);
      assert.match(costs[0]!.message, /^`mremap` with five arguments is NetBSD's mremap .*: the Linux model does not price it\.$/);
      assert.doesNotMatch(costs[1]!.message, /NetBSD/);
    });
  });

  describe('realloc-unchecked-multiply', () => {
    it('flags runtime products, also through a wrapper', async () => {
      const body = `
void die(const char *m);
void *xrealloc(void *p, size_t n) { void *r = realloc(p, n); if (!r) die("oom"); return r; }
void f(int **v, size_t n, size_t m)
{
  int *a = realloc(*v, n * sizeof **v);
  int *b = realloc(a, (n + 1) * m);
  int *c = xrealloc(b, n * m);
  *v = c;
}
`;
      assert.deepEqual(await lines(body, 'realloc-unchecked-multiply'), [6, 7, 8]);
    });

    it('with the element size written first, advises dividing by it and passing it as reallocarray\'s size', async () => {
      const body = `
struct item { int a, b; };
struct item *f(struct item *v, size_t count) { return realloc(v, sizeof (struct item) * count); }
`;
      const [m] = (await findingsOf(HEAD + body)).filter((f) => f.rule === 'realloc-unchecked-multiply');
      assert.match(m!.message, /reallocarray\(ptr, count, sizeof \(struct item\)\)/);
      assert.match(m!.message, /check `count > SIZE_MAX \/ sizeof \(struct item\)` first/);
    });

    it('is quiet for constant products, growth factors, reallocarray, and guarded products', async () => {
      const body = `
#define NELEM 16
int *f(int *v, size_t n, size_t cap)
{
  v = realloc(v, NELEM * sizeof *v);
  v = realloc(v, cap * 2);
  v = reallocarray(v, n, sizeof *v);
  return v;
}
int *g(int *v, size_t n)
{
  if (n > SIZE_MAX / sizeof *v) return NULL;
  int *w = realloc(v, n * sizeof *v);
  return w;
}
int *h(int *v, size_t n, size_t m)
{
  size_t bytes;
  if (__builtin_mul_overflow(n, m, &bytes)) return NULL;
  int *w = realloc(v, n * m);
  return w;
}
int *k(int *v, size_t n, size_t limit)
{
  if (n >= limit / sizeof(int)) return NULL;
  int *w = realloc(v, n * sizeof(int));
  return w;
}
`;
      assert.deepEqual(await lines(body, 'realloc-unchecked-multiply'), []);
    });
  });

  describe('realloc-zero-size', () => {
    it('flags a size that evaluates to 0 (and not the leak rule there), not a runtime size', async () => {
      const body = `
#define NONE 0
void f(char *p, size_t n)
{
  p = realloc(p, 0);
  p = realloc(p, NONE * 8);
  char *q = realloc(p, n);
  free(q);
}
`;
      assert.deepEqual(await lines(body, 'realloc-zero-size'), [5, 6]);
      assert.deepEqual(await lines(body, 'realloc-leak-on-failure'), []);
    });
  });

  describe('options', () => {
    const body = `${HEAD}void f(char *s, size_t n) { s = realloc(s, n * n); free(s); }\n`;

    it('ruleSeverity changes a severity or switches a rule off; bad values are refused with the valid ones', async () => {
      const { sites } = await analyze(body);
      const base = adviseSites(sites, { correctness: true });
      assert.equal(base.find((f) => f.rule === 'realloc-leak-on-failure')!.severity, 'warning');
      const changed = adviseSites(sites, { correctness: true, ruleSeverity: { 'realloc-leak-on-failure': 'error', 'realloc-cost': 'off' } });
      assert.equal(changed.find((f) => f.rule === 'realloc-leak-on-failure')!.severity, 'error');
      assert.equal(changed.filter((f) => f.rule === 'realloc-cost').length, 0);
      assert.equal(changed.length, base.length - 1);
      assert.throws(() => adviseSites(sites, { ruleSeverity: { 'realloc-cost': 'loud' as never } }), /error, warning, info, hint, off; got "loud"/);
    });

    it('correctness rules are on by default; correctness: false leaves only the model-driven findings', async () => {
      const { sites } = await analyze(body);
      assert.deepEqual(adviseSites(sites).map((f) => f.rule), ['realloc-cost', 'realloc-leak-on-failure', 'realloc-unchecked-multiply']);
      assert.deepEqual(adviseSites(sites, { correctness: false }).map((f) => f.rule), ['realloc-cost']);
    });

    it('every rule has a default severity', () => {
      for (const id of ALL_RULES) assert.ok(DEFAULT_SEVERITY[id], id);
    });
  });
});
