// The command line of *Record a run…*, split without a shell: quotes and escapes as a shell reads
// them, shell-only syntax refused with the reason, and joining then splitting gives back the array.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { joinCommandLine, splitCommandLine } from '../../../src/core/present/commandLine';

describe('record: the command line of Record a run…', () => {
  it('words, quotes and escapes', () => {
    assert.deepEqual(splitCommandLine('./prog -n 3  input.txt'), { argv: ['./prog', '-n', '3', 'input.txt'] });
    assert.deepEqual(splitCommandLine(`./prog 'two words' "say \\"hi\\"" a\\ b ''`), { argv: ['./prog', 'two words', 'say "hi"', 'a b', ''] });
    assert.deepEqual(splitCommandLine('make -C "build dir" CFLAGS=-g'), { argv: ['make', '-C', 'build dir', 'CFLAGS=-g'] });
  });
  it('what needs a shell is refused, with the reason', () => {
    for (const line of ['./prog | less', './prog > out', 'a && b', './prog $HOME', 'ls *.c', './prog "$X"', 'echo `id`']) {
      const r = splitCommandLine(line);
      assert.ok('error' in r, line);
      assert.match((r as { error: string }).error, /shell|script/);
    }
    assert.deepEqual(splitCommandLine("./prog '|' '$HOME'"), { argv: ['./prog', '|', '$HOME'] });
    assert.match((splitCommandLine('') as { error: string }).error, /empty/);
    assert.match((splitCommandLine('./prog "open') as { error: string }).error, /not closed/);
  });
  it('joining then splitting gives back the arguments', () => {
    fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (argv) => {
      assert.deepEqual(splitCommandLine(joinCommandLine(argv)), { argv });
    }));
  });
});
