import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Node } from 'web-tree-sitter';
import {
  classifyGrowth, defaultSizeOptions, evaluateMremapFlags, evaluateSize, evaluateSizeKept, evaluateText, type Scope,
} from '../../../src/core/analysis/c/evaluate';
import { collectSymbols, type FileSymbols } from '../../../src/core/analysis/c/symbols';
import { cParser } from './helpers';

const emptyFile: FileSymbols = { file: 'p.c', macros: new Map(), enums: new Map(), includes: [], types: new Map() };
const emptyScope: Scope = { file: emptyFile, headers: [], options: defaultSizeOptions };

/** An expression as text and its value by JS BigInt arithmetic (null: C says it has none). */
interface Gen {
  text: string;
  value: bigint | null;
}

const literal: fc.Arbitrary<Gen> = fc
  .tuple(fc.bigInt(0n, (1n << 40n) - 1n), fc.constantFrom('dec', 'hex', 'oct', 'bin'), fc.constantFrom('', 'u', 'L', 'UL', 'll', 'ULL'))
  .map(([v, form, suffix]) => {
    const digits = form === 'hex' ? '0x' + v.toString(16) : form === 'oct' ? '0' + v.toString(8) : form === 'bin' ? '0b' + v.toString(2) : v.toString();
    return { text: digits + suffix, value: v };
  });

const BINOPS = ['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^'] as const;

function combine(op: (typeof BINOPS)[number], a: Gen, b: Gen): Gen {
  const text = `(${a.text} ${op} ${b.text})`;
  if (a.value === null || b.value === null) return { text, value: null };
  const x = a.value;
  const y = b.value;
  switch (op) {
    case '+': return { text, value: x + y };
    case '-': return { text, value: x - y };
    case '*': return { text, value: x * y };
    case '/': return { text, value: y === 0n ? null : x / y };
    case '%': return { text, value: y === 0n ? null : x % y };
    case '<<': return { text, value: y < 0n || y > 4096n ? null : x << y };
    case '>>': return { text, value: y < 0n || y > 4096n ? null : x >> y };
    case '&': return { text, value: x & y };
    case '|': return { text, value: x | y };
    case '^': return { text, value: x ^ y };
  }
}

const { expr } = fc.letrec<{ expr: Gen }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fc.tuple(fc.constantFrom(...BINOPS), tie('expr'), tie('expr')).map(([op, a, b]) => combine(op, a, b)),
    tie('expr').map((a) => ({ text: `-(${a.text})`, value: a.value === null ? null : -a.value })),
    tie('expr').map((a) => ({ text: `~(${a.text})`, value: a.value === null ? null : ~a.value })),
  ),
}));

describe('C sizes: properties', () => {
  it('arithmetic on literals evaluates the same as BigInt arithmetic', () => {
    fc.assert(
      fc.property(expr, (g) => {
        const r = evaluateText(g.text, emptyScope);
        if (g.value === null) {
          assert.equal(r.value.ok, false, `${g.text} should have no value`);
        } else if (g.value > -(1n << 4096n) && g.value < 1n << 4096n) {
          assert.ok(r.value.ok, `${g.text}: ${r.value.ok ? '' : r.value.why}`);
          assert.equal(r.value.v, g.value, g.text);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary text parsed as C, and bytes are always null or a safe non-negative integer', async () => {
    const parser = await cParser();
    const header = collectSymbols(parser.parse('#define A B\n#define B A\n#define F(x) F(x) + 1\n#define K 1024\n')!.rootNode, 'h.h');
    const piece = fc.constantFrom(
      'sizeof', '(', ')', '*', '+', '<<', '?', ':', ',', 'p', 'n', 'K', 'A', 'F', 'PAGE_SIZE', 'struct s', 'int', 'long',
      '0x10', '1ULL', "'c'", '"s"', '[', ']', '->', '.', '#', '##', '\\', '/*', '*/', '{', '}', ';', '=', 'sysconf', '_SC_PAGESIZE', '-', '/', '0',
    );
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.array(piece, { maxLength: 24 }).map((a) => a.join(' ')));
    fc.assert(
      fc.property(text, (arg) => {
        const src = `struct s { int a; char *b; };\nvoid f(struct s *p, long n) { p = realloc(p, ${arg}); }`;
        const tree = parser.parse(src)!;
        const scope: Scope = { file: collectSymbols(tree.rootNode, 'f.c'), headers: [header], options: defaultSizeOptions };
        const nodes = tree.rootNode.descendantsOfType(['argument_list']).flatMap((a) => a!.namedChildren).filter((c): c is Node => !!c);
        for (const node of nodes) {
          const v = evaluateSize(node, scope);
          assert.ok(v.bytes === null || (Number.isSafeInteger(v.bytes) && v.bytes >= 0), `${arg}: ${v.bytes}`);
          assert.equal(typeof v.note, 'string');
          assert.ok(v.note.length > 0);
          evaluateMremapFlags(node, scope);
          const kept = evaluateSizeKept(node, scope);
          assert.deepEqual(kept.size, v);
          assert.equal(classifyGrowth(node, scope, kept.kept ?? undefined), classifyGrowth(node, scope), `${arg}: growth from the kept evaluation`);
        }
        const direct = evaluateText(arg, scope);
        assert.ok(direct.value.ok || direct.value.why.length > 0);
        tree.delete();
      }),
      { numRuns: 300 },
    );
  });
});
