// Worker-thread entry (bundled to dist/scanWorker.js): one ScanShard per worker, driven by the
// pool in pool.ts. The shard keeps its files' text and trees here, so the affinity between a
// file and the worker that parsed it is simply "the shard that owns it".
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { ScanShard } from '../core/scan/shard';
import { diskReader } from './reader';
import { nodeTsLoader } from './tsLoader';
import type { ShardRequest, ShardResponse, WorkerInit } from './pool';

const init = workerData as WorkerInit;
// PAGECOST_TIMING=1: each request's time in this worker, to see how even the shards are.
const timing = process.env.PAGECOST_TIMING === '1';
const shard = new ScanShard(diskReader, init.grammar, init.options, nodeTsLoader());
// Compile the grammar while the main thread walks the tree; a failure resurfaces on first use.
shard.warmUp().catch(() => {});

parentPort!.on('message', async (req: ShardRequest) => {
  let res: ShardResponse;
  const started = Date.now();
  try {
    let result: unknown;
    switch (req.method) {
      case 'load':
        result = shard.load(req.args[0]);
        break;
      case 'wrapperRound':
        result = await shard.wrapperRound(req.args[0], req.args[1]);
        break;
      case 'callSites':
        result = await shard.callSites(req.args[0], req.args[1]);
        break;
      case 'dispose':
        shard.dispose();
        result = null;
        break;
    }
    res = { id: req.id, ok: true, result };
  } catch (e) {
    res = { id: req.id, ok: false, message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack };
  }
  if (timing) process.stderr.write(`pagecost: timing: worker ${threadId} ${req.method} took ${Date.now() - started} ms\n`);
  parentPort!.postMessage(res);
});
