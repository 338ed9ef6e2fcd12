import { strict as assert } from 'node:assert';
import { evaluateSize } from '../../../src/core/analysis/c/evaluate';
import { snippet } from './helpers';

async function sizeAt(src: string, opts = {}) {
  const s = await snippet(src, opts);
  return evaluateSize(s.args()[1]!, s.scope);
}

describe('C sizes: sizeof of variables', () => {
  it('sizeof *p for a parameter', async () => {
    const v = await sizeAt('struct pt { double x, y; };\nvoid f(struct pt *p, size_t n) { p = realloc(p, n * sizeof *p); }');
    assert.equal(v.bytes, null);
    assert.match(v.note, /`n` is a runtime value/);
    const w = await sizeAt('struct pt { double x, y; };\nvoid f(struct pt *p) { p = realloc(p, 8 * sizeof(*p)); }');
    assert.equal(w.bytes, 128);
    assert.equal(w.note, 'sizeof(*p) = 16 (struct pt, LP64); 8 * 16 = 128');
  });

  it('sizeof p[0] and sizeof **pp', async () => {
    assert.equal((await sizeAt('void f(int *p) { p = realloc(p, 10 * sizeof(p[0])); }')).bytes, 40);
    assert.equal((await sizeAt('void f(long **pp) { *pp = realloc(*pp, 3 * sizeof **pp); }')).bytes, 24);
    assert.equal((await sizeAt('void f(long **pp) { *pp = realloc(*pp, 3 * sizeof **pp); }', { options: { target: 'ilp32' } })).bytes, 12);
  });

  it('array parameters are pointers', async () => {
    assert.equal((await sizeAt('void f(char *p, int a[10]) { p = realloc(p, sizeof a); }')).bytes, 8);
  });

  it('locals, including a nearer declaration shadowing an outer one', async () => {
    const src = `void f(void) {
      short *p = 0;
      {
        double *p = 0;
        p = realloc(p, 4 * sizeof *p);
      }
    }`;
    assert.equal((await sizeAt(src)).bytes, 32);
    assert.equal((await sizeAt('void f(void) { int arr[5][3]; char *q = realloc(0, sizeof arr); }')).bytes, 60);
    assert.equal((await sizeAt('void f(void) { for (long *it = 0; it; ) it = realloc(it, 2 * sizeof *it); }')).bytes, 16);
  });

  it('a name declared in the same declaration that calls realloc', async () => {
    assert.equal((await sizeAt('void f(void) { double *q = realloc(0, 4 * sizeof *q); }')).bytes, 32);
  });

  it('globals, in this file and in headers', async () => {
    assert.equal((await sizeAt('static unsigned short *table;\nvoid f(void) { table = realloc(table, 100 * sizeof *table); }')).bytes, 200);
    const v = await sizeAt('void f(void) { items = realloc(items, 2 * sizeof items[0]); }', {
      headers: { 'g.h': 'struct it { int a; char b; };\nextern struct it *items;' },
    });
    assert.equal(v.bytes, 16);
  });

  it('sizeof *s->items and s.field through typedefs', async () => {
    const src = `
      typedef struct { char *name; int id; } entry;
      typedef struct vec { entry *items; size_t len, cap; } vec_t;
      void grow(vec_t *s) { s->items = realloc(s->items, 4 * sizeof *s->items); }`;
    const v = await sizeAt(src);
    assert.equal(v.bytes, 64);
    const local = `
      struct hdr { int tag; char name[12]; };
      void g(void) { struct hdr h; char *q = realloc(0, sizeof h.name + sizeof(h)); }`;
    assert.equal((await sizeAt(local)).bytes, 12 + 16);
  });

  it('types and enum constants declared inside the function', async () => {
    const src = `void f(void) {
      struct cell { char tag; long v; };
      typedef struct cell cell_t;
      enum { SLOTS = 8 };
      cell_t *cells = 0;
      cells = realloc(cells, SLOTS * sizeof(struct cell) + sizeof *cells);
    }`;
    const v = await sizeAt(src);
    assert.equal(v.bytes, 8 * 16 + 16);
  });

  it('const objects with an initializer have their value; other variables do not', async () => {
    const v = await sizeAt('static const size_t CHUNK = 4 * 1024;\nvoid f(char *p) { const int n = 3; p = realloc(p, n * CHUNK); }');
    assert.equal(v.bytes, 12288);
    assert.match(v.note, /CHUNK = 4096 \(const, test\.c:1\)/);
    assert.match(v.note, /n = 3 \(const, line 2\)/);
    const h = await sizeAt('void f(char *p) { p = realloc(p, SLAB); }', { headers: { 'c.h': 'extern const int unused;\nstatic const long SLAB = 1 << 16;' } });
    assert.equal(h.bytes, 65536);
    const plain = await sizeAt('void f(char *p) { int n = 3; p = realloc(p, n); }');
    assert.equal(plain.bytes, null);
    assert.match(plain.note, /`n` is a runtime value/);
    const vol = await sizeAt('void f(char *p) { const volatile int n = 3; p = realloc(p, n); }');
    assert.equal(vol.bytes, null);
    const rt = await sizeAt('void f(char *p, int x) { const int n = x * 2; p = realloc(p, n); }');
    assert.equal(rt.bytes, null);
    assert.match(rt.note, /const `n` \(line 1\): `x` is a runtime value/);
  });

  it('a local array whose length is a runtime value is unknown', async () => {
    const v = await sizeAt('void f(int n) { char buf[n]; char *q = realloc(0, sizeof buf); }');
    assert.equal(v.bytes, null);
    assert.match(v.note, /`n` is a runtime value/);
  });

  it('an undeclared name in sizeof is unknown with the reason', async () => {
    const v = await sizeAt('void f(void) { q = realloc(q, sizeof *q); }');
    assert.equal(v.bytes, null);
    assert.match(v.note, /`q` has no visible declaration/);
  });

  it('sizeof of a pointer to an opaque struct is known; of the struct itself it is not', async () => {
    assert.equal((await sizeAt('struct opaque;\nvoid f(struct opaque **pp) { *pp = realloc(*pp, sizeof *pp); }')).bytes, 8);
    const v = await sizeAt('struct opaque;\nvoid f(struct opaque *p) { p = realloc(p, sizeof *p); }');
    assert.equal(v.bytes, null);
    assert.match(v.note, /`struct opaque` has no visible definition/);
  });
});
