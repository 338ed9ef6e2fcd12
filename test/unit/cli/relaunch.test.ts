// The relaunch with one V8 background thread (not on Linux, which binds the threads instead):
// when it happens (a pure decision), and `relaunch` itself — the second node's arguments and
// environment, its exit code, and a signal to the first reaching it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { relaunchPoolSize, type RelaunchContext } from '../../../src/cli/relaunch';

const base: RelaunchContext = { argv: ['scan', 'src'], env: {}, execArgv: [], cores: 2, platform: 'darwin', isDirectory: (p) => p === 'src' || p === 'runs' };

describe('relaunchPoolSize', () => {
  it('a directory scan on one or two cores gets one background thread', () => {
    assert.equal(relaunchPoolSize(base), 1);
    assert.equal(relaunchPoolSize({ ...base, cores: 1, platform: 'win32' }), 1);
    assert.equal(relaunchPoolSize({ ...base, argv: ['scan', '--format', 'json', 'a.c', 'src', '--jobs', '2'] }), 1);
  });

  it('runs as started: Linux, more cores, a file, other commands, help, or already relaunched', () => {
    assert.equal(relaunchPoolSize({ ...base, platform: 'linux' }), null);
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

describe('relaunch (a real second node)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pagecost-relaunch-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `relaunch(script, args, 1)` in a node of its own (it installs signal handlers there). */
  function parent(script: string, args: string[]) {
    const driver = join(dir, 'driver.cjs');
    writeFileSync(driver, `require(${JSON.stringify(require.resolve('tsx/cjs'))}); const { relaunch } = require(${JSON.stringify(require.resolve('../../../src/cli/relaunch'))});
      relaunch(${JSON.stringify(script)}, ${JSON.stringify(args)}, 1).then((code) => { process.exitCode = code === null ? 99 : code; });`);
    return spawn(process.execPath, [driver], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('starts the script with --v8-pool-size=1 and the relaunched mark, and leaves with its exit code', async () => {
    const script = join(dir, 'report.cjs');
    writeFileSync(script, "console.log(JSON.stringify({ argv: process.argv.slice(2), pool: process.execArgv.filter((a) => a.startsWith('--v8-pool-size')), mark: process.env.PAGECOST_RELAUNCHED })); process.exitCode = 3;");
    const p = parent(script, ['scan', 'x y']);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const code = await new Promise((r) => p.once('exit', r));
    assert.equal(code, 3);
    assert.deepEqual(JSON.parse(out), { argv: ['scan', 'x y'], pool: ['--v8-pool-size=1'], mark: '1' });
  });

  it('a SIGTERM to the first node ends the second too, and the first ends by it', async () => {
    const script = join(dir, 'wait.cjs');
    const pidFile = join(dir, 'pid');
    writeFileSync(script, `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`);
    const p = parent(script, []);
    const t0 = Date.now();
    while (!existsSync(pidFile) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    const child = Number(readFileSync(pidFile, 'utf8'));
    const exited = new Promise<[number | null, string | null]>((r) => p.once('exit', (c, s) => r([c, s])));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      p.kill('SIGTERM');
      const [code, signal] = await Promise.race([exited, new Promise<[null, string]>((r) => setTimeout(() => r([null, 'still running after 10 s']), 10_000))]);
      assert.ok(signal === 'SIGTERM' || code === 143, `exit ${code} ${signal}`);
      for (let i = 0; i < 100 && alive(child); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(alive(child), false, 'the second node outlived the first');
    } finally {
      for (const pid of [p.pid!, child]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
