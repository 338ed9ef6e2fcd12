import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { spelledInCode } from '../../../src/core/scan/codeSpelling';
import { namesPattern } from '../../../src/core/scan/prefilter';

const re = namesPattern(['realloc', 'grow']);
const whole = (text: string) => spelledInCode(text, { start: 0, end: text.length }, re);

/**
 * The reference: one character at a time, the way a C lexer reads comments and literals (a line
 * break ends a broken literal, a backslash at a line's end continues a line comment), with the
 * comments and literals blanked out; then the pattern over what is left of the item.
 */
function codeOnly(text: string, start: number, end: number): string {
  let out = '';
  let state: 'code' | 'block' | 'line' | 'str' | 'chr' = 'code';
  for (let i = start; i < end; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    if (state === 'code') {
      if (c === '/' && next === '*') { state = 'block'; out += '  '; i++; continue; }
      if (c === '/' && next === '/') { state = 'line'; out += '  '; i++; continue; }
      if (c === '"') state = 'str';
      else if (c === "'") state = 'chr';
      out += state === 'code' ? c : ' ';
    } else if (state === 'block') {
      if (c === '*' && next === '/') { state = 'code'; out += '  '; i++; continue; }
      out += ' ';
    } else if (state === 'line') {
      if (c === '\n') {
        let k = i - 1;
        if (text[k] === '\r') k--;
        if (text[k] !== '\\') { state = 'code'; out += '\n'; continue; }
      }
      out += ' ';
    } else {
      const quote = state === 'str' ? '"' : "'";
      if (c === '\\') { out += '  '; i++; continue; }
      if (c === quote) { state = 'code'; out += ' '; continue; }
      if (c === '\n') { state = 'code'; out += '\n'; continue; }
      out += ' ';
    }
  }
  return out;
}

describe('names spelled in code, not only in comments or literals', () => {
  it('tells code from comments, strings and character constants', () => {
    assert.equal(whole('void *f(void *p) { return realloc(p, 8); }'), true);
    assert.equal(whole('void f(void) { /* realloc here */ }'), false);
    assert.equal(whole('void f(void) { // realloc here\n}'), false);
    assert.equal(whole('void f(void) { // a comment \\\n realloc(p, 1); }'), false, 'a backslash continues the line comment');
    assert.equal(whole('void f(void) { puts("use realloc"); }'), false);
    assert.equal(whole('void f(void) { puts("a \\" realloc"); }'), false, 'an escaped quote stays in the string');
    assert.equal(whole(`void f(void) { char c = '"'; p = realloc(p, 2); }`), true, 'a quote in a character constant');
    assert.equal(whole('void f(void) { puts("broken\n realloc(p, 3); }'), true, 'a line break ends a broken literal');
    assert.equal(whole('void f(void) { /*x*/realloc(p, 4); }'), true);
    assert.equal(whole('void f(void) { /* realloc */ x = grow(y); }'), true);
    assert.equal(whole('void f(void) { reallocx(p); my_realloc(q); }'), false, 'whole words only');
  });

  it('looks inside the item only', () => {
    const text = 'int a; /* realloc */ void f(void) { g(); } realloc(p, 1);';
    const start = text.indexOf('void');
    const end = text.indexOf('}') + 1;
    assert.equal(spelledInCode(text, { start, end }, re), false);
    assert.equal(spelledInCode(text, { start, end: text.length }, re), true);
  });

  it('agrees with a character-at-a-time lexer on generated texts', () => {
    const piece = fc.constantFrom(
      'realloc', 'grow', 'x', '(p, n)', ';', ' ', '\n', '\r\n', '/*', '*/', '//', '"', "'", '\\', '\\\n', '*', '/', 'reallocs', '_grow', '{', '}',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.nat(), fc.nat(), (pieces, a, b) => {
        const text = pieces.join('');
        // An item starts after a character no word goes on from and ends where no word goes on
        // (the layout's items start at code after a separator and end at `;`, `}` or a line's end).
        const word = (i: number) => i >= 0 && i < text.length && /\w/.test(text[i]!);
        const starts = [...Array(text.length + 1).keys()].filter((i) => !word(i - 1));
        const start = starts[a % starts.length]!;
        const ends = [...Array(text.length + 1).keys()].filter((i) => i >= start && !word(i));
        const end = ends[b % ends.length]!;
        // An item starts at code (the layout's items do): the reference lexes from its start. A
        // name counts where it starts in the item (as the layout's itemsMatching places it).
        const blanked = text.slice(0, start) + codeOnly(text, start, text.length);
        const g = new RegExp(re.source, 'g');
        g.lastIndex = start;
        const m = g.exec(blanked);
        const expected = m !== null && m.index < end;
        assert.equal(spelledInCode(text, { start, end }, re), expected, JSON.stringify({ text, start, end }));
      }),
      { numRuns: 5000 },
    );
  });
});
