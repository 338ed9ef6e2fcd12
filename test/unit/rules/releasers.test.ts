// Which functions of a file free an argument (src/core/analysis/c/releasers.ts): the failure
// walker counts a call of one as a free of the old block.
import { strict as assert } from 'node:assert';
import { isFreeName, releasersOf } from '../../../src/core/analysis/c/releasers';

describe('functions that free their argument', () => {
  it('finds the argument each frees: through casts and parentheses, munmap\'s first, a context free\'s last, another releaser\'s own', () => {
    const got = releasersOf(`#include <stdlib.h>
#include <sys/mman.h>
struct pool { int id; };
void plain (void *p) { free ((p)); }
void cast (void *p) { free ((void *) p); }
void unmap (char *p, size_t n) { munmap (p, n); }
void pool_free (struct pool *o, void *block) { (void) o; ctx_free (o, (char *) (block)); }
static void pool_drop (struct pool *o, void *block) { pool_free (o, block); }
static void logs (void *p) { printf ("%p", p); }
void frees_other (void *p, void *q) { (void) p; free (q); }
`);
    assert.deepEqual(Object.fromEntries(got), { plain: 0, cast: 0, unmap: 0, pool_free: 1, pool_drop: 1, frees_other: 1 });
  });

  it('knows a free by the last name of its callee', () => {
    assert.deepEqual(['free', 'xmlFree', 'sqlite3_free', 'g->local_free', 'munmap', 'freelist_get', 'ops.put'].map(isFreeName), [true, true, true, true, true, false, false]);
  });
});
