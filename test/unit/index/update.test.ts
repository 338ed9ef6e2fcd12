// The workspace index against the scan it stands for: after any sequence of edits, refreshIndex
// must give exactly the sites a fresh scan of the tree gives, while rescanning only what a change
// can reach. Files live in memory; the backend is the in-process one VS Code for the Web uses.
import { strict as assert } from 'node:assert';
import type { SourceReader } from '../../../src/core/scan/shard';
import { inProcessBackend, IndexStopped, timeSlicer, dependentsOf } from '../../../src/core/index/inProcess';
import type { ListedFile } from '../../../src/core/index/model';
import { refreshIndex, diffListing, ProgressCounter, progressText, type IndexBackend, type IndexProgress } from '../../../src/core/index/update';
import { parseIndex, serializeIndex } from '../../../src/core/index/persist';
import { grammarFiles } from '../../support/grammar';

class Tree {
  files = new Map<string, { text: string; mtimeMs: number }>();
  private clock = 1000;
  constructor(init: Record<string, string>) {
    for (const [rel, text] of Object.entries(init)) this.write(rel, text);
  }
  write(rel: string, text: string): void {
    this.files.set(rel, { text, mtimeMs: this.clock++ });
  }
  remove(rel: string): void {
    this.files.delete(rel);
  }
  listing(): ListedFile[] {
    return [...this.files.keys()].sort().map((rel) => {
      const f = this.files.get(rel)!;
      return { path: `/p/${rel}`, rel, stamp: { size: new TextEncoder().encode(f.text).length, mtimeMs: f.mtimeMs } };
    });
  }
  reader(reads: string[] = []): SourceReader {
    return {
      read: (path: string, maxBytes?: number) => {
        reads.push(path);
        const f = this.files.get(path.slice('/p/'.length));
        if (!f) throw new Error('no such file');
        const bytes = new TextEncoder().encode(f.text);
        return maxBytes !== undefined && bytes.length > maxBytes ? { size: bytes.length } : bytes;
      },
    };
  }
}

const options = { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' as const }, roots: ['/p'] };
const never = { paused: () => false, stopped: () => false, resumed: () => Promise.resolve() };

function backendFor(tree: Tree, scanned: string[][] = []): IndexBackend {
  const inner = inProcessBackend(tree.reader(), grammarFiles, options, timeSlicer(1000, never));
  return {
    scan: (files, seeds, p, seedHelpers) => {
      scanned.push(files.map((f) => f.rel));
      return inner.scan(files, seeds, p, seedHelpers);
    },
    dependents: inner.dependents,
  };
}

/** What a fresh scan of the tree says, site by site, in comparable form. */
async function fresh(tree: Tree) {
  const r = await refreshIndex(null, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [] });
  return r.index.sites();
}

const project: Record<string, string> = {
  'lib/alloc.h': '#include <stddef.h>\n#define GROW(p, n) lib_realloc((p), (n) * ELEM)\n#define ELEM 16\nvoid *lib_realloc(void *p, size_t n);\n',
  'lib/alloc.c': '#include <stdlib.h>\n#include "alloc.h"\nvoid *lib_realloc(void *p, size_t n)\n{\n    void *q = realloc(p, n);\n    if (!q) abort();\n    return q;\n}\n',
  'src/list.c': '#include "../lib/alloc.h"\nstruct list { void **items; size_t n; };\nvoid list_push(struct list *l)\n{\n    l->items = GROW(l->items, 64);\n}\n',
  'src/other.c': '#include <stdlib.h>\nstatic char *buf;\nvoid other(void) { buf = realloc(buf, 4096); }\n',
  'src/plain.c': 'int add(int a, int b) { return a + b; }\n',
};

