// `realloc(NULL, n)` and a wrapper called with a null pointer allocate: nothing is resized or
// copied, so no cost is described as growth from an assumed old size; each still gets a line
// saying so (a grep finds the call, and the scan must be seen to have found it too).
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
  it('marks them as allocations and gives them no cost, only a line saying they allocate; a real resize keeps its own', async () => {
    const sites = (await analyze(TEXT)).sites.filter((s) => s.enclosingFunction === 'make');
    assert.deepEqual(sites.map((s) => [s.nameRange.start.line, s.allocates ?? false]), [[11, true], [12, true], [13, true], [14, false]]);
    const findings = adviseSites(sites);
    const costs = findings.filter((f) => f.rule === 'realloc-cost');
    assert.deepEqual(costs.map((f) => [f.site.nameRange.start.line, !!f.estimate]), [[11, false], [12, false], [13, false], [14, true]]);
    assert.match(costs[3]!.message, /growing to 24 bytes/);
    assert.match(costs[1]!.message, /^`checked_resize` \(→ realloc\) with a null pointer allocates 48 bytes: it is a malloc/);
    assert.match(costs[2]!.message, /^`realloc` with a null pointer allocates 24 bytes/);
    assert.ok(!findings.some((f) => f.site.allocates && /growing/.test(f.message)));
  });

  it('a size of zero frees: realloc-zero-size says so, and no cost line weighs a resize that is not one', async () => {
    const sites = (await analyze(`#include <stdlib.h>
void *drop (void *p) { return realloc (p, 0); }
void *keep (void *p) { return realloc (p, 1); }
`)).sites;
    const findings = adviseSites(sites);
    assert.deepEqual(findings.map((f) => [f.site.nameRange.start.line, f.rule]), [[2, 'realloc-zero-size'], [3, 'realloc-cost']]);
  });
});
