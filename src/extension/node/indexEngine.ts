// The workspace index's engine in the Node extension host (and in scripts/bench-index.ts, which
// runs it without VS Code): listing and include lookups in a helper worker (dist/index-worker.js),
// scans in the scan pool's worker threads with no shard on this thread, pause and stop through
// the pool's shared control. Nothing here blocks the thread that calls it for more than a message.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createPool, defaultJobs, PoolControl, stoppedMessage } from '../../cli/pool';
import { FileDealer, scanProject } from '../../core/scan/orchestrate';
import type { ShardOptions } from '../../core/scan/shard';
import { IndexStopped } from '../../core/index/inProcess';
import { ProgressCounter, type IndexBackend } from '../../core/index/update';
import type { DependentsArgs, IndexWorkerRequest, IndexWorkerResponse, ListArgs, ListResult } from './indexWorker';

/** Pause, resume and stop of one refresh. */
export class WorkerIndexControl {
  readonly pool = new PoolControl();
  private stopRequested = false;
  pause(): void {
    this.pool.pause();
  }
  resume(): void {
    this.pool.resume();
  }
  stop(): void {
    this.stopRequested = true;
    this.pool.stop();
  }
  get paused(): boolean {
    return this.pool.paused;
  }
  get stopped(): boolean {
    return this.stopRequested;
  }
}

export class NodeIndexEngine {
  private helper: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The folder holding dist/index-worker.js, dist/scanWorker.js and the grammars. */
    private readonly distDir: string,
    private readonly jobs: number = defaultJobs(),
  ) {}

  list(args: ListArgs): Promise<ListResult> {
    return this.call('list', args) as Promise<ListResult>;
  }

  backend(options: ShardOptions, control: WorkerIndexControl): IndexBackend {
    return {
      scan: async (files, seeds, onProgress, seedHelpers) => {
        if (control.stopped) throw new IndexStopped();
        const counter = new ProgressCounter(files.length);
        let last = 0;
        // Small scans (a saved file) run in one worker: starting a second costs more than it saves.
        const jobs = Math.max(1, Math.min(this.jobs, Math.ceil(files.length / 64)));
        const pool = createPool(jobs, options, {
          local: false,
          workerDir: this.distDir,
          control: control.pool,
          // A background index yields the CPU to the editor (its extension host and renderer).
          nice: 10,
          onProgress: (phase, n) => {
            counter.add(phase, n);
            const now = Date.now();
            if (now - last >= 100) {
              last = now;
              onProgress({ phase: counter.phase, done: counter.done, total: files.length });
            }
          },
        });
        try {
          const dealer = new FileDealer(pool.shards);
          dealer.deal(files);
          return await scanProject(dealer, pool.shards, { configWrappers: seeds, ...(seedHelpers ? { seedHelpers } : {}) });
        } catch (e) {
          if (control.stopped || (e as Error).message?.includes(stoppedMessage)) throw new IndexStopped();
          throw e;
        } finally {
          await pool.close();
        }
      },
      dependents: async (headers, candidates, gone) =>
        (await this.call('dependents', { headers, candidates, gone, roots: options.roots, maxFileSize: options.maxFileSize } satisfies DependentsArgs)) as string[],
    };
  }

  private call(method: IndexWorkerRequest['method'], args: ListArgs | DependentsArgs): Promise<unknown> {
    const w = this.worker();
    const id = this.nextId++;
    if (this.idle) clearTimeout(this.idle);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, method, args } as IndexWorkerRequest);
    });
  }

  private worker(): Worker {
    if (this.helper) return this.helper;
    const w = new Worker(join(this.distDir, 'index-worker.js'));
    w.once('online', () => w.postMessage({ id: 0, method: 'nice', args: 10 }));
    const failAll = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      if (this.helper === w) this.helper = null;
    };
    w.on('message', (res: IndexWorkerResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.ok) p.resolve(res.result);
      else p.reject(new Error(res.message));
      // The helper holds nothing worth keeping between refreshes: let it go when idle.
      if (!this.pending.size) {
        this.idle = setTimeout(() => this.stopHelper(), 30_000);
        this.idle.unref?.();
      }
    });
    w.on('error', (e) => failAll(new Error(`the index worker crashed: ${e.message}`)));
    w.on('exit', (code) => failAll(new Error(`the index worker exited (code ${code})`)));
    this.helper = w;
    return w;
  }

  private stopHelper(): void {
    const w = this.helper;
    this.helper = null;
    void w?.terminate();
  }

  dispose(): void {
    if (this.idle) clearTimeout(this.idle);
    this.stopHelper();
  }
}
