// main() in-process with a fake CliIO: dispatch, usage errors, exit codes, no stack traces.
import { strict as assert } from 'node:assert';
import { main, orderedStderr } from '../../../src/cli/main';
import { crossFileTree, fakeIO, makeTree, removeTree } from '../../support/cli';
import pkg from '../../../package.json';

describe('pagecost main (in-process)', () => {
  it('prints the version and the help', async () => {
    const io = fakeIO();
    assert.equal(await main(['--version'], io), 0);
    assert.equal(io.out, `${pkg.version}\n`);
    const help = fakeIO();
    assert.equal(await main(['--help'], help), 0);
    assert.match(help.out, /^usage: pagecost <command>/);
    assert.match(help.out, /exit codes: 0 ok; 1 findings/);
  });

  it('an unknown command is one line and the usage line, exit 2', async () => {
    const io = fakeIO();
    assert.equal(await main(['scna'], io), 2);
    assert.deepEqual(io.err.trimEnd().split('\n'), [
      "pagecost: unknown command 'scna'",
      'usage: pagecost <command> [options]  (see pagecost --help)',
    ]);
  });

  it('no command at all prints the usage, exit 2', async () => {
    const io = fakeIO();
    assert.equal(await main([], io), 2);
    assert.match(io.err, /^usage: pagecost/);
  });

  it('draws progress on a terminal and clears it before the summary', async () => {
    const dir = makeTree(crossFileTree);
    try {
      const io = { ...fakeIO(dir), stderrIsTTY: true };
      let err = '';
      io.stderr = (t: string) => void (err += t);
      assert.equal(await main(['scan', '.', '--jobs', '1'], io), 0);
      assert.match(err, /\r\x1b\[Kpagecost: reading 4 files \(\d+\.\d s\)/);
      assert.match(err, /\r\x1b\[Kpagecost: 2 findings/, 'the line is cleared before the summary');
      const quiet = { ...fakeIO(dir), stderrIsTTY: true };
      assert.equal(await main(['scan', '.', '--jobs', '1', '--quiet'], quiet), 0);
      assert.equal(quiet.err, '');
    } finally {
      removeTree(dir);
    }
  });

  it('scans in-process with a fake IO', async () => {
    const dir = makeTree(crossFileTree);
    try {
      const io = fakeIO(dir);
      assert.equal(await main(['scan', '.', '--format', 'json', '--jobs', '1'], io), 0);
      const report = JSON.parse(io.out);
      const call = report.findings.find((f: { file: string }) => f.file === 'src/user.c');
      assert.equal(call.kind, 'wrapper-call');
      assert.deepEqual(call.via, ['xrealloc']);
      assert.equal(call.newBytes, 65536);
      assert.equal(io.err, '');
    } finally {
      removeTree(dir);
    }
  });

  it('stderr waits for what stdout still holds (a pipe shared with 2>&1 took a problem line mid-finding)', () => {
    // A stream that keeps what it is given until flush(), like a pipe the reader has not emptied.
    const seen: string[] = [];
    const held: { text: string; done?: () => void }[] = [];
    const out = {
      get writableLength() {
        return held.reduce((n, h) => n + h.text.length, 0) + held.length;
      },
      write(text: string, done?: () => void) {
        held.push({ text, ...(done ? { done } : {}) });
        return false;
      },
    } as unknown as Pick<NodeJS.WriteStream, 'write' | 'writableLength'>;
    const flush = () => {
      for (const h of held.splice(0)) {
        if (h.text) seen.push(`out:${h.text}`);
        h.done?.();
      }
    };
    const err = { write: (t: string) => seen.push(`err:${t}`) } as unknown as Pick<NodeJS.WriteStream, 'write'>;
    const stderr = orderedStderr(out, err);
    stderr('before\n');
    out.write('finding 1\nfinding 2\n');
    stderr('problem\n');
    stderr('summary\n');
    assert.deepEqual(seen, ['err:before\n']);
    flush();
    assert.deepEqual(seen, ['err:before\n', 'out:finding 1\nfinding 2\n', 'err:problem\n', 'err:summary\n']);
    stderr('after\n');
    assert.equal(seen.at(-1), 'err:after\n');
  });
});
