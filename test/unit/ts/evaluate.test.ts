// The size evaluator on snippets: each case states the value JavaScript itself would compute,
// or why the file cannot tell.
import { strict as assert } from 'node:assert';
import { analyzeTsFile } from '../../../src/core/analysis/ts';
import type { SizeValue } from '../../../src/core/types';

/** newSize of `instance.exports.realloc(p, <expr>)` placed after `decls`. */
function size(expr: string, decls = ''): SizeValue {
  const text = `${decls}\nexport function f(p: number, n: number) {\n  return instance.exports.realloc(p, ${expr});\n}\n`;
  const r = analyzeTsFile(text, 'eval.ts');
  assert.equal(r.sites.length, 1, JSON.stringify(r));
  return r.sites[0]!.newSize!;
}

describe('TS/JS sizes: evaluator', () => {
  const cases: [string, string, number][] = [
    ['4096', '', 4096],
    ['0x1000', '', 4096],
    ['0b1_0000_0000', '', 256],
    ['1_000_000', '', 1_000_000],
    ['1n << 20n', '', 1 << 20],
    ['PAGE * 4', 'const PAGE = 4096;', 16384],
    ['(HDR + ROWS * 8) | 0', 'const HDR = 16; const ROWS = 128;', 1040],
    ['2 ** 12 - 1', '', 4095],
    ['17 % 5 + (1 << 10) >> 1', '', 513],
    ['Math.max(SMALL, 3000)', 'const SMALL = 100;', 3000],
    ['Math.min(1 << 30, LIMIT)', 'const LIMIT = 65536;', 65536],
    ['Kind.C * 10', 'enum Kind { A, B, C }', 20],
    ['Kind.C', 'enum Kind { A = 5, B, C = B * 2 }', 12],
    ['Sizes.page * 2', 'const Sizes = { page: 4096 } as const;', 8192],
    ['arr.length * 8', 'const arr = [1, 2, 3];', 24],
    ['table.byteLength', 'const table = new Float64Array(100);', 800],
    ['Float32Array.BYTES_PER_ELEMENT * 10', '', 40],
    ['7 / 2', '', 3],
    ['LIMIT', 'let LIMIT = 10;', 10],
  ];
  for (const [expr, decls, bytes] of cases) {
    it(`${expr}${decls ? ` with ${decls}` : ''} = ${bytes}`, () => {
      const v = size(expr, decls);
      assert.equal(v.bytes, bytes, v.note);
      assert.equal(v.text, expr);
    });
  }

  const unknown: [string, string, RegExp][] = [
    ['n * 2', '', /`n` is a runtime value \(a parameter\)/],
    ['cap', 'let cap = 16; export function g() { cap *= 2; }', /`cap` is a runtime value \(assigned at run time\)/],
    ['data.length', 'declare const data: Uint8Array;', /`data.length` depends on the data/],
    ['SIZE', "import { SIZE } from './config';", /imported from '.\/config'/],
    ['fn()', 'function fn() { return 1; }', /computed at run time/],
    ['p > 1 ? 8 : 16', '', /depends on a condition/],
    ['-1', '', /outside 0/],
    ['Kind.Z', 'enum Kind { A }', /no member `Z`/],
  ];
  for (const [expr, decls, why] of unknown) {
    it(`${expr} stays unknown, saying why`, () => {
      const v = size(expr, decls);
      assert.equal(v.bytes, null);
      assert.match(v.note, why);
    });
  }

  it('multiplies typed-array lengths by the element size', () => {
    const r = analyzeTsFile('export function g(old: Float64Array) {\n  let data = old;\n  const next = new Float64Array(ROWS);\n  next.set(data);\n  data = next;\n  return data;\n}\nconst ROWS = 300;\n', 'a.ts');
    assert.equal(r.sites[0]?.newSize?.bytes, 2400);
    assert.match(r.sites[0]!.newSize!.note, /300 elements × 8 bytes \(Float64Array\)/);
  });

  it('a const that refers to itself is unknown, not a hang', () => {
    const v = size('A', 'const A = B; const B = A;');
    assert.equal(v.bytes, null);
  });

  it('reads mremap flags by number and by name', () => {
    const r = analyzeTsFile("const lib = ffi.Library('libc', { mremap: [] });\nconst MREMAP_FIXED = 2;\nlib.mremap(p, 1, 2, 1);\nlib.mremap(p, 1, 2, MREMAP_FIXED | 1);\nlib.mremap(p, 1, 2, MREMAP_DONTUNMAP);\nlib.mremap(p, 1, 2, flags);\n", 'f.js');
    assert.deepEqual(r.sites.map((s) => s.flags), [['MREMAP_MAYMOVE'], ['MREMAP_MAYMOVE', 'MREMAP_FIXED'], ['MREMAP_DONTUNMAP'], null]);
  });
});
