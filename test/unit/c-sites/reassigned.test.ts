// assignsTo and writesOf (reassigned.ts) answer as the regexes wrapper detection made for each
// name did: a parameter it wrongly thinks reassigned would turn a wrapper into no wrapper, and
// the reverse.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { assignmentRegex, assignsTo, writesOf } from '../../../src/core/analysis/c/reassigned';

/** The regex as wrappers.ts wrote it, spelled out here so a change to assignmentRegex shows. */
function byRegex(code: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `(?<![.>\\w]\\s*)\\b${n}\\s*\\)*\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|(?:\\+\\+|--)\\s*${n}\\b|(?<![.>\\w]\\s*)\\b${n}\\s*(?:\\+\\+|--)`,
  ).test(code);
}

/** headerParam's regex for the writes of a local, spelled out as it was. */
function writesByRegex(code: string, name: string): { op: string; value: string }[] {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Array.from(code.matchAll(new RegExp(`(?<![\\w.>])${n}\\s*(=(?!=)|[-+]=|\\+\\+|--)([^;]*)`, 'g')), (m) => ({ op: m[1]!, value: m[2]! }));
}

const PIECES = [
  'n', 'size', 'nsize', 'n_', 'x', ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '(', ')', '=', '==', '+', '-', '++', '--',
  '<', '>', '<<', '>>', '*', '/', '%', '&', '|', '^', '!', '.', '->', ';', ',', '1', '_', '[', ']',
];

describe('writesOf: the writes of a name', () => {
  it('lists each write with the text it stores, and skips the name inside a stored value', () => {
    assert.deepEqual(writesOf('m = (char *)p; m -= HDR; x = m == q; m++; s->m = 1; m = m - 4', 'm'), [
      { op: '=', value: ' (char *)p' },
      { op: '-=', value: ' HDR' },
      { op: '++', value: '' },
      { op: '=', value: ' m - 4' },
    ]);
    assert.deepEqual(writesOf('a.b = 1;', 'a.b'), [{ op: '=', value: ' 1' }], 'a name that is no identifier goes to the regex');
  });

  it('answers as the regex on generated code', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }), fc.constantFrom('n', 'size', 'x'), (parts, name) => {
        const code = parts.join('');
        assert.deepEqual(writesOf(code, name), writesByRegex(code, name), JSON.stringify({ code, name }));
      }),
      { numRuns: 20000 },
    );
  });
});

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
    const piece = fc.constantFrom(...PIECES);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.constantFrom('n', 'size', 'x'), (parts, name) => {
        const code = parts.join('');
        assert.equal(assignsTo(code, name), byRegex(code, name), JSON.stringify({ code, name }));
      }),
      { numRuns: 20000 },
    );
  });

  it('answers as the regexes on every prefix cut of the C fixtures', () => {
    const dir = join(__dirname, '../../fixtures/c');
    const names = ['p', 'ptr', 'n', 'size', 'len', 'cap', 'nmemb', 'old', 'new_size', 'alloc', 'nr'];
    let files = 0;
    for (const f of readdirSync(dir).filter((x) => /\.[ch]$/.test(x))) {
      const text = readFileSync(join(dir, f), 'utf8');
      files++;
      for (let cut = 0; cut < text.length; cut += 97) {
        const head = text.slice(0, cut);
        for (const name of names) {
          assert.equal(assignsTo(head, name), byRegex(head, name), `${f} up to ${cut}, ${name}`);
          assert.deepEqual(writesOf(head, name), writesByRegex(head, name), `${f} up to ${cut}, ${name}`);
        }
      }
    }
    assert.ok(files > 10, `read ${files} fixtures`);
  });
});
