import { strict as assert } from 'node:assert';
import { createCParser } from '../../src/core/analysis/c/parser';
import { WARM_UP_C } from '../../src/core/analysis/c/warmUp';
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

  it('warms up on a text that parses cleanly (the common paths, not error recovery) and covers the usual C', async () => {
    const parser = await createCParser(grammarFiles);
    const tree = parser.parse(WARM_UP_C)!;
    try {
      assert.equal(tree.rootNode.hasError, false);
      const kinds = new Set<string>();
      const walk = tree.rootNode.walk();
      for (let more = true; more; ) {
        kinds.add(walk.nodeType);
        if (walk.gotoFirstChild()) continue;
        while (!walk.gotoNextSibling()) if (!walk.gotoParent()) { more = false; break; }
      }
      for (const k of ['preproc_include', 'preproc_function_def', 'preproc_if', 'enum_specifier', 'struct_specifier', 'union_specifier', 'type_definition', 'function_definition',
        'for_statement', 'while_statement', 'do_statement', 'switch_statement', 'goto_statement', 'conditional_expression', 'cast_expression', 'sizeof_expression',
        'initializer_list', 'comment', 'string_literal', 'char_literal', 'number_literal']) {
        assert.ok(kinds.has(k), `the warm-up text has no ${k}`);
      }
    } finally {
      tree.delete();
    }
  });
});
