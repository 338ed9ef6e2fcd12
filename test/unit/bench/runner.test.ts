// The runner's failure paths, with fake compilers and fake harness binaries (small sh scripts
// in a temporary folder) driven through the real Node host.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BenchError, defaultCacheDir, ensureHarness, resolveCompiler, runBenchmark, runHarness, type BenchHost,
} from '../../../src/core/bench/runner';
import { quickSweep, type Sweep } from '../../../src/core/bench/sweep';
import { nodeBenchHost } from '../../../src/cli/benchHost';
import { END, HELLO, point } from './fixtures';

let dir: string;
const host = nodeBenchHost();

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

/** A sh line that prints `text` verbatim (single-quoted for sh). */
function say(text: string): string {
  return `printf '%s\\n' '${text.replace(/'/g, `'\\''`)}'`;
}

const tinySweep = (over: Partial<Sweep> = {}): Sweep => ({
  ...quickSweep(2), ops: ['munmap'], sizes: [4096], threads: [1], timeLimitMs: 30_000, ...over,
});

async function rejection(p: Promise<unknown>): Promise<BenchError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BenchError, `expected a BenchError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the promise to reject');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is dead
  } catch {
    return false;
  }
}

async function waitUntil(cond: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pagecost-bench-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('bench runner: platform and compiler', () => {
  it('refuses non-Linux systems before touching a compiler, saying what still works', async () => {
    const mac: BenchHost = { ...host, platform: 'darwin', execFile: () => assert.fail('must not run anything') };
    const e = await rejection(runBenchmark(mac, { sweep: tinySweep(), sourcePaths: [] }));
    assert.equal(e.kind, 'not-linux');
    assert.match(e.message, /Linux only \(this is darwin\)/);
    assert.match(e.message, /pagecost explain/);
  });

  it('reports a compiler path that does not exist', async () => {
    const e = await rejection(resolveCompiler(host, join(dir, 'no-such-cc')));
    assert.equal(e.kind, 'no-compiler');
    assert.match(e.message, /no-such-cc \(no such file\)/);
    assert.match(e.message, /--cc PATH/);
  });

  it('reports that none of cc, gcc, clang is on PATH', async () => {
    const e = await rejection(resolveCompiler({ ...host, env: { PATH: dir } }));
    assert.equal(e.kind, 'no-compiler');
    assert.match(e.message, /cc \(not on PATH\), gcc \(not on PATH\), clang \(not on PATH\)/);
  });

  it('refuses a $CC with arguments, since no shell splits it', async () => {
    const e = await rejection(resolveCompiler({ ...host, env: { PATH: dir, CC: 'gcc -m32' } }));
    assert.match(e.message, /must name one program/);
  });

  it('finds gcc on PATH when there is no cc, and takes its --version', async () => {
    script('gcc', 'echo "fakegcc 9.9"');
    const cc = await resolveCompiler({ ...host, env: { PATH: `${join(dir, 'nothing')}:${dir}` } });
    assert.equal(cc.path, join(dir, 'gcc'));
    assert.equal(cc.version, 'fakegcc 9.9');
    assert.equal(cc.source, 'PATH');
  });

  it('shows the compiler output when compiling fails', async () => {
    const cc = script('cc', `[ "$1" = --version ] && { echo fakecc; exit 0; }\necho "harness.c:12:3: error: expected ';'" >&2\nexit 1`);
    const compiler = await resolveCompiler(host, cc);
    const e = await rejection(ensureHarness(host, { source: 'int main(void){}', compiler, cacheDir: join(dir, 'cache') }));
    assert.equal(e.kind, 'compile-failed');
    assert.match(e.message, /exited with 1/);
    assert.match(e.message, /harness\.c:12:3: error: expected ';'/);
  });

  it('says so when the compiler succeeds without writing a program', async () => {
    const cc = script('cc', `[ "$1" = --version ] && { echo fakecc; exit 0; }\nexit 0`);
    const compiler = await resolveCompiler(host, cc);
    const e = await rejection(ensureHarness(host, { source: 'x', compiler, cacheDir: join(dir, 'cache') }));
    assert.equal(e.kind, 'compile-failed');
    assert.match(e.message, /wrote no program/);
  });

  it('builds once, then reuses the cache until the source or the compiler version changes', async () => {
    const log = join(dir, 'compiles.log');
    const fakeHarness = script('fake-harness', 'exit 0');
    const ccBody = (version: string) =>
      `[ "$1" = --version ] && { echo "${version}"; exit 0; }\n` +
      `echo compile >> '${log}'\n` +
      'while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done\n' +
      `cp '${fakeHarness}' "$out"`;
    const cc = script('cc', ccBody('fakecc 1'));
    const cacheDir = join(dir, 'cache');
    const compiles = () => readFileSync(log, 'utf8').trim().split('\n').length;

    const first = await ensureHarness(host, { source: 'v1', compiler: await resolveCompiler(host, cc), cacheDir });
    assert.equal(first.built, true);
    assert.ok(existsSync(first.binary));
    assert.equal(readFileSync(`${first.binary}.c`, 'utf8'), 'v1', 'the compiled source is the hashed one');
    const again = await ensureHarness(host, { source: 'v1', compiler: await resolveCompiler(host, cc), cacheDir });
    assert.equal(again.built, false);
    assert.equal(again.binary, first.binary);
    assert.equal(compiles(), 1);

    const newSource = await ensureHarness(host, { source: 'v2', compiler: await resolveCompiler(host, cc), cacheDir });
    assert.equal(newSource.built, true);
    assert.notEqual(newSource.binary, first.binary);

    script('cc', ccBody('fakecc 2'));
    const newCompiler = await ensureHarness(host, { source: 'v1', compiler: await resolveCompiler(host, cc), cacheDir });
    assert.equal(newCompiler.built, true);
    assert.notEqual(newCompiler.binary, first.binary);
    assert.equal(compiles(), 3);
  });

  it('puts the cache under $XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(defaultCacheDir({ ...host, env: { XDG_CACHE_HOME: '/x/cache' } }), '/x/cache/pagecost');
    assert.equal(defaultCacheDir({ ...host, env: {}, homedir: () => '/home/u' }), '/home/u/.cache/pagecost');
    assert.equal(defaultCacheDir({ ...host, env: { XDG_CACHE_HOME: 'relative' }, homedir: () => '/home/u' }), '/home/u/.cache/pagecost');
  });
});

