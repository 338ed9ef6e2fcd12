// The scan's worker pool as the workspace index drives it: workers only (the editor's thread
// stays free), progress per file, pause and stop through shared memory. Runs the real
// dist/scanWorker.js bundle.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { createPool, PoolControl, stoppedMessage } from '../../../src/cli/pool';
import { FileDealer, scanProject } from '../../../src/core/scan/orchestrate';
import type { ScanFileRef, ShardPhase } from '../../../src/core/scan/shard';
import { crossFileTree, ensureBuilt, repoRoot, suiteTrees } from '../../support/cli';

const dist = join(repoRoot, 'dist');

function refs(dir: string, files: Record<string, string>): ScanFileRef[] {
  return Object.keys(files).sort().map((rel) => ({ path: `${dir}/${rel}`, rel }));
}

describe('scan pool for the workspace index (dist/scanWorker.js)', function () {
  this.timeout(60_000);
  const tree = suiteTrees();
  before(() => ensureBuilt());

  it('workers only: the same sites as in-process, with per-file progress for every pass', async () => {
    const dir = tree(crossFileTree);
    const options = { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' as const }, roots: [dir] };
    const seen: Record<ShardPhase, number> = { load: 0, wrappers: 0, sites: 0 };
    const pool = createPool(2, options, { local: false, workerDir: dist, onProgress: (phase, n) => void (seen[phase] += n) });
    assert.equal(pool.kind, 'workers');
    assert.equal(pool.shards.length, 2, 'jobs workers, no shard on this thread');
    let viaWorkers;
    try {
      viaWorkers = await scanProject(refs(dir, crossFileTree), pool.shards);
    } finally {
      await pool.close();
    }
    const local = createPool(1, options);
    let inProcess;
    try {
      inProcess = await scanProject(refs(dir, crossFileTree), local.shards);
    } finally {
      await local.close();
    }
    assert.deepEqual(viaWorkers.sites, inProcess.sites);
    assert.equal(viaWorkers.sites.filter((s) => s.kind === 'wrapper-call').length, 1);
    const files = Object.keys(crossFileTree).length;
    assert.equal(seen.load, files, 'each file read once');
    assert.ok(seen.wrappers >= files, `round 1 visits every file (${seen.wrappers})`);
    assert.equal(seen.sites, files, 'the call-site pass visits every file once');
  });

  it('pause holds the workers before the next file; resume lets them finish; stop ends the pass with an error', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`f${i}.c`] = `#include <stdlib.h>\nvoid *g${i}(void *p) { return realloc(p, ${i + 1} * 64); }\n`;
    const dir = tree(files);
    const options = { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' as const }, roots: [dir] };
    const control = new PoolControl();
    control.pause();
    let done = 0;
    const pool = createPool(1, options, { local: false, workerDir: dist, control, onProgress: (_p, n) => void (done += n) });
    try {
      const dealer = new FileDealer(pool.shards);
      dealer.deal(refs(dir, files));
      const scan = scanProject(dealer, pool.shards);
      let finished = false;
      void scan.then(() => (finished = true), () => (finished = true));
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(finished, false, 'nothing finishes while paused');
      assert.ok(done <= 1, `at most the file it stopped before is counted (${done})`);
      control.resume();
      const r = await scan;
      assert.equal(r.sites.length, 40);
    } finally {
      await pool.close();
    }

    const stop = new PoolControl();
    const pool2 = createPool(1, options, { local: false, workerDir: dist, control: stop });
    try {
      stop.pause();
      const scan = scanProject(refs(dir, files), pool2.shards);
      stop.stop();
      await assert.rejects(scan, new RegExp(stoppedMessage));
    } finally {
      await pool2.close();
    }
  });
});
