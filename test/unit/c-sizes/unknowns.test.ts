import { strict as assert } from 'node:assert';
import { defaultSizeOptions, evaluateSizeText } from '../../../src/core/analysis/c/evaluate';
import { sizeOf } from './helpers';

describe('C sizes: unknown values say why', () => {
  const cases: [string, RegExp, string?][] = [
    ['n', /^`n` is a runtime value$/, 'static size_t n;'],
    ['len * 2', /`len` is a runtime value/],
    ['f(3)', /^`f\(\)` is a function call$/],
    ['strlen(s) + 1', /`strlen\(\)` is a function call/],
    ['sysconf(_SC_NPROCESSORS_ONLN)', /`sysconf\(\)` is a function call/],
    ['MAX_ITEMS * 8', /`MAX_ITEMS` has no visible definition/],
    ['sizeof(struct foo)', /`struct foo` has no visible definition/],
    ['sizeof(foo_t)', /`foo_t` has no visible declaration \(a type from a header/],
    ['(my_size)64', /cast to `my_size`: type `my_size` has no visible definition/],
    ['sizeof(void)', /`void` has no size/],
    ['sizeof(struct nope) * (count + 1)', /^`count` is a runtime value/, 'static int count;'],
    ['(char *)0 + 1', /not an integer conversion/],
    ['x += 4', /^`x` is a runtime value \(`x \+= 4` changes it\)$/, 'static int x;'],
    ['i++', /runtime value/],
    ['"abc"', /string literal/],
    ['({ 4; })', /statement expressions/],
    ['STR(x)', /`#`/, '#define STR(x) #x'],
  ];
  for (const [text, why, prelude] of cases) {
    it(`${text}: ${why.source}`, async () => {
      const v = await sizeOf(text, prelude ?? '');
      assert.equal(v.bytes, null);
      assert.equal(v.text, text);
      assert.match(v.note, why);
    });
  }

  it('a plain assignment in the size argument has the value it stores (`realloc(p, cap = FIRST)`)', async () => {
    const v = await sizeOf('cap = FIRST * 2', '#define FIRST 248\nstatic int cap;');
    assert.equal(v.bytes, 496);
  });

  it('text that is not an expression could not be parsed', () => {
    const scope = { file: { file: 'x.c', macros: new Map(), enums: new Map(), includes: [], types: new Map() }, headers: [], options: defaultSizeOptions };
    const v = evaluateSizeText('4 +', scope);
    assert.equal(v.bytes, null);
    assert.match(v.note, /`4 \+` could not be parsed as a C expression/);
  });

  it('a bad array length inside a struct names the length', async () => {
    const v = await sizeOf('sizeof(struct s)', 'struct s { char buf[LEN]; };');
    assert.equal(v.bytes, null);
    assert.match(v.note, /array length `LEN`: `LEN` has no visible definition/);
  });

  it('self-referring array lengths with fan-out stop quickly', async () => {
    const fields = Array.from({ length: 8 }, (_, i) => `char f${i}[sizeof(struct s)];`).join(' ');
    const t0 = performance.now();
    const v = await sizeOf('sizeof(struct s)', `struct s { ${fields} };`);
    assert.equal(v.bytes, null);
    assert.ok(performance.now() - t0 < 2000, 'took too long');
  });

  it('deep but legitimate type trees are laid out once per record', async () => {
    const decls = ['struct t0 { char c; long l; };'];
    for (let i = 1; i <= 30; i++) decls.push(`struct t${i} { struct t${i - 1} a, b, c; };`);
    const v = await sizeOf('sizeof(struct t12)', decls.join('\n'));
    assert.equal(v.bytes, 16 * 3 ** 12);
  });

  it('self-referential typedefs and array lengths do not loop', async () => {
    const v = await sizeOf('sizeof(struct s)', 'struct s { char a[sizeof(struct s)]; };');
    assert.equal(v.bytes, null);
    assert.match(v.note, /nested too deeply|deep/);
  });
});
