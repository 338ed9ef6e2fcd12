// The Node extension host's TS/JS service: the shared queue (../tsWorkerClient.ts) over a worker
// thread running dist/ts-worker.js, so loading ts-morph and analysing never block the host.
import { Worker } from 'node:worker_threads';
import { TsWorkerQueue, type StartWorker, type TsWorkerResponse } from '../tsWorkerClient';

export function startNodeWorker(script: string): StartWorker {
  return (on) => {
    const w = new Worker(script);
    w.on('message', (res: TsWorkerResponse) => on.message(res));
    w.on('error', (e) => on.failed(new Error(`the TS/JS analysis worker crashed: ${e.message}`)));
    w.on('exit', (code) => on.failed(new Error(`the TS/JS analysis worker exited (code ${code})`)));
    return {
      post: (m) => w.postMessage(m),
      terminate: () => void w.terminate(),
    };
  };
}

export class WorkerTsService extends TsWorkerQueue {
  constructor(script: string, timeoutMs = 60_000, log: (line: string) => void = () => {}) {
    super(startNodeWorker(script), script, timeoutMs, log);
  }
}
