// The subcommand bundles compiled from a V8 code cache: written after a run, used by the next,
// a damaged one replaced, and the output never changes.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheDir } from '../../../src/cli/codeCache';
import { crossFileTree, ensureBuilt, runCli, suiteTrees } from '../../support/cli';

describe('code cache of the CLI bundles', function () {
  this.timeout(120_000);
  const tree = suiteTrees();
  before(() => ensureBuilt());
  let cacheHome: string;
  beforeEach(() => (cacheHome = mkdtempSync(join(tmpdir(), 'pagecost-cache-'))));
  afterEach(() => rmSync(cacheHome, { recursive: true, force: true }));

  it('lives under $XDG_CACHE_HOME/pagecost, else ~/.cache/pagecost', () => {
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/pagecost/code-cache');
    assert.match(codeCacheDir({ XDG_CACHE_HOME: 'relative' }), /[\\/]\.cache[\\/]pagecost[\\/]code-cache$/);
  });

  it('is written by the first scan, read by the next, replaced when damaged; findings unchanged', async () => {
    const dir = tree(crossFileTree);
    const env = { XDG_CACHE_HOME: cacheHome };
    const args = ['scan', 'src/user.c', 'lib/wrapper.c', '--format', 'json', '--profile', 'x86-64'];
    const findings = (s: string) => (JSON.parse(s) as { findings: unknown[] }).findings;
    const first = await runCli(args, dir, env);
    assert.equal(first.code, 0, first.stderr);
    const cacheDir = join(cacheHome, 'pagecost', 'code-cache');
    const files = readdirSync(cacheDir);
    assert.equal(files.length, 1, files.join(' '));
    assert.match(files[0]!, /^cli-scan\.js-[0-9a-f]{20}\.bin$/);
    const cacheFile = join(cacheDir, files[0]!);
    const written = statSync(cacheFile).mtimeMs;
    assert.ok(statSync(cacheFile).size > 10_000);

    const second = await runCli(args, dir, env);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(findings(second.stdout), findings(first.stdout));
    assert.equal(statSync(cacheFile).mtimeMs, written, 'a cache that was used is not written again');

    // Garbage where the cache was: V8 refuses it, the scan compiles as usual and writes a good one.
    writeFileSync(cacheFile, Buffer.alloc(4096, 7));
    const third = await runCli(args, dir, env);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(findings(third.stdout), findings(first.stdout));
    assert.notDeepEqual(readFileSync(cacheFile), Buffer.alloc(4096, 7));
    // Other builds' caches stay (another install, another node), up to four per bundle: the oldest go.
    const others = ['0', '1', '2', '3'].map((d) => join(cacheDir, `cli-scan.js-${d.repeat(20)}.bin`));
    others.forEach((f, i) => {
      writeFileSync(f, 'old');
      utimesSync(f, new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i));
    });
    rmSync(cacheFile);
    assert.equal((await runCli(args, dir, env)).code, 0);
    assert.deepEqual(readdirSync(cacheDir).sort(), [files[0], ...others.slice(1).map((f) => f.split(/[\\/]/).pop())].sort());
  });

  it('a cache folder that cannot be made changes nothing; NODE_DISABLE_COMPILE_CACHE writes none', async () => {
    const dir = tree(crossFileTree);
    writeFileSync(join(cacheHome, 'pagecost'), 'a file where the folder would go');
    const r = await runCli(['scan', 'src/user.c', '--format', 'json'], dir, { XDG_CACHE_HOME: cacheHome });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const off = mkdtempSync(join(tmpdir(), 'pagecost-cache-'));
    try {
      assert.equal((await runCli(['scan', 'src/user.c'], dir, { XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' })).code, 0);
      assert.deepEqual(readdirSync(off), []);
    } finally {
      rmSync(off, { recursive: true, force: true });
    }
  });
});
