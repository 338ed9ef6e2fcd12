import { strict as assert } from 'node:assert';
import { asciiSourceProblem, decodeSource } from '../../../src/core/scan/input';
import { NameFilter } from '../../../src/core/scan/prefilter';

const enc = (s: string) => new TextEncoder().encode(s);

describe('scan input checks', () => {
  it('accepts UTF-8 C and drops a byte-order mark', () => {
    const r = decodeSource(enc('\uFEFFint x; /* café */'), 1000);
    assert.deepEqual(r, { ok: true, text: 'int x; /* café */', note: null });
  });

  it('skips a file with NUL bytes as binary', () => {
    const r = decodeSource(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), 1000);
    assert.equal(r.ok, false);
    assert.match((r as { message: string }).message, /binary/);
  });

  it('skips a file over the limit and says how to raise it', () => {
    const r = decodeSource(enc('x'.repeat(11)), 10);
    assert.equal(r.ok, false);
    assert.match((r as { message: string }).message, /^skipped: too large \(11 bytes > limit 10\).*--max-file-size/);
  });

  it('scans non-UTF-8 text lossily and names the first bad line', () => {
    const latin1 = new Uint8Array([...enc('int a;\n/* caf'), 0xe9, ...enc(' */\nvoid *p = realloc(0, 8);\n')]);
    const r = decodeSource(latin1, 1000);
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.match(r.text, /realloc\(0, 8\)/);
    assert.match(r.text, /caf\uFFFD/);
    assert.match(r.note ?? '', /not valid UTF-8 \(first bad byte on line 2\)/);
  });

  it('judges an all-ASCII file as decodeSource would, without decoding it', () => {
    const cases = [enc('int x = realloc(p, 8);\n'), enc(''), new Uint8Array([0x7f, 0x45, 0, 1]), enc('x'.repeat(11))];
    for (const bytes of cases) {
      assert.equal(NameFilter.of(bytes).ascii, true);
      const d = decodeSource(bytes, 10 + (bytes.length > 10 ? 0 : 100));
      assert.equal(asciiSourceProblem(bytes, 10 + (bytes.length > 10 ? 0 : 100)), d.ok ? null : d.message);
    }
    // One byte of 128 or more (a UTF-8 character, a Latin-1 one, a BOM): not ASCII, decoded as before.
    assert.equal(NameFilter.of(enc('/* café */ int x;')).ascii, false);
    assert.equal(NameFilter.of(new Uint8Array([0x69, 0x6e, 0x74, 0xe9])).ascii, false);
  });
});

