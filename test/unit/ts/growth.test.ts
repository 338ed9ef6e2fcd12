// Growth shapes of new sizes, as the advice reads them: geometric growth is amortised, linear
// growth in a loop copies quadratically. Element-size factors say nothing either way.
import { strict as assert } from 'node:assert';
import { analyzeTsFile } from '../../../src/core/analysis/ts';

/** growth and step of `instance.exports.realloc(p, <size>)` after `before` in a function with parameters cap, n. */
function shape(size: string, before = '', loop = false) {
  const call = `p = instance.exports.realloc(p, ${size});`;
  const body = loop ? `for (let i = 0; i < n; i++) {\n    ${before}\n    ${call}\n  }` : `${before}\n  ${call}`;
  const r = analyzeTsFile(`const SLOT = 48;\nexport function f(p: number, cap: number, n: number) {\n  ${body}\n}\n`, 's.ts');
  assert.equal(r.sites.length, 1, JSON.stringify(r.notes));
  const s = r.sites[0]!;
  return { growth: s.growth, step: s.js?.step?.bytes ?? null };
}

describe('TS/JS sizes: growth shapes', () => {
  it('a small literal factor or shift is geometric', () => {
    assert.equal(shape('cap * 2').growth, 'geometric');
    assert.equal(shape('1.5 * cap').growth, 'geometric');
    assert.equal(shape('cap << 1').growth, 'geometric');
    assert.equal(shape('cap + (cap >> 1)').growth, 'geometric');
    assert.equal(shape('Math.max(cap * 2, n)').growth, 'geometric');
  });

  it('an element size is not a growth factor', () => {
    assert.equal(shape('n * 16').growth, null);
    assert.equal(shape('n * SLOT').growth, null);
    assert.equal(shape('cap * 2 * SLOT').growth, 'geometric');
  });

  it('a constant added is linear, with the step in bytes', () => {
    assert.deepEqual(shape('cap + 4096'), { growth: 'linear', step: 4096 });
    assert.deepEqual(shape('SLOT * 2 + cap'), { growth: 'linear', step: 96 });
  });

  it('reads the update of the size variable before the call', () => {
    assert.equal(shape('cap', 'cap *= 2;').growth, 'geometric');
    assert.equal(shape('cap', 'cap <<= 1;').growth, 'geometric');
    assert.deepEqual(shape('cap', 'cap += 64;', true), { growth: 'linear', step: 64 });
    // Once, outside any loop, `+=` is an adjustment, not a growth pattern.
    assert.equal(shape('cap', 'cap += 64;').growth, null);
  });

  it('constants and unrelated shapes have no growth', () => {
    assert.equal(shape('4096').growth, null);
    assert.equal(shape('cap - 16').growth, null);
  });
});
