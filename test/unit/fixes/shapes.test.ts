// The realloc-leak repair over a grid of code shapes: lvalue kinds, casts, checks after the call
// (leaving, falling through, reading the pointer), and places the statement can sit (a block, an
// if without braces, a case label, a loop whose check breaks out). Every fix offered is applied
// and the result compiled with -Wall -Werror; the repaired code must no longer have the finding.
import { strict as assert } from 'node:assert';
import { fixesFor } from '../../../src/core/fixes/index';
import { apply, compile, findingsOf } from './helpers';

const targets = [
  { decl: 'char *p = malloc(8);', t: 'p', use: 'p[0] = 1;', free: 'free(p);' },
  { decl: 'struct s *s = malloc(sizeof *s); s->buf = NULL;', t: 's->buf', use: 's->buf[0] = 1;', free: 'free(s->buf); free(s);' },
  { decl: 'char *a[2] = { NULL, NULL };', t: 'a[1]', use: 'a[1][0] = 1;', free: 'free(a[1]);' },
  { decl: 'char *q = NULL; char **pp = &q;', t: '*pp', use: '(*pp)[0] = 1;', free: 'free(*pp);' },
];
const casts = ['', '(char *)'];
const checks = [
  (_t: string) => '',
  (t: string) => `if (!${t}) return -1;`,
  (t: string) => `if (${t} == NULL) { fputs("out of memory", stderr); return -1; }`,
  (t: string) => `if (${t} == NULL) fputs("out of memory", stderr);`,
  (t: string) => `if (!${t}) return (int)(${t} == NULL);`,
];
const places = ['block', 'if', 'case', 'loop'] as const;

function program(ti: number, ci: number, ki: number, place: (typeof places)[number]): string {
  const T = targets[ti]!;
  const stmt = `${T.t} = ${casts[ci]}realloc(${T.t}, n);`;
  const check = checks[ki]!(T.t).replace('return -1;', place === 'loop' ? 'break;' : 'return -1;');
  let body: string;
  if (place === 'block') body = `  ${stmt}\n  ${check}\n`;
  else if (place === 'if') body = `  if (n > 1)\n    ${stmt}\n  ${check}\n`;
  else if (place === 'case') body = `  switch (n) {\n  case 3:\n    ${stmt}\n    ${check}\n    break;\n  default:\n    break;\n  }\n`;
  else body = `  for (int i = 0; i < 2; i++) {\n    ${stmt}\n    ${check}\n  }\n`;
  return `#include <stdlib.h>
#include <stdio.h>
struct s { char *buf; };
int f(size_t n)
{
  ${T.decl}
${body}  if (${T.t}) ${T.use}
  ${T.free}
  return 0;
}
`;
}

describe('realloc-leak repair over code shapes (applied and compiled)', function () {
  this.timeout(180_000);

  it('every offered repair compiles and removes the finding', async () => {
    let fixed = 0;
    let moved = 0;
    for (let ti = 0; ti < targets.length; ti++) {
      for (let ci = 0; ci < casts.length; ci++) {
        for (let ki = 0; ki < checks.length; ki++) {
          for (const place of places) {
            if (place === 'loop' && ki === 4) continue; // `return` with a value inside a loop body is covered by the others
            const src = program(ti, ci, ki, place);
            const base = await compile(src);
            assert.ok(base.ok, `the shape itself does not compile:\n${base.output}\n${src}`);
            const leak = (await findingsOf(src)).find((f) => f.rule === 'realloc-leak-on-failure');
            assert.ok(leak, `no leak finding for:\n${src}`);
            for (const fix of fixesFor(leak, src).filter((f) => !f.title.startsWith('Ignore '))) {
              const out = apply(src, fix);
              const r = await compile(out);
              assert.ok(r.ok, `"${fix.title}" does not compile:\n${r.output}\n${out}`);
              const again = (await findingsOf(out)).filter((f) => f.rule === 'realloc-leak-on-failure');
              assert.deepEqual(again.map((f) => f.message), [], `still leaks after "${fix.title}":\n${out}`);
              fixed++;
              if (/temporary/.test(fix.title)) moved++;
            }
          }
        }
      }
    }
    assert.ok(fixed >= 60, `only ${fixed} repairs`);
    assert.ok(moved >= 10, `only ${moved} checks moved onto the temporary`);
  });
});
