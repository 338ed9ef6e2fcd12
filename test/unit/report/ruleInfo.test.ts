import { strict as assert } from 'node:assert';
import { ALL_RULES } from '../../../src/core/advice/index';
import { ruleInfo } from '../../../src/core/report/rules';

describe('rule descriptions for SARIF and --help', () => {
  it('every rule the advice can raise has its own words, not the generic fallback', () => {
    const generic = ALL_RULES.filter((id) => ruleInfo(id).full.startsWith('pagecost rule `'));
    assert.deepEqual(generic, [], `add these ids to src/core/report/rules.ts: ${generic.join(', ')}`);
  });

  it('an unknown id still gets a usable entry', () => {
    const r = ruleInfo('some-new-rule');
    assert.equal(r.name, 'SomeNewRule');
    assert.match(r.full, /docs\/RULES\.md/);
  });
});
