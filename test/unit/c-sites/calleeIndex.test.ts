// The callee index's name scan: a name the file surely does not spell (the scan's NameFilter says
// so) leaves the pattern — fewer names to try on every text — but stays a target.
import { strict as assert } from 'node:assert';
import { buildCalleeIndex, findNameUses } from '../../../src/core/analysis/c/callSites';
import { configWrapper } from '../../../src/core/analysis/c/wrappers';
import { cParser } from './helpers';

describe('callee index narrowed to the names a file may spell', () => {
  const wrappers = [configWrapper('grow_buf', 'realloc'), configWrapper('xrealloc', 'realloc')];
  const text = 'void f(char **p, size_t n) { *p = xrealloc(*p, n); *p = realloc(*p, n * 2); }\n';

  it('leaves out of the pattern what the test rules out, and finds the same uses', async () => {
    const p = await cParser();
    const tree = p.parse(text)!;
    try {
      const full = buildCalleeIndex(wrappers, 'a.c');
      const narrow = buildCalleeIndex(wrappers, 'a.c', [], (name) => text.includes(name));
      assert.match('grow_buf(', full.pattern);
      assert.doesNotMatch('grow_buf(', narrow.pattern);
      assert.ok(narrow.targets.has('grow_buf'), 'a name left out of the pattern is still a target');
      const names = (index: typeof full) => findNameUses(tree.rootNode, text, index).map((u) => `${u.name}@${u.nameNode.startIndex}`);
      assert.deepEqual(names(narrow), names(full));
      assert.deepEqual(names(narrow).map((s) => s.split('@')[0]), ['xrealloc', 'realloc']);
      // Nothing left to look for: a pattern that matches nothing, not one that matches everywhere.
      const none = buildCalleeIndex(wrappers, 'a.c', [], () => false);
      assert.deepEqual(findNameUses(tree.rootNode, text, none), []);
    } finally {
      tree.delete();
    }
  });
});
