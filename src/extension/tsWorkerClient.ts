// The TsAnalysisService over one worker (a Node worker thread, node/tsWorkerClient.ts; a Web
// Worker in VS Code for the Web, web/tsWorkerClient.ts), started on the first TS/JS document,
// fed one request at a time. The queue keeps only the newest request
// per document, so a burst of edits costs at most one analysis in flight plus one waiting;
// older ones resolve null (stale). A request running longer than `timeoutMs` ends the worker
// (a sync analysis cannot be interrupted otherwise) and the next request starts a fresh one; a
// crashed worker likewise. Errors say which file and what to do.
import type { TsAnalysisOptions, TsAnalysisResult } from '../core/analysis/ts/api';
import type { TsAnalysisRequest, TsAnalysisService } from './tsService';

export interface TsWorkerRequest {
  id: number;
  text: string;
  file: string;
  options: TsAnalysisOptions;
}
export type TsWorkerResponse =
  | { id: number; ok: true; result: TsAnalysisResult; analysisMs: number; loadMs?: number }
  | { id: number; ok: false; message: string };

/** One started worker, as the queue sees it. */
export interface WorkerPort {
  post(message: TsWorkerRequest): void;
  terminate(): void;
}

/** Starts a worker whose answers go to `message` and whose death (error, exit) goes to `failed`. */
export type StartWorker = (on: { message(res: TsWorkerResponse): void; failed(e: Error): void }) => WorkerPort;

interface Job {
  req: TsAnalysisRequest;
  resolve: (r: TsAnalysisResult | null) => void;
  reject: (e: Error) => void;
}

export class TsWorkerQueue implements TsAnalysisService {
  private worker: WorkerPort | null = null;
  private readonly queue = new Map<string, Job>();
  private inFlight: { id: number; job: Job; timer: ReturnType<typeof setTimeout> } | null = null;
  private nextId = 1;
  private disposed = false;
  loadMs: number | null = null;
  /** Workers started so far (a crash or a timeout starts another); for tests. */
  started = 0;

  constructor(
    private readonly start: StartWorker,
    /** The worker's script, for error messages. */
    private readonly script: string,
    private readonly timeoutMs = 60_000,
    private readonly log: (line: string) => void = () => {},
  ) {}

  analyze(req: TsAnalysisRequest): Promise<TsAnalysisResult | null> {
    if (this.disposed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.queue.get(req.key)?.resolve(null);
      // Re-inserted so the document goes to the back of the line behind other documents' waiting requests.
      this.queue.delete(req.key);
      this.queue.set(req.key, { req, resolve, reject });
      this.pump();
    });
  }

  cancel(key: string): void {
    this.queue.get(key)?.resolve(null);
    this.queue.delete(key);
  }

  private pump(): void {
    if (this.inFlight || this.disposed) return;
    const next = this.queue.entries().next();
    if (next.done) return;
    const [key, job] = next.value;
    this.queue.delete(key);
    const id = this.nextId++;
    let worker: WorkerPort;
    try {
      worker = this.ensureWorker();
    } catch (e) {
      job.reject(new Error(`the TS/JS analysis worker ${this.script} could not start: ${(e as Error).message}`));
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.fail(new Error(`TS/JS analysis of ${job.req.file} took longer than ${(this.timeoutMs / 1000).toFixed(this.timeoutMs < 10_000 ? 1 : 0)} s and was stopped; exclude it with pagecost.exclude if it is generated`));
    }, this.timeoutMs);
    this.inFlight = { id, job, timer };
    worker.post({ id, text: job.req.text, file: job.req.file, options: job.req.options });
  }

  private ensureWorker(): WorkerPort {
    if (this.worker) return this.worker;
    const port: WorkerPort = this.start({
      message: (res) => {
        const f = this.inFlight;
        if (!f || res.id !== f.id || this.worker !== port) return;
        clearTimeout(f.timer);
        this.inFlight = null;
        if (res.ok) {
          if (res.loadMs !== undefined) {
            this.loadMs = res.loadMs;
            this.log(`TS/JS analysis loaded in its worker in ${res.loadMs.toFixed(0)} ms`);
          }
          f.job.resolve(res.result);
        } else f.job.reject(new Error(res.message));
        this.pump();
      },
      failed: (e) => {
        if (this.worker === port) this.fail(e);
      },
    });
    this.started++;
    this.worker = port;
    return port;
  }

  /** Ends the worker, fails the request in flight with `e`, and lets the next request start a new worker. */
  private fail(e: Error): void {
    const w = this.worker;
    this.worker = null;
    w?.terminate();
    const f = this.inFlight;
    this.inFlight = null;
    if (f) {
      clearTimeout(f.timer);
      this.log(`${e.message}`);
      f.job.reject(e);
    }
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.queue.values()) job.resolve(null);
    this.queue.clear();
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer);
      this.inFlight.job.resolve(null);
      this.inFlight = null;
    }
    const w = this.worker;
    this.worker = null;
    w?.terminate();
  }
}
