import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseCharLiteral, parseIntLiteral, tokenize, type Token } from '../../../src/core/analysis/c/tokens';
import { bytesOf, sizeOf } from './helpers';

describe('C sizes: integer and character literals', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['42', 42],
    ['0x1F', 31],
    ['0XfF', 255],
    ['017', 15],
    ['0b1010', 10],
    ['0B11', 3],
    ['10u', 10],
    ['10U', 10],
    ['10l', 10],
    ['10L', 10],
    ['10ll', 10],
    ['10LL', 10],
    ['10ul', 10],
    ['10lu', 10],
    ['10ULL', 10],
    ['10llu', 10],
    ['0x10uLL', 16],
    ["1'000'000", 1000000],
    ["'a'", 97],
    ["'\\n'", 10],
    ["'\\0'", 0],
    ["'\\x41'", 65],
    ["'\\101'", 65],
    ["L'A'", 65],
    ["u'\\u00e9'", 0xe9],
  ];
  for (const [text, want] of cases) {
    it(`${text} = ${want}`, async () => {
      assert.equal(await bytesOf(text), want);
    });
  }

  it('rejects malformed integer literals with a reason', () => {
    for (const bad of ['08', '0b102', '10lL', '10uu', '0x']) {
      const r = parseIntLiteral(bad);
      assert.ok('error' in r, `${bad} should not parse`);
    }
  });

  it('says a floating-point literal is not a byte count', async () => {
    const v = await sizeOf('1.5 * 1024');
    assert.equal(v.bytes, null);
    assert.match(v.note, /floating-point/);
  });

  it('plain char is signed, as on x86 ABIs', () => {
    assert.equal(parseCharLiteral("'\\xff'"), -1n);
    assert.equal(parseCharLiteral("u8'a'"), 97n);
  });

  it('a multi-character constant is unknown, not guessed', async () => {
    const v = await sizeOf("'ab'");
    assert.equal(v.bytes, null);
    assert.match(v.note, /multi-character/);
  });

  it('notes a non-decimal literal with its value', async () => {
    assert.deepEqual(await sizeOf('0x1000'), { bytes: 4096, text: '0x1000', note: '0x1000 = 4096' });
    assert.equal((await sizeOf('64')).note, 'literal 64');
  });

  it('tokenizes comments, continuations and punctuators', () => {
    const toks = tokenize('a /* x */ <<= b // tail\n ->\\\nc');
    assert.deepEqual(toks.map((t) => t.text), ['a', '<<=', 'b', '->', 'c']);
  });

  it('tokenizes any text as the tokenizer written with one-character strings did (property)', () => {
    const pieces = fc.constantFrom('a', 'u', 'L', 'U', 'u8', '$x', '_1', '0x1f', '1e+5', '0x1p-3', '0X1P+3', '1E-2', "1'000", '.5', '.', '...', '"s"', "'c'", '"', "'", '\\', '\\"', '\\\n', '\\\r\n', '\\\r', ' ', '\t', '\n', '\r', '\f', '\v', '/*', '*/', '//', '/', '<<=', '>>=', '->', '##', '#', '+', '-', '=', '!', '<', '>', '&', '|', '(', ')', '@', 'é', '\u00a0', '\ud83d\ude00', '\ud83d', '`');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(tokenize(text), tokenizeByStrings(text), JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });
});

/** The tokenizer as it was written before it read character codes (one-character strings, a Set, a regex per literal): the reference. */
function tokenizeByStrings(text: string): Token[] {
  const PUNCTUATORS = ['...', '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##'];
  const SINGLE = '+-*/%<>=!&|^~?:;,.()[]{}#';
  const isIdStart = (c: string) => /^[A-Za-z_$]$/.test(c);
  const isIdChar = (c: string) => /^[A-Za-z0-9_$]$/.test(c);
  const isDigit = (c: string) => c >= '0' && c <= '9';
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const prefix = /^(u8|[LuU])?(['"])/.exec(text.slice(i, i + 3));
    if (prefix) {
      const quote = prefix[2]!;
      let j = i + (prefix[1]?.length ?? 0) + 1;
      while (j < n && text[j] !== quote && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      j = Math.min(j + 1, n);
      out.push({ kind: quote === "'" ? 'char' : 'str', text: text.slice(i, j) });
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(text[j]!)) j++;
      out.push({ kind: 'id', text: text.slice(i, j) });
      i = j;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n) {
        const d = text[j]!;
        if ((d === '+' || d === '-') && /[eEpP]/.test(text[j - 1]!)) j++;
        else if (isIdChar(d) || d === '.' || (d === "'" && isIdChar(text[j + 1] ?? ''))) j++;
        else break;
      }
      out.push({ kind: 'num', text: text.slice(i, j) });
      i = j;
      continue;
    }
    const p = PUNCTUATORS.find((q) => text.startsWith(q, i));
    if (p) {
      out.push({ kind: 'punct', text: p });
      i += p.length;
      continue;
    }
    out.push({ kind: SINGLE.includes(c) ? 'punct' : 'other', text: c });
    i++;
  }
  return out;
}
