import { strict as assert } from 'node:assert';
import { decodeSource } from '../../../src/core/scan/input';

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
});
