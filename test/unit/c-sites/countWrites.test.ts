// The constant-step test's questions about a helper's count (reassigned.ts firstValue,
// multipliedIn, bumpedIn, storedIn) answer as the regexes sizeOrigin.ts made for each count did:
// a wrong answer turns a growth helper's loop call into a linear-growth warning, or hides one.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { bumpedIn, firstValue, multipliedIn, storedIn } from '../../../src/core/analysis/c/reassigned';

// The regexes as sizeOrigin.ts wrote them, spelled out here.
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const source = (chain: string[]) => chain.map(esc).join('\\s*(?:->|\\.)\\s*');
const lead = '(?<![\\w.>])';
const byRegex = {
  firstValue: (code: string, name: string) => new RegExp(`\\b${esc(name)}\\s*=(?!=)\\s*([^;]+);`).exec(code)?.[1] ?? null,
  multiplied: (code: string, chain: string[]) =>
    new RegExp(`(?<![\\w.>])${source(chain)}\\s*(?:\\*=|<<=|=(?!=)\\s*[^;]*?(?<!sizeof\\s*)(?:\\*|<<)\\s*(?:\\d|[A-Z_]{2}))`).test(code),
  bumped: (code: string, chain: string[]) => new RegExp(`${lead}${source(chain)}\\s*(?:\\+\\+|\\+=)|\\+\\+\\s*${source(chain)}\\b`).test(code),
  stored: (code: string, chain: string[]) =>
    new RegExp(`${lead}${source(chain)}\\s*(?:\\+\\+|--|[-+*/|&]?=(?!=))|(?:\\+\\+|--)\\s*${source(chain)}\\b`).test(code),
};

/** Every answer against its regex, for one text and one count. */
function same(code: string, chain: string[]): void {
  const what = JSON.stringify({ code, chain });
  if (chain.length === 1) assert.equal(firstValue(code, chain[0]!), byRegex.firstValue(code, chain[0]!), `firstValue ${what}`);
  assert.equal(multipliedIn(code, chain), byRegex.multiplied(code, chain), `multipliedIn ${what}`);
  assert.equal(bumpedIn(code, chain), byRegex.bumped(code, chain), `bumpedIn ${what}`);
  assert.equal(storedIn(code, chain), byRegex.stored(code, chain), `storedIn ${what}`);
}

const PIECES = [
  'n', 'len', 'v', 'nlen', 'len_', 'x', 'sizeof', 'MAX', 'K', '_', '2', ' ', '  ', '\t', '\n', '\u00a0', '(', ')', '=', '==',
  '+', '-', '++', '--', '+=', '*', '*=', '<<', '<<=', '<', '>', '/', '|', '&', '!', '.', '->', ';', ',', '[', ']',
];
const CHAINS = [['n'], ['len'], ['v', 'len'], ['v', 'n'], ['x', 'v', 'len']];

describe('the constant-step test: how a count is written', () => {
  it('reads the usual shapes', () => {
    assert.equal(firstValue('size_t at = gl->size + 1; x = at;', 'at'), 'gl->size + 1');
    assert.equal(firstValue('at == 2; at =  ;', 'at'), ' ', 'only blanks: one of them, as the regex gave');
    assert.equal(firstValue('at =;', 'at'), null);
    assert.equal(multipliedIn('v->len *= 2;', ['v', 'len']), true);
    assert.equal(multipliedIn('v -> len = v->len * 3 / 2;', ['v', 'len']), true);
    assert.equal(multipliedIn('n = k * sizeof *p;', ['n']), false);
    assert.equal(multipliedIn('n = k * sizeof (MAX);', ['n']), false);
    assert.equal(multipliedIn('n = n << SHIFT;', ['n']), true);
    assert.equal(multipliedIn('s->n = n * 2;', ['n']), false, 'a member of the same name');
    assert.equal(bumpedIn('v->len++;', ['v', 'len']), true);
    assert.equal(bumpedIn('++ v . len;', ['v', 'len']), true);
    assert.equal(bumpedIn('v->lent++;', ['v', 'len']), false);
    assert.equal(storedIn('gl->size = at;', ['gl', 'size']), true);
    assert.equal(storedIn('gl->size == at;', ['gl', 'size']), false);
    assert.equal(storedIn('n |= 1;', ['n']), true);
    assert.equal(storedIn('n -== 1;', ['n']), false);
    assert.equal(storedIn('n &= 1;', ['n']), true);
    assert.equal(bumpedIn('v.len++;', ['v', 'len']), true);
    assert.equal(multipliedIn('n = sizeof * 2;', ['n']), false, 'a `*` right after sizeof is no factor');
    assert.equal(multipliedIn('n = sizeof(T) * 2;', ['n']), true);
    // A `$` in a name (a GCC extension): the regex answers.
    assert.equal(firstValue('a$b = 4;', 'a$b'), byRegex.firstValue('a$b = 4;', 'a$b'));
    assert.equal(storedIn('x->a$b = 4;', ['x', 'a$b']), true);
  });

  it('answers as the regexes on generated code', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }), fc.constantFrom(...CHAINS), (parts, chain) => same(parts.join(''), chain)),
      { numRuns: 20000 },
    );
  });

  it('answers as the regexes on generated updates of the count', () => {
    // Shaped like the code the regexes look for: a spelling of the count, an operator, a value.
    const spelling = fc.constantFrom('n', 'len', 'v->len', 'v . len', 'v.n', 'x->v->len', '(n)', 's->n', '*n', '++n', 'n++', '-- v->len');
    const operator = fc.constantFrom(' = ', '=', ' == ', ' *= ', ' <<= ', ' += ', '++', ' -= ', ' &= ', ' |= ', ' /= ', ' -== ', ' ', '');
    const value = fc.array(fc.constantFrom('n', 'len', 'v->len', 'sizeof', ' ', '*', '<<', '2', 'MAX', 'K', '_X', '(', ')', 'T', '+', '1', ';'), { maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.tuple(spelling, operator, value), { maxLength: 3 }), fc.constantFrom(...CHAINS), (stmts, chain) =>
        same(stmts.map(([a, o, v]) => `${a}${o}${v.join('')}`).join(';\n'), chain),
      ),
      { numRuns: 20000 },
    );
  });

  it('answers as the regexes on every cut of the C fixtures', () => {
    const dir = join(__dirname, '../../fixtures/c');
    const files = readdirSync(dir).filter((x) => /\.[ch]$/.test(x));
    assert.ok(files.length > 10, `read ${files.length} fixtures`);
    const chains = [['n'], ['len'], ['size'], ['cap'], ['alloc'], ['b', 'len'], ['buf', 'size'], ['v', 'count'], ['nr']];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (let cut = 0; cut < text.length; cut += 211) {
        for (const code of [text.slice(0, cut), text.slice(cut)]) for (const chain of chains) same(code, chain);
      }
    }
  });
});
