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
import { ScanShard, type ShardOptions } from '../core/scan/shard';
import { diskReader } from './reader';
import { nodeTsLoader } from './tsLoader';

export interface WorkerInit {
  grammar: GrammarFiles;
  options: ShardOptions;
}

type Method = 'load' | 'wrapperRound' | 'callSites' | 'dispose';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ShardRequest = { id: number; method: Method; args: any[] };
export type ShardResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; stack?: string };

export interface Pool {
  shards: ShardClient[];
  kind: 'workers' | 'in-process';
  close(): Promise<void>;
}

/** One worker per core, up to 8 (beyond that reading files, not parsing, is the limit). */
export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
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

export function createPool(jobs: number, options: ShardOptions): Pool {
  const grammar = grammarFiles();
  const workerScript = join(__dirname, 'scanWorker.js');
  // The main thread is one of the shards: it would otherwise only wait, and every worker costs
  // a Node start, a bundle load, a grammar compile and a cold JIT. So N jobs = main + N-1 workers.
  const local = new ScanShard(diskReader, grammar, options, nodeTsLoader());
  local.warmUp().catch(() => {}); // a failure resurfaces on first use
  if (jobs <= 1 || !existsSync(workerScript)) {
    return { shards: [local], kind: 'in-process', close: async () => local.dispose() };
  }
  const workers = Array.from({ length: jobs - 1 }, () => new WorkerShard(workerScript, { grammar, options }));
  return {
    shards: [...workers, local],
    kind: 'workers',
    close: async () => {
      local.dispose();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

class WorkerShard implements ShardClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(script: string, init: WorkerInit) {
    this.worker = new Worker(script, { workerData: init });
    this.worker.on('message', (res: ShardResponse) => {
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
    this.worker.on('error', (e) => fail(new Error(`scan worker crashed: ${e.message}`)));
    this.worker.on('exit', (code) => {
      if (this.pending.size) fail(new Error(`scan worker exited (code ${code}) in the middle of a scan`));
    });
  }

  private call<T>(method: Method, ...args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies ShardRequest);
    });
  }

  load(files: Parameters<ShardClient['load']>[0]) {
    return this.call<Awaited<ReturnType<ShardClient['load']>>>('load', files);
  }
  wrapperRound(names: string[], known: Parameters<ShardClient['wrapperRound']>[1]) {
    return this.call<Awaited<ReturnType<ShardClient['wrapperRound']>>>('wrapperRound', names, known);
  }
  callSites(known: Parameters<ShardClient['callSites']>[0], untested: string[] = []) {
    return this.call<Awaited<ReturnType<ShardClient['callSites']>>>('callSites', known, untested);
  }
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
