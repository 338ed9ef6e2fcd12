// The correctness rules over the C fixture project (test/fixtures/c), checked by hand against
// the files: what must be flagged, and what the other linters get wrong that must stay quiet —
// git-style xrealloc/ALLOC_GROW (dies on failure; st_mult checks the product), redis-style
// s_realloc → zrealloc (out-of-memory handler), xmremap (aborts on MAP_FAILED), reallocf,
// the valid MREMAP_FIXED / MREMAP_DONTUNMAP calls of glibc-style/mremap-user.c, and failure/:
// wrappers' failure contracts read from their bodies, each false-leak shape beside its twin.
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
  'failure/alloc.c:9 realloc-unchecked-multiply',
  'failure/alloc.c:22 realloc-unchecked-multiply',
  'failure/suite.c:21 realloc-leak-on-failure', // no assertion after this one (17 and 19: cl_assert, test_assert)
  'failure/use.c:25 realloc-leak-on-failure', // LIST_GROW_OR_NULL: grow_or_null returns NULL (LIST_GROW on 18 gets the old pointer back)
  'failure/use.c:37 realloc-leak-on-failure', // BUF_RESIZE_LOGGED only complains (BUF_RESIZE_OR_EXIT on 35, 36 exits)
  'failure/use.c:50 realloc-leak-on-failure', // resize_counted returns NULL; its own `ptr = …; return ptr;` (alloc.c:70) does not leak
  'failure/use.c:63 realloc-leak-on-failure', // grow_or_null (59–62: frees, frees, exits, old pointer)
  'failure/use.c:88 realloc-leak-on-failure', // the check only reports (80, 83, 86: give_up is noreturn in alloc.h, a static helper that aborts, assert)
  'failure/use.c:93 realloc-leak-on-failure', // no check at all
  'failure/use.c:114 realloc-leak-on-failure', // the copy goes back over the original before the check (102: the original is kept)
  'growth.c:10 realloc-leak-on-failure',
  'growth.c:10 realloc-unchecked-multiply', // a->cap * 2 * sizeof(int): the count is a runtime value
  'growth.c:17 realloc-leak-on-failure',
  'growth.c:17 realloc-unchecked-multiply',
  'growth.c:24 realloc-leak-on-failure',
  'growth.c:24 realloc-unchecked-multiply',
  'growth.c:29 realloc-leak-on-failure',
  'growth.c:36 realloc-leak-on-failure',
  'growth.c:36 realloc-unchecked-multiply',
  'helpers.c:21 realloc-unchecked-multiply', // (*count + 1) * sizeof **names: a runtime count
  'helpers.c:32 realloc-unchecked-multiply',
  'helpers.c:47 realloc-unchecked-multiply',
  'helpers.c:136 realloc-leak-on-failure', // v->at = resize_block(v->at, …): the wrapper returns NULL
  'hook-style/table.c:13 realloc-unchecked-multiply', // n * sizeof *t->slots through the allocator pointer's macro
  'hook-style/table.c:23 realloc-leak-on-failure', // STORE_GROW assigns store_realloc's result back
  'macro-heavy/list.c:40 realloc-unchecked-multiply', // inside for_each_item(…) { … }, which the grammar reads as a call and a block
  'macros.c:19 realloc-leak-on-failure',
  'macros.c:20 realloc-leak-on-failure', // t->map = MOVE_MAPPING(t->map, …): an mremap macro stored back
  'macros.c:22 realloc-leak-on-failure', // RESIZE_ELEMS assigns back inside the macro
  'not-calls.c:24 realloc-leak-on-failure', // p = a.realloc(p, 10): a struct field set to realloc elsewhere in the file
  'not-calls.c:25 realloc-leak-on-failure',
  'old-style/use.c:13 realloc-leak-on-failure', // K&R wrappers return realloc's NULL
  'old-style/use.c:14 realloc-leak-on-failure',
  'old-style/vec.c:11 realloc-unchecked-multiply',
  'old-style/vec.c:20 realloc-unchecked-multiply',
  'use-wrapper.c:19 realloc-leak-on-failure', // try_realloc returns NULL (xrealloc on line 18 dies: quiet)
  'vm-style/code.c:14 realloc-leak-on-failure', // vm_resize_array assigns back; vm_mem_resize returns NULL on failure
  'vm-style/code.c:22 realloc-leak-on-failure',
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
