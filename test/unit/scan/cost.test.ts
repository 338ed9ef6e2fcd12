// The scan's CPU time per call site on a dense generated project (issue #10): a regression that
// makes the scan parse everything, run the rounds over every file's text or go quadratic in the
// number of sites shows up here as CPU time, which a busy machine does not inflate the way it
// inflates wall time. The figures against grep on real projects are `npm run bench:scan`'s.
import { strict as assert } from 'node:assert';
import { ensureBuilt, runCli, suiteTrees } from '../../support/cli';

/** CPU milliseconds the scan may spend per reported site, start-up (node, grammar, workers) included. */
const BUDGET_MS_PER_SITE = 4;

const MODULES = 60;
const SITES_PER_MODULE = 12;
const QUIET_FILES = 120;

/** A project where resizes are everywhere: wrappers of wrappers, a macro, an allocator pointer, plus plain files. */
function denseProject(): Record<string, string> {
  const files: Record<string, string> = {
    'include/mem.h': [
      '#include <stdlib.h>',
      '#define CHUNK 4096',
      'enum { SLOTS = 64 };',
      'struct cell { long key; double weight; char tag[16]; };',
      'void *mem_resize(void *block, size_t bytes);',
      'void *mem_resize_n(void *block, size_t count, size_t each);',
      '#define MEM_GROW(p, n) ((p) = mem_resize_n((p), (n), sizeof(*(p))))',
      'typedef void *(*resize_fn)(void *opaque, void *block, size_t before, size_t after);',
      'struct arena { resize_fn resize; void *opaque; };',
      '',
    ].join('\n'),
    'src/mem.c': [
      '#include "../include/mem.h"',
      'void *mem_resize(void *block, size_t bytes)',
      '{',
      '  void *grown = realloc(block, bytes);',
      '  if (!grown) abort();',
      '  return grown;',
      '}',
      'void *mem_resize_n(void *block, size_t count, size_t each)',
      '{',
      '  return mem_resize(block, count * each);',
      '}',
      'static void *arena_resize(void *opaque, void *block, size_t before, size_t after)',
      '{',
      '  (void)opaque; (void)before;',
      '  return realloc(block, after);',
      '}',
      'void arena_init(struct arena *a)',
      '{',
      '  a->resize = arena_resize;',
      '  a->opaque = 0;',
      '}',
      '',
    ].join('\n'),
  };
  for (let m = 0; m < MODULES; m++) {
    const body: string[] = ['#include "../include/mem.h"', `struct table${m} { struct cell *cells; size_t used, cap; char *text; };`];
    for (let s = 0; s < SITES_PER_MODULE; s++) {
      const fn = `step${m}_${s}`;
      switch (s % 4) {
        case 0:
          body.push(`void ${fn}(struct table${m} *t) { t->text = realloc(t->text, CHUNK * ${s + 1}); }`);
          break;
        case 1:
          body.push(`void ${fn}(struct table${m} *t) { t->cells = mem_resize(t->cells, SLOTS * sizeof(struct cell)); }`);
          break;
        case 2:
          body.push(`void ${fn}(struct table${m} *t, size_t n) { MEM_GROW(t->cells, n + ${s}); t->cap = n + ${s}; }`);
          break;
        default:
          body.push(`void ${fn}(struct arena *a, struct table${m} *t) { t->text = a->resize(a->opaque, t->text, 0, ${s} * CHUNK); }`);
      }
    }
    // Code with no resize in it, as most of a real module is.
    for (let k = 0; k < 20; k++) body.push(`static int count${m}_${k}(const int *v, int n) { int c = 0; for (int i = 0; i < n; i++) c += v[i] > ${k}; return c; }`);
    files[`src/mod${m}.c`] = `${body.join('\n')}\n`;
  }
  for (let q = 0; q < QUIET_FILES; q++) {
    const lines = [`#include <string.h>`, `struct point${q} { int x, y; };`];
    for (let k = 0; k < 30; k++) lines.push(`int quiet${q}_${k}(struct point${q} *p) { return p->x * ${k} + p->y; }`);
    files[`lib/quiet${q}.c`] = `${lines.join('\n')}\n`;
  }
  return files;
}

describe('pagecost scan: CPU time per site on a dense project', function () {
  this.timeout(180_000);
  const tree = suiteTrees();
  before(ensureBuilt);

  it(`stays within ${BUDGET_MS_PER_SITE} ms of CPU per site`, async () => {
    const dir = tree(denseProject());
    const r = await runCli(['scan', '.', '--format', 'json', '--quiet'], dir, { PAGECOST_TIMING: '1' });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { file: string; line: number; column: number }[] };
    const distinct = [...new Set(report.findings.map((f) => `${f.file}:${f.line}:${f.column}`))];
    const sites = distinct.length;
    // Every generated site is found (direct, wrapper, macro, allocator pointer): a scan that
    // skipped them would be cheap for the wrong reason. (src/mem.c adds its own four.)
    assert.equal(distinct.filter((k) => k.startsWith('src/mod')).length, MODULES * SITES_PER_MODULE);
    assert.equal(sites, MODULES * SITES_PER_MODULE + 4, `${sites} sites`);
    const cpu = [...r.stderr.matchAll(/\(cpu (\d+) ms/g)].pop();
    assert.ok(cpu, `no timing line in: ${r.stderr.slice(-300)}`);
    const perSite = Number(cpu[1]) / sites;
    // Printed so a slow-down shows before it fails.
    process.stdout.write(`      (${cpu[1]} ms of CPU for ${sites} sites: ${perSite.toFixed(2)} ms per site)\n`);
    assert.ok(perSite <= BUDGET_MS_PER_SITE, `${perSite.toFixed(2)} ms of CPU per site (budget ${BUDGET_MS_PER_SITE})`);
  });
});
