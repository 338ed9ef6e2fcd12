// How the scan lists a root in and around git work trees: git's own listing where the root is in
// a work tree (at its top or below), the walk where it is not, or where the user named a folder
// git ignores (a vendored tree): then every file of it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { collectFiles } from '../../../src/cli/walk';
import { suiteTrees } from '../../support/cli';

const files: Record<string, string> = {
  '.gitignore': 'vendor/\n*.gen.c\n',
  'src/a.c': 'int a;\n',
  'src/b.gen.c': 'int b;\n',
  'vendor/lib/v.c': 'int v;\n',
  'vendor/lib/w.gen.c': 'int w;\n',
};

describe('file listing around git work trees', function () {
  this.timeout(30_000);
  const make = suiteTrees();
  const list = async (root: string, base = root) => {
    const r = await collectFiles([root], { base, exclude: [] });
    return { rels: r.files.map((f) => f.rel), methods: r.methods, errors: r.errors };
  };
  const repo = () => {
    const dir = make(files);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    return dir;
  };

  it('at the top of a work tree, and below it: what git lists (ignored files left out)', async () => {
    const dir = repo();
    assert.deepEqual(await list(dir), { rels: ['src/a.c'], methods: ['git'], errors: [] });
    assert.deepEqual(await list(join(dir, 'src'), dir), { rels: ['src/a.c'], methods: ['git'], errors: [] });
  });

  it('a folder git ignores, named on purpose (or reached through a symlink): all of it, by the walk', async () => {
    const dir = repo();
    const vendor = join(dir, 'vendor');
    assert.deepEqual(await list(vendor, dir), { rels: ['vendor/lib/v.c', 'vendor/lib/w.gen.c'], methods: ['walk'], errors: [] });
    // Below the ignored folder too: its parent's rule covers it.
    assert.deepEqual((await list(join(vendor, 'lib'), dir)).methods, ['walk']);
    const outside = make({});
    symlinkSync(vendor, join(outside, 'v'));
    assert.deepEqual(await list(join(outside, 'v')), { rels: ['lib/v.c', 'lib/w.gen.c'], methods: ['walk'], errors: [] });
  });

  it('outside any work tree: the walk, with no .gitignore applied', async () => {
    const dir = make(files);
    assert.deepEqual(await list(dir), {
      rels: ['src/a.c', 'src/b.gen.c', 'vendor/lib/v.c', 'vendor/lib/w.gen.c'],
      methods: ['walk'],
      errors: [],
    });
  });

  it('a folder holding its own repository inside another: its own listing, not the outer one', async () => {
    const dir = repo();
    const inner = join(dir, 'vendor', 'inner');
    mkdirSync(inner);
    execFileSync('git', ['init', '-q'], { cwd: inner });
    const made = make({ 'x.c': 'int x;\n', 'y.gen.c': 'int y;\n' });
    execFileSync('cp', ['-r', `${made}/.`, inner]);
    // The inner repository ignores nothing: both files, by git, although the outer one ignores the folder.
    assert.deepEqual(await list(inner), { rels: ['x.c', 'y.gen.c'], methods: ['git'], errors: [] });
  });
});
