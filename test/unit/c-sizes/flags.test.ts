import { strict as assert } from 'node:assert';
import { evaluateMremapFlags } from '../../../src/core/analysis/c/evaluate';
import { snippet } from './helpers';

async function flagsOf(arg: string, prelude = '', headers: Record<string, string> = {}) {
  const s = await snippet(`${prelude}\nvoid *f(void *p, size_t o, size_t n, int fl) { return mremap(p, o, n, ${arg}); }\n`, { headers });
  return evaluateMremapFlags(s.args('mremap')[3]!, s.scope);
}

describe('C sizes: mremap flags', () => {
  it('names, numbers and combinations', async () => {
    assert.deepEqual(await flagsOf('0'), []);
    assert.deepEqual(await flagsOf('MREMAP_MAYMOVE'), ['MREMAP_MAYMOVE']);
    assert.deepEqual(await flagsOf('MREMAP_MAYMOVE | MREMAP_FIXED'), ['MREMAP_MAYMOVE', 'MREMAP_FIXED']);
    assert.deepEqual(await flagsOf('MREMAP_DONTUNMAP | MREMAP_MAYMOVE'), ['MREMAP_MAYMOVE', 'MREMAP_DONTUNMAP']);
    assert.deepEqual(await flagsOf('1'), ['MREMAP_MAYMOVE']);
    assert.deepEqual(await flagsOf('3'), ['MREMAP_MAYMOVE', 'MREMAP_FIXED']);
  });

  it('macros that expand to flags, from the file or a header', async () => {
    assert.deepEqual(await flagsOf('MOVE_FLAGS', '#define MOVE_FLAGS (MREMAP_MAYMOVE | MREMAP_DONTUNMAP)'), ['MREMAP_MAYMOVE', 'MREMAP_DONTUNMAP']);
    assert.deepEqual(await flagsOf('MY_FLAGS', '', { 'm.h': '#define MY_FLAGS 2' }), ['MREMAP_FIXED']);
  });

  it('unknown set bits are reported as hex', async () => {
    assert.deepEqual(await flagsOf('MREMAP_MAYMOVE | 8'), ['MREMAP_MAYMOVE', '0x8']);
    assert.deepEqual(await flagsOf('0x30'), ['0x10', '0x20']);
  });

  it('a runtime variable gives null', async () => {
    assert.equal(await flagsOf('fl'), null);
    assert.equal(await flagsOf('fl | MREMAP_MAYMOVE'), null);
    assert.equal(await flagsOf('-1'), null);
  });
});
