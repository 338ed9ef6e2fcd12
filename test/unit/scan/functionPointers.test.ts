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
        // Through a member of the macro's argument (`E->s`), whose type is not followed: the names match, `via` says so.
        'use.c:3 wrapper-call engine_resize > E->s->grow = app_grow (matched by field name only: the struct type is not seen) 256',
        'use.c:4 wrapper-call s->grow = app_grow 4096',
      ], `shards=${shards}`);
      // The constructor's own call through its parameter is no site: nothing is known about `f` there.
      assert.deepEqual(r.sites.filter((s) => s.file === 'engine.c').map(brief), []);
      const ptr = r.wrappers.find((w) => w.kind === 'pointer')!;
      assert.deepEqual(ptr.pointer, { form: 'field', struct: 'shared', target: 'app_grow', text: 's->grow = app_grow', arity: 4, targetFile: 'app.c' });
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

  it('keeps a global pointer global when each `#if` branch gives it an initializer', async () => {
    const r = await scan({
      'heap.c': `#include <stdlib.h>
typedef void *(*grow_fn)(void *, size_t);
#ifdef HEAP_TRACE
static void *traced_grow(void *p, size_t n) { return realloc(p, n); }
grow_fn heap_grow = traced_grow;
#elif defined(HEAP_NONE)
grow_fn heap_grow = 0;
#else
grow_fn heap_grow = realloc;
#endif
`,
      'use.c': `typedef void *(*grow_fn)(void *, unsigned long);
extern grow_fn heap_grow;
void fill(char *p) { p = heap_grow(p, 700); }
`,
    });
    assert.deepEqual(r.sites.filter((s) => s.kind !== 'reference').map(brief), [
      'heap.c:4 direct-call  ?',
      'use.c:3 wrapper-call heap_grow = traced_grow 700',
    ]);
  });

  it('maps a positional initializer to the struct\'s members in order: typedefs, headers, nested braces, arrays of structs', async () => {
    const r = await scan({
      'ops.h': `#include <stddef.h>
struct mem_ops { void *(*get)(size_t); void *(*resize)(void *, size_t); void (*put)(void *); };
typedef struct mem_ops mem_ops_t;
struct pool { int id; struct mem_ops ops; };
struct codec { const char *name; void *(*grow)(void *, size_t); };
`,
      'ops.c': `#include <stdlib.h>
#include "ops.h"
static mem_ops_t ops = { malloc, /* resize */ realloc, free };
static struct pool main_pool = { 1, { malloc, realloc, free } };
static const struct codec codecs[] = { { "raw", realloc }, { "none", 0 } };
void *ops_resize(void *p, size_t n) { return ops.resize(p, n); }
void use(struct pool *pl, char *q) { q = pl->ops.resize(q, 64); q = codecs[0].grow(q, 128); }
`,
      'caller.c': `#include "ops.h"
void *ops_resize(void *p, size_t n);
void caller(char *q) { q = ops_resize(q, 256); }
`,
    });
    assert.deepEqual(r.sites.filter((s) => s.kind !== 'reference').map(brief), [
      'caller.c:3 wrapper-call ops_resize > ops.resize = realloc 256',
      'ops.c:6 wrapper-call ops.resize = realloc ?',
      // The member's type is not followed (struct pool → ops): only the names match, and `via` says so.
      'ops.c:7 wrapper-call pl->ops.resize = realloc (matched by field name only: the struct type is not seen) 64',
      'ops.c:7 wrapper-call codecs[0].grow = realloc 128',
    ]);
    // Without the struct's definition the position says nothing: no pointer is made up.
    const blind = await scan({ 'x.c': '#include <stdlib.h>\nstruct unseen ops = { malloc, realloc };\nvoid f(char *p) { p = ops.second(p, 9); }\n' });
    assert.deepEqual(blind.sites.filter((s) => s.kind !== 'reference').map(brief), []);
  });

  it('takes a resize name handed to a macro at file scope for a declaration, not a pointer store', async () => {
    const r = await scan({
      'decl.h': `#include <stddef.h>
#define REPLACE_FN(name, ret, args) ret rpl_##name args;
#define DEPRECATE(name, why) extern int deprecated_##name;
#define API_ROW(ret, name, args) ret (*name##_ptr) args;
REPLACE_FN(realloc, void *, (void *ptr, size_t size))
DEPRECATE(reallocarray, "not everywhere")
API_ROW(void *, realloc, (void *p, size_t n))
#define KEEP(f) static void *(*kept)(void *, size_t) = f;
struct hold { void *(*fn)(void *, size_t); };
static struct hold held = { .fn = realloc };
`,
    });
    // The designated initializer still stores realloc; the declaration macros do not.
    assert.deepEqual(r.sites.map(brief), ['decl.h:10 reference  ?']);
  });

  it('takes a table row naming a resize function for a declaration when the whole file is one ERROR', async () => {
    // Dozens of `ROW(ret, name, (params), (args), return)` lines: tree-sitter gives up on the file
    // and its root is an ERROR node, not a translation unit.
    const rows = Array.from({ length: 30 }, (_, i) => `EXPORT_ROW(${['int', 'void', 'char*', 'const char*'][i % 4]},api_fn${i},(int a, const char *b),(a,b),${i % 4 === 1 ? '' : 'return'})`);
    rows.splice(20, 0, 'EXPORT_ROW(void*,api_grow,(void *a, size_t b),(a,b),return)');
    const r = await scan({
      'rows.h': `/* the exported functions, one row each */\n${rows.join('\n')}\n`,
      'api.c': '#include <stdlib.h>\nvoid *api_grow(void *p, size_t n) { return realloc(p, n); }\n',
    });
    assert.deepEqual(r.sites.filter((s) => s.file === 'rows.h').map(brief), []);
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

  it('with the struct type unseen, takes the store whose member chain matches best, and says the match is by name', async () => {
    const r = await scan({
      'a.c': `#include <stdlib.h>
struct tracer { void *(*resize)(void *, size_t); };
static void *trace_resize(void *p, size_t n) { return realloc(p, n); }
void trace_on(struct tracer *t) { t->resize = trace_resize; }
`,
      'b.c': `#include <stdlib.h>
struct methods { void *(*resize)(void *, size_t); };
struct settings { struct methods m; };
static void *plain_resize(void *p, size_t n) { return realloc(p, n); }
static struct settings defaults;
void init_defaults(void) { defaults.m.resize = plain_resize; }
`,
      'c.c': `#define SETTINGS the_settings
extern struct settings the_settings;
void grow(char *p) { p = SETTINGS.m.resize(p, 48); }
`,
    });
    assert.deepEqual(r.sites.filter((s) => s.file === 'c.c').map(brief), [
      'c.c:3 wrapper-call SETTINGS.m.resize = plain_resize (matched by field name only: the struct type is not seen) 48',
    ]);
  });

  it('makes `via` again once the rounds are done: a store found in a later round that fits the call wins over the first seen', async () => {
    const files = {
      // Round 1 stores a wrapper into `grow` of an unrelated struct…
      'a_log.c': `#include <stdlib.h>
struct logger { void *(*grow)(void *, size_t); int level; };
static void *log_grow(void *p, size_t n) { return realloc(p, n); }
void log_setup(struct logger *lg) { lg->grow = log_grow; }
`,
      // …round 3 finds pool_grow (a wrapper of a wrapper of a wrapper in other files) stored along the same member chain.
      'b_pool.c': `#include "config.h"
void *raw_grow(void *p, size_t n);
static void *pool_grow(void *p, size_t n) { return raw_grow(p, n + 16); }
void pool_setup(void) { cfg.hooks.grow = pool_grow; }
`,
      'config.h': '#include <stddef.h>\nextern struct config cfg;\n',
      'c_use.c': `#include "config.h"
void *pool_resize(void *p, size_t n) { return cfg.hooks.grow(p, n); }
void use(char *buf) { char *q = pool_resize(buf, 64); (void) q; }
`,
      'd_raw.c': '#include <stddef.h>\nvoid *mid_grow(void *p, size_t n);\nvoid *raw_grow(void *p, size_t n) { return mid_grow(p, n); }\n',
      'e_mid.c': '#include <stdlib.h>\nvoid *mid_grow(void *p, size_t n) { return realloc(p, n); }\n',
      // An interposer keeps the original and installs itself in the same field: its own call does not go to itself.
      'f_spy.c': `#include "config.h"
static struct config saved;
static void *spy_grow(void *p, size_t n) { return saved.hooks.grow(p, n); }
void spy_install(void) { saved = cfg; cfg.hooks.grow = spy_grow; }
`,
    };
    const r = await scan(files);
    const guess = ' (matched by field name only: the struct type is not seen)';
    assert.deepEqual(r.wrappers.find((w) => w.name === 'pool_resize')?.via, [`cfg.hooks.grow = pool_grow${guess}`, 'raw_grow', 'mid_grow']);
    assert.deepEqual(r.sites.filter((s) => s.file === 'c_use.c').map(brief), [
      `c_use.c:2 wrapper-call cfg.hooks.grow = pool_grow${guess} > raw_grow > mid_grow ?`,
      `c_use.c:3 wrapper-call pool_resize > cfg.hooks.grow = pool_grow${guess} > raw_grow > mid_grow 64`,
    ]);
    assert.deepEqual(r.sites.filter((s) => s.file === 'f_spy.c' && s.kind !== 'reference').map(brief), [
      `f_spy.c:3 wrapper-call saved.hooks.grow = pool_grow${guess} > raw_grow > mid_grow ?`,
    ]);
  });

  it('follows a resize function handed out through an out-parameter, then copied into a field', async () => {
    const r = await scan({
      'alloc.c': `#include <stdlib.h>
typedef void *(*grow_fn)(void *, size_t);
static void *default_grow(void *p, size_t n) { return realloc(p, n); }
void get_hooks(grow_fn *grow_out, int *flags_out) { if (grow_out) *grow_out = default_grow; if (flags_out) *flags_out = 0; }
`,
      'text.c': `#include <stddef.h>
typedef void *(*grow_fn)(void *, size_t);
void get_hooks(grow_fn *grow_out, int *flags_out);
struct text { char *s; size_t cap; grow_fn grow; };
void text_init(struct text *t) { grow_fn g; int flags; get_hooks(&g, &flags); t->s = NULL; t->cap = 0; t->grow = g; }
int text_room(struct text *t, size_t n) { char *s = t->grow(t->s, n); if (!s) return -1; t->s = s; t->cap = n; return 0; }
void other(void) { int g = 3; (void) g; }
`,
    });
    assert.deepEqual(r.sites.filter((s) => s.kind !== 'reference').map(brief), [
      'alloc.c:3 direct-call  ?',
      'text.c:6 wrapper-call t->grow = default_grow ?',
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
