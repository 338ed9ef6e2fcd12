// Syntax facts recorded on call sites (siteFacts.ts), and the incremental document keeping them
// equal to a fresh analysis while the text around them is edited.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CDocument } from '../../../src/core/analysis/c/document';
import type { CallSite } from '../../../src/core/types';
import { analyze, cParser } from './helpers';

const SRC = `#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>

struct v { int *items; size_t cap; void *map; };

int grow(struct v *a, size_t n)
{
  int *old = a->items;
  a->items = realloc(a->items, n * sizeof *a->items);
  if (!a->items) {
    free(old);
    return -1;
  }
  void *m = mremap(a->map, a->cap, n, MREMAP_MAYMOVE);
  if (m == NULL)
    return -1;
  a->map = m;
  // pagecost-ignore-next-line realloc-cost
  char *s = realloc(NULL, 4 * n);
  free(s);
  return 0;
}
`;

function at(text: string, r: { startOffset: number; endOffset: number }): string {
  return text.slice(r.startOffset, r.endOffset);
}

describe('C call sites: syntax facts', () => {
  it('records the statement, the failure check after it, the saved pointer, the multiply, MAP_FAILED tests and suppressions', async () => {
    const { sites } = await analyze(SRC);
    const [r, m, s] = sites as [CallSite, CallSite, CallSite];
    const rf = r.facts!;
    assert.equal(rf.statement!.form, 'assign');
    assert.equal(rf.statement!.target, 'a->items');
    assert.equal(rf.statement!.indent, '  ');
    assert.equal(rf.statement!.inBlock, true);
    assert.equal(at(SRC, rf.statement!.range), 'a->items = realloc(a->items, n * sizeof *a->items);');
    assert.equal(at(SRC, rf.statement!.callRange), 'realloc(a->items, n * sizeof *a->items)');
    assert.deepEqual(rf.args!.map((x) => x.text), ['a->items', 'n * sizeof *a->items']);
    assert.equal(rf.oldPointerSaved, true);
    assert.deepEqual(rf.nextCheck && { leaves: rf.nextCheck.leaves, readsTarget: rf.nextCheck.readsTarget }, { leaves: true, readsTarget: false });
    assert.equal(at(SRC, rf.nextCheck!.range).split('\n')[0], 'if (!a->items) {');
    assert.deepEqual(rf.uncheckedMultiply && { left: rf.uncheckedMultiply.left, right: rf.uncheckedMultiply.right }, { left: 'n', right: 'sizeof *a->items' });

    const mf = m.facts!;
    assert.equal(mf.statement!.form, 'declare');
    assert.equal(mf.statement!.target, 'm');
    assert.deepEqual(mf.nullChecks!.map((c) => [c.text, c.newText, at(SRC, c.range)]), [['NULL', 'MAP_FAILED', 'NULL']]);
    assert.equal(mf.checksMapFailed, undefined);
    assert.equal(mf.sourceAnonymousPrivate, undefined);

    assert.deepEqual(s.facts!.suppressed, ['realloc-cost']);
    assert.equal(s.facts!.uncheckedMultiply, undefined, '4 * n is a growth factor');
  });

  it('a product by a size of one cannot overflow: no unchecked multiply (char, unsigned char, a typedef of a byte)', async () => {
    const src = `#include <stdlib.h>
typedef unsigned char octet;
char *a(char *t, size_t n) { return realloc(t, n * sizeof (char)); }
unsigned char *b(unsigned char *t, size_t n) { return realloc(t, sizeof(unsigned char) * n); }
octet *c(octet *t, size_t n) { return realloc(t, n * sizeof (octet)); }
int *d(int *t, size_t n) { return realloc(t, n * sizeof (int)); }
`;
    const { sites } = await analyze(src);
    assert.deepEqual(sites.map((x) => [x.nameRange.start.line, x.facts?.uncheckedMultiply?.right ?? null]), [[3, null], [4, null], [5, null], [6, 'sizeof (int)']]);
  });

  it('a saved old pointer is the last copy before the call, unless the pointer was set again after it (also on one line, in either order)', async () => {
    const src = `#include <stdlib.h>
#include <stdio.h>
char *a(char *p, size_t n) { char *old = p; p = realloc(p, n); return old ? p : 0; }
char *b(char *p, char *q, size_t n) {
  char *old = p;
  p = q;
  p = realloc(p, n);
  return old;
}
char *c(char *p, char *q, size_t n) {
  p = q;
  char *old = p;
  p = realloc(p, n);
  return old;
}
char *d(char *p, char *q, size_t n) {
  char *old = p;
  p = q;
  old = p;
  p = realloc(p, n);
  return old;
}
char *e(char *p, char *q, size_t n) { char *old; old = p, p = q; p = realloc(p, n); return old; }
char *f(char *p, char *q, size_t n) { char *old; p = q, old = p; p = realloc(p, n); return old; }
char *g(char *p, size_t n) { p = realloc(p, n); if (!p) { free(p); return 0; } return p; }
char *h(char *p, size_t n) { p = realloc(p, n); if (!p) { puts(p); return 0; } return p; }
char *i(char *p, size_t n) { p = realloc(p, n); if (!p) { return 0; } return p; }
`;
    const { sites } = await analyze(src);
    assert.deepEqual(sites.map((x) => [x.enclosingFunction, !!x.facts?.oldPointerSaved, x.facts?.nextCheck?.readsTarget ?? '-']), [
      ['a', true, '-'], ['b', false, '-'], ['c', true, '-'], ['d', true, '-'], ['e', false, '-'], ['f', true, '-'],
      // A free of the pointer in the check is not a read of it.
      ['g', false, false], ['h', false, true], ['i', false, false],
    ]);
  });

  it('facts are plain data (they cross worker threads as JSON)', async () => {
    const { sites } = await analyze(SRC);
    assert.deepEqual(JSON.parse(JSON.stringify(sites)), sites);
  });

  it('a check that reads the pointer, or does not leave, is recorded as such', async () => {
    const src = `#include <stdlib.h>
char *f(char *p, size_t n)
{
  p = realloc(p, n);
  if (p == NULL)
    return p;
  p = realloc(p, 2 * n);
  if (!p)
    n = 0;
  return p;
}
`;
    const { sites } = await analyze(src);
    assert.deepEqual(sites.map((x) => x.facts?.nextCheck && [x.facts.nextCheck.leaves, x.facts.nextCheck.readsTarget]), [[true, true], [false, false]]);
  });

  it('the incremental document keeps facts equal to a fresh analysis, positions shifted, under random edits (property)', async () => {
    const parser = await cParser();
    const chars = ['\n', ' ', 'x', ';', '/', '*', '!', '(', ')', '{', '}'];
    const step = fc.record({ at: fc.nat(), del: fc.boolean(), ch: fc.constantFrom(...chars) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
        const doc = CDocument.open(parser, 'f.c', SRC);
        try {
          let text = SRC;
          for (const s of steps) {
            const i = s.at % (text.length + 1);
            text = s.del && i < text.length ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + s.ch + text.slice(i);
            doc.update(text);
            const fresh = await analyze(text, 'f.c');
            assert.deepEqual(doc.sites, fresh.sites);
          }
        } finally {
          doc.dispose();
        }
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('editing the suppression comment or the check updates the facts incrementally', async () => {
    const parser = await cParser();
    const doc = CDocument.open(parser, 'f.c', SRC);
    try {
      let text = SRC.replace('// pagecost-ignore-next-line realloc-cost', '// pagecost-ignore-next-line realloc-cost, realloc-leak-on-failure');
      let r = doc.update(text);
      assert.equal(r.incremental, true);
      assert.deepEqual(doc.sites[2]!.facts!.suppressed, ['realloc-cost', 'realloc-leak-on-failure']);
      text = text.replace('if (m == NULL)', 'if (m == MAP_FAILED)');
      r = doc.update(text);
      assert.equal(r.incremental, true);
      assert.equal(doc.sites[1]!.facts!.nullChecks, undefined);
      assert.equal(doc.sites[1]!.facts!.checksMapFailed, true);
      // Lines added above move every recorded range with the site.
      text = text.replace('int grow(struct v *a, size_t n)\n{\n', 'int grow(struct v *a, size_t n)\n{\n\n\n');
      doc.update(text);
      assert.deepEqual(doc.sites, (await analyze(text, 'f.c')).sites);
      assert.equal(at(text, doc.sites[0]!.facts!.statement!.range), 'a->items = realloc(a->items, n * sizeof *a->items);');
    } finally {
      doc.dispose();
    }
  });
});
