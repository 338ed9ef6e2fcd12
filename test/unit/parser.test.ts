import { strict as assert } from 'node:assert';
import { createCParser } from '../../src/core/analysis/c/parser';
import { grammarFiles } from '../support/grammar';

describe('C grammar loading', () => {
  it('parses a realloc call into a call_expression', async () => {
    const parser = await createCParser(grammarFiles);
    const tree = parser.parse('void f(char *p) { p = realloc(p, 8); }');
    assert.ok(tree);
    const calls = tree.rootNode.descendantsOfType('call_expression');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.childForFieldName('function')?.text, 'realloc');
  });
});
