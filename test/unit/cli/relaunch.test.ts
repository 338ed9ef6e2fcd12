// The relaunch with one V8 background thread: when it happens (a pure decision), and that the
// relaunched scan is the one the user gets: same output, exit code, and a signal reaches it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync, readdirSync } from 'node:fs';
import { relaunchPoolSize, type RelaunchContext } from '../../../src/cli/relaunch';
import { cliBundle, crossFileTree, ensureBuilt, runCli, suiteTrees } from '../../support/cli';

const base: RelaunchContext = { argv: ['scan', 'src'], env: {}, execArgv: [], cores: 2, isDirectory: (p) => p === 'src' || p === 'runs' };

describe('relaunchPoolSize', () => {
  it('a directory scan on one or two cores gets one background thread', () => {
    assert.equal(relaunchPoolSize(base), 1);
    assert.equal(relaunchPoolSize({ ...base, cores: 1 }), 1);
    assert.equal(relaunchPoolSize({ ...base, argv: ['scan', '--format', 'json', 'a.c', 'src', '--jobs', '2'] }), 1);
  });

  it('runs as started: more cores, a file, other commands, help, or already relaunched', () => {
    assert.equal(relaunchPoolSize({ ...base, cores: 3 }), null);
    assert.equal(relaunchPoolSize({ ...base, argv: ['scan', 'a.c'] }), null);
    assert.equal(relaunchPoolSize({ ...base, argv: ['explain', 'src'] }), null);
    assert.equal(relaunchPoolSize({ ...base, argv: ['scan', 'src', '--help'] }), null);
    assert.equal(relaunchPoolSize({ ...base, argv: ['scan', '-h', 'src'] }), null);
    assert.equal(relaunchPoolSize({ ...base, env: { PAGECOST_RELAUNCHED: '1' } }), null);
  });

  it('keeps a pool size the user chose, and a debugger', () => {
    assert.equal(relaunchPoolSize({ ...base, execArgv: ['--v8-pool-size=4'] }), null);
    assert.equal(relaunchPoolSize({ ...base, env: { NODE_OPTIONS: '--max-old-space-size=512 --v8-pool-size=2' } }), null);
    assert.equal(relaunchPoolSize({ ...base, env: { NODE_OPTIONS: '--max-old-space-size=512' } }), 1);
    // A debugger's port cannot be held by two nodes.
    assert.equal(relaunchPoolSize({ ...base, execArgv: ['--inspect-brk=9229'] }), null);
    assert.equal(relaunchPoolSize({ ...base, env: { NODE_OPTIONS: '--inspect' } }), null);
    assert.equal(relaunchPoolSize({ ...base, execArgv: ['-e', "require('./dist/cli.js')"] }), null);
    assert.equal(relaunchPoolSize({ ...base, execArgv: ['--eval=x'] }), null);
    assert.equal(relaunchPoolSize({ ...base, execArgv: ['--enable-source-maps'] }), 1);
  });
});

describe('pagecost scan DIR, relaunched (CLI bundle)', function () {
  this.timeout(120_000);
  const tree = suiteTrees();
  before(() => ensureBuilt());
  const relaunches = availableParallelism() <= 2;

  it(`${relaunches ? 'runs' : 'does not run'} the scan in a node with one V8 background thread on this ${availableParallelism()}-core machine; output and exit code as in-process`, async () => {
    const dir = tree(crossFileTree);
    const args = ['scan', '.', '--format', 'json', '--fail-on', 'hint', '--profile', 'x86-64'];
    const r = await runCli(args, dir, { PAGECOST_TIMING: '1' });
    const here = await runCli(args, dir, { PAGECOST_TIMING: '1', PAGECOST_RELAUNCHED: '1' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(here.code, 1, here.stderr);
    const findings = (s: string) => (JSON.parse(s) as { findings: unknown[] }).findings;
    assert.deepEqual(findings(r.stdout), findings(here.stdout));
    assert.equal(/starting \d+ job\(s\) \(--v8-pool-size=1\)/.test(r.stderr), relaunches, r.stderr);
    assert.doesNotMatch(here.stderr, /--v8-pool-size/);
    // A file is scanned where it was asked for, whatever the machine.
    const file = await runCli(['scan', 'src/user.c', '--format', 'json'], dir, { PAGECOST_TIMING: '1' });
    assert.doesNotMatch(file.stderr, /--v8-pool-size/);
  });

  it('a SIGTERM to pagecost ends the relaunched scan too', async () => {
    // A tree big enough that the scan is still running when the signal comes.
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`f${i}.c`] = `#include <stdlib.h>\nvoid *g${i}(void *p, size_t n) { return realloc(p, n * ${i + 1}); }\n`.repeat(20);
    const dir = tree(files);
    const parent = spawn(process.execPath, [cliBundle, 'scan', dir, '--format', 'json'], { stdio: 'ignore', env: { ...process.env, PAGECOST_DEBUG: '' } });
    const scans = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && p !== String(parent.pid)).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(dir);
      } catch {
        return false;
      }
    });
    // Wait until the scan runs (in a child when relaunched, else in the parent itself).
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000 && (relaunches ? scans().length === 0 : false)) await new Promise((r) => setTimeout(r, 20));
    const children = scans();
    assert.equal(children.length, relaunches ? 1 : 0);
    const exited = new Promise<[number | null, string | null]>((r) => parent.once('exit', (code, signal) => r([code, signal])));
    parent.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.ok(signal === 'SIGTERM' || code === 143, `exit ${code} ${signal}`);
    for (let i = 0; i < 100 && scans().length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(scans(), [], 'the relaunched scan outlived pagecost');
  });
});
