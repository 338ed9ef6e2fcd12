// Regions tree-sitter could not parse (src/core/analysis/c/unparsed.ts): a file problem only where
// a call could hide; the rest counted, listed with --verbose; and the macro-heavy fixture, which
// compiles with gcc, gives no file problem at all.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, cParser } from '../c-sites/helpers';
import { FIXTURE_ROOT } from '../c-sites/fixtureProject';
import { assertCompiles } from '../fixes/helpers';
import { harmlessNote, hiddenCallProblem, unparsedRegions } from '../../../src/core/analysis/c/unparsed';
import { namesPattern } from '../../../src/core/scan/prefilter';
import { fakeIO, makeTree, removeTree } from '../../support/cli';
import { main } from '../../../src/cli/main';

async function regionsOf(text: string, names = ['realloc', 'xrealloc']) {
  const { sites } = await analyze(text);
  const p = await cParser();
  const tree = p.parse(text)!;
  try {
    return unparsedRegions(tree.rootNode, text, namesPattern(names), new Set(sites.map((s) => s.nameRange.startOffset)));
  } finally {
    tree.delete();
  }
}

describe('unparsed regions', () => {
  it('a name the parser lost is a problem naming the line and the name', async () => {
    const regions = await regionsOf('char *b;\nvoid f(void) { int x = 1 2 xrealloc(b, 8) 3; }\n');
    assert.deepEqual(regions.map((r) => [r.startLine, r.endLine, r.names]), [[2, 2, ['xrealloc']]]);
    assert.equal(hiddenCallProblem(regions), 'line 2 (`xrealloc`) did not parse (tree-sitter): a call there may be missed — does the file compile?');
    assert.equal(harmlessNote(regions), null);
  });

  it('not a problem: calls that were found, declarations, directive names, comments and strings; several stumbles on one line are one region', async () => {
    const text = `#include <stdlib.h>
#define UNUSED __attribute__((unused))
char *b;
static int cb(const char *name UNUSED, void *data UNUSED) { return 0; }
void f(void) { b = realloc(b, 32) }
void *xrealloc (void *p, size_t n) UNUSED;
#ifdef realloc /* realloc( */
#endif
void g(const char *s UNUSED) { puts("realloc(b, 1)"); }
`;
    const regions = await regionsOf(text);
    assert.ok(regions.length >= 3, JSON.stringify(regions));
    assert.deepEqual(regions.filter((r) => r.names.length), []);
    assert.equal(hiddenCallProblem(regions), null);
    assert.match(harmlessNote(regions)!, /^lines 4, 5, .*9 did not parse \(tree-sitter\); no call can be missed there/);
  });

  it('the body of a #define the grammar could not read counts unless the macro is a known wrapper', async () => {
    // Each #if branch opens the function: the grammar gives up on lines 2–10 as a whole.
    const text = 'char *b;\n#ifdef A\nvoid f(void) {\n#else\nvoid f(int x) {\n#endif\n#define GROW(p) realloc((p), 64)\n#define xrealloc(p, n) realloc((p), (n))\n  b = 0;\n}\n';
    const regions = await regionsOf(text);
    assert.deepEqual(regions.map((r) => [r.startLine, r.endLine, r.names]), [[2, 10, ['realloc']]]);
    // Only GROW's body counts: xrealloc is a known name, so its body was read as a wrapper.
    const withoutGrow = await regionsOf(text.replace('#define GROW(p) realloc((p), 64)\n', ''));
    assert.deepEqual(withoutGrow.map((r) => r.names), [[]]);
  });
});

describe('pagecost scan: unparsed regions', function () {
  this.timeout(60_000);
  const macroHeavy = join(FIXTURE_ROOT, 'macro-heavy', 'list.c');
  let dir = '';
  before(() => {
    dir = makeTree({
      'list.c': readFileSync(macroHeavy, 'utf8'),
      'lost.c': 'static char *b;\nvoid h(void) { int x = 1 2 realloc(b, 8) 3; }\n',
    });
  });
  after(() => removeTree(dir));

  it('the macro-heavy fixture compiles with gcc', async () => {
    await assertCompiles(readFileSync(macroHeavy, 'utf8'), true);
  });

  it('code that compiles gets no file problem, its regions are counted; a region that can hide a call is a problem', async () => {
    const io = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--format', 'json', '--jobs', '1'], io), 0, io.err);
    const report = JSON.parse(io.out) as { errors: { file: string; message: string }[]; notes: { file: string }[]; stats: { unparsedRegions?: number; unparsedFiles?: number } };
    assert.deepEqual(report.errors.map((e) => e.file), ['lost.c']);
    assert.match(report.errors[0]!.message, /^line 2 \(`realloc`\) did not parse/);
    assert.equal(report.stats.unparsedRegions, 3);
    assert.equal(report.stats.unparsedFiles, 1);
    assert.deepEqual(report.notes, [], 'listed only with --verbose');
  });

  it('--verbose lists them as notes, in text and JSON; the summary says how many', async () => {
    const text = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--jobs', '1'], text), 0, text.err);
    assert.match(text.err, /pagecost: 3 regions in 1 file did not parse but cannot hide a call \(--verbose lists them\)/);
    assert.doesNotMatch(text.err, /list\.c: note/);
    const verbose = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--jobs', '1', '--verbose'], verbose), 0, verbose.err);
    assert.match(verbose.err, /^list\.c: note: lines 30, 39, 61 did not parse \(tree-sitter\); no call can be missed there/m);
    const json = fakeIO(dir);
    assert.equal(await main(['scan', '.', '--format', 'json', '--jobs', '1', '--verbose'], json), 0, json.err);
    const report = JSON.parse(json.out) as { notes: { file: string; message: string }[] };
    assert.deepEqual(report.notes.map((n) => n.file), ['list.c']);
  });
});
