// The precise notion of a resize wrapper (docs/ARCHITECTURE.md): the parameters decide the
// pointer and the new size. Each case is a function written for this test and the verdict the
// rule gives it: a wrapper (its callers' calls are the sites) or a helper (its own call is).
import { strict as assert } from 'node:assert';
import type { ResizeHelper, WrapperDef } from '../../../src/core/types';
import { resizersIn } from '../../../src/core/scan/analysis';
import { analyze, cParser } from './helpers';

async function verdicts(text: string): Promise<{ wrappers: WrapperDef[]; helpers: ResizeHelper[] }> {
  const p = await cParser();
  const tree = p.parse(text)!;
  try {
    return resizersIn(tree.rootNode, text, 'x.c', [], {});
  } finally {
    tree.delete();
  }
}

const WRAPPERS = `
#define CHUNK 64
enum { ALIGNMENT = 16 };
struct box { char *p; size_t n; };
void *plain(void *p, size_t n) { return realloc(p, n); }
void *scaled(void *p, size_t count, size_t each) { return realloc(p, count * each + CHUNK); }
void *aligned(void *p, size_t n) { size_t want = (n + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1); return realloc(p, want); }
void *clamped(void *p, size_t n) { if (n == 0) n = 1; return realloc(p, n); }
int through(void **pp, size_t *cap, size_t need) { size_t c = *cap; while (c < need) c *= 2; void *q = realloc(*pp, c); if (!q) return -1; *pp = q; *cap = c; return 0; }
void *typed(struct box *b, size_t n) { return realloc(b, sizeof *b + n); }
struct sizing { struct { size_t (*round)(size_t); } m; } sizing_cfg, *sizing_ptr;
void *rounded(void *p, size_t n) { size_t want = sizing_cfg.m.round((size_t) n); return realloc(p, want); }
void *rounded_star(void *p, size_t n) { return realloc(p, (*sizing_ptr->m.round)(n + 1)); }
`;

const HELPERS = `
struct vec { int *v; size_t len, cap; };
static size_t limit;
int own_len(struct vec *a) { int *q = realloc(a->v, (a->len + 1) * sizeof *a->v); if (!q) return -1; a->v = q; a->len++; return 0; }
void *from_block(void *p) { return realloc(p, malloc_usable_size(p) * 2); }
void *from_global(void *p) { return realloc(p, limit); }
void *from_data(void *p, const char *s) { size_t n = 0; while (s[n]) n++; return realloc(p, n + 1); }
void *from_field_call(void *p, struct vec *spec) { return realloc(p, sizing_ptr->m.round(spec->cap)); }
char *reader(char **line, size_t *cap) { for (;;) { if (fill_more()) break; *cap *= 2; *line = realloc(*line, *cap); } return *line; }
void *from_field(void *p, struct vec *spec) { return realloc(p, spec->cap); }
`;

