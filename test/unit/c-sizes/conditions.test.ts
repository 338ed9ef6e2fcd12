import { strict as assert } from 'node:assert';
import { decideAll, decideCondition } from '../../../src/core/analysis/c/targetConditions';

describe('C sizes: #if conditions the target decides', () => {
  const cases: [string, 'lp64' | 'ilp32', boolean | null][] = [
    ['defined(__linux__)', 'lp64', true],
    ['defined __APPLE__', 'lp64', false],
    ['!defined(_WIN32) && defined(__x86_64__)', 'lp64', true],
    ['defined(__x86_64__)', 'ilp32', false],
    ['defined(__i386__) || defined(__x86_64__)', 'ilp32', true],
    ['__SIZEOF_POINTER__ == 8', 'lp64', true],
    ['__SIZEOF_LONG__ > 4', 'ilp32', false],
    ['__WORDSIZE == 64', 'lp64', true],
    ['!(defined(__APPLE__))', 'lp64', true],
    ['defined(DEBUG)', 'lp64', null],
    ['HAVE_MREMAP', 'lp64', null],
    ['defined(__linux__) && VERSION > 2', 'lp64', null],
    ['defined(', 'lp64', null],
  ];
  for (const [cond, model, want] of cases) {
    it(`${cond} (${model}) → ${want}`, () => {
      assert.equal(decideCondition(cond, model), want);
    });
  }

  it('a chain is false if any condition is, undecided if any is and none is false', () => {
    assert.equal(decideAll(['defined(DEBUG)', 'defined(_WIN32)'], 'lp64'), false);
    assert.equal(decideAll(['defined(DEBUG)', 'defined(__linux__)'], 'lp64'), null);
    assert.equal(decideAll(['defined(__linux__)'], 'lp64'), true);
    assert.equal(decideAll(undefined, 'lp64'), true);
  });
});
