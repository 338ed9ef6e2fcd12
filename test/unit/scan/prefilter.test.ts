import { strict as assert } from 'node:assert';
import { mentionsAny, namesPattern } from '../../../src/core/scan/prefilter';
import { dirnameOf, joinPath } from '../../../src/core/scan/paths';
import { quotedIncludes } from '../../../src/core/scan/shard';

describe('scan prefilter and paths', () => {
  it('matches names as whole identifiers only', () => {
    const re = namesPattern(['realloc', 'mremap']);
    assert.equal(mentionsAny('p = realloc(p, n);', re), true);
    assert.equal(mentionsAny('x = my_realloc(p, n); reallocs++; mremap_count = 0;', re), false);
    assert.equal(mentionsAny('#define R mremap', re), true);
  });

  it('never matches with no names', () => {
    assert.equal(mentionsAny('realloc', namesPattern([])), false);
  });

  it('finds quoted includes, not system ones', () => {
    assert.deepEqual(quotedIncludes('#include <stdlib.h>\n#include "a.h"\n  #  include "../b/c.h"\n// #include "no.h"\n'), ['a.h', '../b/c.h']);
  });

  it('resolves include paths', () => {
    assert.equal(joinPath(dirnameOf('/r/src/x.c'), '../lib/sizes.h'), '/r/lib/sizes.h');
    assert.equal(joinPath('/r', './a/./b.h'), '/r/a/b.h');
    assert.equal(dirnameOf('x.c'), '.');
  });
});
