// `pagecost probe` and `--profile this-machine` with the real harness on this machine (Linux): the
// probe is measured once, kept under the machine's key, and read back without measuring again.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProbe } from '../../../src/core/bench/probe';
import { cliProfile, keptProfile, probe, probedThisMachine, thisMachine } from '../../../src/cli/probe';
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
    const auto = await cliProfile('auto', '/', { cacheDir: dir });
    assert.equal(auto.kind, 'probe', 'auto reads the kept probe');
    assert.match(p.profile.source, /^live system, probed /);
    assert.match(p.profile.origins.t_sys ?? '', /probed on this machine/);
  });

  it('a bad option is a usage error', async () => {
    await assert.rejects(probe(['--nope'], capture()), /unknown option --nope/);
  });

  it('auto never measures: with nothing kept for this machine it is the built-in x86-64, saying why; this-machine without a probe names its built-in', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pagecost-probe-none-'));
    try {
      const p = await keptProfile({ cacheDir: empty });
      assert.equal(p.kind, 'built-in');
      assert.equal(p.profile.name, 'x86-64');
      assert.match(p.how, /nothing measured is kept for this machine/);
      const off = await probedThisMachine({ allowProbe: true, cacheDir: empty, env: { PAGECOST_NO_PROBE: '1' } });
      assert.equal(off.kind, 'built-in');
      assert.match(off.how, /^built-in (x86-64|x86-64-vm|arm64) parameters with this machine's facts \(no probe: PAGECOST_NO_PROBE is set\)/);
      assert.ok(off.profile.warnings.some((w) => /no probe of this machine/.test(w)));
      assert.ok(!existsSync(join(empty, 'machines')), 'nothing measured, nothing kept');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
