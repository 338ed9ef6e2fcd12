import { strict as assert } from 'node:assert';
import type { WrapperDef } from '../../../src/core/types';
import { ScanShard, type SourceReader } from '../../../src/core/scan/shard';
import { scanProject, dealFiles, FileDealer, type ShardClient } from '../../../src/core/scan/orchestrate';
import { grammarFiles } from '../../support/grammar';

/** Files in memory, keyed by absolute path; counts reads so tests can see what was touched. */
function memoryReader(files: Record<string, string | Uint8Array>): SourceReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read(path: string, maxBytes?: number) {
      reads.push(path);
      const f = files[path];
      if (f === undefined) throw new Error('no such file');
      const bytes = typeof f === 'string' ? new TextEncoder().encode(f) : f;
      return maxBytes !== undefined && bytes.length > maxBytes ? { size: bytes.length } : bytes;
    },
  };
}

async function scan(files: Record<string, string | Uint8Array>, opts: { shards?: number; config?: WrapperDef[]; maxFileSize?: number } = {}) {
  const reader = memoryReader(files);
  const shards = Array.from({ length: opts.shards ?? 1 }, () =>
    new ScanShard(reader, grammarFiles, { maxFileSize: opts.maxFileSize ?? 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/p'] }),
  );
  const refs = Object.keys(files).filter((p) => /\.[ch]$/.test(p)).map((p) => ({ path: p, rel: p.slice('/p/'.length) }));
  try {
    return { ...(await scanProject(refs, shards, { configWrappers: opts.config ?? [] })), reads: reader.reads };
  } finally {
    for (const s of shards) s.dispose();
  }
}

const wrapperC = `#include <stdlib.h>
void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) abort();
    return q;
}
`;

describe('project scan orchestration', () => {
  it('records BEGIN/END regions on the sites of the files that write them, in either spelling', async () => {
    const body = 'void f(char *s, size_t n) { char *t = realloc(s, n); free(t); }\n';
    const r = await scan({
      '/p/tidy.c': `#include <stdlib.h>\n// NOLINTBEGIN\n${body}// NOLINTEND\n`,
      '/p/ours.c': `#include <stdlib.h>\n/* pagecost-ignore-begin realloc-* */\n${body}/* pagecost-ignore-end */\n`,
      '/p/none.c': `#include <stdlib.h>\n${body}`,
    });
    const suppressed = Object.fromEntries(r.sites.map((s) => [s.file, s.facts?.suppressed ?? []]));
    assert.deepEqual(suppressed, { 'none.c': [], 'ours.c': ['realloc-*'], 'tidy.c': ['*'] });
  });

  it('recognises a wrapper defined in one file at call sites in others, across shards', async () => {
    const files: Record<string, string> = { '/p/wrapper.c': wrapperC };
    // A global buffer, not a parameter: a function resizing its own parameter would be a wrapper itself.
    for (let i = 0; i < 6; i++) files[`/p/use${i}.c`] = `void *xrealloc(void *, unsigned long);\nstatic char *buf;\nvoid f${i}(void) { buf = xrealloc(buf, ${i + 1}); }\n`;
    files['/p/plain.c'] = 'int main(void) { return 0; }\n';
    for (const shards of [1, 3]) {
      const r = await scan(files, { shards });
      const calls = r.sites.filter((s) => s.kind === 'wrapper-call');
      assert.deepEqual(calls.map((s) => s.file), ['use0.c', 'use1.c', 'use2.c', 'use3.c', 'use4.c', 'use5.c'], `shards=${shards}`);
      for (const s of calls) {
        assert.deepEqual(s.via, ['xrealloc']);
        assert.equal(s.callee, 'realloc');
        assert.equal(s.nameRange.start.line, 3);
        assert.equal(s.nameRange.start.column, 23);
      }
      assert.deepEqual(calls.map((s) => s.newSize?.bytes), [1, 2, 3, 4, 5, 6]);
      assert.equal(r.stats.wrappers, 1);
      // plain.c never names a relevant function, so it is read but never parsed.
      assert.equal(r.stats.parsedFiles, 7);
      assert.equal(r.stats.files, 8);
    }
  });

  it('follows wrappers of wrappers across files in later rounds', async () => {
    const r = await scan({
      '/p/a.c': wrapperC,
      '/p/b.c': 'void *xrealloc(void *, unsigned long);\nvoid *grow_twice(void *p, unsigned long n) { return xrealloc(p, 2 * n); }\n',
      '/p/c.c': 'void *grow_twice(void *, unsigned long);\nstatic void *q;\nvoid g(void) { q = grow_twice(q, 100); }\n',
    });
    const inC = r.sites.filter((s) => s.file === 'c.c');
    assert.equal(inC.length, 1);
    assert.equal(inC[0]!.kind, 'wrapper-call');
    assert.deepEqual(inC[0]!.via, ['grow_twice', 'xrealloc']);
    assert.ok(r.stats.rounds >= 2, `rounds ${r.stats.rounds}`);
  });

  it('finds a chain of wrappers inside one file although their bodies were first left out', async () => {
    // grow2 and use never spell realloc: the first (partial) parse skips their bodies, and the
    // shard must parse again as each new wrapper name turns up.
    const r = await scan({
      '/p/chain.c': `#include <stdlib.h>
void *xr(void *p, size_t n) { return realloc(p, n); }
void *grow2(void *p) { return xr(p, 64); }
static char *buf;
void use(void) { buf = grow2(buf); }
`,
    });
    assert.deepEqual(
      r.sites.map((s) => [s.nameRange.start.line, s.name, s.kind, s.via.join('>')]),
      [
        [2, 'realloc', 'direct-call', ''],
        [3, 'xr', 'wrapper-call', 'xr'],
        [5, 'grow2', 'wrapper-call', 'grow2>xr'],
      ],
    );
    assert.equal(r.sites[2]!.newSize?.bytes, 64);
  });

  it('applies configured wrappers whose definition is not in the tree', async () => {
    const config: WrapperDef[] = [{ name: 'arena_grow', kind: 'config', callee: 'mremap', via: [], params: { ptr: 0, oldSize: 1, size: 2 }, diesOnFailure: false, file: '.pagecost.json', line: null }];
    const r = await scan({ '/p/m.c': 'void *arena_grow(void *, unsigned long, unsigned long);\nstatic void *a;\nvoid h(void) { a = arena_grow(a, 4096, 8192); }\n' }, { config });
    assert.equal(r.sites.length, 1);
    const s = r.sites[0]!;
    assert.equal(s.kind, 'wrapper-call');
    assert.equal(s.callee, 'mremap');
    assert.deepEqual(s.via, ['arena_grow']);
    assert.equal(s.oldSize?.bytes, 4096);
    assert.equal(s.newSize?.bytes, 8192);
  });

  it('keeps a static helper local to the file that defines it', async () => {
    const r = await scan({
      '/p/a.c': '#include <stdlib.h>\nstatic void *grow(void *p, size_t n) { return realloc(p, n); }\nstatic void *buf;\nvoid a(void) { buf = grow(buf, 8); }\n',
      '/p/b.c': 'static int grow(int x) { return x + 1; }\nint b(void) { return grow(1); }\n',
    });
    assert.deepEqual(r.sites.filter((s) => s.kind === 'wrapper-call').map((s) => s.file), ['a.c']);
    assert.equal(r.sites.filter((s) => s.file === 'b.c').length, 0);
  });

  it('evaluates sizes with macros from included headers', async () => {
    const r = await scan({
      '/p/inc/sizes.h': '#define CHUNK (16 * 4096)\n',
      '/p/src/u.c': '#include <stdlib.h>\n#include "../inc/sizes.h"\nstatic char *b;\nvoid u(void) { b = realloc(b, CHUNK); }\n',
    });
    const s = r.sites.find((x) => x.file === 'src/u.c');
    assert.ok(s);
    assert.equal(s.newSize?.bytes, 65536);
    assert.match(s.newSize?.note ?? '', /CHUNK/);
  });

  it('reads a header the shard holds, or the include resolver read, no more than once more', async () => {
    const r = await scan({
      // Before its header in the call-site pass: the resolver reads both headers for CHUNK and STEP.
      '/p/a.c': [
        '#include <stdlib.h>', '#include "sizes.h"', '#include "step.h"', 'static char *buf;', 'static size_t cap = 8;',
        'void grow_all(void) { cap *= 2; buf = realloc(buf, cap); }',
        'void first(void) { buf = realloc(buf, CHUNK * 2); buf = realloc(buf, STEP * 4); }', '',
      ].join('\n'),
      // Released after load; read again to count its grow_all: the resolver has its text by then.
      '/p/sizes.h': '#define CHUNK 64\nvoid grow_all(void);\n',
      // A realloc: it has a tree and holds its text from the first round to its call-site pass.
      '/p/step.h': '#include <stdlib.h>\n#define STEP 32\nstatic char *g;\nstatic void step_once(void) { g = realloc(g, STEP); }\n',
      '/p/b.c': '#include "sizes.h"\nvoid use(void) { grow_all(); grow_all(); }\n',
    });
    const a = r.sites.filter((x) => x.file === 'a.c' && x.enclosingFunction === 'first');
    assert.deepEqual(a.map((x) => x.newSize?.bytes), [128, 128]);
    assert.equal(r.sites.find((x) => x.enclosingFunction === 'grow_all')?.callers, 2);
    const readsOf = (p: string) => r.reads.filter((x) => x === p).length;
    // sizes.h: load, the resolver; step.h: load, the first round (a realloc: it is parsed).
    assert.deepEqual([readsOf('/p/sizes.h'), readsOf('/p/step.h')], [2, 2]);
  });

  it('a header looked for where it is not: with the reader\'s `exists`, not read there, and found all the same', async () => {
    const files: Record<string, string> = {
      // "sizes.h" is not beside src/a.c but under the root; "gone.h" is nowhere.
      '/p/src/a.c': '#include <stdlib.h>\n#include "gone.h"\n#include "sizes.h"\nstatic char *buf;\nvoid f(void) { buf = realloc(buf, CHUNK); }\n',
      '/p/sizes.h': '#define CHUNK 96\n',
    };
    const sizes: (number | null | undefined)[] = [];
    for (const withExists of [false, true]) {
      const reader = memoryReader(files);
      const checked: string[] = [];
      if (withExists) reader.exists = (path) => (checked.push(path), path in files);
      const shard = new ScanShard(reader, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/p'] });
      try {
        const r = await scanProject([{ path: '/p/src/a.c', rel: 'src/a.c' }], [shard]);
        sizes.push(r.sites[0]?.newSize?.bytes);
      } finally {
        shard.dispose();
      }
      const missing = reader.reads.filter((p) => !(p in files));
      if (withExists) {
        assert.deepEqual(missing, [], 'no read where nothing is');
        assert.deepEqual([...new Set(checked)].sort(), ['/p/gone.h', '/p/sizes.h', '/p/src/gone.h', '/p/src/sizes.h']);
      } else assert.deepEqual([...new Set(missing)].sort(), ['/p/gone.h', '/p/src/gone.h', '/p/src/sizes.h']);
    }
    assert.deepEqual(sizes, [96, 96]);
  });

  it('goes on past bad files and lists each problem', async () => {
    const r = await scan(
      {
        '/p/bin.c': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]),
        '/p/big.c': `/* ${'x'.repeat(300)} */ void *b(void *p) { return realloc(p, 1); }\n`,
        '/p/latin1.c': new Uint8Array([...new TextEncoder().encode('/* caf'), 0xe9, ...new TextEncoder().encode(' */\nvoid *l(void *p) { return realloc(p, 64); }\n')]),
        '/p/accents.c': new Uint8Array([...new TextEncoder().encode('/* na'), 0xef, ...new TextEncoder().encode('ve */\nint add(int a, int b) { return a + b; }\n')]),
        '/p/broken.c': 'void *k(void *p) { return realloc(p, 32) }\nint ok(void) { return 1; }\n',
        '/p/lost.c': 'void *h(void *p) { int x = 1 2 realloc(p, 8) 3; return p; }\n',
        '/p/good.c': 'void *g(void *p) { return realloc(p, 16); }\n',
      },
      { maxFileSize: 200 },
    );
    const problems = new Map(r.errors.map((e) => [e.file, e.message]));
    assert.match(problems.get('bin.c') ?? '', /binary/);
    assert.match(problems.get('big.c') ?? '', /too large/);
    assert.match(problems.get('latin1.c') ?? '', /not valid UTF-8/);
    // Not valid UTF-8 either, but it names no resize function: nothing can be read wrong there, so a note.
    assert.equal(problems.has('accents.c'), false);
    assert.deepEqual(r.notes.filter((n) => n.nonUtf8).map((n) => [n.file, n.message]), [
      ['accents.c', 'not valid UTF-8 (first bad byte on line 1); scanned with invalid bytes replaced; it names no resize function, so no call can be missed'],
    ]);
    // broken.c's call was found: its missing `;` hides nothing (a note, not a problem); lost.c's was not.
    assert.equal(problems.has('broken.c'), false);
    assert.match(problems.get('lost.c') ?? '', /^line 1 \(`realloc`\) did not parse \(tree-sitter\)/);
    assert.deepEqual(r.notes.filter((n) => n.unparsedRegions).map((n) => n.file), ['broken.c']);
    assert.equal(problems.has('good.c'), false);
    // What could be read is still reported, broken C included.
    assert.deepEqual(r.sites.map((s) => s.file), ['broken.c', 'good.c', 'latin1.c']);
    assert.deepEqual(r.sites.map((s) => s.newSize?.bytes), [32, 16, 64]);
  });

  it('a file the analysis fails on is listed, and the scan finishes', async () => {
    const reader = memoryReader({ '/p/a.c': 'void *f(void *p) { return realloc(p, 1); }\n', '/p/b.c': 'int b;\n' });
    const shard = new ScanShard(reader, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/p'] });
    // Stand-in for an analysis bug: getting the file's tree throws (TS `private` is compile-time only).
    (shard as unknown as { treeOf: () => Promise<never> }).treeOf = async () => {
      throw new Error('boom');
    };
    const r = await scanProject([{ path: '/p/a.c', rel: 'a.c' }, { path: '/p/b.c', rel: 'b.c' }], [shard]);
    assert.deepEqual(r.sites, []);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.file, 'a.c');
    assert.match(r.errors[0]!.message, /^analysis failed \(boom\); the file was skipped/);
  });

  it('a file that goes away before its helper calls are counted is listed, not dropped in silence', async () => {
    const files: Record<string, string> = {
      '/p/list.c': `#include <stdlib.h>
struct list { int *v; size_t n, cap; };
int list_push(struct list *l, int x)
{
  if (l->n == l->cap) {
    size_t c = l->cap ? l->cap * 2 : 8;
    int *v = realloc(l->v, c * sizeof *v);
    if (!v) return -1;
    l->v = v;
    l->cap = c;
  }
  l->v[l->n++] = x;
  return 0;
}
`,
      '/p/use.c': 'struct list;\nint list_push(struct list *l, int x);\nvoid fill(struct list *l) { list_push(l, 1); list_push(l, 2); }\n',
    };
    const reader = memoryReader(files);
    const shard = new ScanShard(reader, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/p'] });
    // use.c names no resize function: the load lets its text go, and only the helper count reads it again.
    shard.onFile = (phase) => {
      if (phase === 'sites') delete files['/p/use.c'];
    };
    try {
      const r = await scanProject([{ path: '/p/list.c', rel: 'list.c' }, { path: '/p/use.c', rel: 'use.c' }], [shard]);
      assert.deepEqual(r.helpers.map((h) => h.name), ['list_push']);
      assert.deepEqual(r.errors.map((e) => [e.file, e.message]), [['use.c', 'the file changed or went away while it was scanned; the file was skipped']]);
      assert.equal(r.helperCalls['use.c'], undefined);
    } finally {
      shard.dispose();
    }
  });

  it('a loop calling a step helper with the object\'s own size as the step grows geometrically: no constant-step site', async () => {
    const src = `#include <stdlib.h>
struct pool { char *mem; size_t room; size_t taken; };
static int pool_add_room(struct pool *p, size_t extra)
{
  char *m = realloc(p->mem, p->room + extra);
  if (!m) return -1;
  p->mem = m;
  p->room += extra;
  return 0;
}
void need_doubling(struct pool *p, size_t n) { while (p->taken + n > p->room) pool_add_room(p, p->room ? p->room : 32); }
void need_steps(struct pool *p, size_t n) { while (p->taken + n > p->room) pool_add_room(p, 128); }
`;
    const r = await scan({ '/p/pool.c': src });
    assert.deepEqual(r.sites.filter((x) => x.kind === 'helper-call').map((x) => x.nameRange.start.line), [12]);
  });

  it('deals files evenly', () => {
    const files = Array.from({ length: 7 }, (_, i) => ({ path: `/${i}.c`, rel: `${i}.c` }));
    assert.deepEqual(dealFiles(files, 3).map((h) => h.length), [3, 2, 2]);
    assert.deepEqual(dealFiles(files, 0).map((h) => h.length), [7]);
  });

  it('a dealer with soloFiles gives a small tree to the first shard alone, and a scan never talks to the others', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`/p/f${i}.c`] = `#include <stdlib.h>\nvoid *g${i}(void *p) { return realloc(p, ${i + 1} * 64); }\n`;
    const refs = Object.keys(files).map((p) => ({ path: p, rel: p.slice('/p/'.length) }));
    const reader = memoryReader(files);
    const first = new ScanShard(reader, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/p'] });
    // A worker that must never start: any request to it fails the scan.
    const untouched: ShardClient = {
      load: () => assert.fail('load on a shard dealt no files'),
      wrapperRound: () => assert.fail('wrapperRound on a shard dealt no files'),
      callSites: () => assert.fail('callSites on a shard dealt no files'),
    };
    const dealer = new FileDealer([first, untouched], 8);
    dealer.deal(refs.slice(0, 2));
    dealer.deal(refs.slice(2));
    assert.deepEqual(dealer.shardsInUse(), [first]);
    const r = await scanProject(dealer, [first, untouched]);
    assert.equal(r.sites.length, 5);
  });

  it('past soloFiles, the other shards catch up, then take turns', () => {
    const dealt: number[][] = [[], [], []];
    const shard = (k: number): ShardClient => ({
      load: (batch) => {
        dealt[k]!.push(...batch.map((f) => Number(f.rel)));
        return { errors: [], files: batch.length, bytes: 0 };
      },
      wrapperRound: async () => ({ wrappers: [], parsed: 0 }),
      callSites: async () => ({ sites: [], errors: [], parsedFiles: 0 }),
    });
    const shards = [shard(0), shard(1), shard(2)];
    const dealer = new FileDealer(shards, 4);
    const refs = Array.from({ length: 16 }, (_, i) => ({ path: `/${i}.c`, rel: String(i) }));
    dealer.deal(refs.slice(0, 3));
    assert.deepEqual(dealer.shardsInUse(), [shards[0]]);
    dealer.deal(refs.slice(3));
    assert.deepEqual(dealt.map((d) => d.length), [6, 5, 5]);
    assert.deepEqual(dealt[0]!.slice(0, 4), [0, 1, 2, 3], 'the first four alone to the first shard');
    assert.deepEqual(dealer.shardsInUse(), shards);
    // Without soloFiles: round-robin from the first file, as before.
    const even = new FileDealer([shard(0), shard(1)]);
    dealt[0] = [];
    dealt[1] = [];
    even.deal(refs.slice(0, 5));
    assert.deepEqual(dealt.slice(0, 2), [[0, 2, 4], [1, 3]]);
  });
});
