// Entry of dist/web/ts-worker.js: a Web Worker started by the browser entry's TS/JS service
// (web/tsWorkerClient.ts) in VS Code for the Web, so that parsing with the TypeScript compiler
// (inside this bundle, ~14 MB) runs beside the web extension host rather than in it. The bundle
// is fetched only when the first TS/JS document is opened. Same protocol as the Node worker.
import { analyzeTsFile } from '../../core/analysis/ts/index';
import type { TsWorkerRequest, TsWorkerResponse } from '../tsWorkerClient';

interface WorkerScope {
  onmessage: ((e: { data: TsWorkerRequest }) => void) | null;
  postMessage(message: TsWorkerResponse): void;
}
const scope = globalThis as unknown as WorkerScope;
let loaded = false;

scope.onmessage = (e) => {
  const req = e.data;
  let res: TsWorkerResponse;
  try {
    let loadMs: number | undefined;
    if (!loaded) {
      // The compiler is initialised on its first parse: time that on a tiny file that passes the
      // analysis' own prefilter, apart from the request's analysis.
      const t0 = performance.now();
      analyzeTsFile('const warm = new Uint8Array(1);\n', 'warm-up.ts', {});
      loadMs = performance.now() - t0;
      loaded = true;
    }
    const t1 = performance.now();
    const result = analyzeTsFile(req.text, req.file, req.options);
    res = { id: req.id, ok: true, result, analysisMs: performance.now() - t1, ...(loadMs !== undefined ? { loadMs } : {}) };
  } catch (err) {
    res = { id: req.id, ok: false, message: (err as Error)?.message ?? String(err) };
  }
  scope.postMessage(res);
};
