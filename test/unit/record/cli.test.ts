// `pagecost record`'s command line and its bad inputs: usage errors, programs that cannot be
// run or cannot be recorded (static, setuid), and, through the real CLI bundle, that stdin,
// stdout, stderr and the exit code pass through and that stopping it keeps the record.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { parseRecordArgs, resolveProgram, runRecord } from '../../../src/cli/record';
import { parseRunFile } from '../../../src/core/record/runFile';
import { cliBundle, ensureBuilt } from '../../support/cli';
import { compile, copyFixture, fakeIO, markers, scratch, siteAt, testDeps } from './support';

describe('pagecost record: command line and bad input', function () {
  this.timeout(300_000);
  let s: ReturnType<typeof scratch>;
  before(() => (s = scratch()));
  after(() => s.remove());

  it('parses its own flags and leaves the program\'s alone', () => {
    assert.deepEqual(parseRecordArgs(['--frames', '8', '--out=x.json', '--', './p', '--frames', '-v']), {
      frames: 8, top: 10, quiet: false, out: 'x.json', program: './p', args: ['--frames', '-v'],
    });
    // Without --, the first argument that is not ours starts the command line.
    const a = parseRecordArgs(['--quiet', 'make', '-j4']);
    assert.ok(a !== 'help' && a.program === 'make' && a.args[0] === '-j4' && a.quiet);
    assert.equal(parseRecordArgs(['--help']), 'help');
  });

  for (const [argv, message] of [
    [[], /missing the program to run/],
    [['--'], /missing the program to run/],
    [['--frames', '0', '--', 'x'], /--frames must be between 1 and 16, got 0/],
    [['--frames', '17', '--', 'x'], /--frames must be between 1 and 16, got 17/],
    [['--frames', 'many', '--', 'x'], /--frames needs a whole number, got 'many'/],
    [['--out'], /option '--out' needs a value/],
    [['--verbose', '--', 'x'], /unknown option '--verbose' \(put the program after --\)/],
  ] as const) {
    it(`usage error: ${JSON.stringify(argv)}`, async () => {
      const io = fakeIO(s.dir);
      assert.equal(await main(['record', ...argv], io), 2);
      assert.match(io.err, message);
      assert.match(io.err, /usage: pagecost record/);
    });
  }

  it('a program that is not there, not executable, or a directory: said plainly, exit 2', async () => {
    writeFileSync(join(s.dir, 'notexec'), '#!/bin/sh\n');
    mkdirSync(join(s.dir, 'adir'), { recursive: true });
    const cases: [string, RegExp][] = [
      ['./missing', /\.\/missing: no such file/],
      ['no-such-program-anywhere', /not found on PATH \(give its path, e\.g\. \.\/no-such-program-anywhere\)/],
      ['./notexec', /is not executable \(chmod \+x \.\/notexec\)/],
      ['./adir', /is a directory, not a program/],
    ];
    for (const [program, message] of cases) {
      const io = fakeIO(s.dir);
      assert.equal(await main(['record', '--', program], io), 2, program);
      assert.match(io.err, message);
    }
    assert.equal(resolveProgram('sh', '/', '/usr/bin:/bin'), existsSync('/usr/bin/sh') ? '/usr/bin/sh' : '/bin/sh');
  });

  it('a statically linked program: LD_PRELOAD cannot apply, so it says so and runs nothing', async () => {
    const src = copyFixture('echo.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'static-echo'), ['-static', '-O1']);
    const io = fakeIO(s.dir);
    const sink = { stdout: '' };
    assert.equal(await runRecord(['--cache-dir', s.cache, '--', bin], io, testDeps(sink)), 2);
    assert.match(io.err, /is statically linked: no dynamic linker loads it, so LD_PRELOAD cannot apply/);
    assert.equal(sink.stdout, '', 'the program did not run');
  });

  it('a setuid program: the dynamic linker ignores LD_PRELOAD for it, so it says so', async () => {
    const src = copyFixture('echo.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'suid-echo'), ['-g']);
    chmodSync(bin, 0o4755);
    const io = fakeIO(s.dir);
    assert.equal(await runRecord(['--cache-dir', s.cache, '--', bin], io, testDeps({ stdout: '' })), 2);
    assert.match(io.err, /is setuid: the dynamic linker ignores LD_PRELOAD for it \(secure-execution mode\)/);
  });

  it('when no process loaded the library, the record says so instead of showing an empty run', async () => {
    const src = copyFixture('echo.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'never'), ['-g']);
    const deps = testDeps({ stdout: '' });
    // A program that never starts the recorder: its run ends at once with status 0.
    deps.run = async () => ({ code: 0, signal: null, startedAt: new Date(), durationMs: 1 });
    const out = join(s.dir, 'never.json');
    const io = fakeIO(s.dir);
    assert.equal(await runRecord(['--cache-dir', s.cache, '--out', out, '--', bin], io, deps), 0);
    const run = parseRunFile(readFileSync(out, 'utf8'), out).run!;
    assert.equal(run.totals.calls, 0);
    assert.match(run.notes.join('\n'), /nothing was recorded: the recording library did not load into never/);
    assert.match(io.err, /note: nothing was recorded/);
  });

  it('the real CLI: stdin, stdout and stderr pass through untouched, and the exit code', async () => {
    ensureBuilt();
    const src = copyFixture('echo.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'echo'), ['-g', '-O1']);
    const input = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(i % 40)}`).join('\n') + '\n';
    const out = join(s.dir, 'echo.json');
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliBundle, 'record', '--cache-dir', s.cache, '--out', out, '--', bin, '42'], { cwd: s.dir, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.end(input);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(r.code, 42);
    assert.equal(r.stdout, `${input}300 lines\n`, 'stdout is exactly the program\'s');
    assert.match(r.stderr, /^echo: done$/m);
    assert.match(r.stderr, /pagecost record: [\d,]+ resize calls in 1 process/);
    const run = parseRunFile(readFileSync(out, 'utf8'), out).run!;
    assert.equal(run.exitCode, 42);
    assert.equal(siteAt(run, 'echo.c', markers(src).get('read')!)!.calls, input.length);
  });

  it('the real CLI: stopped with SIGTERM, it stops the program, keeps what was recorded, and ends like it', async () => {
    ensureBuilt();
    const src = copyFixture('slow.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'slow'), ['-g']);
    const out = join(s.dir, 'slow.json');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliBundle, 'record', '--cache-dir', s.cache, '--out', out, '--', bin], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        if (d.includes('ready')) child.kill('SIGTERM');
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, 143, r.stderr);
    const run = parseRunFile(readFileSync(out, 'utf8'), out).run!;
    assert.equal(run.signal, 'SIGTERM');
    const calls = siteAt(run, 'slow.c', markers(src).get('loop')!)?.calls ?? 0;
    assert.ok(calls >= 100, `${calls} calls kept`);
  });

  it('a shell script as the program: the processes it starts are recorded', async () => {
    const src = copyFixture('echo.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'echo2'), ['-g']);
    const script = join(s.dir, 'run.sh');
    writeFileSync(script, `#!/bin/sh\nprintf 'a\\nb\\n' | ${bin} 0\n`);
    chmodSync(script, 0o755);
    const deps = testDeps({ stdout: '' });
    const out = join(s.dir, 'script.json');
    assert.equal(await runRecord(['--cache-dir', s.cache, '--out', out, '--', script], fakeIO(s.dir), deps), 0);
    const run = parseRunFile(readFileSync(out, 'utf8'), out).run!;
    assert.equal(siteAt(run, 'echo.c', markers(src).get('read')!)?.calls, 4);
    assert.ok(run.processes.length >= 2, 'the shell and the program');
  });

  it('--frames 1 keeps the immediate caller only: calls through a wrapper stay in the wrapper', async () => {
    const src = copyFixture('compare.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'compare1'), ['-g', '-O0']);
    const deps = testDeps({ stdout: '' });
    const out = join(s.dir, 'f1.json');
    await runRecord(['--cache-dir', s.cache, '--frames', '1', '--out', out, '--', bin], fakeIO(s.dir), deps);
    const run = parseRunFile(readFileSync(out, 'utf8'), out).run!;
    assert.equal(siteAt(run, 'compare.c', markers(src).get('grow-body')!)?.calls, 1200 + 450 + 77);
    assert.equal(run.sampling.frames, 1);
  });

  it('PAGECOST_SYMBOLIZER=addr2line: binutils places the calls the same way', async () => {
    const src = copyFixture('compare.c', s.dir);
    copyFileSync(src, join(s.dir, 'compare.c'));
    const bin = await compile('cc', src, join(s.dir, 'compare2'), ['-g', '-O2']);
    const out = join(s.dir, 'a2l.json');
    const deps = testDeps({ stdout: '' }, { ...process.env, PAGECOST_SYMBOLIZER: 'addr2line' });
    await runRecord(['--cache-dir', s.cache, '--out', out, '--', bin], fakeIO(s.dir), deps);
    const run = parseRunFile(readFileSync(out, 'utf8'), out).run!;
    const m = markers(src);
    for (const [k, n] of [['grow-a', 1200], ['grow-b', 450], ['grow-c', 77], ['direct', 2500], ['thread', 3000]] as const) {
      assert.equal(siteAt(run, 'compare.c', m.get(k)!)?.calls, n, k);
    }
  });
});
