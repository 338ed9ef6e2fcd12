// The spliced re-parse reads its text a short piece at a time (siteBuilder.ts splicedReader): the
// trees must be those of the whole text read at once, wherever a piece ends (inside a token, a
// comment, a surrogate pair) and across the edits an incremental parse reuses the old tree around.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Parser } from 'web-tree-sitter';
import { splicedReader } from '../../../src/core/analysis/c/siteBuilder';
import { createCParser } from '../../../src/core/analysis/c/parser';
import { grammarFiles } from '../../support/grammar';

const statements = [
  '  p = realloc(p, n * sizeof *p);\n', '  /* a comment with 😀 and ü */\n', '  q = REALLOC_ARRAY(q, count);\n',
  '  if (n > cap) { cap *= 2; }\n', '  const char *s = "a string; with } braces";\n', '  x = y + 12345678;\n',
];

function program(bodies: string[][]): string {
  return bodies.map((b, i) => `static void *f${i}(void *p, unsigned long n)\n{\n${b.join('')}  return p;\n}\n\n`).join('');
}

describe('spliced re-parse reader', () => {
  let parser: Parser;
  before(async () => {
    parser = await createCParser(grammarFiles);
  });

  it('gives the trees of the whole text, before and after an incremental edit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...statements), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (bodies, pick) => {
          const text = program(bodies);
          const whole = parser.parse(text)!;
          const pieces = parser.parse(splicedReader(text))!;
          try {
            assert.equal(pieces.rootNode.toString(), whole.rootNode.toString());
            // Splice one call as siteBuilder does: `realloc(p, …)` → `((n * sizeof *p))`.
            const at = text.indexOf('realloc(', pick % Math.max(1, text.length));
            if (at < 0) return;
            const end = text.indexOf(')', text.indexOf('sizeof', at)) + 1;
            const replacement = '((n * sizeof *p))';
            const newText = text.slice(0, at) + replacement + text.slice(end);
            const pointAt = (s: string, i: number) => {
              const before = s.slice(0, i);
              return { row: before.split('\n').length - 1, column: i - before.lastIndexOf('\n') - 1 };
            };
            const edit = {
              startIndex: at, oldEndIndex: end, newEndIndex: at + replacement.length,
              startPosition: pointAt(text, at), oldEndPosition: pointAt(text, end), newEndPosition: pointAt(newText, at + replacement.length),
            };
            const a = whole.copy();
            const b = whole.copy();
            a.edit(edit);
            b.edit(edit);
            const fromString = parser.parse(newText, a)!;
            const fromPieces = parser.parse(splicedReader(newText), b)!;
            try {
              assert.equal(fromPieces.rootNode.toString(), fromString.rootNode.toString());
              assert.equal(fromPieces.rootNode.endIndex, fromString.rootNode.endIndex);
            } finally {
              fromString.delete();
              fromPieces.delete();
              a.delete();
              b.delete();
            }
          } finally {
            whole.delete();
            pieces.delete();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads nothing past the end, and something before it', () => {
    const read = splicedReader('x'.repeat(3000));
    assert.equal(read(0).length, 1024);
    assert.equal(read(2999), 'x');
    assert.equal(read(3000), '');
  });
});
