// The callee index's name scan: a name the file surely does not spell (the scan's NameFilter says
// so) leaves the pattern — fewer names to try on every text — but stays a target.
import { strict as assert } from 'node:assert';
import { buildCalleeIndex, findNameUses, type MacroBodyMention } from '../../../src/core/analysis/c/callSites';
import { configWrapper, macroCandidates } from '../../../src/core/analysis/c/wrappers';
import type { ResizeHelper, WrapperDef } from '../../../src/core/types';
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

describe('macro candidates from the mentions the use scan found', () => {
  const wrappers = [configWrapper('grow_buf', 'realloc'), configWrapper('xrealloc', 'realloc')];
  const text = [
    '#define GROW(p, n) ((p) = grow_buf((p), (n)))',
    '#define BOTH(p, n) xrealloc(grow_buf((p), (n)), (n) * 2)',
    '#define PLAIN(p, n) ((p) = realloc((p), (n))) /* realloc */',
    '#define NONE(x) ((x) + 1)',
    'void f(char **p, size_t n) { *p = xrealloc(*p, n); GROW(*p, n); }',
    '',
  ].join('\n');
  const names = (defs: { childForFieldName(f: string): { text: string } | null }[]) => defs.map((d) => d.childForFieldName('name')!.text);

  it('gives the macros a scan of the text gives, for every name and for the newly known ones', async () => {
    const p = await cParser();
    const tree = p.parse(text)!;
    try {
      const index = buildCalleeIndex(wrappers, 'a.c');
      const mentions: MacroBodyMention[] = [];
      findNameUses(tree.rootNode, text, index, { macroBodyMentions: mentions });
      assert.deepEqual(mentions.map((m) => m.name), ['grow_buf', 'xrealloc', 'grow_buf', 'realloc']);
      for (const only of [null, new Set(['grow_buf']), new Set(['xrealloc']), new Set(['realloc', 'xrealloc'])]) {
        const scanned = names(macroCandidates(tree.rootNode, text, index, only));
        assert.deepEqual(names(macroCandidates(tree.rootNode, text, index, only, mentions)), scanned, `only ${[...(only ?? [])]}`);
      }
      assert.deepEqual(names(macroCandidates(tree.rootNode, text, index, null, mentions)), ['GROW', 'BOTH', 'PLAIN']);
      assert.deepEqual(names(macroCandidates(tree.rootNode, text, index, new Set(['xrealloc']), mentions)), ['BOTH']);
      // A name the index does not hold, or one that is no plain word: the mentions may miss it, the text is scanned.
      const other = '#define SHRINK(p) shrink_buf((p), 0)\n';
      const t2 = p.parse(other)!;
      try {
        const m2: MacroBodyMention[] = [];
        findNameUses(t2.rootNode, other, index, { macroBodyMentions: m2 });
        assert.deepEqual(m2, []);
        assert.deepEqual(names(macroCandidates(t2.rootNode, other, index, new Set(['shrink_buf']), m2)), ['SHRINK']);
      } finally {
        t2.delete();
      }
      assert.equal(index.wholeWords, true);
      const odd = buildCalleeIndex([...wrappers, configWrapper('odd$name', 'realloc')], 'a.c');
      assert.equal(odd.wholeWords, false, 'odd$name is not made of word characters');
      assert.deepEqual(names(macroCandidates(tree.rootNode, text, odd, new Set(['xrealloc']), mentions)), ['BOTH']);
    } finally {
      tree.delete();
    }
  });
});

