// The correctness rules over the C fixture project (test/fixtures/c), checked by hand against
// the files: what must be flagged, and what the other linters get wrong that must stay quiet —
// git-style xrealloc/ALLOC_GROW (dies on failure; st_mult checks the product), redis-style
// s_realloc → zrealloc (out-of-memory handler), xmremap (aborts on MAP_FAILED), reallocf,
// and the valid MREMAP_FIXED / MREMAP_DONTUNMAP calls of glibc-style/mremap-user.c.
import { strict as assert } from 'node:assert';
import { correctnessFindings } from '../../../src/core/advice/correctness';
import { analyzeFixtureProject } from '../c-sites/fixtureProject';

const EXPECTED = [
  'broken.c:9 realloc-leak-on-failure',
  'broken.c:16 realloc-leak-on-failure',
  'broken.c:23 realloc-leak-on-failure',
  'conditions.c:13 realloc-leak-on-failure',
  'conditions.c:17 realloc-leak-on-failure',
  'conditions.c:26 realloc-leak-on-failure',
  'conditions.c:28 realloc-leak-on-failure',
  'conditions.c:34 realloc-leak-on-failure',
  'direct.c:20 realloc-leak-on-failure',
  'direct.c:26 realloc-leak-on-failure',
  'direct.c:32 realloc-leak-on-failure',
  'direct.c:51 realloc-leak-on-failure',
  'growth.c:10 realloc-leak-on-failure',
  'growth.c:10 realloc-unchecked-multiply', // a->cap * 2 * sizeof(int): the count is a runtime value
  'growth.c:17 realloc-leak-on-failure',
  'growth.c:17 realloc-unchecked-multiply',
  'growth.c:24 realloc-leak-on-failure',
  'growth.c:24 realloc-unchecked-multiply',
  'growth.c:29 realloc-leak-on-failure',
  'growth.c:36 realloc-leak-on-failure',
  'growth.c:36 realloc-unchecked-multiply',
  'macros.c:19 realloc-leak-on-failure',
  'macros.c:20 realloc-leak-on-failure', // t->map = MOVE_MAPPING(t->map, …): an mremap macro stored back
  'macros.c:22 realloc-leak-on-failure', // RESIZE_ELEMS assigns back inside the macro
  'use-wrapper.c:19 realloc-leak-on-failure', // try_realloc returns NULL (xrealloc on line 18 dies: quiet)
  'wrapper.c:34 realloc-unchecked-multiply', // grow_array: xrealloc(base, count * elem_size) dies on NULL, not on a wrapped size
];

describe('correctness rules over the C fixtures', () => {
  it('flag exactly the hand-checked sites', async () => {
    const p = await analyzeFixtureProject();
    const got: string[] = [];
    for (const [file, sites] of p.sites) {
      for (const s of sites) for (const f of correctnessFindings(s)) got.push(`${file}:${s.nameRange.start.line} ${f.rule}`);
    }
    assert.deepEqual(got, EXPECTED);
  });
});