describe('bench runner: running the harness', () => {
  it('streams events and resolves with the output of a clean run', async () => {
    const h = script('h', [say(HELLO), say(point('munmap', 4096)), say(END)].join('\n'));
    const seen: string[] = [];
    const out = await runHarness(host, h, { sweep: tinySweep(), onEvent: (e) => seen.push(e.kind) });
    assert.deepEqual(seen, ['hello', 'point', 'end']);
    assert.equal(out.points[0]!.medianNs, 1000);
    assert.deepEqual(out.errors, []);
  });

  it('stops at garbage on stdout and says which line', async () => {
    const h = script('h', `${say(HELLO)}\necho 'Segmentation fault (core dumped)'\nsleep 30`);
    const e = await rejection(runHarness(host, h, { sweep: tinySweep(), graceMs: 200 }));
    assert.equal(e.kind, 'garbage');
    assert.match(e.message, /line 2 is not JSON: "Segmentation fault \(core dumped\)"/);
    assert.match(e.message, /rebuilt/);
    assert.equal(e.partial?.facts?.cpus, 2);
  });

  it('reports a crash by its signal and keeps the points measured before it', async () => {
    const h = script('h', `${say(HELLO)}\n${say(point('munmap', 4096))}\necho 'about to crash' >&2\nkill -SEGV $$`);
    const e = await rejection(runHarness(host, h, { sweep: tinySweep() }));
    assert.equal(e.kind, 'crashed');
    assert.match(e.message, /killed by SIGSEGV after 1 points/);
    assert.match(e.message, /about to crash/);
    assert.equal(e.partial?.points.length, 1);
  });

  it('reports a non-zero exit with the end of stderr', async () => {
    const h = script('h', `echo 'harness: bad size: 5000' >&2\nexit 3`);
    const e = await rejection(runHarness(host, h, { sweep: tinySweep() }));
    assert.equal(e.kind, 'exit-code');
    assert.match(e.message, /exited with status 3/);
    assert.match(e.message, /bad size: 5000/);
  });

  it('reports output cut off in the middle of a line', async () => {
    const h = script('h', `${say(HELLO)}\nprintf '%s' '{"type":"point","op":"mun'`);
    const e = await rejection(runHarness(host, h, { sweep: tinySweep() }));
    assert.equal(e.kind, 'incomplete');
    assert.ok(e.partial?.errors.some((m) => /ended in the middle of line 2/.test(m)));
  });

  it('kills a harness that hangs past the time limit, with advice', async () => {
    const h = script('h', `${say(HELLO)}\nsleep 30`);
    const e = await rejection(runHarness(host, h, { sweep: tinySweep({ timeLimitMs: 300 }), graceMs: 200 }));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /within its time limit of 0\.3 s/);
    assert.match(e.message, /--time-limit/);
  });

  it('cancelling kills the whole process group, children included', async () => {
    const pids = join(dir, 'pids');
    const h = script('h', `sleep 30 &\necho "$$ $!" > '${pids}'\n${say(HELLO)}\nwait`);
    const controller = new AbortController();
    const run = runHarness(host, h, {
      sweep: tinySweep(),
      signal: controller.signal,
      onEvent: (ev) => {
        if (ev.kind === 'hello') controller.abort();
      },
    });
    const e = await rejection(run);
    assert.equal(e.kind, 'cancelled');
    const [shell, child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    assert.ok(await waitUntil(() => !alive(shell!)), 'the harness is gone');
    assert.ok(await waitUntil(() => !alive(child!)), 'its child is gone too');
  });

  it('follows SIGTERM with SIGKILL when the harness ignores it', async () => {
    const pids = join(dir, 'pids');
    const h = script('h', `trap '' TERM\necho $$ > '${pids}'\n${say(HELLO)}\nwhile :; do sleep 1; done`);
    const controller = new AbortController();
    const e = await rejection(
      runHarness(host, h, { sweep: tinySweep(), signal: controller.signal, graceMs: 200, onEvent: () => controller.abort() }),
    );
    assert.equal(e.kind, 'cancelled');
    assert.ok(await waitUntil(() => !alive(Number(readFileSync(pids, 'utf8')))));
  });

  it('reports a harness binary that cannot be started', async () => {
    const e = await rejection(runHarness(host, join(dir, 'missing'), { sweep: tinySweep() }));
    assert.equal(e.kind, 'spawn-failed');
    assert.match(e.message, /no such file/);
  });

  it('refuses an invalid sweep without starting anything', async () => {
    const e = await rejection(runHarness(host, '/bin/false', { sweep: tinySweep({ sizes: [100] }) }));
    assert.equal(e.kind, 'bad-sweep');
  });
});
