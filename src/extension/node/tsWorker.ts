// Entry of dist/ts-worker.js: a worker thread of the Node extension host that runs the TS/JS
// analysis, so that loading ts-morph (~12 MB of JavaScript, a few hundred ms) and analysing a
// big file never block the editor. It requires dist/ts-analysis.js on its first request (the
// same bundle the CLI uses). One request at a time; the host keeps the queue (tsWorkerClient.ts).
import { parentPort } from 'node:worker_threads';
import { nodeTsLoader } from '../../cli/tsLoader';
import { onceLoader } from '../../core/scan/tsAnalyzer';
import type { TsWorkerRequest, TsWorkerResponse } from '../tsWorkerClient';

const load = onceLoader(nodeTsLoader());
let loadMs: number | undefined;
/** Text that passes the analysis' own prefilter, so the warm-up really initialises ts-morph. */
const WARM_UP_TEXT = 'const warm = new Uint8Array(1);\n';

parentPort!.on('message', (req: TsWorkerRequest) => {
  let res: TsWorkerResponse;
  try {
    let first: number | undefined;
    if (loadMs === undefined) {
      // The bundle initialises ts-morph on its first parse, not when required: time both.
      const t0 = performance.now();
      load()(WARM_UP_TEXT, 'warm-up.ts', {});
      loadMs = first = performance.now() - t0;
    }
    const t1 = performance.now();
    const result = load()(req.text, req.file, req.options);
    res = { id: req.id, ok: true, result, analysisMs: performance.now() - t1, ...(first !== undefined ? { loadMs: first } : {}) };
  } catch (e) {
    res = { id: req.id, ok: false, message: (e as Error)?.message ?? String(e) };
  }
  parentPort!.postMessage(res);
});
