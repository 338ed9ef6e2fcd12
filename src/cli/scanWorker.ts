// Worker-thread entry (bundled to dist/scanWorker.js): one ScanShard per worker, driven by the
// pool in pool.ts. The shard keeps its files' text and trees here, so the affinity between a
// file and the worker that parsed it is simply "the shard that owns it".
import { setPriority } from 'node:os';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { ScanShard } from '../core/scan/shard';
import { diskReader } from './reader';
import { nodeTsLoader } from './tsLoader';
import { checkControl, type ShardProgress, type ShardRequest, type ShardResponse, type WorkerInit } from './pool';
import type { ShardPhase } from '../core/scan/shard';

const init = workerData as WorkerInit;
if (init.nice) {
  try {
    // Linux: affects this thread only, so the editor's own thread keeps its share of the CPU.
    setPriority(init.nice);
  } catch {
    // Not allowed or not supported here: the scan runs at normal priority.
  }
}
// PAGECOST_TIMING=1: each request's time in this worker, to see how even the shards are.
const timing = process.env.PAGECOST_TIMING === '1';
const shard = new ScanShard(diskReader, init.grammar, init.options, nodeTsLoader(undefined, init.codeCache === true));
let reportRest: () => void = () => {};
if (init.progress || init.control) {
  // The workspace index: files done are reported at most every 50 ms, and a pause or stop asked
  // for through the shared control buffer takes effect before the next file.
  const flags = init.control ? new Int32Array(init.control) : null;
  let phase: ShardPhase | null = null;
  let files = 0;
  let last = 0;
  const flush = () => {
    if (phase && files) parentPort!.postMessage({ progress: { phase, files } } satisfies ShardProgress);
    files = 0;
    last = Date.now();
  };
  shard.onFile = (p) => {
    if (flags) checkControl(flags);
    if (!init.progress) return;
    if (p !== phase) flush();
    phase = p;
    files++;
    if (Date.now() - last >= 50) flush();
  };
  // What is left unreported goes out before each answer (the answer's listener sees it first).
  reportRest = flush;
}
// Compile the grammar while the main thread walks the tree; a failure resurfaces on first use.
// Every request waits for it (in order: they all wait on one promise), so the first files are
// read after the grammar's warm-up parse, whose code is then optimised while they are read.
const warmed = shard.warmUp().catch(() => {});

parentPort!.on('message', async (req: ShardRequest) => {
  await warmed;
  let res: ShardResponse;
  const started = Date.now();
  try {
    let result: unknown;
    switch (req.method) {
      case 'load':
        result = shard.load(req.args[0]);
        break;
      case 'wrapperRound':
        result = await shard.wrapperRound(req.args[0], req.args[1], req.args[2]);
        break;
      case 'callSites':
        result = await shard.callSites(req.args[0], req.args[1], req.args[2]);
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
  reportRest();
  if (timing) process.stderr.write(`pagecost: timing: worker ${threadId} ${req.method} took ${Date.now() - started} ms\n`);
  parentPort!.postMessage(res);
});
