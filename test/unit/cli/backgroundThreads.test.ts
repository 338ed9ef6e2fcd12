// Binding V8's background threads to one of two cores: the CPU list read from /proc, and the
// binding itself on this machine (Linux) — the main thread keeps every CPU it had.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { allowedCpus } from '../../../src/cli/backgroundThreads';
import { crossFileTree, ensureBuilt, runCli, suiteTrees } from '../../support/cli';

describe('allowedCpus', () => {
  it('reads ranges and lists', () => {
    assert.deepEqual(allowedCpus('Name:\tnode\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n'), [0, 1]);
    assert.deepEqual(allowedCpus('Cpus_allowed_list:\t2,5-7,9\n'), [2, 5, 6, 7, 9]);
    assert.deepEqual(allowedCpus('Cpus_allowed_list:\t3\n'), [3]);
  });
  it('null for what it cannot read', () => {
    assert.equal(allowedCpus('Name:\tnode\n'), null);
    assert.equal(allowedCpus('Cpus_allowed_list:\tx-y\n'), null);
  });
});

describe('pinBackgroundThreads (in a child node)', function () {
  this.timeout(30_000);
  it('binds the other threads to the last CPU on two CPUs, and changes nothing otherwise', () => {
    const cpus = allowedCpus(readFileSync('/proc/self/status', 'utf8'))!;
    // A fresh node: its background threads are V8's; the mocha process is left alone.
    const script = `
      const { pinBackgroundThreads } = require(${JSON.stringify(require.resolve('../../../src/cli/backgroundThreads'))});
      pinBackgroundThreads().then((pinned) => {
        const { execFileSync } = require('node:child_process');
        const masks = require('node:fs').readdirSync('/proc/self/task').map((t) => [t === String(process.pid), execFileSync('taskset', ['-p', '-c', t]).toString().trim().split(': ').pop()]);
        console.log(JSON.stringify({ pinned, masks }));
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script]).toString()) as { pinned: boolean; masks: [boolean, string][] };
    const all = execFileSync('taskset', ['-p', '-c', String(process.pid)]).toString().trim().split(': ').pop();
    const main = out.masks.filter(([isMain]) => isMain).map(([, m]) => m);
    const others = out.masks.filter(([isMain]) => !isMain).map(([, m]) => m);
    assert.deepEqual(main, [all], 'the main thread keeps every CPU');
    assert.ok(others.length >= 4, 'node has background threads');
    if (cpus.length === 2) {
      assert.equal(out.pinned, true);
      assert.ok(others.every((m) => m === String(cpus[1])), JSON.stringify(out.masks));
    } else {
      assert.equal(out.pinned, false);
      assert.ok(others.every((m) => m === all), JSON.stringify(out.masks));
    }
  });
});

describe('pagecost scan DIR binds the background threads (CLI bundle)', function () {
  this.timeout(120_000);
  const tree = suiteTrees();
  before(() => ensureBuilt());

  it('on two CPUs with taskset, for a tree scanned by one thread; never for a single file; findings unchanged', async () => {
    const cpus = allowedCpus(readFileSync('/proc/self/status', 'utf8'))!;
    let taskset = true;
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    } catch {
      taskset = false;
    }
    const dir = tree(crossFileTree);
    const env = { PAGECOST_TIMING: '1' };
    const tree1 = await runCli(['scan', '.', '--format', 'json'], dir, env);
    assert.equal(tree1.code, 0, tree1.stderr);
    assert.equal(/background threads bound to one core/.test(tree1.stderr), cpus.length === 2 && taskset, tree1.stderr);
    const workers = await runCli(['scan', '.', '--format', 'json', '--jobs', '2'], dir, env);
    assert.doesNotMatch(workers.stderr, /bound to one core/);
    const file = await runCli(['scan', 'src/user.c', '--format', 'json'], dir, env);
    assert.doesNotMatch(file.stderr, /bound to one core/);
    const findings = (s: string) => (JSON.parse(s) as { findings: unknown[] }).findings;
    assert.deepEqual(findings(workers.stdout), findings(tree1.stdout));
  });
});
