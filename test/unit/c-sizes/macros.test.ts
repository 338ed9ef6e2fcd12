import { strict as assert } from 'node:assert';
import { cleanMacroBody, collectSymbols } from '../../../src/core/analysis/c/symbols';
import { bytesOf, cParser, sizeOf } from './helpers';

describe('C sizes: macros and enums', () => {
  it('object-like defines from the same file', async () => {
    const prelude = '#define CHUNK 64\n#define MAXLEN (CHUNK * 4) /* bytes */';
    assert.equal(await bytesOf('MAXLEN', prelude), 256);
    assert.equal(await bytesOf('MAXLEN + CHUNK', prelude), 320);
  });

  it('defines from an included header passed as scope.headers, and the note names the file', async () => {
    const v = await sizeOf('BUF_SIZE * 2', '#include "config.h"', {
      headers: { 'config.h': '#ifndef CONFIG_H\n#define CONFIG_H\n#define BUF_SIZE 8192\n#endif\n' },
    });
    assert.equal(v.bytes, 16384);
    assert.equal(v.note, 'BUF_SIZE = 8192 (#define, config.h:3); 8192 * 2 = 16384');
  });

  it('the file itself wins over its headers; nearer headers win over farther ones', async () => {
    const headers = { 'a.h': '#define N 1\n#define M 10', 'b.h': '#define N 2\n#define M 20\n#define K 30' };
    assert.equal(await bytesOf('N + M + K', '#define N 100', { headers }), 100 + 10 + 30);
  });

  it('a header that defines sizeof away for one #if (glibc\'s ioctl-types.h) does not make sizes 0', async () => {
    const headers = { 'ioctl.h': '#if defined TIOCGSIZE\n# define sizeof(type) 0\n# if TIOCGSIZE == 1\n# endif\n# undef sizeof\n#endif\n#define offsetof(t, m) ((long) &((t *) 0)->m)\n' };
    assert.equal(await bytesOf('sizeof (struct pair) * 3', '#include "ioctl.h"\nstruct pair { int a; int b; };', { headers }), 24);
    assert.equal(await bytesOf('offsetof (struct pair, b)', '#include "ioctl.h"\nstruct pair { int a; int b; };', { headers }), 4);
  });

  it('a macro defined differently in #if branches is unknown, with both definitions in the note', async () => {
    const v = await sizeOf('PAGESZ * 2', '#ifdef SMALL_PAGES\n#define PAGESZ 1024\n#else\n#define PAGESZ 4096\n#endif');
    assert.equal(v.bytes, null);
    assert.match(v.note, /`PAGESZ` is defined 2 ways \(`1024` at test\.c:2, `4096` at test\.c:4\): its value depends on the build configuration/);
    assert.equal(await bytesOf('N', '#ifndef N\n#define N 64\n#endif\n#define N 64'), 64);
  });

  it('when the size is not constant whatever such a macro means, the runtime value is the reason given', async () => {
    const prelude = '#ifdef SHARED\n#define CFG (*get_cfg())\n#else\n#define CFG cfg\n#endif\nstatic int used, cfg;';
    const v = await sizeOf('used + CFG * 2', prelude);
    assert.equal(v.bytes, null);
    assert.match(v.note, /^`used` is a runtime value; .*`CFG` is defined 2 ways/);
    // Where it alone decides, the build configuration is still the reason.
    assert.match((await sizeOf('CFG * 2', prelude)).note, /^`CFG` is defined 2 ways/);
  });

  it('#if conditions the target decides pick the definition (Linux x86-64 / i386)', async () => {
    const prelude = [
      '#if defined(__APPLE__)', '#define PAGESZ 16384', '#elif defined(__linux__)', '#define PAGESZ 4096', '#else', '#define PAGESZ 8192', '#endif',
      '#if __SIZEOF_POINTER__ == 8', '#define WORD 8', '#else', '#define WORD 4', '#endif',
      '#ifdef _WIN32', '#define PAGE_SIZE 65536', '#endif',
      '#ifdef DEBUG', '#define EXTRA 64', '#endif',
    ].join('\n');
    const v = await sizeOf('PAGESZ * 2', prelude);
    assert.equal(v.bytes, 8192);
    assert.match(v.note, /PAGESZ = 4096 \(#define, test\.c:4\)/);
    assert.equal(await bytesOf('WORD', prelude), 8);
    assert.equal(await bytesOf('WORD', prelude, { options: { target: 'ilp32' } }), 4);
    // A definition only for another platform does not exist here: the configured page size stands.
    assert.equal(await bytesOf('PAGE_SIZE', prelude), 4096);
    // A single definition under a build option is used, and the note says what it assumes.
    const e = await sizeOf('EXTRA', prelude);
    assert.equal(e.bytes, 64);
    assert.match(e.note, /EXTRA = 64 \(#define, test\.c:\d+, if defined\(DEBUG\)\)/);
  });

  it('#if 0 blocks and #if 1 alternatives are never compiled, so their defines do not count', async () => {
    assert.equal(await bytesOf('A + B', '#if 0\n#define A 1\n#else\n#define A 2\n#endif\n#if 1\n#define B 10\n#else\n#define B 20\n#endif'), 12);
  });

  it('continuation lines in a define', async () => {
    assert.equal(await bytesOf('BIG', '#define BIG (1024 * \\\n   1024)'), 1048576);
  });

  it('function-like macros: K/KiB/MB style, several parameters, nested calls', async () => {
    const prelude = `
      #define KiB(x) ((x) << 10)
      #define MiB(x) (KiB(x) << 10)
      #define MB(x) ((x) * 1000 * 1000)
      #define ROUND_UP(n, a) (((n) + (a) - 1) / (a) * (a))
      #define MAX(a, b) ((a) > (b) ? (a) : (b))`;
    assert.equal(await bytesOf('KiB(4)', prelude), 4096);
    assert.equal(await bytesOf('MiB(2)', prelude), 2097152);
    assert.equal(await bytesOf('MB(3)', prelude), 3000000);
    assert.equal(await bytesOf('ROUND_UP(5000, 4096)', prelude), 8192);
    assert.equal(await bytesOf('MAX(KiB(1), 2000) + 1', prelude), 2001);
    const v = await sizeOf('KiB(4)', prelude);
    assert.match(v.note, /^KiB\(4\) = 4096/);
  });

  it('K and KB object-like macros', async () => {
    assert.equal(await bytesOf('64 * K', '#define K 1024'), 65536);
    assert.equal(await bytesOf('8 * KB', '#define KB 1024UL'), 8192);
  });

  it('macro bodies keep C precedence (no implicit parentheses)', async () => {
    assert.equal(await bytesOf('N * 3', '#define N 1 + 2'), 7);
    assert.equal(await bytesOf('SQ(1 + 1)', '#define SQ(x) x * x'), 3);
  });

  it('variadic macros', async () => {
    assert.equal(await bytesOf('SUM(1, 2, 3)', '#define FIRST(a, ...) (a)\n#define SUM(a, ...) (a + SUM2(__VA_ARGS__))\n#define SUM2(b, c) (b + c)'), 6);
  });

  it('a macro cycle ends as unknown, naming the cycle', async () => {
    const v = await sizeOf('A', '#define A B\n#define B A');
    assert.equal(v.bytes, null);
    assert.match(v.note, /macro cycle A → B → A/);
    const self = await sizeOf('SELF + 1', '#define SELF (SELF + 1)');
    assert.equal(self.bytes, null);
    assert.match(self.note, /macro cycle SELF → SELF/);
  });

  it('absurd expansions stop at the token budget, with a reason', async () => {
    const lines = ['#define X0 1'];
    for (let i = 1; i <= 20; i++) lines.push(`#define X${i} (X${i - 1} + X${i - 1})`);
    const v = await sizeOf('X20', lines.join('\n'));
    assert.equal(v.bytes, null);
    assert.match(v.note, /more than \d+ tokens/);
  });

  it('a chain of macros deeper than the depth limit ends as unknown, with a reason', async () => {
    const lines = ['#define M0 1'];
    for (let i = 1; i <= 100; i++) lines.push(`#define M${i} (M${i - 1})`);
    const v = await sizeOf('M100', lines.join('\n'));
    assert.equal(v.bytes, null);
    assert.match(v.note, /deeper than 64 levels/);
    assert.equal(await bytesOf('M60', lines.join('\n')), 1);
  });

  it('wrong argument counts and # / ## are unknown with a reason', async () => {
    const count = await sizeOf('TWO(1)', '#define TWO(a, b) (a + b)');
    assert.equal(count.bytes, null);
    assert.match(count.note, /takes 2 arguments, got 1/);
    const paste = await sizeOf('CAT(1, 0)', '#define CAT(a, b) a ## b');
    assert.equal(paste.bytes, null);
    assert.match(paste.note, /`##`/);
  });

  it('a function-like macro name without arguments is just a name', async () => {
    const v = await sizeOf('F + 1', '#define F(x) (x)');
    assert.equal(v.bytes, null);
    assert.match(v.note, /`F`/);
  });

  it('enum constants: explicit, implicit numbering, expressions, from headers', async () => {
    const prelude = 'enum { A, B, C = 10, D, E = C * 2, F = 1 << 4, G = \'a\' };';
    assert.equal(await bytesOf('A', prelude), 0);
    assert.equal(await bytesOf('B', prelude), 1);
    assert.equal(await bytesOf('D', prelude), 11);
    assert.equal(await bytesOf('E', prelude), 20);
    assert.equal(await bytesOf('F', prelude), 16);
    assert.equal(await bytesOf('G', prelude), 97);
    const v = await sizeOf('SLOTS * 8', '', { headers: { 'e.h': 'enum sizes { SMALL = 4, SLOTS };' } });
    assert.equal(v.bytes, 40);
    assert.equal(v.note, 'SLOTS = 5 (enum constant); 5 * 8 = 40');
  });

  it('an enum that needs a macro from another header is evaluated in the full scope', async () => {
    const v = await bytesOf('LAST', '#include "n.h"\nenum { FIRST = BASE, LAST };', { headers: { 'n.h': '#define BASE 100' } });
    assert.equal(v, 101);
  });

  it('calls of inline helpers that return arithmetic after guards (git st_mult style)', async () => {
    const header = `
      void die(const char *fmt, ...);
      static inline size_t st_mult(size_t a, size_t b) {
        if (b && a > SIZE_MAX / b)
          die("overflow");
        return a * b;
      }
      static inline size_t st_add(size_t a, size_t b) { return a + b; }
      static size_t not_inline(size_t a) { return a * 2; }
      static inline size_t with_state(size_t a) { counter++; return a; }`;
    const v = await sizeOf('st_mult(sizeof(long), st_add(60, 4))', '#include "util.h"', { headers: { 'util.h': header } });
    assert.equal(v.bytes, 512);
    assert.match(v.note, /st_mult\(8, 64\) = 512 \(inline function, util\.h:3\)/);
    const n = await sizeOf('not_inline(4)', '', { headers: { 'util.h': header } });
    assert.equal(n.bytes, null);
    assert.match(n.note, /`not_inline\(\)` is a function call/);
    assert.equal(await bytesOf('with_state(4)', '', { headers: { 'util.h': header } }), null);
    const rt = await sizeOf('st_mult(n, 8)', 'static size_t n;', { headers: { 'util.h': header } });
    assert.match(rt.note, /`n` is a runtime value/);
  });

  it('collectSymbols records macros, enums, quoted includes and types', async () => {
    const p = await cParser();
    const tree = p.parse(`
#include "local.h"
#include <stdlib.h>
#define ONE 1 // one
#define ADD(a, b) ((a) + \\
  (b)) /* sum */
#define VA(fmt, ...) f(fmt, __VA_ARGS__)
enum e { X = 5, Y };
typedef struct item { int k; } item_t;
union u { int a; };
static item_t table[8];
int counter;
void f(void) { struct inner { int z; } local; }
`)!;
    const s = collectSymbols(tree.rootNode, 'x.c');
    assert.deepEqual(s.includes, ['local.h']);
    assert.deepEqual(s.macros.get('ONE'), { name: 'ONE', params: null, variadic: false, body: '1', file: 'x.c', line: 4 });
    assert.equal(s.macros.get('ADD')?.body, '((a) + (b))');
    assert.deepEqual(s.macros.get('ADD')?.params, ['a', 'b']);
    assert.equal(s.macros.get('VA')?.variadic, true);
    assert.deepEqual([...s.enums], [['X', 5], ['Y', 6]]);
    assert.ok(s.types.has('struct item'));
    assert.ok(s.types.has('item_t'));
    assert.ok(s.types.has('union u'));
    assert.ok(s.types.has('enum e'));
    assert.deepEqual([...(s.globals?.keys() ?? [])].sort(), ['counter', 'table']);
    // Function bodies are not walked at file scope (they are read lazily, per evaluation).
    assert.equal(s.types.has('struct inner'), false);
  });
});

describe('C sizes: macro bodies', () => {
  it('cleanMacroBody joins lines and drops comments, but not inside literals', () => {
    assert.equal(cleanMacroBody('(4 * /* four */ \\\n  1024) // KiB'), '(4 * 1024)');
    assert.equal(cleanMacroBody('"http://x/*y*/" // url'), '"http://x/*y*/"');
    assert.equal(cleanMacroBody("'/' + 1"), "'/' + 1");
  });
});
