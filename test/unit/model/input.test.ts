// Bad input must give a clear error (what was wrong, what to do), never a NaN in a hover.
import { strict as assert } from 'node:assert';
import {
  ModelInputError, builtinProfile, estimateNamed, estimateOp, makeContext, solveCrossover, OP_NAMES,
} from '../../../src/core/model';

const x86 = builtinProfile('x86-64');

function throwsClearly(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ModelInputError, `expected ModelInputError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /undefined|\[object/);
    return true;
  });
}

describe('model: bad input', () => {
  for (const op of OP_NAMES) {
    it(`${op}: negative, zero, fractional, NaN, infinite and > 2^48 sizes are refused`, () => {
      throwsClearly(() => estimateNamed(x86, op, -4096), /at least 1 byte/);
      throwsClearly(() => estimateNamed(x86, op, 0), /at least 1 byte/);
      throwsClearly(() => estimateNamed(x86, op, 1.5), /whole number/);
      throwsClearly(() => estimateNamed(x86, op, Number.NaN), /must be a number of bytes/);
      throwsClearly(() => estimateNamed(x86, op, Number.POSITIVE_INFINITY), /2\^48/);
      throwsClearly(() => estimateNamed(x86, op, 2 ** 49), /2\^48/);
    });
  }

  it('ops that double N refuse N above 2^47 and say why', () => {
    throwsClearly(() => estimateNamed(x86, 'realloc-grow', 2 ** 47 + 1), /2N.*2\^47/);
    assert.ok(estimateNamed(x86, 'realloc-grow', 2 ** 47).ns > 0);
  });

  it('an unknown op names the known ones', () => {
    throwsClearly(() => estimateNamed(x86, 'mremap-teleport', 4096), /unknown operation.*mremap-move/);
    throwsClearly(() => solveCrossover(x86, 'nope' as never, 'memcpy-warm'), /unknown operation/);
  });

  it('bad thread counts, allocators and thresholds are refused', () => {
    throwsClearly(() => estimateNamed(x86, 'mremap-move', 4096, { threads: 0 }), /threads/);
    throwsClearly(() => estimateNamed(x86, 'mremap-move', 4096, { threads: 2.5 }), /threads/);
    throwsClearly(() => estimateNamed(x86, 'mremap-move', 4096, { threads: Number.NaN }), /threads/);
    throwsClearly(() => estimateNamed(x86, 'realloc-grow', 4096, { allocator: 'tcmalloc' as never }), /allocator.*glibc/);
    throwsClearly(() => makeContext(x86, { glibcMmapThreshold: 2 ** 30 }), /threshold/);
  });

  it('MREMAP_DONTUNMAP with different sizes is refused like the kernel does (EINVAL)', () => {
    throwsClearly(
      () => estimateOp(x86.params, makeContext(x86), { kind: 'mremap', oldBytes: 4096, newBytes: 8192, dontunmap: true }),
      /DONTUNMAP/,
    );
  });
});
