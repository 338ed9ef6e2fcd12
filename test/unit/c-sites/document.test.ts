import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CDocument, diffTexts } from '../../../src/core/analysis/c/document';
import { analyze, cParser } from './helpers';

const BASE = `#include <stdlib.h>
#define STEP 64

struct v { char *buf; size_t cap; };

void first(struct v *a)
{
  a->buf = realloc(a->buf, STEP);
}

void *wrap(void *p, size_t n)
{
  return realloc(p, n);
}

void middle(struct v *a)
{
  int unrelated = 1;
#ifdef BIG
  a->buf = wrap(a->buf, 2 * STEP);
#else
  a->buf = wrap(a->buf, STEP);
#endif
}

void last(struct v *a)
{
  a->buf = realloc(a->buf, 3 * STEP);
}
`;

/** Replaces the first occurrence of `from` by `to`. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0, `no ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

describe('C call sites: incremental document', () => {
  it('gives, after every edit, exactly what a fresh analysis of the same text gives', async () => {
    const parser = await cParser();
    const doc = CDocument.open(parser, 'doc.c', BASE);
    try {
      const steps: [string, string][] = [
        ['int unrelated = 1;', 'int unrelated = 12;'], // inside one function
        ['STEP);\n}', 'STEP + 1);\n}'], // changes a size in the first function
        ['#define STEP 64', '#define STEP 128'], // file scope: every size changes
        ['void middle(struct v *a)\n{\n', 'void middle(struct v *a)\n{\n\n\n'], // lines shift below
        ['#ifdef BIG', '#ifndef BIG'], // a directive inside a function: conditions change
        ['#else\n', '#else\n#if 0\n'], // an unbalanced #if: every site below is under it
        ['return realloc(p, n);', 'int z = 0;\n  return realloc(p, n);'], // inside the wrapper, same def
        ['#include <stdlib.h>\n', '#include <stdlib.h>\n\n'], // the wrapper's line moves
        ['void last(struct v *a)\n{\n', 'void last(struct v *a)\n{\n\n'], // below the wrapper: fast path keeps its line
        ['return realloc(p, n);', 'return realloc(p, n + 1);'], // inside the wrapper, def changes
        ['void last(struct v *a)\n{', 'void last(struct v *a)\n{ {'], // unbalanced brace
        ['void last(struct v *a)\n{ {', 'void last(struct v *a)\n{'],
        ['void first(struct v *a)', 'void *first(void *q, struct v *a)'],
        ['a->buf = realloc(a->buf, STEP + 1);', 'q = realloc(q, 5);'], // first becomes a wrapper
      ];
      let text = BASE;
      let incremental = 0;
      for (const [from, to] of steps) {
        text = edit(text, from, to);
        const r = doc.update(text);
        if (r.incremental) incremental++;
        const fresh = await analyze(text, 'doc.c');
        assert.deepEqual(doc.sites, fresh.sites, `after ${JSON.stringify(to)}`);
        assert.deepEqual(doc.wrappers, fresh.wrappers, `wrappers after ${JSON.stringify(to)}`);
      }
      // The edits inside plain functions must have taken the fast path.
      assert.ok(incremental >= 5, `only ${incremental} incremental updates`);
    } finally {
      doc.dispose();
    }
  });

  it('a helper that starts or stops ending in abort() changes the failure checks that call it', async () => {
    const src = `#include <stdio.h>
#include <stdlib.h>
static void nomore(void)
{
  fputs("out of memory", stderr);
  abort();
}
char *g;
void grow(size_t n)
{
  g = realloc(g, n);
  if (!g)
    nomore();
}
`;
    const parser = await cParser();
    const doc = CDocument.open(parser, 'doc.c', src);
    try {
      assert.equal(doc.sites[0]!.facts?.failureEnds, 'call');
      for (const [from, to] of [['  abort();\n', ''], ['stderr);\n', 'stderr);\n  exit(3);\n']] as const) {
        const text = edit(doc.currentText, from, to);
        doc.update(text);
        const fresh = await analyze(text, 'doc.c');
        assert.deepEqual(doc.sites, fresh.sites, `after ${JSON.stringify(to)}`);
      }
      assert.equal(doc.sites[0]!.facts?.failureEnds, 'call', 'exit() makes it end again');
      const text = edit(doc.currentText, '  exit(3);\n', '');
      doc.update(text);
      assert.equal(doc.sites[0]!.facts?.failureEnds, undefined, 'a helper that returns does not end the failure path');
    } finally {
      doc.dispose();
    }
  });

  it('matches a fresh analysis after any sequence of one-character inserts and deletes (property)', async () => {
    const parser = await cParser();
    const chars = [' ', '\n', '(', ')', '{', '}', ';', '*', 'x', '1', '#', '/'];
    const step = fc.record({ at: fc.nat(), del: fc.boolean(), ch: fc.constantFrom(...chars) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const doc = CDocument.open(parser, 'doc.c', BASE);
        try {
          let text = BASE;
          for (const s of steps) {
            const at = s.at % (text.length + 1);
            if (s.del && at < text.length) {
              text = text.slice(0, at) + text.slice(at + 1);
              doc.update(text, { startOffset: at, oldEndOffset: at + 1, newEndOffset: at });
            } else {
              text = text.slice(0, at) + s.ch + text.slice(at);
              doc.update(text, { startOffset: at, oldEndOffset: at, newEndOffset: at + 1 });
            }
            const fresh = await analyze(text, 'doc.c');
            assert.deepEqual(doc.sites, fresh.sites);
            assert.deepEqual(doc.wrappers, fresh.wrappers);
          }
        } finally {
          doc.dispose();
        }
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it('shifts the positions of sites it keeps', async () => {
    const parser = await cParser();
    const doc = CDocument.open(parser, 'doc.c', BASE);
    try {
      const before = doc.sites.find((s) => s.enclosingFunction === 'last')!;
      const text = edit(BASE, 'int unrelated = 1;', 'int unrelated = 1;\n  int more = 2;');
      const r = doc.update(text, diffTexts(BASE, text));
      assert.equal(r.incremental, true);
      const after = doc.sites.find((s) => s.enclosingFunction === 'last')!;
      assert.equal(after.nameRange.start.line, before.nameRange.start.line + 1);
      assert.equal(after.nameRange.start.column, before.nameRange.start.column);
      assert.equal(after.range.startOffset, before.range.startOffset + '\n  int more = 2;'.length);
      assert.equal(text.slice(after.nameRange.startOffset, after.nameRange.endOffset), 'realloc');
    } finally {
      doc.dispose();
    }
  });

  it('re-analyses the file when told about new wrappers from other files', async () => {
    const parser = await cParser();
    const text = 'void f(char *p) { p = zrealloc(p, 10); }\n';
    const doc = CDocument.open(parser, 'doc.c', text);
    try {
      assert.equal(doc.sites.length, 0);
      doc.setWrappers([
        { name: 'zrealloc', kind: 'function', callee: 'realloc', via: [], params: { ptr: 0, size: 1 }, diesOnFailure: true, file: 'z.c', line: 1 },
      ]);
      assert.equal(doc.sites.length, 1);
      assert.equal(doc.sites[0]!.kind, 'wrapper-call');
    } finally {
      doc.dispose();
    }
  });
});
