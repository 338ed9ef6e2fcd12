// What a resize does when it fails (src/core/analysis/c/failureContract.ts, noReturn.ts): each
// wrapper's contract read from its body, and at call sites the failure paths that end the program
// or leave another pointer holding the old block — each shape next to a look-alike that leaks.
import { strict as assert } from 'node:assert';
import { declaredNoReturn, FileCalls, isAbortingAssertion, noReturnByName } from '../../../src/core/analysis/c/noReturn';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, wrappersOf } from '../c-sites/helpers';
import { FIXTURE_ROOT } from '../c-sites/fixtureProject';
import { assertCompiles, findingsOf } from '../fixes/helpers';

const HEAD = '#include <stdlib.h>\n#include <stdio.h>\n#include <assert.h>\n';

async function contracts(body: string): Promise<Record<string, string>> {
  return Object.fromEntries((await wrappersOf(HEAD + body)).map((w) => [w.name, w.onFailure ?? '-']));
}

/** Lines (of `body`) with a realloc-leak-on-failure finding. */
async function leaks(body: string): Promise<number[]> {
  return (await findingsOf(HEAD + body)).filter((f) => f.rule === 'realloc-leak-on-failure').map((f) => f.site.nameRange.start.line - 3);
}

describe('failure contracts of wrappers', () => {
  it('returns NULL, frees the old block, hands it back, or dies — read from the body', async () => {
    const got = await contracts(`
void *pass(void *p, size_t n) { return realloc(p, n); }
void *keep(void *p, size_t n) { void *q = realloc(p, n); if (q == NULL) return p; return q; }
void *keep2(void *p, size_t n) { void *q = realloc(p, n); if (q) p = q; return p; }
void *frees(void *p, size_t n) { void *q = realloc(p, n); if (!q) { free(p); return NULL; } return q; }
void *frees2(void *p, size_t n) { char *old = p; p = realloc(p, n); if (p == NULL) free(old); return p; }
void *frees3(void *p, size_t n) { void *q; if (!(q = realloc(p, n))) free(p); return q; }
void *exits(void *p, size_t n) { void *q = realloc(p, n); if (!q) { perror("realloc"); exit(1); } return q; }
void *exits2(void *p, size_t n) { p = realloc(p, n); if (p) return p; fputs("oom", stderr); _exit(2); }
void *asserts(void *p, size_t n) { p = realloc(p, n); assert(p != NULL); return p; }
void *logs(void *p, size_t n) { void *q = realloc(p, n); if (!q) fputs("oom", stderr); return q; }
void *either(void *p, size_t n) { void *q = p ? realloc(p, n) : malloc(n); if (q == 0) abort(); return q; }
`);
    assert.deepEqual(got, {
      pass: 'null', keep: 'old', keep2: 'old', frees: 'null-freed', frees2: 'null-freed', frees3: 'null-freed',
      exits: 'dies', exits2: 'dies', asserts: 'dies', logs: 'null', either: 'dies',
    });
  });

  it('reallocf-like: the old block freed through a function of the file (its block in any argument) or only for a size above zero, which a failing request has', async () => {
    const got = await contracts(`
static void release(void *block) { if (block) free(block); }
static void drop(void *block) { release(block); }
static void logs_only(void *block) { fprintf(stderr, "%p", block); }
void *nested(void *p, size_t n) { void *q = realloc(p, n); if (q == NULL) if (n > 0) free(p); return q; }
void *through(void *p, size_t n) { void *q = realloc(p, n); if (q == NULL && n != 0) release(p); return q; }
void *twice(void *p, size_t n) { void *q = realloc(p, n); if (!q) if (n) drop(p); return q; }
void *zero_only(void *p, size_t n) { void *q = realloc(p, n); if (q == NULL) if (n == 0) free(p); return q; }
void *not_a_free(void *p, size_t n) { void *q = realloc(p, n); if (q == NULL && n > 0) logs_only(p); return q; }
struct pool { int id; };
void pool_free(struct pool *o, void *block) { (void) o; free(block); }
static void pool_drop(struct pool *o, void *block) { pool_free(o, block); }
void *second_arg(struct pool *o, void *p, size_t n) { void *q = realloc(p, n); if (!q) pool_free(o, p); return q; }
void *second_arg_through(struct pool *o, void *p, size_t n) { void *q = realloc(p, n); if (!q) pool_drop(o, p); return q; }
`);
    assert.deepEqual(got, {
      nested: 'null-freed', through: 'null-freed', twice: 'null-freed', zero_only: 'null', not_a_free: '-',
      second_arg: 'null-freed', second_arg_through: 'null-freed',
    });
  });

  it('a helper that does not return: declared noreturn in any spelling, ending in exit(), or by name, and error(status ≠ 0)', async () => {
    const got = await contracts(`
#define NORETURN __attribute__((__noreturn__))
NORETURN void stop_a(const char *why);
void stop_b(void) __attribute__((noreturn));
_Noreturn void stop_c(int code);
static void stop_d(void) { fputs("no memory", stderr); abort(); }
static void stop_e(void) { stop_d(); }
static void carry_on(void) { fputs("no memory", stderr); }
void error(int status, int errnum, const char *fmt, ...);
void *a(void *p, size_t n) { void *q = realloc(p, n); if (!q) stop_a("grow"); return q; }
void *b(void *p, size_t n) { void *q = realloc(p, n); if (!q) stop_b(); return q; }
void *c(void *p, size_t n) { void *q = realloc(p, n); if (!q) stop_c(2); return q; }
void *d(void *p, size_t n) { void *q = realloc(p, n); if (!q) stop_d(); return q; }
void *e(void *p, size_t n) { void *q = realloc(p, n); if (!q) stop_e(); return q; }
void *f(void *p, size_t n) { void *q = realloc(p, n); if (!q) carry_on(); return q; }
void *g(void *p, size_t n) { void *q = realloc(p, n); if (!q) error(1, 0, "no memory"); return q; }
void *h(void *p, size_t n) { void *q = realloc(p, n); if (!q) error(0, 0, "no memory"); return q; }
void *i(void *p, size_t n) { void *q = realloc(p, n); if (q == NULL && n > 0) xalloc_die(); return q; }
`);
    assert.deepEqual(got, { a: 'dies', b: 'dies', c: 'dies', d: 'dies', e: 'dies', f: 'null', g: 'dies', h: 'null', i: 'dies' });
  });

  it("git's retry for zero-byte requests is not the failure path; a check under #ifdef is followed", async () => {
    const got = await contracts(`
void die(const char *fmt, ...);
void *retry(void *p, size_t n)
{
  void *r = realloc(p, n);
  if (!r && !n)
    r = realloc(p, 1);
  if (!r)
    die("out of memory");
  return r;
}
void *counted(void *p, size_t n, size_t *usable)
{
  void *q;
#ifdef HAVE_SIZE
  q = realloc(p, n);
  if (q == NULL) {
    if (usable) *usable = 0;
    return NULL;
  }
#else
  q = realloc(p, n + 16);
#endif
  if (usable) *usable = n;
  return q;
}
`);
    assert.deepEqual(got, { retry: 'dies', counted: 'null' });
  });

  it('an error path through goto: the label frees the old block, or dies', async () => {
    const got = await contracts(`
void *via_label(void *p, size_t n)
{
  void *q = realloc(p, n);
  if (!q)
    goto fail;
  return q;
fail:
  free(p);
  return NULL;
}
void *via_abort(void *p, size_t n)
{
  void *q = realloc(p, n);
  if (q == NULL)
    goto fatal;
  return q;
fatal:
  abort();
}
`);
    assert.deepEqual(got, { via_label: 'null-freed', via_abort: 'dies' });
  });

  it('macros: their own check, an assignment through a helper, the value of the call, and what is not followed', async () => {
    const got = await contracts(`
void *keep_old(void *p, size_t nr, size_t sz) { void *q = realloc(p, nr * sz); if (!q) return p; return q; }
#define GROW(x, nr) (x) = keep_old((x), (nr), sizeof(*(x)))
#define RESIZE_OR_EXIT(p, n) do { (p) = realloc((p), (n)); if (!(p)) exit(1); } while (0)
#define RESIZE(p, n) ((p) = realloc((p), (n)))
#define VALUE(p, n) realloc((p), (n))
#define TMP_GROW(p, n) do { void *t_ = realloc((p), (n)); if (t_) (p) = t_; } while (0)
`);
    assert.deepEqual(got, { keep_old: 'old', GROW: 'old', RESIZE_OR_EXIT: 'dies', RESIZE: 'null', VALUE: 'null', TMP_GROW: '-' });
  });
});

