// mremap → mmap/memcpy over a grid of statement forms and places, each applied and compiled
// (-Wall -Werror); after the rewrite no mremap is left at that place, and a precondition the code
// does not show is written into it as a comment.
import { strict as assert } from 'node:assert';
import { fixesFor } from '../../../src/core/fixes/index';
import { apply, compile, findingsOf } from './helpers';

const HEAD = '#define _GNU_SOURCE\n#include <stdio.h>\n#include <sys/mman.h>\n';
const grow = 'mremap(m, 4096, 8192, MREMAP_MAYMOVE)';
const move = 'mremap(m, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, d)';

const forms = [
  { call: grow, stmt: 'm = CALL;', after: 'if (m == MAP_FAILED) return -1;' },
  { call: grow, stmt: 'q = (char *)CALL;', after: 'if (q == MAP_FAILED) return -1;' },
  { call: grow, stmt: 'char *r = CALL;', after: 'if (r == MAP_FAILED) return -1;' },
  { call: move, stmt: 'q = CALL;', after: 'if (q == MAP_FAILED) return -1;' },
  { call: move, stmt: 'CALL;', after: '' },
  { call: move, stmt: 'void *r = CALL;', after: 'if (r == MAP_FAILED) return -1;' },
];

function program(i: number, underIf: boolean, anon: boolean): string {
  const f = forms[i]!;
  const stmt = f.stmt.replace('CALL', f.call);
  const src = anon
    ? '  void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n  if (m == MAP_FAILED) return -1;\n'
    : '  void *m = base;\n';
  // A declaration cannot be an if's body: those forms stay in the block.
  const place = underIf && !/^\w+ \*/.test(f.stmt) ? `  if (d != m)\n    ${stmt}\n` : `  ${stmt}\n`;
  return `${HEAD}int f(void *base, void *d)
{
${src}  char *q = NULL;
${place}  ${f.after}
  (void)q;
  (void)d;
  return 0;
}
`;
}

describe('mremap → memcpy over statement forms (applied and compiled)', function () {
  this.timeout(120_000);

  it('every offered rewrite compiles, keeps the MAP_FAILED test, and states unchecked preconditions', async () => {
    let rewritten = 0;
    for (let i = 0; i < forms.length; i++) {
      for (const underIf of [false, true]) {
        for (const anon of [false, true]) {
          const src = program(i, underIf, anon);
          const base = await compile(src);
          assert.ok(base.ok, `the shape itself does not compile:\n${base.output}\n${src}`);
          const slow = (await findingsOf(src)).find((f) => f.rule === 'mremap-slower-than-memcpy');
          assert.ok(slow, `no mremap-slower-than-memcpy for:\n${src}`);
          const fixes = fixesFor(slow, src).filter((f) => !f.title.startsWith('Ignore '));
          assert.equal(fixes.length, 1, src);
          const out = apply(src, fixes[0]!);
          const r = await compile(out);
          assert.ok(r.ok, `"${fixes[0]!.title}" does not compile:\n${r.output}\n${out}`);
          assert.doesNotMatch(out, /mremap\(/, out);
          assert.match(out, /#include <string\.h>/);
          if (forms[i]!.after) assert.ok(out.includes(forms[i]!.after), out);
          const fixedMove = forms[i]!.call === move;
          if (fixedMove || !anon) assert.match(out, /\/\* pagecost: .* must /, `precondition comment missing:\n${out}`);
          else assert.doesNotMatch(out, /pagecost:/, out);
          rewritten++;
        }
      }
    }
    assert.equal(rewritten, forms.length * 4);
  });
});
