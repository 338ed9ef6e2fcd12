// Shards for a scan: the main thread's own shard plus worker threads running dist/scanWorker.js
// (jobs - 1 of them), or only the in-process shard when one job is asked for or the worker
// bundle is not beside us (running from source in tests). The orchestrator sees ShardClients.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GrammarFiles } from '../core/analysis/c/parser';
import type { ShardClient } from '../core/scan/orchestrate';
import { ScanShard, type ShardOptions, type ShardPhase } from '../core/scan/shard';
import { diskReader } from './reader';
import { nodeTsLoader } from './tsLoader';

export interface WorkerInit {
  grammar: GrammarFiles;
  options: ShardOptions;
  /** Report files as they are done (`ShardProgress` messages between the responses). */
  progress?: boolean;
  /** Int32Array view: [0] = 1 pauses before the next file, [1] = 1 stops the current pass (see PoolControl). */
  control?: SharedArrayBuffer;
  /** Niceness of the worker thread (Linux: per thread), so a background index yields the CPU to the editor. */
  nice?: number;
  /** Compile the TS/JS analysis bundle from the code cache (codeCache.ts): the CLI's scans, not the editor's. */
  codeCache?: boolean;
}

/** Files a worker has finished since its last report, by pass; posted without an id. */
export type ShardProgress = { progress: { phase: ShardPhase; files: number } };

export interface PoolExtras {
  /** Also shard on this thread (default true). The editor says false: its thread must stay free. */
  local?: boolean;
  /** Progress of every shard: `files` more were handled in `phase`. */
  onProgress?: (phase: ShardPhase, files: number) => void;
  /** Pause and stop requests the workers check before each file. */
  control?: PoolControl;
  /** The folder of dist/scanWorker.js (default: beside this bundle); tests from source point at dist/. */
  workerDir?: string;
  /** Run the worker threads at this niceness (0–19; a background index asks for 10). */
  nice?: number;
  /** The TS/JS analysis bundle from the code cache (codeCache.ts): the command line says so; the editor's host does not write caches. */
  codeCache?: boolean;
}

/**
 * Pause/resume/stop for a pool's workers, through shared memory the workers check before each
 * file: a paused worker sleeps until resumed, a stopped one ends its pass with an error.
 */
export class PoolControl {
  readonly buffer = new SharedArrayBuffer(8);
  private readonly flags = new Int32Array(this.buffer);
  pause(): void {
    Atomics.store(this.flags, 0, 1);
  }
  resume(): void {
    Atomics.store(this.flags, 0, 0);
    Atomics.notify(this.flags, 0);
  }
  stop(): void {
    Atomics.store(this.flags, 1, 1);
    this.resume();
  }
  get paused(): boolean {
    return Atomics.load(this.flags, 0) === 1;
  }
}

/** What a worker does before each file when it has a control buffer: wait while paused, throw when stopped. */
export function checkControl(flags: Int32Array): void {
  for (;;) {
    if (Atomics.load(flags, 1) === 1) throw new Error(stoppedMessage);
    if (Atomics.load(flags, 0) !== 1) return;
    // Woken by resume(); the timeout only bounds how long a missed wake-up could last.
    Atomics.wait(flags, 0, 1, 500);
  }
}

export const stoppedMessage = 'the scan was stopped';

type Method = 'load' | 'wrapperRound' | 'callSites' | 'dispose';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ShardRequest = { id: number; method: Method; args: any[] };
export type ShardResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; stack?: string };

export interface Pool {
  shards: ShardClient[];
  /**
   * Settles once this thread's shard has its grammar loaded and warmed up (parser.ts): awaited
   * before the walk, so the grammar's code is optimised in the background while the files are
   * listed and read, not after. Never rejects (a failure resurfaces on first use).
   */
  ready: Promise<void>;
  kind: 'workers' | 'in-process';
  close(): Promise<void>;
}

/** One worker per core, up to 8 (beyond that reading files, not parsing, is the limit). */
export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/**
 * Threads for `pagecost scan` (and `pagecost record`'s scan) when --jobs is not given: one on two
 * cores or fewer, two on more. Two limits decide it:
 * - Memory: each scan thread is another V8 isolate with its own heap, compiled code and
 *   tree-sitter memory. On the dense bench corpus (2-vCPU machine, 2026-12-07 08:55 UTC) peak RSS
 *   was 210–215 MiB with one thread, 222–237 with two and 282–286 with four (eight took 363 MiB
 *   earlier that day): more than two cannot fit issue #10's 256 MB (244 MiB).
 * - CPU: a worker runs the scanner cold and V8's background compiler optimises it over again,
 *   about 1 s of CPU per isolate on that corpus (per-thread CPU times; it moves to the main thread
 *   with --no-concurrent-recompilation). On two cores that compiling and the second thread share
 *   one core: 1.72 s with one thread, 1.67 s with two (medians of 5 alternating runs, load ~2);
 *   at 09:35, 1.52 s with one and 1.55–1.62 s with two, for ~15–20 MiB more. From three cores
 *   on, each has a core of its own.
 * `--jobs N` still gives N (more speed on big trees, for memory).
 */
