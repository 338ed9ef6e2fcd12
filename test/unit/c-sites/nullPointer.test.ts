// `realloc(NULL, n)` and a wrapper called with a null pointer allocate: nothing is resized or
// copied, so no cost is described as growth from an assumed old size.
import { strict as assert } from 'node:assert';
import { adviseSites } from '../../../src/core/advice';
import { analyze } from './helpers';

const TEXT = `#include <stdlib.h>
typedef struct { long a, b, c; } Blob;
static void *checked_resize (void *p, size_t n)
{
  void *q = realloc (p, n);
  if (!q) abort ();
  return q;
}
void make (Blob **out, Blob *old)
{
  *out = checked_resize (0, sizeof (Blob));
  *out = checked_resize (NULL, 2 * sizeof (Blob));
  *out = realloc ((void *) 0, sizeof (Blob));
  *out = checked_resize (old, sizeof (Blob));
}
`;

describe('C calls with a null pointer', () => {
  it('marks them as allocations and gives them no cost finding; a real resize keeps its own', async () => {
    const sites = (await analyze(TEXT)).sites.filter((s) => s.enclosingFunction === 'make');
    assert.deepEqual(sites.map((s) => [s.nameRange.start.line, s.allocates ?? false]), [[11, true], [12, true], [13, true], [14, false]]);
    const findings = adviseSites(sites);
    const costs = findings.filter((f) => f.rule === 'realloc-cost');
    assert.deepEqual(costs.map((f) => f.site.nameRange.start.line), [14]);
    assert.match(costs[0]!.message, /growing to 24 bytes/);
    assert.ok(!findings.some((f) => f.site.allocates && /growing/.test(f.message)));
  });
});
