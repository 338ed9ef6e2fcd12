// Directive lines inside comments and strings (src/core/analysis/c/conditions.ts): the tree is
// asked only about the `#` the text cannot clear (quotedSuspects). Every `#` first on its line
// that the tree puts in a comment or a string must be a suspect — over generated texts that mix
// block and line comments, strings, continuations and every line end — and a plain file's
// directives must not all be suspects (else the filter saves nothing).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cParser } from './helpers';
import { FIXTURE_ROOT } from './fixtureProject';
import { conditionsAt, directiveTable, fullDirectiveTable, quotedSuspects } from '../../../src/core/analysis/c/conditions';
import { directiveLineStart } from '../../../src/core/scan/paths';

const PIECES = [
  '/*', '*/', '/', '*', '//', '"', "'", '\\', '\n', '\r\n', '\r', '\u2028', ' ', 'x', ';', 'int a;', '{', '}',
  '#if A\n', '#ifdef B\n', '#else\n', '#endif\n', '#elif C \\\n  && D\n', '\n#if E\n', '\n  #endif\n', '"s\\\n#if F"\n',
  '// c \\\n#if G\n', '/* c\n#if H\n*/', '/*/', '*/*',
];

/** A small random generator that gives the same texts on every run. */
function texts(count: number, seed = 7): string[] {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let t = '';
    for (let k = 4 + next(40); k > 0; k--) t += PIECES[next(PIECES.length)];
    out.push(t);
  }
  return out;
}

const QUOTED = new Set(['comment', 'string_literal', 'string_content']);

describe('directives inside comments and strings', () => {
  it('every directive `#` the tree puts in a comment or a string is a suspect', async () => {
    const p = await cParser();
    let quoted = 0;
    let cleared = 0;
    for (const text of texts(3000)) {
      const tree = p.parse(text)!;
      try {
        const suspect = quotedSuspects(text);
        for (let hash = text.indexOf('#'); hash >= 0; hash = text.indexOf('#', hash + 1)) {
          const at = directiveLineStart(text, hash);
          if (at < 0) continue;
          const inQuote = QUOTED.has(tree.rootNode.descendantForIndex(hash, hash + 1)?.type ?? '');
          const maybe = suspect(hash, at);
          if (inQuote) {
            quoted++;
            assert.ok(maybe, `# at ${hash} of ${JSON.stringify(text)}`);
          } else if (!maybe) cleared++;
        }
      } finally {
        tree.delete();
      }
    }
    // Both kinds occur, or the property says nothing.
    assert.ok(quoted > 300, `${quoted} quoted`);
    assert.ok(cleared > 300, `${cleared} cleared`);
  });

  it('the table with the tree is the same as before the filter on the conditions fixture', async () => {
    const text = readFileSync(join(FIXTURE_ROOT, 'conditions.c'), 'utf8');
    const p = await cParser();
    const tree = p.parse(text)!;
    try {
      const plain = directiveTable(text);
      const read = directiveTable(text, tree.rootNode);
      assert.ok(read.offsets.length > 3);
      // No comment of the fixture holds a directive: reading with the tree drops none.
      assert.deepEqual({ offsets: read.offsets, stacks: read.stacks }, { offsets: plain.offsets, stacks: plain.stacks });
      const suspect = quotedSuspects(text);
      assert.ok(read.offsets.some((at) => !suspect(text.indexOf('#', at), at)), 'some directive is cleared by the text alone');
    } finally {
      tree.delete();
    }
  });

  it('a table read as far as asked answers as the whole table, asked in any order', async () => {
    const p = await cParser();
    let x = 11;
    const next = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    let asked = 0;
    for (const text of texts(150, 11)) {
      const tree = p.parse(text)!;
      try {
        const full = fullDirectiveTable(text, tree.rootNode);
        const lazy = directiveTable(text, tree.rootNode);
        // Offsets on, before and after directive lines, out of order, and past the end.
        const offsets = Array.from({ length: 12 }, () => Math.floor(next() * (text.length + 2)));
        for (const o of [...full.offsets, ...full.offsets.map((x) => x + 1)]) if (next() < 0.3) offsets.push(o);
        for (const o of offsets) {
          assert.deepEqual(conditionsAt(lazy, o), conditionsAt(full, o), `${JSON.stringify(text)} at ${o}`);
          asked++;
        }
        // Read to the end after partial reads: the same table.
        assert.deepEqual([lazy.offsets, lazy.stacks], [full.offsets, full.stacks], JSON.stringify(text));
      } finally {
        tree.delete();
      }
    }
    assert.ok(asked > 1500);
  });

  it('a directive in a block comment, a continued line comment or a string is skipped', async () => {
    const text = '/*\n#if A\n*/\n// x \\\n#if B\nchar *s = "a\\\n#if C";\n#if D\nint x;\n#endif\n';
    const p = await cParser();
    const tree = p.parse(text)!;
    try {
      assert.deepEqual(directiveTable(text, tree.rootNode).stacks, [['#if D'], []]);
    } finally {
      tree.delete();
    }
  });
});