describe('workspace index: refreshIndex', function () {
  this.timeout(60_000);

  it('a first build equals the scan: the cross-file macro chain is found and sized from the header', async () => {
    const tree = new Tree(project);
    const r = await refreshIndex(null, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [] });
    assert.equal(r.kind, 'rebuilt');
    const list = r.index.files.get('src/list.c')!.sites;
    assert.equal(list.length, 1);
    assert.deepEqual(list[0]!.via, ['GROW', 'lib_realloc']);
    assert.equal(list[0]!.newSize?.bytes, 64 * 16);
    assert.deepEqual(r.index.wrappers().map((w) => w.name).sort(), ['GROW', 'lib_realloc']);
    assert.equal(r.index.files.size, 5, 'every listed file has an entry, with sites or not');
  });

  it('nothing changed: the index is reused and nothing is scanned', async () => {
    const tree = new Tree(project);
    const scanned: string[][] = [];
    const first = await refreshIndex(null, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [] });
    const again = await refreshIndex(first.index, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [] });
    assert.equal(again.kind, 'reused');
    assert.equal(scanned.length, 1);
  });

  it('an edited .c file is rescanned alone; the result equals a fresh scan', async () => {
    const tree = new Tree(project);
    const scanned: string[][] = [];
    let { index } = await refreshIndex(null, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [] });
    tree.write('src/other.c', '#include <stdlib.h>\nstatic char *buf;\nvoid other(void) { buf = realloc(buf, 8192); }\n');
    const r = await refreshIndex(index, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [] });
    assert.equal(r.kind, 'updated');
    assert.deepEqual(scanned.at(-1), ['src/other.c']);
    index = r.index;
    assert.deepEqual(index.sites(), await fresh(tree));
    assert.equal(index.files.get('src/other.c')!.sites[0]!.newSize?.bytes, 8192);
  });

  it('an edited header rescans the files that include it (sizes follow the macro)', async () => {
    const tree = new Tree(project);
    const scanned: string[][] = [];
    const { index } = await refreshIndex(null, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [] });
    tree.write('lib/alloc.h', project['lib/alloc.h']!.replace('#define ELEM 16', '#define ELEM 32'));
    const r = await refreshIndex(index, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [], rebuildShare: 1 });
    assert.equal(r.kind, 'updated', r.why);
    assert.deepEqual(scanned.at(-1), ['lib/alloc.c', 'lib/alloc.h', 'src/list.c']);
    assert.equal(r.index.files.get('src/list.c')!.sites[0]!.newSize?.bytes, 64 * 32);
    assert.deepEqual(r.index.sites(), await fresh(tree));
  });

  it("a changed wrapper (its size parameter) rebuilds, and the caller's size follows", async () => {
    const tree = new Tree(project);
    const { index } = await refreshIndex(null, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [] });
    tree.write('lib/alloc.h', project['lib/alloc.h']!.replace('lib_realloc((p), (n) * ELEM)', 'lib_realloc((p), (n) * ELEM * 2)'));
    const r = await refreshIndex(index, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [], rebuildShare: 1 });
    assert.equal(r.kind, 'rebuilt');
    assert.match(r.why ?? '', /wrappers of lib\/alloc\.h changed/);
    assert.equal(r.index.files.get('src/list.c')!.sites[0]!.newSize?.bytes, 64 * 16 * 2);
  });

  it('new, removed and renamed files; settings change; a forced rebuild', async () => {
    const tree = new Tree(project);
    let { index } = await refreshIndex(null, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [] });
    // (An allocation: a function resizing its parameter would be a wrapper, one resizing a global
    // a helper, and a new wrapper or helper rebuilds.)
    tree.write('src/new.c', '#include "../lib/alloc.h"\n#include <stdlib.h>\nvoid n(void) { free(GROW(NULL, 2)); }\n');
    tree.remove('src/plain.c');
    let r = await refreshIndex(index, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [], rebuildShare: 1 });
    assert.equal(r.kind, 'updated', r.why);
    assert.deepEqual(r.index.sites(), await fresh(tree));
    assert.ok(!r.index.files.has('src/plain.c'));
    index = r.index;
    tree.remove('lib/alloc.c');
    r = await refreshIndex(index, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [], rebuildShare: 1 });
    assert.equal(r.kind, 'rebuilt', 'a file that defined a wrapper is gone');
    assert.deepEqual(r.index.sites(), await fresh(tree));
    r = await refreshIndex(r.index, tree.listing(), backendFor(tree), { key: 'other', configWrappers: [] });
    assert.equal(r.kind, 'rebuilt');
    r = await refreshIndex(r.index, tree.listing(), backendFor(tree), { key: 'other', configWrappers: [], force: true });
    assert.equal(r.kind, 'rebuilt');
  });

  it('a resize inside a helper counts the helper’s calls in every file, also after a caller alone is rescanned', async () => {
    const tree = new Tree({
      'lib/vec.c': '#include <stdlib.h>\nstruct vec { int *v; size_t n; };\nvoid vec_push(struct vec *a, int x)\n{\n    a->v = realloc(a->v, (a->n + 1) * sizeof *a->v);\n    a->v[a->n++] = x;\n}\n',
      'src/a.c': 'struct vec;\nvoid vec_push(struct vec *a, int x);\nvoid fill(struct vec *a) { for (int i = 0; i < 9; i++) vec_push(a, i); }\n',
      'src/b.c': 'struct vec;\nvoid vec_push(struct vec *a, int x);\nvoid one(struct vec *a) { vec_push(a, 1); }\n',
    });
    const scanned: string[][] = [];
    const { index } = await refreshIndex(null, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [] });
    assert.equal(index.files.get('lib/vec.c')!.sites[0]!.callers, 2);
    assert.deepEqual(index.files.get('src/a.c')!.sites.map((s) => s.kind), ['helper-call']);
    tree.write('src/b.c', 'struct vec;\nvoid vec_push(struct vec *a, int x);\nvoid two(struct vec *a) { vec_push(a, 1); vec_push(a, 2); }\n');
    const r = await refreshIndex(index, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [], rebuildShare: 1 });
    assert.equal(r.kind, 'updated', r.why);
    assert.deepEqual(scanned.at(-1), ['src/b.c']);
    assert.equal(r.index.files.get('lib/vec.c')!.sites[0]!.callers, 3);
    assert.deepEqual(r.index.sites(), await fresh(tree));
    // A helper that stops growing by a constant step changes the loops' calls elsewhere: a rebuild.
    tree.write('lib/vec.c', tree.files.get('lib/vec.c')!.text.replace('(a->n + 1)', '(a->n * 2)'));
    const g = await refreshIndex(r.index, tree.listing(), backendFor(tree, scanned), { key: 'k', configWrappers: [], rebuildShare: 1 });
    assert.equal(g.kind, 'rebuilt');
    assert.deepEqual(g.index.files.get('src/a.c')!.sites, []);
  });

  it('random edits: after every refresh the index equals a fresh scan', async () => {
    const tree = new Tree(project);
    let index = (await refreshIndex(null, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [] })).index;
    // A fixed pseudo-random sequence, so a failure can be replayed.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const edits: Array<() => void> = [
      () => tree.write('lib/alloc.h', project['lib/alloc.h']!.replace('ELEM 16', `ELEM ${8 << rand(4)}`)),
      () => tree.write('src/other.c', `#include <stdlib.h>\nstatic char *buf;\nvoid other(void) { buf = realloc(buf, ${1 + rand(100000)}); }\n`),
      () => tree.write(`src/gen${rand(3)}.c`, `#include "../lib/alloc.h"\nvoid g(void **p) { *p = GROW(*p, ${1 + rand(9)}); }\n`),
      () => tree.remove(`src/gen${rand(3)}.c`),
      () => tree.write('src/list.c', project['src/list.c']!.replace('64', String(1 + rand(500)))),
      () => tree.write('lib/more.h', `#define MORE(p, n) lib_realloc((p), (n) + ${rand(50)})\n`),
      () => tree.write('src/uses_more.c', '#include "../lib/more.h"\n#include "../lib/alloc.h"\nvoid u(void **p) { *p = MORE(*p, 3); }\n'),
    ];
    for (let step = 0; step < 14; step++) {
      edits[rand(edits.length)]!();
      const r = await refreshIndex(index, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [], rebuildShare: 1 });
      index = r.index;
      assert.deepEqual(index.sites(), await fresh(tree), `step ${step} (${r.kind}${r.why ? `: ${r.why}` : ''})`);
    }
  });

  it('progress counts each file a third at a time; a stop request ends the scan with IndexStopped', async () => {
    const tree = new Tree(project);
    const seen: IndexProgress[] = [];
    let stop = false;
    const backend = inProcessBackend(tree.reader(), grammarFiles, options, timeSlicer(0, { paused: () => false, stopped: () => stop, resumed: () => Promise.resolve() }));
    await backend.scan(tree.listing(), [], (p) => seen.push(p));
    const c = new ProgressCounter(3);
    c.add('load', 3);
    c.add('wrappers', 3);
    assert.equal(c.done, 2);
    c.add('wrappers', 3);
    assert.equal(c.done, 2, 'later rounds add nothing');
    c.add('sites', 3);
    assert.equal(c.done, 3);
    assert.equal(progressText({ phase: 'wrappers', done: 412, total: 992 }), 'indexing 412/992');
    assert.equal(progressText({ phase: 'wrappers', done: 412, total: 992 }, true), 'indexing 412/992 (paused)');
    stop = true;
    await assert.rejects(backend.scan(tree.listing(), [], () => {}), IndexStopped);
  });

  it('dependentsOf resolves includes as the scan does, and counts includers of a removed header', async () => {
    const tree = new Tree(project);
    const read = (p: string) => tree.files.get(p.slice(3))?.text ?? null;
    assert.deepEqual(await dependentsOf(['/p/lib/alloc.h'], tree.listing(), [], ['/p'], read), ['/p/lib/alloc.c', '/p/src/list.c']);
    tree.remove('lib/alloc.h');
    assert.deepEqual(await dependentsOf(['/p/lib/alloc.h'], tree.listing(), ['/p/lib/alloc.h'], ['/p'], read), ['/p/lib/alloc.c', '/p/src/list.c']);
  });

  it('persists: a stored index parses back equal; another key, version, a cut file or garbage is refused with a reason', async () => {
    const tree = new Tree(project);
    const { index } = await refreshIndex(null, tree.listing(), backendFor(tree), { key: 'k', configWrappers: [] });
    let turns = 0;
    const text = await serializeIndex(index, () => void turns++);
    assert.equal(turns, index.files.size, 'one checkpoint per file: the caller can slice the work');
    assert.equal(text.trimEnd().split('\n').length, 1 + index.files.size, 'a header line, then one line per file');
    const back = await parseIndex(text, 'k');
    assert.ok(back.ok);
    assert.deepEqual(back.index.sites(), index.sites());
    assert.deepEqual(back.index.wrappers(), index.wrappers());
    assert.deepEqual(diffListing(back.index, tree.listing()), { changed: [], added: [], removed: [] });
    const other = await parseIndex(text, 'k2');
    assert.ok(!other.ok && /other settings/.test(other.reason));
    const garbage = await parseIndex('{"format": "pagecost-workspace-index", "version": 2, "key": "k"', 'k');
    assert.ok(!garbage.ok && /not valid JSON/.test(garbage.reason));
    const old = await parseIndex(text.replace('"version":3', '"version":2'), 'k');
    assert.ok(!old.ok && /format version 2/.test(old.reason));
    const lines = text.trimEnd().split('\n');
    const cut = await parseIndex(lines.slice(0, -1).join('\n'), 'k');
    assert.ok(!cut.ok && /truncated \(4 of 5 files\)/.test(cut.reason), cut.ok ? '' : cut.reason);
    const bad = await parseIndex([lines[0], '{"rel": 3}'].join('\n'), 'k');
    assert.ok(!bad.ok && /malformed file entry on line 2/.test(bad.reason));
  });
});
