// Function-pointer allocators over a whole project scan: a field or variable set to realloc or to
// a resize wrapper anywhere makes the calls through it resize sites (functionPointers.ts).
import { strict as assert } from 'node:assert';
import { ScanShard, type SourceReader } from '../../../src/core/scan/shard';
import { scanProject } from '../../../src/core/scan/orchestrate';
import { adviseSites } from '../../../src/core/advice';
import { grammarFiles } from '../../support/grammar';

function reader(files: Record<string, string>): SourceReader {
  return {
    read(path: string) {
      const f = files[path];
      if (f === undefined) throw new Error('no such file');
      return new TextEncoder().encode(f);
    },
  };
}

async function scan(files: Record<string, string>, shards = 1) {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) all[`/p/${k}`] = v;
  const list = Array.from({ length: shards }, () =>
    new ScanShard(reader(all), grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/p'] }),
  );
  try {
    return await scanProject(Object.keys(files).map((rel) => ({ path: `/p/${rel}`, rel })), list);
  } finally {
    for (const s of list) s.dispose();
  }
}

const brief = (s: { file: string; nameRange: { start: { line: number } }; kind: string; via: string[]; newSize: { bytes: number | null } | null }) =>
  `${s.file}:${s.nameRange.start.line} ${s.kind} ${s.via.join(' > ')} ${s.newSize?.bytes ?? '?'}`;

