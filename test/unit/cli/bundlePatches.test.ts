// What scripts/build.mjs changes in web-tree-sitter on its way into the Node bundles: the two
// dynamic imports a code-cached bundle cannot run, the node handle kept in a named field instead
// of an array element, and nodes, points and ranges marshalled through the memory's Int32Array on
// a little-endian host. The bundle's scans (scan.test.ts, the 22-corpus identity check) check
// that nodes, positions and partial parses still work.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { ensureBuilt, makeTree, repoRoot, runCli } from '../../support/cli';

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

  it('finds every call at its place after the wasm memory grew between parses (the Int32Array view is read again)', async () => {
    // A small file parsed first, then one whose whole tree needs more than the initial memory.
    const fn = (name: string, i: number) => `static int ${name}${i}(int a) {\n  if (a > ${i % 7}) buf = realloc(buf, ${(i % 13) + 1} * 16);\n  for (int k = 0; k < a; k++) a ^= k;\n  return a;\n}\n`;
    const head = '#include <stdlib.h>\nstatic char *buf;\n';
    const files = {
      'a_first.c': head + Array.from({ length: 300 }, (_, i) => fn('g', i)).join(''),
      'b_big.c': head + Array.from({ length: 9000 }, (_, i) => fn('f', i)).join(''),
    };
    const dir = makeTree(files);
    try {
      const r = await runCli(['scan', dir, '--format', 'json', '--quiet', '--profile', 'x86-64'], repoRoot, { PAGECOST_FULL_PARSE: '1' });
      const json = JSON.parse(r.stdout) as { findings: { file: string; line: number; column: number; endColumn: number }[] };
      const found = (file: string) => [...new Set(json.findings.filter((f) => f.file === file).map((f) => `${f.line}:${f.column}-${f.endColumn}`))];
      // Where the text spells each call (1-based line and columns, as the findings say).
      const spelled = (text: string) =>
        text.split('\n').flatMap((line, i) => {
          const at = line.indexOf('realloc(');
          return at < 0 ? [] : [`${i + 1}:${at + 1}-${at + 1 + 'realloc'.length}`];
        });
      assert.deepEqual(found('a_first.c'), spelled(files['a_first.c']));
      assert.deepEqual(found('b_big.c'), spelled(files['b_big.c']));
      assert.equal(found('b_big.c').length, 9000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