describe('realloc-leak-on-failure with failure contracts', () => {
  it('is quiet through wrappers that hand the old pointer back, free it, or die; flags the one that returns NULL', async () => {
    const body = `
void *keep_old(void *p, size_t n) { void *q = realloc(p, n); if (!q) return p; return q; }
void *free_old(void *p, size_t n) { void *q = realloc(p, n); if (q) return q; free(p); return NULL; }
static void quit(void) { fputs("out of memory", stderr); exit(1); }
void *or_quit(void *p, size_t n) { void *q = realloc(p, n); if (!q) quit(); return q; }
void *maybe(void *p, size_t n) { void *q = realloc(p, n); return q; }
struct s { char *d; };
void f(struct s *s, size_t n)
{
  s->d = keep_old(s->d, n);
  s->d = free_old(s->d, n);
  s->d = or_quit(s->d, n);
  s->d = maybe(s->d, n);
}
`;
    assert.deepEqual(await leaks(body), [13]);
  });

  it('a parameter reassigned and returned does not leak; not returned, or resized in a loop, it does', async () => {
    const body = `
char *returned(char *s, size_t n) { s = realloc(s, n); return s; }
char *returned_checked(char *s, size_t n) { s = realloc(s, n); if (!s) return NULL; s[0] = 0; return s; }
void not_returned(char *s, size_t n, char **out) { s = realloc(s, n); *out = s; }
char *in_loop(char *s, size_t n) { for (size_t i = 1; i < n; i *= 2) { s = realloc(s, i); if (!s) return NULL; } return s; }
char *set_first(char *s, size_t n) { s = malloc(1); s = realloc(s, n); return s; }
`;
    assert.deepEqual(await leaks(body), [4, 5, 6]);
  });

  it('a local copy of a pointer that the failure path leaves alone does not leak; one written back first does', async () => {
    const body = `
struct s { char *d; };
int kept(struct s *s, size_t n) { char *t = s->d; t = realloc(t, n); if (!t) return -1; s->d = t; return 0; }
int kept_deref(char **pp, size_t n) { char *t = *pp; t = realloc(t, n); if (t == NULL) return -1; *pp = t; return 0; }
int stored(struct s *s, size_t n) { char *t = s->d; t = realloc(t, n); s->d = t; return t ? 0 : -1; }
int before_loop(struct s *s, size_t n) { char *t = s->d; while (n--) { t = realloc(t, n); if (!t) return -1; } s->d = t; return 0; }
int param_copy(char *p, size_t n) { char *t = p; t = realloc(t, n); if (!t) return -1; free(t); return 0; }
struct list { char **items; int n; };
int in_condition(struct list *l, size_t n) { char *t; if (l->n == 1 && (t = l->items[0]) != NULL) { if ((t = realloc(t, n)) != NULL) l->items[0] = t; } return 0; }
long *headed(long *data, size_t n) { long *p = data - 1; p = realloc(p, (n + 1) * sizeof *p); if (!p) return NULL; p[0] = (long)n; return p + 1; }
struct hdr { size_t size; char data[]; };
void *debug_grow(void *ptr, size_t n, const char *where) { struct hdr *h = NULL; if (ptr) h = (void *)((char *)ptr - offsetof(struct hdr, data)); h = realloc(h, sizeof *h + n); if (where) fprintf(stderr, "%s: %p\\n", where, h ? (void *)h->data : NULL); if (h) { h->size = n; return h->data; } return NULL; }
void *cast_copy(void *prior, size_t n) { long *p = (long *)prior; p--; p = realloc(p, n + 8); if (p) { p[0] = (long)n; p++; } else { fprintf(stderr, "cannot grow %p", prior); } return (void *)p; }
void debug_grow_out(void *ptr, size_t n, void **out) { struct hdr *h = (void *)((char *)ptr - offsetof(struct hdr, data)); h = realloc(h, sizeof *h + n); *out = h ? h->data : NULL; }
void *fresh_header(size_t n) { struct hdr *h = malloc(sizeof *h); h = realloc(h, sizeof *h + n); if (!h) return NULL; return h->data; }
`;
    // The twins of debug_grow: the caller's block not handed back, and a block of the function's own.
    assert.deepEqual(await leaks(body), [5, 6, 7, 14, 15]);
  });

  it('quotes the call with the pointer where it is: f(p, …), or f(…, p, …) after a context argument', async () => {
    const fs = (await findingsOf(HEAD + `
struct env { int id; };
void *env_grow(struct env *e, void *p, size_t n) { (void) e; return realloc(p, n); }
void ctx(struct env *e, char *buf, size_t n) { buf = env_grow(e, buf, n); buf[0] = 1; }
void first(char *buf, size_t n) { buf = realloc(buf, n); buf[0] = 1; }
`)).filter((f) => f.rule === 'realloc-leak-on-failure').map((f) => f.message);
    assert.equal(fs.length, 2);
    assert.match(fs[0]!, /^`buf = env_grow\(…, buf, …\)`: when `env_grow` \(→ realloc\) fails/);
    assert.match(fs[1]!, /^`buf = realloc\(buf, …\)`: when `realloc` fails/);
  });

  it('a local copy given a fresh block in the if\'s other branch still holds the old one on the resize\'s path, or its original is freed there; a fresh block that reaches the resize leaks', async () => {
    const body = `
struct bag { int *items; int count; };
int grow_else(struct bag *b) { int *t = b->items; if (t == NULL) { t = malloc(sizeof *t); } else { t = realloc(t, (size_t)(b->count + 1) * sizeof *t); } if (t == NULL) return -1; b->items = t; return 0; }
int grow_first(struct bag *b) { int *t; t = b->items; if (t != NULL) t = realloc(t, (size_t)(b->count + 1) * sizeof *t); else t = malloc(sizeof *t); if (!t) return -1; b->items = t; return 0; }
int fresh_reaches(struct bag *b) { int *t = b->items; if (t == NULL) t = malloc(sizeof *t); t = realloc(t, (size_t)(b->count + 1) * sizeof *t); if (!t) return -1; b->items = t; return 0; }
int freed_copy(int **pp, size_t n) { int *t = *pp; if (!t) { t = malloc(n); if (!t) return -1; } else { t = realloc(t, n); if (!t) { free(*pp); *pp = NULL; return -1; } } *pp = t; return 0; }
int dropped_copy(int **pp, size_t n) { int *t = *pp; if (!t) { t = malloc(n); if (!t) return -1; } else { t = realloc(t, n); if (!t) { *pp = NULL; return -1; } } *pp = t; return 0; }
`;
    assert.deepEqual(await leaks(body), [5, 7]);
  });

  it('a copy that moves on as a cursor no longer holds the block: the trim after it leaks; a copy left alone does not', async () => {
    const body = `
size_t produce(char **cursor, size_t room);
char *moved_by_call(size_t room) { char *buf = malloc(room + 1); char *end; if (!buf) return NULL; end = buf; produce(&end, room); *end = 0; buf = realloc(buf, (size_t)(end - buf) + 1); return buf; }
char *stepped(const char *s, size_t room) { char *buf = malloc(room + 1); char *w; if (!buf) return NULL; w = buf; while (*s && room--) *w++ = *s++; *w = 0; buf = realloc(buf, (size_t)(w - buf) + 1); return buf; }
char *kept_copy(size_t room) { char *buf = malloc(room + 1); char *start; if (!buf) return NULL; start = buf; buf = realloc(buf, room / 2 + 1); if (!buf) { free(start); return NULL; } return buf; }
`;
    assert.deepEqual(await leaks(body), [3, 4]);
  });

  it('a failure check that ends the program, or an assertion that aborts, makes the leak moot; checks that go on do not', async () => {
    const body = `
#define cl_assert(e) do { if (!(e)) abort(); } while (0)
void assert_null(const void *p);
void expect_nonnull(const void *p);
void die(const char *why);
void f(char *p, size_t n, char **out)
{
  p = realloc(p, n);
  if (!p) die("out of memory");
  p = realloc(p, n + 1);
  if (p == NULL) { fputs("out of memory", stderr); exit(1); }
  p = realloc(p, n + 2);
  cl_assert(p);
  p = realloc(p, n + 3);
  assert(p && "out of memory");
  p = realloc(p, n + 4);
  if (!p) fputs("out of memory", stderr);
  p = realloc(p, n + 5);
  expect_nonnull(p);
  p = realloc(p, n + 6);
  assert_null(p);
  p = realloc(p, n + 7);
  assert(n > 0);
  p[0] = 0;
  *out = p;
}
`;
    assert.deepEqual(await leaks(body), [16, 18, 20, 22]);
  });

  it('the check after the block that resized may end the program; sizeof(p[0]) in its message does not read p, p[0] does', async () => {
    const body = `
struct span { long lo, hi; };
long spans(long lo, long hi)
{
  struct span *a = malloc(sizeof *a);
  int cap = 1, used = 1;
  if (a == NULL) exit(1);
  a[0].lo = lo;
  for (int i = 0; i < used; i++) {
    if (used + 2 > cap) {
      cap = cap * 2 + 2;
      a = realloc(a, sizeof(a[0]) * cap);
    }
    if (a == NULL) {
      fprintf(stderr, "no room for %d bytes\\n", (int)sizeof(a[0]) * (used + 2));
      exit(1);
    }
    if (used + 2 > cap) {
      cap = cap * 2 + 2;
      a = realloc(a, sizeof(a[0]) * cap);
    }
    if (a == NULL) {
      fprintf(stderr, "no room after %ld\\n", a[0].hi);
      exit(1);
    }
    if (a[i].lo < hi) a[used++].lo = a[i].lo + 1;
  }
  lo = a[used - 1].lo;
  free(a);
  return lo;
}
`;
    await assertCompiles(HEAD + body, true);
    assert.deepEqual(await leaks(body), [20]);
  });

  it("a project macro that checks the pointer and does not return makes the leak moot; one that only logs does not", async () => {
    const body = `
#define CHECK_ALLOC(p) do { if ((p) == NULL) { fputs("out of memory", stderr); exit(1); } } while (0)
#define REQUIRE(c) ((c) ? (void)0 : abort())
#define ENSURE(x) assert(x)
#define NOTE_NULL(p) do { if (!(p)) fputs("null", stderr); } while (0)
void f(char *p, size_t n, char **out)
{
  p = realloc(p, n);
  CHECK_ALLOC(p);
  p = realloc(p, n + 1);
  REQUIRE(p != NULL);
  p = realloc(p, n + 2);
  ENSURE(p);
  p = realloc(p, n + 3);
  NOTE_NULL(p);
  *out = p;
}
`;
    assert.deepEqual(await leaks(body), [14]);
  });

  it('follows a goto to its label: an error path that aborts is moot, one that returns leaks', async () => {
    const body = `
struct s { char *p; };
int f(struct s *s, size_t n)
{
  s->p = realloc(s->p, n);
  if (!s->p)
    goto oom;
  s->p = realloc(s->p, 2 * n);
  if (!s->p)
    goto out;
  return 0;
oom:
  fputs("out of memory", stderr);
  abort();
out:
  return -1;
}
`;
    assert.deepEqual(await leaks(body), [8]);
  });

  it('reads the function around the call even when the grammar lost its header (#if branches that each open a block)', async () => {
    const body = `
static char *buf;
void f(int x)
{
#ifdef A
  if (x) {
#else
  if (!x) {
#endif
    x++;
  }
  char *old = buf;
  buf = realloc(buf, 16);
  if (!buf) {
    free(old);
    return;
  }
  buf = realloc(buf, 32);
}
`;
    assert.deepEqual(await leaks(body), [18]);
  });

  it('a macro that assigns back is judged by its own check at every expansion', async () => {
    const body = `
#define RESIZE_OR_EXIT(p, n) do { (p) = realloc((p), (n)); if ((p) == NULL) exit(1); } while (0)
#define RESIZE(p, n) ((p) = realloc((p), (n)))
struct s { char *d; };
void f(struct s *s, size_t n)
{
  RESIZE_OR_EXIT(s->d, n);
  RESIZE_OR_EXIT(s->d, 2 * n);
  RESIZE(s->d, n);
  RESIZE(s->d, 2 * n);
  if (!s->d) exit(2);
}
`;
    assert.deepEqual(await leaks(body), [9]);
    const f = (await findingsOf(HEAD + body)).find((x) => x.rule === 'realloc-leak-on-failure')!;
    assert.match(f.message, /^`RESIZE\(s->d, …\)` stores what `realloc` returns back into `s->d`/);
  });
});

