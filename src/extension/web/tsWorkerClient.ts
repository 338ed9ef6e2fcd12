// The browser entry's TS/JS service: the shared queue (../tsWorkerClient.ts) over a Web Worker
// running dist/web/ts-worker.js. The web extension host is itself a worker whose origin may
// differ from where the extension's files are served, so the script is read through
// workspace.fs and started from a blob URL. Where the host has no Worker, there is no service
// (the documents then say NO_TS_WORKER_REASON).
import * as vscode from 'vscode';
import { TsWorkerQueue, type StartWorker, type TsWorkerRequest, type TsWorkerResponse } from '../tsWorkerClient';
import type { TsAnalysisService } from '../tsService';

interface WebWorker {
  postMessage(message: TsWorkerRequest): void;
  terminate(): void;
  onmessage: ((e: { data: TsWorkerResponse }) => void) | null;
  onerror: ((e: { message?: string; preventDefault?(): void }) => void) | null;
}
type WorkerConstructor = new (url: string, options?: { name?: string }) => WebWorker;
interface BlobUrls {
  Blob: new (parts: Uint8Array[], options?: { type?: string }) => unknown;
  URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
}

function startWebWorker(script: vscode.Uri, Worker: WorkerConstructor, web: BlobUrls): StartWorker {
  return (on) => {
    let worker: WebWorker | null = null;
    let ended = false;
    const waiting: TsWorkerRequest[] = [];
    void (async () => {
      try {
        const bytes = await vscode.workspace.fs.readFile(script);
        if (ended) return;
        const url = web.URL.createObjectURL(new web.Blob([bytes], { type: 'text/javascript' }));
        const w = new Worker(url, { name: 'pagecost TS/JS analysis' });
        w.onmessage = (e) => on.message(e.data);
        w.onerror = (e) => {
          e.preventDefault?.();
          on.failed(new Error(`the TS/JS analysis worker failed: ${e.message ?? 'no message'}`));
        };
        worker = w;
        for (const m of waiting.splice(0)) w.postMessage(m);
      } catch (e) {
        on.failed(new Error(`the TS/JS analysis worker could not start in this browser (${(e as Error).message}); ${script.toString(true)}`));
      }
    })();
    return {
      post: (m) => (worker ? worker.postMessage(m) : waiting.push(m)),
      terminate: () => {
        ended = true;
        worker?.terminate();
      },
    };
  };
}

/** The service over dist/web/ts-worker.js, or null where this host cannot start workers. */
export function webTsService(extensionUri: vscode.Uri, log: (line: string) => void): TsAnalysisService | null {
  const g = globalThis as unknown as { Worker?: WorkerConstructor } & Partial<BlobUrls>;
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') return null;
  const script = vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'ts-worker.js');
  return new TsWorkerQueue(startWebWorker(script, g.Worker, { Blob: g.Blob, URL: g.URL }), script.toString(true), 60_000, log);
}
