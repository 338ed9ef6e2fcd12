import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The scripts are ES modules (.mjs) without types: loaded by path, typed here by what the tests use.
type Preflight = {
  onPath(name: string, env: NodeJS.ProcessEnv): string | null;
  nodeTooOld(version: string, min?: string): string | null;
  compilerLine(env: NodeJS.ProcessEnv): { compiler: string | null; line: string | null };
  missingBuildTools(env: NodeJS.ProcessEnv, exists: (f: string) => boolean): string | null;
  portFree(port: number, host?: string): Promise<boolean>;
  browserLine(port: number, env: NodeJS.ProcessEnv): string | null;
  desktopLine(vsix: string, folder: string, env: NodeJS.ProcessEnv): string | null;
};
type Freshness = { staleBecause(target: string, inputs: string[]): string | null };
const root = join(__dirname, '..', '..', '..');
const load = (p: string): Promise<unknown> => import(join(root, p));

describe('npm start: what it checks first, one line each (scripts/lib/preflight.mjs)', () => {
  let pre: Preflight;
  let dir: string;
  before(async () => { pre = (await load('scripts/lib/preflight.mjs')) as Preflight; });
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pagecost-start-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A PATH folder holding executables with these names. */
  const binDir = (...names: string[]) => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const n of names) {
      writeFileSync(join(bin, n), '#!/bin/sh\n');
      chmodSync(join(bin, n), 0o755);
    }
    return bin;
  };

  it('finds executables on PATH, not plain files of the same name', () => {
    const bin = binDir('gcc');
    writeFileSync(join(bin, 'cc'), 'not executable');
    assert.equal(pre.onPath('gcc', { PATH: bin }), join(bin, 'gcc'));
    assert.equal(pre.onPath('cc', { PATH: bin }), null);
    assert.equal(pre.onPath('gcc', { PATH: '' }), null);
  });

  it('without a C compiler: says hints work and benchmarks will say why; with one: nothing to say', () => {
    const none = pre.compilerLine({ PATH: binDir() });
    assert.equal(none.compiler, null);
    assert.match(none.line ?? '', /No C compiler on PATH.*hints.*work.*Benchmark and Calibrate will say they need one/);
    const bin = binDir('clang');
    assert.deepEqual(pre.compilerLine({ PATH: bin }), { compiler: join(bin, 'clang'), line: null });
    // $CC first, as the benchmark runner does.
    assert.equal(pre.compilerLine({ PATH: binDir('gcc', 'mycc'), CC: 'mycc' }).compiler, join(dir, 'bin', 'mycc'));
  });

  it('names the build tools the first setup lacks, with the command that installs them', () => {
    const line = pre.missingBuildTools({ PATH: binDir('make') }, () => false) ?? '';
    assert.match(line, /needs g\+\+, python3, libkrb5-dev: sudo apt-get install -y g\+\+ make python3 libkrb5-dev/);
    assert.equal(pre.missingBuildTools({ PATH: binDir('g++', 'make', 'python3') }, (f) => f === '/usr/include/gssapi/gssapi.h'), null);
  });

  it('Node older than the engines field is one line; 20.19 and newer pass', () => {
    assert.match(pre.nodeTooOld('20.18.3') ?? '', /Node 20\.18\.3 is too old: pagecost needs Node 20\.19 or newer/);
    assert.equal(pre.nodeTooOld('20.19.0'), null);
    assert.equal(pre.nodeTooOld('24.1.0'), null);
  });

  it('tells a port in use from a free one', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    assert.equal(await pre.portFree(port), false);
    await new Promise((r) => server.close(r));
    assert.equal(await pre.portFree(port), true);
  });

  it('says how to reach the URL over SSH or without a display, and nothing on a desktop', () => {
    assert.match(pre.browserLine(8421, { SSH_CONNECTION: '1 2 3 4' }) ?? '', /ssh -L 8421:127\.0\.0\.1:8421/);
    assert.match(pre.browserLine(9000, {}) ?? '', /No display here.*ssh -L 9000:127\.0\.0\.1:9000/);
    assert.equal(pre.browserLine(8421, { DISPLAY: ':0' }), null);
  });

  it('offers desktop VS Code where the code command exists', () => {
    assert.equal(pre.desktopLine('/r/pagecost.vsix', '/r/examples', { PATH: binDir() }), null);
    assert.equal(pre.desktopLine('/r/pagecost.vsix', '/r/examples', { PATH: binDir('code') }),
      'Desktop VS Code instead: code --install-extension /r/pagecost.vsix && code /r/examples');
  });
});

describe('npm start: the VSIX is rebuilt only when its sources are newer (scripts/lib/freshness.mjs)', () => {
  let fresh: Freshness;
  let dir: string;
  before(async () => { fresh = (await load('scripts/lib/freshness.mjs')) as Freshness; });
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pagecost-fresh-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('missing target, an input newer (also deep in a folder), all inputs older', () => {
    const target = join(dir, 'out.vsix');
    mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
    const input = join(dir, 'src', 'deep', 'a.ts');
    writeFileSync(input, 'x');
    assert.match(fresh.staleBecause(target, [join(dir, 'src')]) ?? '', /does not exist/);
    writeFileSync(target, 'zip');
    const t = Date.now() / 1000;
    utimesSync(input, t - 100, t - 100);
    utimesSync(target, t - 50, t - 50);
    assert.equal(fresh.staleBecause(target, [join(dir, 'src'), join(dir, 'missing.json')]), null);
    utimesSync(input, t, t);
    assert.match(fresh.staleBecause(target, [join(dir, 'src')]) ?? '', /a\.ts changed after .*out\.vsix was built/);
  });
});

describe('npm start refuses what it cannot do with one line, before building anything (scripts/start.mjs)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pagecost-start-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = (...args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [join(root, 'scripts', 'start.mjs'), '--profile', join(dir, 'profile'), ...args], { timeout: 15_000 },
      (e, stdout, stderr) => resolve({ code: e ? (e as { code?: number }).code ?? 1 : 0, stdout, stderr }));
  });

  it('a port given and in use', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await start('--port', String(port));
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `start: port ${port} on 127.0.0.1 is in use: stop what listens there, or npm start -- --port 0 for any free port.`);
      assert.doesNotMatch(r.stdout, /building/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('another npm start on the same profile', async () => {
    mkdirSync(join(dir, 'profile'));
    // This test's own process stands for the running one.
    writeFileSync(join(dir, 'profile', 'npm-start.json'), JSON.stringify({ pid: process.pid, serverPid: process.pid, url: 'http://127.0.0.1:1234/' }));
    const r = await start();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^start: npm start is already running on this profile \(pid \d+\): open http:\/\/127\.0\.0\.1:1234\/, or stop it/);
  });

  it('an unknown option or a bad port', async () => {
    assert.match((await start('--bogus')).stderr, /^start: unknown option --bogus \(options: /);
    assert.match((await start('--port', 'http')).stderr, /^start: --port http: give a port number from 0 to 65535/);
  });
});
