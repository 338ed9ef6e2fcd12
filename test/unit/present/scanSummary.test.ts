import { strict as assert } from 'node:assert';
import { scanSummary } from '../../../src/core/present/scanSummary';
import type { Finding, Severity } from '../../../src/core/types';

const f = (rule: string, severity: Severity) => ({ rule, severity }) as unknown as Finding;

describe('present: the summary of Scan the workspace', () => {
  it('counts by severity and by rule (most frequent first), files, problems and time', () => {
    const s = scanSummary([f('realloc-cost', 'hint'), f('realloc-cost', 'hint'), f('realloc-leak-on-failure', 'warning'), f('mremap-cost', 'info')], 992, 2, 1934);
    assert.deepEqual(s.bySeverity, { hint: 2, warning: 1, info: 1 });
    assert.deepEqual(s.byRule, [['realloc-cost', 2], ['mremap-cost', 1], ['realloc-leak-on-failure', 1]]);
    assert.equal(s.text, '4 findings in 992 files (1 warning, 1 info, 2 hints; realloc-cost 2, mremap-cost 1, realloc-leak-on-failure 1), 1.9 s. 2 file problems: see the output. Hints stay out of the Problems panel (pagecost.problems.includeHints).');
    assert.doesNotMatch(scanSummary([f('realloc-cost', 'hint')], 1, 0, 20, true).text, /Hints stay out/);
  });
  it('nothing found; many rules are cut after four', () => {
    assert.equal(scanSummary([], 3, 0, 40).text, '0 findings in 3 files, 40 ms.');
    const many = ['a', 'b', 'c', 'd', 'e'].map((r) => f(r, 'warning'));
    assert.match(scanSummary(many, 5, 0, 1).text, /a 1, b 1, c 1, d 1, …\)/);
  });
});
