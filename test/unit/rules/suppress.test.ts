// Suppression comments: parsing, matching, and filtering findings from the text or from the
// facts the analysis recorded.
import { strict as assert } from 'node:assert';
import { applySuppressions, isSuppressed, markersOn, patternMatches, suppressedRegions, withRegionSuppressions } from '../../../src/core/advice/suppress';
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

  const REGIONS = `#include <stdlib.h>
// NOLINTBEGIN(pagecost-realloc-cost)
void a(char *s, size_t n) { char *t = realloc(s, n); free(t); }
// NOLINTEND(pagecost-realloc-cost)
/* pagecost-ignore-begin realloc-* -- vendored code */
void b(char *s, size_t n) { char *t = realloc(s, n); free(t); }
/* pagecost-ignore-end */
// NOLINTBEGIN(bugprone-*)
void c(char *s, size_t n) { char *t = realloc(s, n); free(t); }
// NOLINTEND(bugprone-*)
// NOLINTBEGIN
void d(char *s, size_t n) { char *t = realloc(s, n); free(t); }
`;

  it('reads BEGIN/END regions like clang-tidy: matching ends close them, other tools\' lists and unclosed regions silence nothing', () => {
    assert.deepEqual(suppressedRegions(REGIONS), [
      { from: 2, to: 4, patterns: ['realloc-cost'] },
      { from: 5, to: 7, patterns: ['realloc-*'] },
    ]);
    assert.deepEqual(suppressedRegions('puts("NOLINTBEGIN"); puts("NOLINTEND");\n'), [], 'not in a comment');
    assert.deepEqual(suppressedRegions('// NOLINTBEGIN(pagecost-*)\nx();\n// NOLINTEND(pagecost-realloc-cost)\n'), [], 'an END with another argument does not close it');
  });

  it('regions silence findings in the editor (from the text) and in the scan (recorded on sites)', async () => {
    const { sites } = await analyze(REGIONS);
    const lines = (fs: { site: { nameRange: { start: { line: number } } }; rule: string }[]) => fs.map((f) => `${f.site.nameRange.start.line} ${f.rule}`);
    const all = adviseSites(sites, { correctness: true, suppressions: false });
    assert.deepEqual(lines(all), ['3 realloc-cost', '6 realloc-cost', '9 realloc-cost', '12 realloc-cost']);
    assert.deepEqual(lines(applySuppressions(all, REGIONS)), ['9 realloc-cost', '12 realloc-cost']);
    const marked = withRegionSuppressions(sites, REGIONS);
    assert.deepEqual(marked.map((s) => s.facts?.suppressed ?? []), [['realloc-cost'], ['realloc-*'], [], []]);
    assert.deepEqual(lines(adviseSites(marked, { correctness: true })), ['9 realloc-cost', '12 realloc-cost']);
    assert.equal(withRegionSuppressions(sites, '// nothing here\n'), sites, 'no regions: the same sites');
    assert.deepEqual(withRegionSuppressions([], REGIONS), [], 'no sites: none');
  });
});
