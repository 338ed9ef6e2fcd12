// File-level constants (sizeOrigin.ts fileConstants): read from each line that spells `define` or
// `const` rather than by multi-line regexes tried at every position — with the same answers.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { fileConstants } from '../../../src/core/analysis/c/sizeOrigin';

/** What the multi-line regexes said: the answers the text-driven reading must keep. */
function byRegex(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)/gm)) names.add(m[1]!);
  for (const m of text.matchAll(/\benum\b[^{;()]*\{([^}]*)\}/g)) {
    for (const e of m[1]!.split(',')) {
      const id = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([A-Za-z_]\w*)/.exec(e);
      if (id) names.add(id[1]!);
    }
  }
  for (const m of text.matchAll(/^(?:static[ \t]+)?const[ \t]+[\w \t*]*?\b([A-Za-z_]\w*)[ \t]*(?:\[[^\]]*\])?[ \t]*=/gm)) names.add(m[1]!);
  return names;
}

function agree(text: string): void {
  const is = fileConstants(text);
  const want = byRegex(text);
  for (const w of new Set(text.match(/[A-Za-z_]\w*/g) ?? [])) assert.equal(is(w), want.has(w), `${JSON.stringify(text)}: ${w}`);
}

describe('file constants', () => {
  it('#define names, enumerators and const objects of lines that start with them', () => {
    const text = [
      '#define A 1', '  #  define B', 'static const size_t C = 4;', 'const char *const D[] = { "x" };', 'int f(const int e) { const int F = 2; return e; }',
      '  const int G = 3;', 'x const int H = 1;', 'const int I[\n4] = { 0 }; const int J = 1;', 'static  const long K\t=\t5;', 'enum { L, /* c */ M = 2 };',
      'const int N\r= 1;', 'x\u2028const int O = 1;', 'const int P;',
      // A match whose `[…]` runs over a line: the line inside it starts no match of its own.
      'const int R[', 'const int S = 1] = { 0 };',
    ].join('\n');
    const is = fileConstants(text);
    const yes = ['A', 'B', 'C', 'D', 'L', 'M', 'K', 'I', 'O', 'R'];
    const no = ['e', 'F', 'G', 'H', 'J', 'N', 'P', 'S', 'f', 'x'];
    assert.deepEqual(yes.filter((n) => !is(n)), []);
    assert.deepEqual(no.filter((n) => is(n)), []);
    agree(text);
  });

  it('answers as the multi-line regexes did on any text (property)', () => {
    const piece = fc.constantFrom(
      'const', 'static', 'int', 'char', '*', 'x', 'y', 'N', '=', '==', '[', ']', '4', ';', '{', '}', ',', '(', ')', '#', 'define',
      'enum', ' ', '\t', '\n', '\r', '\u2028', '/*', '*/', 'const int z = 1;', '#define Q 2', 'static const long w[] =',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => agree(parts.join(''))),
      { numRuns: 2000 },
    );
  });
});