describe('callee index parts shared by the files of a round', () => {
  const local = (name: string, file: string) => ({ ...configWrapper(name, 'realloc'), fileLocal: true, file });
  const field = { ...configWrapper('frealloc', 'realloc'), pointer: { form: 'field' as const, target: 'realloc' } } as WrapperDef;
  const helper = (name: string, file: string, fileLocal: boolean): ResizeHelper => ({ name, file, line: 1, callee: 'realloc', via: [], why: 'owns it', ...(fileLocal ? { fileLocal: true } : {}) });
  const list: WrapperDef[] = [local('grow', 'a.c'), configWrapper('xrealloc', 'realloc'), local('grow', 'b.c'), field, configWrapper('grow', 'realloc'), configWrapper('x_re', 'realloc')];
  const helpers = [helper('append', 'a.c', true), helper('push', 'c.c', false)];
  /** What an index says, as plain data. */
  const seen = (i: ReturnType<typeof buildCalleeIndex>) => ({
    targets: [...i.targets].map(([n, t]) => [n, t.kind, t.kind === 'wrapper' ? t.def.file : t.kind === 'helper' ? t.helper.file : null]),
    fields: [...i.fields.keys()],
    pattern: i.pattern.source,
    wholeWords: i.wholeWords,
  });

  it('gives each file what a build of its own gives, its own file-local names included', () => {
    const mayName = (n: string) => n !== 'x_re';
    for (const file of ['a.c', 'b.c', 'c.c', 'd.c']) {
      for (const m of [undefined, mayName]) {
        const fresh = seen(buildCalleeIndex(list.values(), file, helpers.values(), m)); // an iterable: never shared
        assert.deepEqual(seen(buildCalleeIndex(list, file, helpers, m)), fresh, file);
        assert.deepEqual(seen(buildCalleeIndex(list, file, helpers.slice(), m)), fresh, `${file}, a copy of the helpers`);
      }
    }
    assert.equal((buildCalleeIndex(list, 'a.c', helpers).targets.get('grow') as { def: WrapperDef }).def.file, 'a.c');
    assert.equal((buildCalleeIndex(list, 'd.c', helpers).targets.get('grow') as { def: WrapperDef }).def.file, null);
    assert.equal(buildCalleeIndex(list, 'd.c', helpers).targets.has('append'), false);
    assert.equal(buildCalleeIndex(list, 'a.c', helpers).targets.get('append')?.kind, 'helper');
    // No file (an editor buffer's index): every file-local name applies, the first one of a name wins.
    const anyFile = buildCalleeIndex(list, null, helpers);
    assert.equal((anyFile.targets.get('grow') as { def: WrapperDef }).def.file, 'a.c');
    assert.equal(anyFile.targets.get('append')?.kind, 'helper');
    assert.match('x_re(', buildCalleeIndex(list, 'd.c', helpers).pattern);
    assert.doesNotMatch('x_re(', buildCalleeIndex(list, 'd.c', helpers, mayName).pattern);
  });

  it('is built again for a list that changed, even in place', () => {
    const changing = list.slice();
    assert.ok(buildCalleeIndex(changing, 'd.c').targets.has('x_re'));
    changing[5] = configWrapper('y_re', 'realloc');
    const after = buildCalleeIndex(changing, 'd.c');
    assert.ok(after.targets.has('y_re') && !after.targets.has('x_re'));
    assert.deepEqual(seen(after), seen(buildCalleeIndex(changing.values(), 'd.c')));
    changing.push(configWrapper('z_re', 'realloc'));
    assert.ok(buildCalleeIndex(changing, 'd.c').targets.has('z_re'));
    assert.equal(buildCalleeIndex([], 'd.c').targets.size, 4, 'the primitives only');
    // A round's list asked for between others (a file's own finds first): each answer its own.
    const own = [configWrapper('mine', 'realloc'), ...list];
    for (const [l, file] of [[list, 'd.c'], [own, 'a.c'], [list, 'a.c'], [own, 'd.c'], [list.slice(), 'd.c'], [[...own], 'b.c'], [list, 'c.c']] as const) {
      assert.deepEqual(seen(buildCalleeIndex(l, file, helpers)), seen(buildCalleeIndex(l.values(), file, helpers.values())), `${l.length} names, ${file}`);
    }
  });
});
