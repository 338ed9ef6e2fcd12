import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { callNames, countCalls } from '../../../src/core/scan/callCount';

// The count as it was written first, one regex of all the names: countCalls must give the same
// answers (the `callers` of a scan's JSON depend on them) while looking for each name with indexOf.
function reference(text: string, names: string[]): Map<string, number> {
  const list = [...new Set(names)].filter((n) => /^[A-Za-z_]\w*$/.test(n));
  const out = new Map<string, number>();
  if (!list.length) return out;
  const pattern = new RegExp(`\\b(${list.join('|')})\\s*\\(`, 'g');
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    const before = text.slice(lineStart, m.index);
    if (/^\s*(?:\/\/|\/?\*)/.test(before)) continue;
    const prev = /([A-Za-z_]\w*)[\s*]*$/.exec(before);
    if (prev && !['return', 'else', 'case', 'do', 'sizeof', 'goto'].includes(prev[1]!)) continue;
    if (!before.trim() && lineStart > 0 && /[A-Za-z_]\w*[\s*]*$/.test(text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)) && !/[;{}]\s*$/.test(text.slice(0, lineStart - 1).slice(-200))) continue;
    out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
  }
  return out;
}

const count = (text: string, names: string[]) => [...countCalls(text, callNames(names)!)];

describe('countCalls', () => {
  it('counts calls, not declarations, definitions, longer names or comment lines', () => {
    const text = [
      'void *grow(struct v *v, size_t n);', // declaration
      'static void *',
      'grow(struct v *v, size_t n) { return 0; }', // BSD-style definition
      '#define grow_all(v) grow (v, 1)', // a call inside a macro body
      'int f(void) {',
      '  grow(a, 1); regrow(a, 2); grow_n(a, 3);', // only the first is `grow`
      '  // grow(a, 4)',
      '   * grow(a, 5)',
      '  return grow\n(a, 6);', // `return` is not a type; white space before the parenthesis
      '  x = grow_n(b, 7);',
      '}',
    ].join('\n');
    assert.deepEqual(count(text, ['grow_n', 'grow']), [['grow', 3], ['grow_n', 2]]);
    assert.deepEqual(count(text, ['regrow']), [['regrow', 1]]);
    assert.deepEqual(count(text, ['shrink']), []);
  });

  it('takes only identifiers, each once', () => {
    assert.equal(callNames(['a-b', '9x']), null);
    assert.deepEqual(callNames(['f', 'f', 'g']), ['f', 'g']);
  });

  it('a name followed by Unicode white space before its parenthesis is a call, as \\s says', () => {
    assert.deepEqual(count('x = grow\u00a0(a);\ny = grow\u2028(b);\nz = grow\u200b(c);', ['grow']), [['grow', 2]]);
  });

  it('answers as the one-regex count did, on generated texts', () => {
    const names = ['a', 'ab', 'b_1', 'grow', 'do', 'x'];
    const parts = ['a', 'ab', 'b_1', 'grow', 'do', 'x', 'return', 'void', '*', ' ', '  ', '\n', '\t', '(', ')', ';', '{', '}', '//', '/*', '*/', '\u00a0', '1', '_', '#define ', 'else'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let t = 0; t < 3000; t++) {
      let text = '';
      for (let i = rand(60); i > 0; i--) text += parts[rand(parts.length)];
      const asked = names.filter(() => rand(2) === 0);
      if (!asked.length) continue;
      assert.deepEqual([...countCalls(text, callNames(asked)!)], [...reference(text, asked)], JSON.stringify({ text, asked }));
    }
  });

  it('answers as the one-regex count did, on the C fixtures', () => {
    const root = join(__dirname, '../../fixtures/c');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.[ch]$/.test(e)) files.push(p);
      }
    };
    walk(root);
    assert.ok(files.length > 10);
    let calls = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const words = [...new Set(text.match(/\b[A-Za-z_]\w*(?=\s*\()/g) ?? [])];
      for (let i = 0; i < words.length; i += 5) {
        const asked = words.slice(i, i + 5);
        const want = reference(text, asked);
        calls += [...want.values()].reduce((n, v) => n + v, 0);
        assert.deepEqual([...countCalls(text, callNames(asked)!)], [...want], file);
      }
    }
    assert.ok(calls > 100);
  });
});
