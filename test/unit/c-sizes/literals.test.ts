import { strict as assert } from 'node:assert';
import { parseCharLiteral, parseIntLiteral, tokenize } from '../../../src/core/analysis/c/tokens';
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
});
