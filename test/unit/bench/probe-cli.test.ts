// `pagecost probe` and `--profile this-machine` with the real harness on this machine (Linux): the
// probe is measured once, kept under the machine's key, and read back without measuring again.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProbe } from '../../../src/core/bench/probe';
import { autoProfile, cliProfile, probe, thisMachine } from '../../../src/cli/probe';
import type { CliIO } from '../../../src/cli/io';

function capture(): CliIO & { out: string; err: string } {
  const io = {
    out: '', err: '', cwd: '/', stderrIsTTY: false,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

describe('pagecost probe (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pagecost-probe-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('measures once, keeps the result under the machine key, then shows the kept one', async function () {
    const first = capture();
    const code = await probe(['--cache-dir', dir], first);
    if (process.platform !== 'linux') {
      assert.equal(code, 1);
      assert.match(first.err, /measures Linux/);
      return;
    }
    assert.equal(code, 0, first.err);
    const key = thisMachine().key;
    assert.match(first.out, new RegExp(`^machine key: ${key.replace(/[.]/g, '\\.')}\n`));
    assert.match(first.out, /^probed .*: \d+ points in [\d.]+ s; model v\d+$/m);
    assert.match(first.out, /^ {2}t_sys +[\d.]+ (ns|µs) +\(built-in /m);
    const kept = join(dir, 'machines', key, 'probe.json');
    assert.ok(existsSync(kept), kept);

    const second = capture();
    assert.equal(await probe(['--cache-dir', dir, '--json'], second), 0);
    assert.equal(second.err, '', 'a kept probe is not measured again');
    const c = checkProbe(JSON.parse(second.out), key);
    assert.ok(c.ok, c.ok ? '' : c.error);

    const p = await cliProfile('this-machine', '/', { cacheDir: dir });
    assert.equal(p.kind, 'probe');
    assert.match(p.profile.source, /^live system, probed /);
    assert.match(p.profile.origins.t_sys ?? '', /probed on this machine/);
  });

  it('a bad option is a usage error', async () => {
    await assert.rejects(probe(['--nope'], capture()), /unknown option --nope/);
  });

  it('auto in CI runs no probe: the closest built-in with this machine\'s facts, saying why', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pagecost-probe-ci-'));
    try {
      const p = await autoProfile({ allowProbe: true, cacheDir: empty, env: { CI: 'true' } });
      assert.equal(p.kind, 'built-in');
      assert.match(p.how, /CI is set/);
      assert.ok(p.profile.warnings.some((w) => /no probe of this machine/.test(w)));
      assert.ok(!existsSync(join(empty, 'machines')), 'nothing measured, nothing kept');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
