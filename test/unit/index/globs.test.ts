import { strict as assert } from 'node:assert';
import { globMatcher, globToRegExp } from '../../../src/core/index/globs';

describe('exclude globs', () => {
  it('speaks VS Code glob syntax on folder-relative paths', () => {
    const cases: Array<[string, string, boolean]> = [
      ['**/third_party/**', 'third_party/x.c', true],
      ['**/third_party/**', 'a/b/third_party/c/x.c', true],
      ['**/third_party/**', 'a/third_partyx/c.c', false],
      ['vendor/**', 'vendor/zlib/inflate.c', true],
      ['vendor/**', 'src/vendor/x.c', false],
      ['*.c', 'x.c', true],
      ['*.c', 'src/x.c', false],
      ['**/*.{c,h}', 'src/deep/x.h', true],
      ['**/*.{c,h}', 'src/deep/x.ts', false],
      ['src/gen?.c', 'src/gen1.c', true],
      ['src/gen?.c', 'src/gen10.c', false],
      ['src/[ab].c', 'src/a.c', true],
      ['src/[!ab].c', 'src/a.c', false],
      ['src/[!ab].c', 'src/c.c', true],
      ['./tests/**', 'tests/t.c', true],
      ['a+b/(x).c', 'a+b/(x).c', true],
    ];
    for (const [glob, path, want] of cases) assert.equal(globMatcher([glob])(path), want, `${glob} on ${path}`);
    assert.equal(globMatcher([])('x.c'), false);
    assert.ok(globToRegExp('{unclosed').test('{unclosed'));
  });
});
