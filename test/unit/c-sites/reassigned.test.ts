// assignsTo (reassigned.ts) answers as the regex wrapper detection made for each name did: a
// parameter it wrongly thinks reassigned would turn a wrapper into no wrapper, and the reverse.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { assignmentRegex, assignsTo } from '../../../src/core/analysis/c/reassigned';

/** The regex as wrappers.ts wrote it, spelled out here so a change to assignmentRegex shows. */
function byRegex(code: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `(?<![.>\\w]\\s*)\\b${n}\\s*\\)*\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|(?:\\+\\+|--)\\s*${n}\\b|(?<![.>\\w]\\s*)\\b${n}\\s*(?:\\+\\+|--)`,
  ).test(code);
}

describe('assignsTo: whether code writes a name', () => {
  it('tells writes from reads, comparisons and members', () => {
    const yes = ['n = 1;', 'n += 2;', '(n) = 3;', 'n)) = 4', 'n <<= 1;', 'n >>= 1', 'n |= m;', 'n++;', '++n;', '-- n;', 'x; n\u00a0= 1;', 'n ^= 1'];
    const no = ['n == 1', 'm = n;', 's->n = 1;', 's.n = 1;', 'nn = 1;', 'n_2 = 1;', 'f(n) <= 2', 'n >= 1', 'n != 2', 'n - 1', 'n->x = 1', 'x n = 1', '++nx;', 'n <= 1', 'n ) ) = 4'];
    for (const code of yes) assert.equal(assignsTo(code, 'n'), true, code);
    for (const code of no) assert.equal(assignsTo(code, 'n'), false, code);
    // `n ) ) =`: blanks between the parentheses — the regex never read those as a write either.
    for (const code of [...yes, ...no]) assert.equal(assignsTo(code, 'n'), byRegex(code, 'n'), code);
    assert.equal(assignmentRegex('a.b').test('a.b = 1'), true);
    assert.equal(assignsTo('a.b = 1', 'a.b'), true, 'a name that is no identifier goes to the regex');
  });

  it('answers as the regex on generated code', () => {
    const piece = fc.constantFrom(
      'n', 'size', 'nsize', 'n_', 'x', ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '(', ')', '=', '==', '+', '-', '++', '--',
      '<', '>', '<<', '>>', '*', '/', '%', '&', '|', '^', '!', '.', '->', ';', ',', '1', '_', '[', ']',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.constantFrom('n', 'size', 'x'), (parts, name) => {
        const code = parts.join('');
        assert.equal(assignsTo(code, name), byRegex(code, name), JSON.stringify({ code, name }));
      }),
      { numRuns: 20000 },
    );
  });

  it('answers as the regex on every prefix cut of the C fixtures', () => {
    const dir = join(__dirname, '../../fixtures/c');
    const names = ['p', 'ptr', 'n', 'size', 'len', 'cap', 'nmemb', 'old', 'new_size', 'alloc', 'nr'];
    let files = 0;
    for (const f of readdirSync(dir).filter((x) => /\.[ch]$/.test(x))) {
      const text = readFileSync(join(dir, f), 'utf8');
      files++;
      for (let cut = 0; cut < text.length; cut += 97) {
        const head = text.slice(0, cut);
        for (const name of names) assert.equal(assignsTo(head, name), byRegex(head, name), `${f} up to ${cut}, ${name}`);
      }
    }
    assert.ok(files > 10, `read ${files} fixtures`);
  });
});
