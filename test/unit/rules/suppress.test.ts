// Suppression comments: parsing, matching, and filtering findings from the text or from the
// facts the analysis recorded.
import { strict as assert } from 'node:assert';
import { applySuppressions, isSuppressed, markersOn, patternMatches } from '../../../src/core/advice/suppress';
import { adviseSites } from '../../../src/core/advice/index';
import { analyze } from '../c-sites/helpers';

describe('suppression comments', () => {
  it('parses pagecost markers: no rules = all, lists with commas or spaces, prefixes, reasons, block comments', () => {
    assert.deepEqual(markersOn('  // pagecost-ignore-next-line'), { thisLine: [], nextLine: ['*'] });
    assert.deepEqual(markersOn('// pagecost-ignore-next-line realloc-cost, pagecost-mremap-null-check'), { thisLine: [], nextLine: ['realloc-cost', 'mremap-null-check'] });
    assert.deepEqual(markersOn('p = realloc(p, n); /* pagecost-ignore-line realloc-leak-on-failure -- tmp freed by caller */'), { thisLine: ['realloc-leak-on-failure'], nextLine: [] });
    assert.deepEqual(markersOn('/* pagecost-ignore-next-line mremap-* */'), { thisLine: [], nextLine: ['mremap-*'] });
  });

  it('parses NOLINT like clang-tidy: bare = all, only pagecost- entries count', () => {
    assert.deepEqual(markersOn('x(); // NOLINT'), { thisLine: ['*'], nextLine: [] });
    assert.deepEqual(markersOn('// NOLINTNEXTLINE(pagecost-*)'), { thisLine: [], nextLine: ['*'] });
    assert.deepEqual(markersOn('x(); // NOLINT(bugprone-suspicious-realloc-usage, pagecost-realloc-leak-on-failure)'), { thisLine: ['realloc-leak-on-failure'], nextLine: [] });
    assert.deepEqual(markersOn('x(); // NOLINT(bugprone-*)'), { thisLine: [], nextLine: [] });
    assert.deepEqual(markersOn('// NOLINTBEGIN'), { thisLine: [], nextLine: [] });
  });

  it('ignores markers outside comments', () => {
    assert.deepEqual(markersOn('puts("pagecost-ignore-line");'), { thisLine: [], nextLine: [] });
  });

  it('matches globs', () => {
    assert.ok(patternMatches('mremap-*', 'mremap-null-check'));
    assert.ok(!patternMatches('mremap-*', 'realloc-cost'));
    assert.ok(isSuppressed('realloc-cost', ['*']));
    assert.ok(!isSuppressed('realloc-cost', undefined));
  });

  const SRC = `#include <stdlib.h>
void f(char *s, char *t, char *u, size_t n)
{
  // pagecost-ignore-next-line realloc-leak-on-failure
  s = realloc(s, n);
  t = realloc(t, n); // NOLINT
  u = realloc(u, n);
  u =
    realloc(u, n + 1); // pagecost-ignore-line realloc-cost
  free(s); free(t); free(u);
}
`;

  it('the analysis records them per site and adviseSites honours them (the CLI scan path)', async () => {
    const { sites } = await analyze(SRC);
    assert.deepEqual(sites.map((s) => s.facts?.suppressed ?? []), [['realloc-leak-on-failure'], ['*'], [], ['realloc-cost']]);
    const got = adviseSites(sites, { correctness: true }).map((f) => `${f.site.nameRange.start.line} ${f.rule}`);
    assert.deepEqual(got, ['5 realloc-cost', '7 realloc-cost', '7 realloc-leak-on-failure', '9 realloc-leak-on-failure']);
  });

  it('applySuppressions filters the same findings from the text alone', async () => {
    const { sites } = await analyze(SRC);
    const all = adviseSites(sites, { correctness: true, suppressions: false });
    assert.equal(all.length, 8);
    const kept = applySuppressions(all, SRC).map((f) => `${f.site.nameRange.start.line} ${f.rule}`);
    assert.deepEqual(kept, ['5 realloc-cost', '7 realloc-cost', '7 realloc-leak-on-failure', '9 realloc-leak-on-failure']);
    // Findings of another file pass through untouched.
    assert.equal(applySuppressions(all, SRC, 'other.c').length, 8);
  });

  it('a marker at the end of the previous function does not reach into the next one', async () => {
    const src = `#include <stdlib.h>
void g(void) {} // pagecost-ignore-next-line
void f(char *s) { s = realloc(s, 8); free(s); }
`;
    const { sites } = await analyze(src);
    assert.equal(sites[0]!.facts?.suppressed, undefined);
  });
});
