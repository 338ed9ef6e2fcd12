// What scripts/build.mjs changes in web-tree-sitter on its way into the Node bundles: the two
// dynamic imports a code-cached bundle cannot run, the node handle kept in a named field instead
// of an array element, and nodes, points and ranges marshalled through the memory's Int32Array on
// a little-endian host. The bundle's scans (scan.test.ts, the 22-corpus identity check) check
// that nodes, positions and partial parses still work.
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

    it(`${bundle}: nodes, points and ranges go through the Int32Array view on a little-endian host`, () => {
      const text = readFileSync(join(repoRoot, 'dist', bundle), 'utf8');
      for (const fn of ['marshalNode(node, index = 0)', 'unmarshalNode(tree, address = TRANSFER_BUFFER)', 'marshalPoint(address, point)', 'unmarshalPoint(address)', 'marshalRange(address, range)', 'unmarshalRange(address)']) {
        const at = text.indexOf(`function ${fn} {`);
        assert.ok(at >= 0, fn);
        assert.match(text.slice(at, at + 200), /^function [^\n]*\n  if \(HEAP_IS_LE\) \{\n    const heap = C\.HEAP32;/, fn);
      }
      assert.match(text, /var HEAP_IS_LE = new Uint8Array\(Uint32Array\.of\(1\)\.buffer\)\[0\] === 1;/);
    });
  }
});