describe('C call sites: what a resize wrapper is', () => {
  it('takes functions whose parameters decide the pointer and the size, through *param, locals, constants and calls (also through function pointers)', async () => {
    const r = await verdicts(WRAPPERS);
    assert.deepEqual(r.wrappers.map((w) => w.name).sort(), ['aligned', 'clamped', 'plain', 'rounded', 'rounded_star', 'scaled', 'through', 'typed']);
    assert.deepEqual(r.helpers, []);
    // A local with one value becomes part of the size its callers evaluate.
    const aligned = r.wrappers.find((w) => w.name === 'aligned')!;
    assert.equal(aligned.argExprs?.size, '((n + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1))');
    const call = await analyze(`${WRAPPERS}\nvoid use(char *q) { q = aligned(q, 100); }\n`);
    assert.equal(call.sites.at(-1)!.newSize?.bytes, 112);
  });

  it('takes an allocator that keeps a header before each block: the pointer is the parameter moved back over it', async () => {
    const src = `#include <stdlib.h>
#define PREFIX 32
struct tag { size_t size; };
void *prefixed(void *p, size_t n) { char *b = realloc((char *)p - PREFIX, n + PREFIX); return b ? b + PREFIX : NULL; }
void *tagged(void *user, size_t n) {
  struct tag *t = (struct tag *)user;
  t -= 1;
  t = realloc(t, sizeof (struct tag) + n);
  return t ? t + 1 : NULL;
}
void *elsewhere(void *p, size_t n) { char *other = get_block(); other -= PREFIX; return realloc(other, n); }
void *reset(void *p, size_t n) { char *m = p; m = pool_base; return realloc(m, n); }
`;
    const r = await verdicts(src);
    assert.deepEqual(r.wrappers.map((w) => [w.name, w.params.ptr]).sort(), [['prefixed', 0], ['tagged', 0]]);
    const call = await analyze(`${src}\nvoid use(char *q, char *r) { q = prefixed(q, 1000); r = tagged(r, 100); }\n`);
    assert.deepEqual(call.sites.slice(-2).map((x) => x.newSize?.bytes), [1032, 108]);
  });

  it('takes a reader that starts an empty buffer at a fixed size, then grows it in its data loop, for a helper', async () => {
    const src = `#include <stdio.h>
#include <stdlib.h>
long read_word(char **out, size_t *room, FILE *f)
{
  size_t n = 0;
  int c;
  if (*out == NULL) {
    *room = 32;
    char *start = realloc(*out, *room);
    if (!start) return -1;
    *out = start;
  }
  while ((c = getc(f)) != EOF && c != ' ') {
    if (n + 1 >= *room) {
      char *more = realloc(*out, *room * 2);
      if (!more) return -1;
      *out = more;
      *room *= 2;
    }
    (*out)[n++] = (char) c;
  }
  (*out)[n] = 0;
  return (long) n;
}
void *retry(void *p, size_t n) { void *q = realloc(p, n); if (!q) { drop_caches(); q = realloc(p, n); } return q; }
`;
    const r = await verdicts(src);
    assert.deepEqual(r.wrappers.map((w) => w.name), ['retry']);
    assert.deepEqual(r.helpers.map((h) => h.name), ['read_word']);
  });

  it('a macro that steps its size parameter before resizing is constant-step growth where a loop uses it with a constant step', async () => {
    const src = `#include <stdlib.h>
#define ENSURE(buf, len, want, room, by) \\
  do { while ((len) + (want) > (room)) (room) += (by); (buf) = realloc((buf), (room)); } while (0)
#define ENSURE_DOUBLING(buf, len, want, room) \\
  do { while ((len) + (want) > (room)) (room) *= 2; (buf) = realloc((buf), (room)); } while (0)
char *collect(const char *s, size_t step)
{
  char *out = NULL;
  size_t len = 0, room = 0;
  for (; *s; s++) {
    ENSURE (out, len, 2, room, 32);
    ENSURE_DOUBLING (out, len, 2, room);
    ENSURE (out, len, 2, room, step);
    out[len++] = *s;
  }
  ENSURE (out, len, 1, room, 32);
  return out;
}
`;
    const { sites } = await analyze(src);
    assert.deepEqual(sites.map((x) => [x.nameRange.start.line, x.callee === 'realloc' ? x.growth : '?', x.inLoop]), [
      [11, 'linear', true], [12, null, true], [13, null, true], [16, 'linear', false],
    ]);
  });

  it('leaves out functions that size the block from what they own, and says why', async () => {
    const r = await verdicts(HELPERS);
    assert.deepEqual(r.wrappers.map((w) => w.name), []);
    const why = Object.fromEntries(r.helpers.map((h) => [h.name, h.why]));
    assert.deepEqual(Object.keys(why).sort(), ['from_block', 'from_data', 'from_field', 'from_field_call', 'from_global', 'own_len', 'reader']);
    assert.match(why.own_len!, /resizes `a->v`, which it does not get from its caller/);
    assert.match(why.from_block!, /reads the block it resizes/);
    assert.match(why.from_global!, /reads `limit`, which is not one of its parameters/);
    assert.match(why.from_data!, /changes `n` in a loop that reads `s\[…\]`/);
    assert.match(why.reader!, /changes `\*cap` in its own loop around the call/);
    assert.match(why.from_field!, /reads `spec->…`/);
    // A call through a function pointer is like a direct call: its arguments decide.
    assert.match(why.from_field_call!, /reads `spec->…`/);
  });

  it('marks a helper that grows by a constant step, and only that one', async () => {
    const r = await verdicts(`${HELPERS}
struct text { char *s; size_t used; };
void text_more(struct text *t, size_t n) { t->s = realloc(t->s, t->used + n); t->used += n; }
void text_double(struct text *t) { t->s = realloc(t->s, t->used * 2); t->used *= 2; }
void text_fit(struct text *t) { t->used = strlen(t->s); t->s = realloc(t->s, t->used + 1); }
void text_loop(struct text *t, int k) { for (int i = 0; i < k; i++) { t->s = realloc(t->s, t->used + 1); t->used++; } }
`);
    const step = Object.fromEntries(r.helpers.map((h) => [h.name, !!h.linearStep]));
    assert.deepEqual(
      { own_len: step.own_len, text_more: step.text_more, text_double: step.text_double, text_fit: step.text_fit, text_loop: step.text_loop },
      // text_fit reads a length just computed (no count kept); text_loop's step is its own loop's (flagged there).
      { own_len: true, text_more: true, text_double: false, text_fit: false, text_loop: false },
    );
  });

  it('does not take an allocation (NULL pointer) or a free (size 0) for a resize', async () => {
    const r = await verdicts(`
void *make(size_t n) { return realloc(NULL, n); }
void drop(void *p) { realloc(p, 0); }
void *drop_array(void *p, size_t each) { return reallocarray(p, 0, each); }
#define FREE_VIA(p) realloc((p), (0) * sizeof(char))
`);
    assert.deepEqual(r.wrappers.map((w) => w.name), []);
    assert.deepEqual(r.helpers.map((h) => h.name), []);
  });

  it('reads an iteration macro’s body as a loop (`FOREACH(…) { … }`)', async () => {
    const r = await analyze(`
void collect(struct list *l) {
  char **out = NULL; size_t n = 0; struct item *it;
  TAILQ_FOREACH(it, &l->items, entry) {
    out = realloc(out, (n + 1) * sizeof *out);
    out[n++] = it->name;
  }
}
`);
    assert.equal(r.sites.length, 1);
    assert.equal(r.sites[0]!.inLoop, true);
  });

  it('looks again only at what names a wrapper found since the file was last analysed (`news`)', async () => {
    const text = `
void *first(void *p, size_t n) { return realloc(p, n); }
void *second(void *p, size_t n) { return later(p, n * 2); }
#define THIRD(p, n) later((p), (n))
struct hooks { void *(*grow)(void *, size_t); } old_hook = { realloc }, new_hook = { later };
`;
    const p = await cParser();
    const tree = p.parse(text)!;
    try {
      const later = { ...(await verdicts('void *later(void *p, size_t n) { return realloc(p, n); }')).wrappers[0]!, file: 'y.c' };
      const full = resizersIn(tree.rootNode, text, 'x.c', [later], {});
      assert.deepEqual(full.wrappers.map((w) => w.name).sort(), ['THIRD', 'first', 'second']);
      assert.equal(full.pointers.length, 2);
      // `first` and the store of `realloc` were seen when only the primitives were known.
      const again = resizersIn(tree.rootNode, text, 'x.c', [later], { news: new Set(['later']) });
      assert.deepEqual(again.wrappers.map((w) => w.name).sort(), ['THIRD', 'second']);
      assert.deepEqual(again.pointers.map((f) => f.target), ['later']);
      assert.deepEqual(resizersIn(tree.rootNode, text, 'x.c', [later], { news: new Set() }).wrappers, []);
    } finally {
      tree.delete();
    }
  });
});