describe('function-pointer allocators', () => {
  it('a plain identifier spelled like a field pointer is not a use of it (and does not end the file\'s analysis)', async () => {
    const r = await scan({
      'hooks.c': `#include <stdlib.h>
struct hooks { void *(*resize)(void *, size_t); };
static struct hooks h = { .resize = realloc };
void *grow(void *p, size_t n) { return h.resize(p, n); }
`,
      'user.c': `static int resize = 1;
int user(void) { return resize + 1; }
`,
    });
    assert.deepEqual(r.errors, []);
    assert.ok(r.sites.some((s) => s.file === 'hooks.c' && s.kind === 'wrapper-call'), r.sites.map(brief).join('; '));
    assert.deepEqual(r.sites.filter((s) => s.file === 'user.c').map(brief), []);
  });

  it('follows a function handed to a constructor through two calls into a field, and the macros over it', async () => {
    const files = {
      'engine.h': `typedef void *(*grow_fn)(void *ud, void *p, size_t old, size_t n);
struct shared { grow_fn grow; void *ud; };
struct engine { struct shared *s; };
struct engine *engine_new(grow_fn f, void *ud);
#define engine_resize(E, p, o, n) ((*(E)->s->grow)((E)->s->ud, (p), (o), (n)))
`,
      'engine.c': `#include "engine.h"
static void setup_shared(struct shared *s, grow_fn f, void *ud) { s->grow = f; s->ud = ud; }
struct engine *engine_new(grow_fn f, void *ud) {
  struct engine *e = f(ud, NULL, 0, sizeof *e + sizeof(struct shared));
  e->s = (struct shared *)(e + 1);
  setup_shared(e->s, f, ud);
  return e;
}
`,
      'app.c': `#include <stdlib.h>
#include "engine.h"
static void *app_grow(void *ud, void *p, size_t old, size_t n) { (void)ud; (void)old; return realloc(p, n); }
struct engine *app_start(void) { return engine_new(app_grow, NULL); }
`,
      'use.c': `#include "engine.h"
void use(struct engine *e, struct shared *s, char *buf) {
  buf = engine_resize(e, buf, 16, 256);
  buf = s->grow(s->ud, buf, 256, 4096);
}
`,
    };
    for (const shards of [1, 2]) {
      const r = await scan(files, shards);
      assert.deepEqual(r.sites.filter((s) => s.file === 'use.c').map(brief), [
        'use.c:3 wrapper-call engine_resize > E->s->grow = app_grow 256',
        'use.c:4 wrapper-call s->grow = app_grow 4096',
      ], `shards=${shards}`);
      // The constructor's own call through its parameter is no site: nothing is known about `f` there.
      assert.deepEqual(r.sites.filter((s) => s.file === 'engine.c').map(brief), []);
      const ptr = r.wrappers.find((w) => w.kind === 'pointer')!;
      assert.deepEqual(ptr.pointer, { form: 'field', struct: 'shared', target: 'app_grow', text: 's->grow = app_grow', arity: 4 });
      assert.equal(ptr.fileLocal, undefined, 'a field is project-wide even when its target is static');
    }
  });

  it('reads a macro that casts through a type-first cast macro (`as(T *, grow(...))`) as a wrapper', async () => {
    // Parsed as a function body, `T *,` is a syntax error that used to swallow the call beside it.
    const files = {
      'pool.h': `#include <stddef.h>
typedef void *(*pool_fn)(void *ud, void *p, size_t old, size_t n);
struct pool { pool_fn fn; void *ud; };
#define as(T, e) ((T)(e))
#define to_size(x) ((size_t)(x))
void *pool_resize(struct pool *P, void *p, size_t old, size_t n);
#define pool_vector(P, v, oldn, n, T) \\
  (as(T *, pool_resize(P, v, to_size(oldn) * sizeof(T), to_size(n) * sizeof(T))))
#define pool_bytes(P, v, oldn, n) as(unsigned char *, pool_resize(P, v, oldn, n))
`,
      'pool.c': `#include <stdlib.h>
#include "pool.h"
static void *plain(void *ud, void *p, size_t old, size_t n) { (void)ud; (void)old; return realloc(p, n); }
void pool_init(struct pool *P) { P->fn = plain; P->ud = NULL; }
void *pool_resize(struct pool *P, void *p, size_t old, size_t n) { return P->fn(P->ud, p, old, n); }
`,
      'use.c': `#include "pool.h"
void use(struct pool *P, int *v, unsigned char *b) {
  v = pool_vector(P, v, 8, 64, int);
  b = pool_bytes(P, b, 8, 64);
  v = as(int *, pool_resize(P, v, 8, 64));
}
`,
    };
    const r = await scan(files);
    assert.deepEqual(r.sites.filter((s) => s.file === 'use.c').map(brief), [
      'use.c:3 wrapper-call pool_vector > pool_resize > P->fn = plain 256',
      'use.c:4 wrapper-call pool_bytes > pool_resize > P->fn = plain 64',
      'use.c:5 wrapper-call pool_resize > P->fn = plain 64',
    ]);
  });

  it('makes a global pointer initialised to realloc a wrapper, and keeps a static one to its file', async () => {
    const r = await scan({
      'mem.h': 'extern void *(*mem_realloc)(void *, size_t);\n#define MEM_GROW(p, n) ((p) = mem_realloc((p), (n)))\n',
      'mem.c': '#include <stdlib.h>\nvoid *(*mem_realloc)(void *, size_t) = realloc;\n',
      'a.c': '#include "mem.h"\nvoid a(char *p) { MEM_GROW(p, 100); p = mem_realloc(p, 200); }\n',
      'b.c': '#include <stdlib.h>\nstatic void *(*resize)(void *, size_t) = realloc;\nvoid b(char *p) { p = resize(p, 300); }\n',
      'c.c': 'void *resize(void *p, unsigned long n);\nvoid c(char *p) { p = resize(p, 400); }\n',
    });
    assert.deepEqual(r.sites.filter((s) => s.kind !== 'reference').map(brief), [
      'a.c:2 wrapper-call MEM_GROW > mem_realloc = realloc 100',
      'a.c:2 wrapper-call mem_realloc = realloc 200',
      'b.c:3 wrapper-call resize = realloc 300',
    ]);
    // The store itself stays a reference, and says where calls through it are reported.
    const ref = r.sites.find((s) => s.file === 'mem.c')!;
    assert.equal(ref.storedInto, 'mem_realloc');
    const [f] = adviseSites([ref]);
    assert.match(f!.message, /stored in `mem_realloc` here, not called: the calls made through `mem_realloc` are resize sites/);
  });

  it('matches a field by its struct type where both sides show it, and by argument count', async () => {
    const r = await scan({
      'ops.c': `#include <stdlib.h>
struct mem_ops { void *(*fn)(void *, size_t); };
struct log_ops { void (*fn)(void *, size_t); };
static const struct mem_ops default_ops = { .fn = realloc };
struct hooks { void *(*grow)(void *, size_t); };
void install(void) { register_hooks((struct hooks){ .grow = realloc }); }
void *m(struct mem_ops *o, void *p) { return o->fn(p, 10); }
void l(struct log_ops *o, void *p) { o->fn(p, 20); }
void one(struct unknown *u, void *p) { u->fn(p); }
void *g(struct hooks *h, void *p) { return h->grow(p, 30); }
`,
    });
    assert.deepEqual(r.sites.filter((s) => s.kind !== 'reference').map(brief), [
      'ops.c:7 wrapper-call o->fn = realloc 10',
      'ops.c:10 wrapper-call h->grow = realloc 30',
    ]);
  });

  it('keeps a local pointer to its own function', async () => {
    const r = await scan({
      'l.c': `#include <stdlib.h>
void f(char *p) { void *(*re)(void *, size_t) = realloc; p = re(p, 10); }
void g(char *p, void *(*re)(void *, size_t)) { p = re(p, 20); }
`,
    });
    assert.deepEqual(r.sites.filter((s) => s.kind !== 'reference').map(brief), ['l.c:2 wrapper-call re = realloc 10']);
  });
});
