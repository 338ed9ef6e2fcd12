import { strict as assert } from 'node:assert';
import { sameLvalue, stripParensAndCasts, substituteParams } from '../../../src/core/analysis/c/substitute';

describe('C call sites: carrying expressions out of wrappers', () => {
  it('pastes macro arguments as the preprocessor does, members included', () => {
    assert.equal(substituteParams('(n) * sizeof(*(x)) + s.n', ['x', 'n'], ['list->items', 'a + 1'], true), '(a + 1) * sizeof(*(list->items)) + s.a + 1');
    assert.equal(substituteParams('f(__VA_ARGS__)', ['fmt'], ['"%d"', 'x', 'y'], true), 'f(x, y)');
  });

  it('parenthesises function arguments and leaves members and strings alone', () => {
    assert.equal(substituteParams('n * each + s->n', ['n', 'each'], ['a + 1', 'sizeof *p'], false), '(a + 1) * (sizeof *p) + s->n');
    assert.equal(substituteParams('"n" + n', ['n'], ['k'], false), '"n" + (k)');
  });

  it('strips casts and parentheses but keeps calls through a parenthesised name and binary operands', () => {
    assert.equal(stripParensAndCasts('((char *)(p))'), 'p');
    assert.equal(stripParensAndCasts('(void **)&p->label'), '&p->label');
    assert.equal(stripParensAndCasts('(f)(x)'), '(f)(x)');
    assert.equal(stripParensAndCasts('(a) & b'), '(a) & b');
    assert.equal(stripParensAndCasts('(a) + (b)'), '(a) + (b)');
  });

  it('compares lvalues ignoring spacing, parentheses and casts', () => {
    assert.ok(sameLvalue('s -> buf', '(s)->buf'));
    assert.ok(sameLvalue('p', '(char *)p'));
    assert.ok(!sameLvalue('s->buf', 's->old'));
  });
});