export function scanJobs(): number {
  return availableParallelism() <= 2 ? 1 : Math.min(2, defaultJobs());
}

/** The .wasm files beside the bundle, else from node_modules (running from source). */
export function grammarFiles(): GrammarFiles {
  const local = (name: string) => join(__dirname, name);
  if (existsSync(local('tree-sitter.wasm')) && existsSync(local('tree-sitter-c.wasm'))) {
    return { runtime: local('tree-sitter.wasm'), c: local('tree-sitter-c.wasm') };
  }
  // createRequire keeps esbuild from trying to bundle these paths (the bundle never gets here).
  const req = createRequire(__filename);
  return {
    runtime: req.resolve('web-tree-sitter/tree-sitter.wasm'),
    c: req.resolve('tree-sitter-c/tree-sitter-c.wasm'),
  };
}

export function createPool(jobs: number, options: ShardOptions, extras: PoolExtras = {}): Pool {
  const grammar = grammarFiles();
  const workerScript = join(extras.workerDir ?? __dirname, 'scanWorker.js');
  const haveWorkers = existsSync(workerScript);
  const init: WorkerInit = {
    grammar, options,
    ...(extras.onProgress ? { progress: true } : {}),
    ...(extras.control ? { control: extras.control.buffer } : {}),
    ...(extras.nice ? { nice: extras.nice } : {}),
    ...(extras.codeCache ? { codeCache: true } : {}),
  };
  if (extras.local === false && haveWorkers) {
    const workers = Array.from({ length: Math.max(1, jobs) }, () => new WorkerShard(workerScript, init, extras.onProgress));
    return { shards: workers, kind: 'workers', ready: Promise.resolve(), close: async () => void (await Promise.all(workers.map((w) => w.close()))) };
  }
  // The main thread is one of the shards: it would otherwise only wait, and every worker costs
  // a Node start, a bundle load, a grammar compile and a cold JIT. So N jobs = main + N-1 workers.
  const local = new ScanShard(diskReader, grammar, options, nodeTsLoader(undefined, extras.codeCache === true));
  const ready = local.warmUp().catch(() => {}); // a failure resurfaces on first use
  if (extras.onProgress || extras.control) {
    const flags = extras.control ? new Int32Array(extras.control.buffer) : null;
    local.onFile = (phase) => {
      if (flags) checkControl(flags);
      extras.onProgress?.(phase, 1);
    };
  }
  if (jobs <= 1 || !haveWorkers) {
    return { shards: [local], kind: 'in-process', ready, close: async () => local.dispose() };
  }
  const workers = Array.from({ length: jobs - 1 }, () => new WorkerShard(workerScript, init, extras.onProgress));
  return {
    // This thread's shard first: a FileDealer with `soloFiles` gives a small project to it alone.
    shards: [local, ...workers],
    kind: 'workers',
    ready,
    close: async () => {
      local.dispose();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/**
 * A scan worker's young generation (V8's default is 16 MB per semi-space). A shard's garbage is
 * short-lived (node wrappers, strings of one file), so a small nursery collects it as well; on
 * the nine dense projects it took ~20 MiB off the scan's peak RSS (259 → 227–239 MiB) at no
 * visible CPU cost (bench:scan).
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * A shard in a worker thread. The thread starts on the first request: a worker the scan never
 * deals a file to (a small project, see FileDealer) costs nothing.
 */
class WorkerShard implements ShardClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(
    private readonly script: string,
    private readonly init: WorkerInit,
    private readonly onProgress?: PoolExtras['onProgress'],
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const onProgress = this.onProgress;
    const worker = new Worker(this.script, { workerData: this.init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    this.worker = worker;
    worker.on('message', (res: ShardResponse | ShardProgress) => {
      if ('progress' in res) {
        onProgress?.(res.progress.phase, res.progress.files);
        return;
      }
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.ok) p.resolve(res.result);
      else {
        const err = new Error(`scan worker: ${res.message}`);
        if (res.stack) err.stack = res.stack;
        p.reject(err);
      }
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', (e) => fail(new Error(`scan worker crashed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (this.pending.size) fail(new Error(`scan worker exited (code ${code}) in the middle of a scan`));
    });
    return worker;
  }

  private call<T>(method: Method, ...args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, args } satisfies ShardRequest);
    });
  }

  load(files: Parameters<ShardClient['load']>[0]) {
    return this.call<Awaited<ReturnType<ShardClient['load']>>>('load', files);
  }
  wrapperRound(names: string[], known: Parameters<ShardClient['wrapperRound']>[1], extra: Parameters<ShardClient['wrapperRound']>[2] = {}) {
    return this.call<Awaited<ReturnType<ShardClient['wrapperRound']>>>('wrapperRound', names, known, extra);
  }
  callSites(known: Parameters<ShardClient['callSites']>[0], untested: string[] = [], helpers: Parameters<ShardClient['callSites']>[2] = []) {
    return this.call<Awaited<ReturnType<ShardClient['callSites']>>>('callSites', known, untested, helpers);
  }
  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
