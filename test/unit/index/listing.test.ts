// The Node index's listing (dist/index-worker.js runs this code): the scan's file walk with
// each file's stamp, pagecost.exclude globs, the file-count limit, and no git process for an
// untrusted folder (its .gitignore files are still honoured). Pause and resume of the in-process
// engine (VS Code for the Web).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { list } from '../../../src/extension/node/indexWorker';
import { inProcessBackend, timeSlicer } from '../../../src/core/index/inProcess';
import { diskReader } from '../../../src/cli/reader';
import { suiteTrees } from '../../support/cli';
import { grammarFiles } from '../../support/grammar';

const tree: Record<string, string> = {
  '.gitignore': 'build/\n',
  'a.c': '#include <stdlib.h>\nvoid *a(void *p) { return realloc(p, 64); }\n',
  'b.c': 'int b;\n',
  'lib/c.h': '#define C 1\n',
  'third_party/z/z.c': 'int z;\n',
  'build/gen.c': 'int gen;\n',
  'web/app.ts': 'export const x = 1;\n',
};

describe('index listing (Node)', function () {
  this.timeout(30_000);
  const make = suiteTrees();

  it('lists C and TS files with their size and modification time, honouring .gitignore without running git', async () => {
    const dir = make(tree);
    // .gitignore files count in a git work tree (as for `pagecost scan`), read by the walk itself here.
    execFileSync('git', ['init', '-q'], { cwd: dir });
    utimesSync(join(dir, 'a.c'), 1_700_000_000, 1_700_000_000);
    const r = await list({ root: dir, projectExclude: [], excludeGlobs: [], languages: ['c', 'ts'], maxFiles: 100, useGit: false });
    assert.deepEqual(r.files.map((f) => f.rel), ['a.c', 'b.c', 'lib/c.h', 'third_party/z/z.c', 'web/app.ts']);
    const a = r.files.find((f) => f.rel === 'a.c')!;
    assert.equal(a.path, `${dir}/a.c`);
    assert.deepEqual(a.stamp, { size: tree['a.c']!.length, mtimeMs: 1_700_000_000_000 });
    assert.equal(r.total, 5);
    assert.equal(r.method, 'walk', 'no git process');
    const outside = await list({ root: make(tree), projectExclude: [], excludeGlobs: [], languages: ['c'], maxFiles: 100, useGit: false });
    assert.ok(outside.files.some((f) => f.rel === 'build/gen.c'), 'outside a git work tree .gitignore does not apply, as in the CLI');
  });

  it('pagecost.exclude globs, .pagecost.json excludes and languages narrow it; the limit keeps the first files and counts the rest', async () => {
    const dir = make(tree);
    const r = await list({ root: dir, projectExclude: ['lib/'], excludeGlobs: ['**/third_party/**'], languages: ['c'], maxFiles: 100, useGit: false });
    assert.deepEqual(r.files.map((f) => f.rel), ['a.c', 'b.c', 'build/gen.c']);
    const limited = await list({ root: dir, projectExclude: [], excludeGlobs: [], languages: ['c', 'ts'], maxFiles: 2, useGit: false });
    assert.deepEqual(limited.files.map((f) => f.rel), ['a.c', 'b.c']);
    assert.equal(limited.total, 6, 'the files past the limit are counted for the message');
  });

  it('in a git work tree it asks git when trusted', async () => {
    const dir = make(tree);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const trusted = await list({ root: dir, projectExclude: [], excludeGlobs: [], languages: ['c'], maxFiles: 100, useGit: true });
    const untrusted = await list({ root: dir, projectExclude: [], excludeGlobs: [], languages: ['c'], maxFiles: 100, useGit: false });
    assert.equal(trusted.method, 'git');
    assert.equal(untrusted.method, 'walk');
    assert.deepEqual(trusted.files.map((f) => f.rel), untrusted.files.map((f) => f.rel));
  });
});

describe('in-process index engine: pause and resume', function () {
  this.timeout(30_000);
  const make = suiteTrees();

  it('holds before the next file while paused, and finishes when resumed', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${i}.c`] = `#include <stdlib.h>\nvoid *g${i}(void *p) { return realloc(p, ${i + 1}); }\n`;
    const dir = make(files);
    let paused = true;
    let wake: () => void = () => {};
    const backend = inProcessBackend(diskReader, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: [dir] },
      timeSlicer(0, { paused: () => paused, stopped: () => false, resumed: () => new Promise((r) => (wake = r)) }));
    const listing = Object.keys(files).sort().map((rel) => ({ path: `${dir}/${rel}`, rel, stamp: { size: 1, mtimeMs: 1 } }));
    let done = false;
    const scan = backend.scan(listing, [], () => {}).then((r) => ((done = true), r));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(done, false, 'nothing finishes while paused');
    paused = false;
    wake();
    const r = await scan;
    assert.equal(r.sites.length, 30);
  });
});