describe('calls that do not return', () => {
  it('reads noreturn declarations in every spelling, not the macros that define them', () => {
    const names = declaredNoReturn(`
#define NORETURN __attribute__((noreturn))
NORETURN void die(const char *err, ...) __attribute__((format (printf, 1, 2)));
void usage_exit(void) __attribute__((__noreturn__));
static _Noreturn void bail(int code) { exit(code); }
[[noreturn]] void stop(void);
l_noret luaG_runerror (lua_State *L, const char *fmt, ...);
void (*handler)(void) NORETURN;
int returns(void);
`);
    assert.deepEqual([...names].sort(), ['bail', 'die', 'luaG_runerror', 'stop', 'usage_exit']);
  });

  it('follows helpers that end in such a call to a fixed point; a helper that returns is not one', () => {
    const calls = new FileCalls(`
static void a(void) { b(); }
static void b(void) { fprintf(stderr, "x"); abort(); }
static void c(void) { fprintf(stderr, "x"); }
static void d(int x) { if (x) exit(1); }
`);
    assert.deepEqual([...calls.names()].sort(), ['a', 'b']);
    assert.equal(calls.noReturn('a'), 'always');
    assert.equal(calls.noReturn('c'), null);
    assert.equal(calls.noReturn('d'), null);
  });

  it('names: the C library always, die/fatal/panic/oom helpers only as the last statement', () => {
    assert.equal(new FileCalls('').noReturn('abort'), 'always');
    for (const n of ['die', 'fatalx', 'serverPanic', 'zmalloc_oom_handler', 'xalloc_die', 'luaD_throw', 'out_of_memory', 'xnomem', 'memory_exhausted']) {
      assert.ok(noReturnByName(n), n);
    }
    for (const n of ['diet_update', 'zoom', 'free', 'perror', 'exitcode_of']) assert.ok(!noReturnByName(n), n);
  });

  it('assertions that abort, not compile-time ones, not non-fatal CUnit ones, not expect_*', () => {
    for (const n of ['assert', 'cl_assert', 'test_assert', 'serverAssert', 'assert_ptr_not_null', 'TEST_ASSERT_NOT_NULL', 'g_assert_nonnull', 'CU_ASSERT_PTR_NOT_NULL_FATAL']) {
      assert.ok(isAbortingAssertion(n), n);
    }
    for (const n of ['static_assert', '_Static_assert', 'CU_ASSERT_PTR_NOT_NULL', 'expect_ptr_not_null', 'BUILD_ASSERT']) assert.ok(!isAbortingAssertion(n), n);
  });
});

