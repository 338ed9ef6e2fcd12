import { strict as assert } from 'node:assert';
import { configWrapper, functionVerdict } from '../../../src/core/analysis/c/wrappers';
import { buildCalleeIndex, findNameUses } from '../../../src/core/analysis/c/callSites';
import { analyze, brief, cParser, wrappersOf } from './helpers';

const XREALLOC = `
void *xrealloc(void *ptr, size_t size)
{
  void *ret = realloc(ptr, size);
  if (!ret && !size)
    ret = realloc(ptr, 1);
  if (!ret)
    die("out of memory");
  return ret;
}
void *soft_realloc(void *ptr, size_t size)
{
  void *ret = realloc(ptr, size);
  if (!ret && !size)
    abort();
  return ret;
}
void *nonzero_realloc(void *ptr, size_t size)
{
  void *ret = realloc(ptr, size);
  if (ret == NULL && size != 0)
    abort();
  return ret;
}
`;

describe('C call sites: wrapper detection', () => {
  it('maps parameters and tells a dying wrapper from one whose retry test only looks like failure', async () => {
    const defs = await wrappersOf(XREALLOC, 'wrapper.c');
    const x = defs.find((d) => d.name === 'xrealloc')!;
    assert.deepEqual(
      { callee: x.callee, via: x.via, params: x.params, dies: x.diesOnFailure, kind: x.kind, line: x.line },
      { callee: 'realloc', via: [], params: { ptr: 0, size: 1 }, dies: true, kind: 'function', line: 2 },
    );
    // `if (!ret && !size) abort();` aborts only for size 0, not whenever realloc fails.
    assert.equal(defs.find((d) => d.name === 'soft_realloc')!.diesOnFailure, false);
    // NULL for a zero-byte request is not a failure; any real failure aborts.
    assert.equal(defs.find((d) => d.name === 'nonzero_realloc')!.diesOnFailure, true);
    assert.equal(x.fileLocal, undefined);
  });

  it('produces plain data that survives a JSON round trip (it crosses worker threads)', async () => {
    const defs = await wrappersOf(XREALLOC + '#define GROW(p, n) ((p) = xrealloc((p), (n) * 2))\n', 'wrapper.c');
    assert.deepEqual(JSON.parse(JSON.stringify(defs)), defs);
    assert.deepEqual(structuredClone(defs), defs);
  });

  it('finds wrappers of wrappers in one file regardless of definition order', async () => {
    const text = `
void *outer(void *p, size_t n) { return middle(p, n * 4); }
void *middle(void *q, size_t m) { return inner(q, m); }
void *inner(void *r, size_t k) { return reallocf(r, k); }
`;
    const defs = await wrappersOf(text);
    const outer = defs.find((d) => d.name === 'outer')!;
    assert.deepEqual(outer.via, ['middle', 'inner']);
    assert.equal(outer.callee, 'reallocf');
    assert.equal(outer.params.size, -1);
    assert.equal(outer.argExprs?.size, 'n * 4');
  });

  it('does not make a wrapper of a function that resizes memory it did not get from its caller', async () => {
    const text = `
struct buf { char *data; size_t cap; };
static char *global;
void buf_reserve(struct buf *b, size_t n) { b->data = realloc(b->data, n); }
void grow_global(size_t n) { global = realloc(global, n); }
void reuse(void *p, size_t n) { p = malloc(1); p = realloc(p, n); }
`;
    const defs = await wrappersOf(text);
    assert.deepEqual(defs.map((d) => d.name), []);
  });

  it('keeps a static wrapper and a .c macro to their own file, but not a header macro', async () => {
    const defs = await wrappersOf(
      'static void *grow(void *p, size_t n) { return realloc(p, n); }\n#define MYREALLOC(p, n) realloc(p, n)\n',
      'a.c',
    );
    assert.ok(defs.every((d) => d.fileLocal === true));
    const other = await analyze('void g(char *q) { q = grow(q, 8); q = MYREALLOC(q, 8); }', 'b.c', defs);
    assert.deepEqual(other.sites.map(brief), []);
    const same = await analyze('void g(char *q) { q = grow(q, 8); }', 'a.c', defs);
    assert.deepEqual(same.sites.map(brief), ['1:23 wrapper-call realloc via grow']);
    const header = await wrappersOf('#define MYREALLOC(p, n) realloc(p, n)\n', 'alloc.h');
    assert.equal(header[0]!.fileLocal, undefined);
  });

  it('records why ALLOC_GROW-style macros have no substitutable size and keeps the chain', async () => {
    const text = `
void *xrealloc(void *ptr, size_t size) { void *r = realloc(ptr, size); if (!r) die("oom"); return r; }
#define REALLOC_ARRAY(x, n) (x) = xrealloc((x), st_mult(sizeof(*(x)), (n)))
#define ALLOC_GROW(x, nr, alloc) do { if ((nr) > alloc) { alloc = (nr) * 2; REALLOC_ARRAY(x, alloc); } } while (0)
`;
    const defs = await wrappersOf(text, 'git.h');
    const ra = defs.find((d) => d.name === 'REALLOC_ARRAY')!;
    assert.deepEqual(ra.params, { ptr: 0, size: -1 });
    assert.equal(ra.argExprs?.size, 'st_mult(sizeof(*(x)), (n))');
    assert.equal(ra.assignsBack, true);
    assert.equal(ra.diesOnFailure, true);
    const ag = defs.find((d) => d.name === 'ALLOC_GROW')!;
    assert.deepEqual(ag.via, ['REALLOC_ARRAY', 'xrealloc']);
    assert.equal(ag.argExprs?.size, undefined);
    assert.match(ag.argNotes?.size ?? '', /changes `alloc`/);
  });

  it('dies on failure only where the failing branch calls what does not return, not elsewhere in the function', async () => {
    const text = `
void *grow_or_die(void *p, size_t n) { void *r = realloc(p, n); if (r == NULL) my_fatal("grow"); return r; }
void *grow_logged(void *p, size_t n) { if (!n) abort(); void *r = realloc(p, n); if (!r) log_it("grow"); return r; }
void *grow_plain(void *p, size_t n) { void *r = realloc(p, n); if (!r) return p; return r; }
`;
    const defs = await wrappersOf(text, 'g.c');
    const dies = (name: string) => defs.find((d) => d.name === name)!.diesOnFailure;
    assert.deepEqual([dies('grow_or_die'), dies('grow_logged'), dies('grow_plain')], [true, false, false]);
  });

  it('maps all four mremap arguments and a reallocarray wrapper’s count and size', async () => {
    const text = `
void *move(void *old, size_t from, size_t to, int flags) { return mremap(old, from, to, flags); }
void *arr(void *p, size_t n, size_t sz) { return reallocarray(p, n, sz); }
void use(void *m, int *a) {
  m = move(m, 4096, 3 * 4096, 1);
  a = arr(a, 10, sizeof *a);
}
`;
    const r = await analyze(text);
    const mv = r.wrappers.find((d) => d.name === 'move')!;
    assert.deepEqual(mv.params, { ptr: 0, oldSize: 1, size: 2, flags: 3 });
    const ar = r.wrappers.find((d) => d.name === 'arr')!;
    assert.deepEqual(ar.params, { ptr: 0, count: 1, size: 2 });
    const [m, a] = r.sites.filter((s) => s.kind === 'wrapper-call');
    assert.deepEqual([m!.oldSize?.bytes, m!.newSize?.bytes, m!.flags], [4096, 12288, ['MREMAP_MAYMOVE']]);
    assert.equal(a!.newSize?.bytes, 40);
    assert.equal(a!.callee, 'reallocarray');
  });

  it('accepts wrappers from a config file', async () => {
    const cfg = configWrapper('g_realloc', 'realloc', {}, true);
    assert.deepEqual(cfg.params, { ptr: 0, size: 1 });
    const r = await analyze('void f(char *p) { p = g_realloc(p, 100); }', 'x.c', [cfg]);
    assert.deepEqual(r.sites.map(brief), ['1:23 wrapper-call realloc via g_realloc']);
    assert.equal(r.sites[0]!.diesOnFailure, true);
    assert.equal(r.sites[0]!.newSize?.bytes, 100);
  });

  it('substitutes a computed size with the call site’s arguments, using the caller’s types', async () => {
    const text = `
struct pt { double x, y; };
void *grow_n(void *p, size_t n, size_t each) { return realloc(p, n * each + 16); }
void use(struct pt *pts) { pts = grow_n(pts, 1 + 2, sizeof *pts); }
`;
    const r = await analyze(text);
    const site = r.sites.find((s) => s.kind === 'wrapper-call')!;
    assert.equal(site.newSize?.bytes, 3 * 16 + 16);
    assert.match(site.newSize!.note, /via grow_n/);
  });
  it('judges a function again from its parameters as read the first time, each def with its own list', async () => {
    const p = await cParser();
    const src = 'static void *grow(void *buf, size_t n) { return realloc(buf, n * 2); }\n';
    const tree = p.parse(src)!;
    try {
      const uses = findNameUses(tree.rootNode, src, buildCalleeIndex([], 'a.c'));
      const fn = tree.rootNode.namedChildren.find((c) => c?.type === 'function_definition')!;
      const ctx = () => ({ file: 'a.c', fileText: src, isConstant: () => false, cache: new Map() });
      const first = functionVerdict(fn, uses, ctx()).def!;
      const again = functionVerdict(fn, uses, ctx()).def!;
      assert.deepEqual(first.paramNames, ['buf', 'n']);
      assert.deepEqual({ params: again.params, fileLocal: again.fileLocal }, { params: { ptr: 0, size: -1 }, fileLocal: true });
      assert.deepEqual(again.argExprs, { size: 'n * 2' });
      // The remembered list is not handed out: a def that changes its own leaves the next one's alone.
      first.paramNames!.push('changed');
      assert.deepEqual(functionVerdict(fn, uses, ctx()).def!.paramNames, ['buf', 'n']);
    } finally {
      tree.delete();
    }
  });
});
