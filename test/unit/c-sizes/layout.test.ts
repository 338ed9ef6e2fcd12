// Expected sizes worked out by hand from the x86-64 System V psABI (LP64) and the i386
// System V psABI (ILP32, as Linux uses it: double/long long 4-aligned in structs, long double 12).
import { strict as assert } from 'node:assert';
import { evaluateSizeText } from '../../../src/core/analysis/c/evaluate';
import { bytesOf, sizeOf, snippet } from './helpers';

const ILP32 = { options: { target: 'ilp32' as const } };

describe('C sizes: sizeof of types and layouts', () => {
  const basic: [string, number, number][] = [
    ['char', 1, 1],
    ['signed char', 1, 1],
    ['unsigned char', 1, 1],
    ['short', 2, 2],
    ['unsigned short int', 2, 2],
    ['int', 4, 4],
    ['unsigned', 4, 4],
    ['long', 8, 4],
    ['unsigned long', 8, 4],
    ['long int', 8, 4],
    ['long long', 8, 8],
    ['unsigned long long int', 8, 8],
    ['float', 4, 4],
    ['double', 8, 8],
    ['long double', 16, 12],
    ['_Bool', 1, 1],
    ['bool', 1, 1],
    ['void *', 8, 4],
    ['char **', 8, 4],
    ['int (*)(int)', 8, 4],
    ['size_t', 8, 4],
    ['ssize_t', 8, 4],
    ['off_t', 8, 4],
    ['ptrdiff_t', 8, 4],
    ['intptr_t', 8, 4],
    ['uintptr_t', 8, 4],
    ['int8_t', 1, 1],
    ['uint16_t', 2, 2],
    ['int32_t', 4, 4],
    ['uint64_t', 8, 8],
    ['int64_t', 8, 8],
    ['const unsigned long', 8, 4],
  ];
  for (const [type, lp64, ilp32] of basic) {
    it(`sizeof(${type}) = ${lp64} (LP64), ${ilp32} (ILP32)`, async () => {
      assert.equal(await bytesOf(`sizeof(${type})`), lp64);
      assert.equal(await bytesOf(`sizeof(${type})`, '', ILP32), ilp32);
    });
  }

  const structs: [string, string, number, number][] = [
    ['char then double', 'struct s { char c; double d; };', 16, 12],
    ['char then long long', 'struct s { char c; long long d; };', 16, 12],
    ['tail padding', 'struct s { int i; char c; };', 8, 8],
    ['pointer and int', 'struct s { void *p; int n; };', 16, 8],
    ['size_t pair', 'struct s { size_t len; size_t cap; char *data; };', 24, 12],
    ['short after char', 'struct s { char a; short b; char c; };', 6, 6],
    ['nested struct', 'struct in { char c; int i; }; struct s { char a; struct in x; char b; };', 16, 16],
    ['array member', 'struct s { char name[13]; int id; };', 20, 20],
    ['2-D array member', 'struct s { short m[3][5]; };', 30, 30],
    ['long double member', 'struct s { char c; long double x; };', 32, 16],
    ['union', 'union s { char c[5]; int i; };', 8, 8],
    ['union with double', 'union s { char c; double d; };', 8, 8],
    ['flexible array member', 'struct s { int n; double items[]; };', 8, 4],
    ['anonymous inner union', 'struct s { int kind; union { long l; char c; }; };', 16, 8],
    ['packed', 'struct __attribute__((packed)) s { char c; int i; };', 5, 5],
    ['aligned', 'struct __attribute__((aligned(16))) s { int i; };', 16, 16],
    ['bit-fields in one int', 'struct s { unsigned a : 3; unsigned b : 5; unsigned c : 20; };', 4, 4],
    ['bit-fields spilling', 'struct s { unsigned a : 30; unsigned b : 4; };', 8, 8],
    ['char bit-fields', 'struct s { char a : 4; char b : 4; char c : 1; };', 2, 2],
    ['enum member', 'enum color { RED, GREEN }; struct s { char c; enum color k; };', 8, 8],
  ];
  for (const [name, decl, lp64, ilp32] of structs) {
    it(`${name}: ${lp64} (LP64), ${ilp32} (ILP32)`, async () => {
      const tag = decl.includes('union s') ? 'union s' : 'struct s';
      assert.equal(await bytesOf(`sizeof(${tag})`, decl), lp64);
      assert.equal(await bytesOf(`sizeof(${tag})`, decl, ILP32), ilp32);
    });
  }

  it('reads a struct, enum or union defined inside another one, at any depth, and one alone', async () => {
    const prelude = [
      'struct outer { long a; struct inner { char c[12]; } in; union { int i; struct deep { long d[3]; } dp; } u; };',
      'typedef struct { enum colour { RED, GREEN = 40 } c; } painted_t;',
      'struct solo { short s; };',
      'struct spaced /* { */ { int x; struct tail { char t[5]; } tl; };',
    ].join('\n');
    assert.equal(await bytesOf('sizeof(struct inner)', prelude), 12);
    assert.equal(await bytesOf('sizeof(struct deep)', prelude), 24);
    assert.equal(await bytesOf('sizeof(struct outer)', prelude), 8 + 16 + 24);
    assert.equal(await bytesOf('GREEN + sizeof(enum colour)', prelude), 44);
    assert.equal(await bytesOf('sizeof(struct solo)', prelude), 2);
    assert.equal(await bytesOf('sizeof(struct tail)', prelude), 5);
  });

  it('follows typedef chains, including typedefs of anonymous structs and pointers', async () => {
    const prelude = `
      typedef struct { char c; double d; } pair_t;
      typedef pair_t pair2;
      typedef pair2 *pair_ptr;
      typedef unsigned long word;
      typedef word words[4];`;
    assert.equal(await bytesOf('sizeof(pair2)', prelude), 16);
    assert.equal(await bytesOf('sizeof(pair_ptr)', prelude), 8);
    assert.equal(await bytesOf('sizeof(words)', prelude), 32);
    assert.equal(await bytesOf('sizeof(words)', prelude, ILP32), 16);
    assert.equal(await bytesOf('sizeof(pair2[3])', prelude), 48);
  });

  it('arrays: length from a #define or enum, nested arrays, arrays of pointers', async () => {
    const prelude = '#define N 10\nenum { M = 3 };\nstruct s { int a[N]; char *names[M]; };';
    assert.equal(await bytesOf('sizeof(struct s)', prelude), 40 + 24);
    assert.equal(await bytesOf('sizeof(int[N][M])', prelude), 120);
    assert.equal(await bytesOf('sizeof(char *[4])', prelude), 32);
    assert.equal(await bytesOf('sizeof(char (*)[4])', prelude), 8);
  });

  it('struct defined in a header', async () => {
    const v = await sizeOf('16 * sizeof(struct node)', '#include "node.h"', {
      headers: { 'node.h': 'struct node { struct node *next; int key; };' },
    });
    assert.equal(v.bytes, 256);
    assert.equal(v.note, 'sizeof(struct node) = 16 (LP64); 16 * 16 = 256');
  });

  it('a pointer to a type the scan cannot see still has a size', async () => {
    assert.equal(await bytesOf('n0 * 0 + sizeof(FTSENTRY *)', 'enum { n0 };'), 8);
    assert.equal(await bytesOf('4 * sizeof(struct opaque **)', '', ILP32), 16);
    assert.equal(await bytesOf('(size_t)(3 * sizeof(unseen_t *))'), 24);
  });

  it('a struct with no visible definition is unknown, and says so', async () => {
    const v = await sizeOf('2 * sizeof(struct foo)', 'struct foo;');
    assert.equal(v.bytes, null);
    assert.match(v.note, /`struct foo` has no visible definition/);
  });

  it('a struct whose members depend on #if is unknown, and says why', async () => {
    const v = await sizeOf('sizeof(struct s)', 'struct s {\n int a;\n#ifdef DEBUG\n int b;\n#endif\n};');
    assert.equal(v.bytes, null);
    assert.match(v.note, /#if/);
  });

  it('offsetof: members, nested members, array elements, anonymous members, a hand-written macro', async () => {
    const prelude = `
      #define offsetof(t, m) ((size_t)&((t *)0)->m)
      struct in { char c; int v[4]; };
      struct s { char tag; double d; struct in inner; union { short x; long y; }; char items[]; };`;
    assert.equal(await bytesOf('offsetof(struct s, d)', prelude), 8);
    assert.equal(await bytesOf('offsetof(struct s, d)', prelude, ILP32), 4);
    // tree-sitter-c's offsetof_expression takes one member name, so a path goes in as text.
    const s = await snippet(`${prelude}\nvoid *f(void *p) { return realloc(p, 1); }`);
    assert.equal(evaluateSizeText('offsetof(struct s, inner.v[2])', s.scope).bytes, 16 + 4 + 8);
    assert.equal(await bytesOf('offsetof(struct s, y)', prelude), 40);
    assert.equal(await bytesOf('offsetof(struct s, items)', prelude), 48);
    const v = await sizeOf('offsetof(struct s, items) + 10', prelude);
    assert.equal(v.bytes, 58);
    assert.equal(v.note, 'offsetof(struct s, items) = 48 (LP64); 48 + 10 = 58');
    const missing = await sizeOf('offsetof(struct s, nope)', prelude);
    assert.equal(missing.bytes, null);
    assert.match(missing.note, /has no member `nope`/);
  });

  it('sizeof of an expression type: literals and strings', async () => {
    assert.equal(await bytesOf('sizeof 1'), 4);
    assert.equal(await bytesOf('sizeof 1L'), 8);
    assert.equal(await bytesOf('sizeof 1L', '', ILP32), 4);
    assert.equal(await bytesOf('sizeof 3000000000'), 8);
    assert.equal(await bytesOf('sizeof "abc"'), 4);
    assert.equal(await bytesOf("sizeof 'x'"), 4);
    assert.equal(await bytesOf('_Alignof(double)', '', ILP32), 4);
  });

  it('every spelling of alignof takes a type; one of an expression is said to be unsupported', async () => {
    for (const op of ['_Alignof', 'alignof', '__alignof__', '__alignof']) {
      assert.equal(await bytesOf(`${op}(long)`), 8, op);
      assert.match((await sizeOf(`${op}(n)`)).note, /of an expression is not supported/, op);
    }
    // A name that only starts like one is a value.
    assert.match((await sizeOf('alignof_x(long)')).note, /alignof_x/);
  });
});
