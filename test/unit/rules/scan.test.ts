// `pagecost scan` (in-process, one job) shows the correctness findings and honours suppression
// comments, which travel on the call sites (CallSite.facts.suppressed) rather than in the text.
import { strict as assert } from 'node:assert';
import { main } from '../../../src/cli/main';
import { fakeIO, makeTree, removeTree } from '../../support/cli';

const FILE = `#include <stdlib.h>
void f(char *s, char *t, size_t n)
{
  // pagecost-ignore-next-line
  s = realloc(s, n);
  t = realloc(t, n); // NOLINT(pagecost-realloc-cost)
  free(s);
  free(t);
}
`;

describe('pagecost scan: correctness rules (on by default) and suppressions', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => {
    dir = makeTree({ 'a.c': FILE, 'b.c': FILE.replace(/\/\/.*$/gm, '') });
  });
  after(() => removeTree(dir));

  it('drops what the comments silence, keeps the rest', async () => {
    const io = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--format', 'json', '--jobs', '1'], io), 0, io.err);
    const report = JSON.parse(io.out) as { findings: { file: string; line: number; rule: string }[] };
    const got = report.findings.filter((f) => f.file === 'a.c').map((f) => `${f.line} ${f.rule}`);
    const plain = report.findings.filter((f) => f.file === 'b.c').map((f) => `${f.line} ${f.rule}`);
    // The same file without comments has findings on both lines.
    assert.ok(plain.includes('5 realloc-cost') && plain.includes('6 realloc-cost'), plain.join(', '));
    assert.ok(!got.some((g) => g.startsWith('5 ')), `line 5 is silenced: ${got.join(', ')}`);
    assert.ok(!got.includes('6 realloc-cost'), got.join(', '));
    // The correctness rule the NOLINT did not name is still there, and is in the plain copy too.
    assert.ok(got.includes('6 realloc-leak-on-failure'), got.join(', '));
    assert.ok(plain.includes('5 realloc-leak-on-failure') && plain.includes('6 realloc-leak-on-failure'), plain.join(', '));
  });
});