describe('failure facts on sites', () => {
  it('records why a site cannot leak', async () => {
    const { sites } = await analyze(`${HEAD}
char *ret(char *s, size_t n) { s = realloc(s, n); return s; }
struct b { char *d; };
int copy(struct b *b, size_t n) { char *t = b->d; t = realloc(t, n); if (!t) return -1; b->d = t; return 0; }
void ends(char *s, size_t n) { s = realloc(s, n); assert(s); s = realloc(s, n + 1); if (!s) abort(); free(s); }
`);
    const f = sites.map((s) => [s.enclosingFunction, s.facts?.failureEnds ?? s.facts?.oldBlockHeldBy ?? '-']);
    assert.deepEqual(f, [['ret', 'the caller'], ['copy', 'b->d'], ['ends', 'assertion'], ['ends', 'call']]);
  });

  it('reads the failure path only where the leak rule could still fire: not through a wrapper that dies, nor for reallocf', async () => {
    const { sites } = await analyze(`${HEAD}
void *xre(void *p, size_t n) { void *q = realloc(p, n); if (!q) abort(); return q; }
void *plain(void *p, size_t n) { return realloc(p, n); }
void *reallocf(void *p, size_t n);
void a(char *s, size_t n) { s = xre(s, n); assert(s); free(s); }
void b(char *s, size_t n) { s = plain(s, n); assert(s); free(s); }
void c(char *s, size_t n) { s = reallocf(s, n); assert(s); free(s); }
`);
    const f = sites.filter((s) => ['a', 'b', 'c'].includes(s.enclosingFunction ?? '')).map((s) => [s.enclosingFunction, s.facts?.failureEnds ?? '-']);
    // The same `assert(s)` after each: only the call whose failure could leak has it read.
    assert.deepEqual(f, [['a', '-'], ['b', 'assertion'], ['c', '-']]);
  });
});

describe('the failure/ fixtures', () => {
  it('are real C: each file compiles with -Wall -Werror', async function () {
    this.timeout(60_000);
    const dir = join(FIXTURE_ROOT, 'failure');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.c'))) await assertCompiles(readFileSync(join(dir, f), 'utf8'), true, [dir]);
  });
});
