// What scripts/build.mjs changes in web-tree-sitter on its way into the Node bundles: the two
// dynamic imports a code-cached bundle cannot run, and the node handle kept in a named field
// instead of an array element. The bundle's scans (scan.test.ts) check that nodes still work.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, repoRoot } from '../../support/cli';

describe('web-tree-sitter as the Node bundles carry it', function () {
  this.timeout(120_000);
  before(() => ensureBuilt());

  for (const bundle of ['cli-scan.js', 'scanWorker.js']) {
    it(`${bundle}: no dynamic import of a Node module, and a node's handle in _other`, () => {
      const text = readFileSync(join(repoRoot, 'dist', bundle), 'utf8');
      assert.doesNotMatch(text, /await import\("(?:fs\/promises|module)"\)/);
      assert.match(text, /this\._other = other;/);
      assert.match(text, /C\.setValue\(address, node\._other, "i32"\)/);
      assert.doesNotMatch(text, /this\[0\] = other;|node\[0\]/);
    });
  }
});
