// The text guards of a header's lookups (lazySymbols.ts): each says "maybe" for every name its map
// can hold. Read from the words the text spells rather than by regexes tried at every position —
// with the answers of those regexes, which a missed name would silently turn into "unknown" sizes.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { constNames, definedNames, definedTypes, enumWords } from '../../../src/core/scan/lazySymbols';
import { directiveOperands, projectIncludes } from '../../../src/core/scan/paths';
import { fileLayout, functionBodies, layoutBodies, nextInBody, wordIndex, type Body } from '../../../src/core/scan/regions';
import { treeSitterText } from '../../../src/core/analysis/c/treeText';

/** What constNames answered with one lazy regex per stretch between bodies. */
function constNamesByRegex(text: string, bodies: Body[] | null): Set<string> {
  const out = new Set<string>();
  let at = 0;
  for (const b of [...(bodies ?? []), { start: text.length, end: text.length }]) {
    for (const m of text.slice(at, b.start).matchAll(/\bconst\b[^;={}()]*?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?=(?!=)/g)) out.add(m[1]!);
    at = b.end;
  }
  return out;
}

/** What definedTypes answered with a regex for the tags and one for `typedef`. */
function definedTypesByRegex(text: string): Set<string> {
  const out = new Set(Array.from(text.matchAll(/\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{/g), (m) => `${m[1]} ${m[2]}`));
  for (const m of text.matchAll(/\btypedef\b/g)) {
    let depth = 0;
    let end = m.index + 7;
    for (; end < text.length; end++) {
      const c = text[end];
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') depth--;
      else if (c === ';' && depth <= 0) break;
    }
    const decl = text.slice(m.index + 7, end);
    for (const f of decl.matchAll(/\(\s*\*\s*([A-Za-z_]\w*)\s*\)/g)) out.add(f[1]!);
    let flat = '';
    let level = 0;
    for (const c of decl) {
      if (c === '{' || c === '[') level++;
      else if (c === '}' || c === ']') level--;
      else if (level === 0) flat += c;
    }
    for (const n of flat.replace(/\([^()]*\)/g, ' ').matchAll(/([A-Za-z_]\w*)\s*(?=,|$)/g)) out.add(n[1]!);
  }
  return out;
}

const sorted = (s: Set<string>) => [...s].sort();

describe('header lookup guards', () => {
  it('names the const objects with an initializer outside function bodies, and nothing else', () => {
    const text = [
      'static const size_t CHUNK = 4096;',
      'const char *const names[] = { "a" };',
      'const int grid [ 4 ]\t= { 0 };',
      'int f(const int e) { const int local = 2; return e; }',
      'const int cmp == 1;', // a comparison, no initializer
      'const int twice[2][2] = { 0 };', // two brackets: the regex never read these
      'xconst int glued = 1;',
      'const int spaced\u00a0= 1;', // \s includes the no-break space
      'const_t notkw = 1;',
      'const struct pool *const shared = &p; const long tail = 1;',
      'const',
    ].join('\n');
    const bodies = functionBodies(text);
    assert.deepEqual(sorted(constNames(text, bodies)), ['CHUNK', 'grid', 'names', 'shared', 'spaced', 'tail']);
    assert.deepEqual(sorted(constNames(text, bodies)), sorted(constNamesByRegex(text, bodies)));
    // Without bodies (braces that do not balance), the whole text is one stretch.
    assert.ok(constNames(text, null).has('local'));
  });

  it('constNames answers as the lazy regex did on any text and bodies (property)', () => {
    const piece = fc.constantFrom(
      'const', 'static', 'int', 'char', '*', 'x', 'y1', '_N', '=', '==', '[', ']', '4', ';', '{', '}', ',', '(', ')', 'constx', 'xconst',
      ' ', '\t', '\n', '\u00a0', '\u2028', 'é', 'const int z = 1;', 'static const long w[] =', 'f(void) { const int q = 2; }',
      'const a[', '] =', 'const b ', '= 1', '=',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 4 }), (parts, cuts) => {
        const text = parts.join('');
        // The text's own bodies, and made-up ones: stretches that end mid-word or mid-match.
        const made = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const bodies: Body[] = [];
        for (let k = 0; k + 1 < made.length; k += 2) bodies.push({ start: made[k]!, end: made[k + 1]!, inline: false });
        for (const b of [functionBodies(text), bodies, null]) assert.deepEqual(sorted(constNames(text, b)), sorted(constNamesByRegex(text, b)), JSON.stringify({ text, b }));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads directive names and include operands as the multi-line regexes did on any text (property)', () => {
    const piece = fc.constantFrom(
      '#', '##', ' ', '\t', '\n', '\r', '\u2028', 'define', 'include', 'defined', 'A', '_b1', '9', '"', '<', '>', '/', 'x.h', 'd/y.h',
      '#define N 1\n', '  #  include "z.h"\n', '#include <s/t.h>\n', '/* #define C */',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const defines = new Set(Array.from(text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm), (m) => m[1]!));
        assert.deepEqual(sorted(definedNames(text)), sorted(defines), JSON.stringify(text));
        const operands = Array.from(text.matchAll(/^[ \t]*#[ \t]*include[ \t]*/gm), (m) => m.index + m[0].length);
        assert.deepEqual(Array.from(directiveOperands(text, 'include'), (d) => d.at), operands, JSON.stringify(text));
        const quoted = Array.from(text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm), (m) => m[1]!);
        const angle = Array.from(text.matchAll(/^[ \t]*#[ \t]*include[ \t]*<([^>\n]+\/[^>\n]+)>/gm), (m) => `<${m[1]!.trim()}`);
        assert.deepEqual(projectIncludes(text), [...quoted, ...angle], JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the type names a text defines as the regexes did on any text (property)', () => {
    const piece = fc.constantFrom(
      'struct', 'union', 'enum', 'typedef', 'xstruct', 'enumx', ' ', '\t', '\n', '\u00a0', '\u2028', 'a', '_b2', '9c', '{', '}', '(', ')', '[', ']',
      '*', ',', ';', '/* c */', 'typedef struct s { int x; } s_t;', 'typedef int (*fn)(void);', 'struct t {', 'enum e {',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(sorted(definedTypes(text)), sorted(definedTypesByRegex(text)), JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a name where it stands whole, as `\\bNAME\\b` does, from any index (property)', () => {
    assert.equal(wordIndex('conn_open(conn *c)', 'conn', 0), 10);
    assert.equal(wordIndex('conn', 'conn', 0), 0);
    assert.equal(wordIndex('xconn conn2', 'conn', 0), -1);
    const piece = fc.constantFrom('conn', 'con', 'n', '_', '1', ' ', '*', '(', ')', '\n', 'é', 'conn_t');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.nat(), fc.constantFrom('conn', 'n', 'conn_t'), (parts, from, word) => {
        const text = parts.join('');
        const at = from % (text.length + 1);
        const re = new RegExp(`\\b${word}\\b`, 'g');
        re.lastIndex = at;
        assert.equal(wordIndex(text, word, at), re.exec(text)?.index ?? -1, JSON.stringify({ text, at, word }));
      }),
      { numRuns: 3000 },
    );
  });

  it('steps through a body to the next quote, slash or brace, or the line break before a directive (property)', () => {
    // What the scanners' loops need to see of a body: every line break stopped there before.
    const reference = (text: string, from: number) => {
      for (let j = from; j < text.length; j++) {
        if ('"\'/{}'.includes(text[j]!)) return j;
        if (text[j] === '\n' && /^[\t\n\v\f\r ]*#/.test(text.slice(j + 1))) return j;
      }
      return text.length;
    };
    assert.equal(nextInBody('a = b;\n  c = d;\n}', 0), 16);
    assert.equal(nextInBody('a = b;\n \t\n  #if X\n}', 0), 6);
    assert.equal(nextInBody('x = 1;', 0), 6);
    const piece = fc.constantFrom('a', 'x_1', ' ', '\t', '\r', '\f', '\v', '\n', '#', '"', "'", '/', '*', '{', '}', '(', ';', 'é', '\\');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.nat(), (parts, from) => {
        const text = parts.join('');
        const at = from % (text.length + 1);
        assert.equal(nextInBody(text, at), reference(text, at), JSON.stringify({ text, at }));
      }),
      { numRuns: 3000 },
    );
  });

  it('still reads a directive inside a body as one line, after blank lines too: its braces are not counted', () => {
    const text = 'int f(void)\n{\n  int a = 1;\n\n \t\n  #define OPEN {\n  return a;\n}\nint g;\n';
    assert.deepEqual(functionBodies(text)?.length, 1);
    assert.deepEqual(fileLayout(text)?.items.map((r) => text.slice(r.start, r.end).split('\n')[0]), ['int f(void)', 'int g;']);
    const continued = 'void g(void) {\n  x = 1;\n  #define M(a) \\\n    { a; /* c */ \\\n    }\n}\n';
    assert.notEqual(treeSitterText(continued), continued, 'the comment in the continued directive is blanked');
    assert.equal(functionBodies(continued)?.length, 1);
  });

  it('finds in the layout pass the function bodies functionBodies finds, inline flags too, on any text (property)', () => {
    const text = '#define F(x) { x }\nstatic inline int twice(int n) { return 2 * n; }\nstruct s { int a; };\n/* inline */ int f(void)\n{ if (1) { } }\nint g;\n';
    const bodies = functionBodies(text)!;
    assert.deepEqual(bodies.map((b) => b.inline), [true, true]);
    assert.deepEqual(layoutBodies(text, fileLayout(text)), bodies);
    const { items, fixed } = fileLayout(text)!;
    assert.deepEqual(layoutBodies(text, { items, fixed }), bodies, 'a layout without its bodies asks functionBodies');
    assert.equal(layoutBodies('int f() {', fileLayout('int f() {')), null);
    // The inline test reads from the last `;`, `}` or directive line before the body.
    const after = 'static inline int g(void);\nint f(void) { }\nstatic inline\n#if X\n#endif\nint h(void) { }\n';
    assert.deepEqual(functionBodies(after)!.map((b) => b.inline), [false, false]);
    assert.deepEqual(layoutBodies(after, fileLayout(after)), functionBodies(after));
    const piece = fc.constantFrom('int f(void)', 'static inline ', '__inline__ ', ')', '(', '{', '}', ';', ' ', '\n', '\n#if X\n', '\n#define D {\n', '"{"', "'}'", '/* { */', '// }\n', 'x = 1;', 'struct s ', '=', 'int f(void) { }', 'inline int g(void);');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const t = parts.join('');
        assert.deepEqual(layoutBodies(t, fileLayout(t)), functionBodies(t), JSON.stringify(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the words of enum bodies as the regex did on any text (property)', () => {
    const byRegex = (text: string) => {
      const out = new Set<string>();
      for (const m of text.matchAll(/\benum\b[^;{}()]*\{/g)) {
        const end = text.indexOf('}', m.index + m[0].length);
        for (const w of text.slice(m.index + m[0].length, end < 0 ? text.length : end).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) out.add(w);
      }
      return out;
    };
    const text = 'enum e { A, B = 2 };\nenum f;\nxenum { C };\nenum a enum { D };\nenum (x) { E };\nenumx { F };';
    assert.deepEqual(sorted(enumWords(text)), ['A', 'B', 'D']);
    assert.deepEqual(sorted(enumWords(text)), sorted(byRegex(text)));
    const piece = fc.constantFrom('enum', 'xenum', 'enumx', ' ', '\n', 'A', 'b_1', '9', '{', '}', '(', ')', ';', ',', '=', 'enum e { X, Y };');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(sorted(enumWords(text)), sorted(byRegex(text)), JSON.stringify(text));
      }),
      { numRuns: 3000 },
    );
  });
});
