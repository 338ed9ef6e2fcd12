// What the editor needs to analyse a TS/JS document: a service that runs the TS analysis off the
// extension host's thread (a worker thread in the Node host, node/tsWorkerClient.ts; a Web Worker
// in VS Code for the Web, web/tsWorkerClient.ts). The
// manager never imports the analysis itself: ts-morph and the TypeScript compiler (~12 MB) would
// then load at activation, in the host's thread, for C users too.
import type { TsAnalysisOptions, TsAnalysisResult } from '../core/analysis/ts/api';

export interface TsAnalysisRequest {
  /** The document's URI string: a newer request for the same key supersedes a queued older one. */
  key: string;
  text: string;
  /** What the sites' `file` says (the URI string, like C documents). */
  file: string;
  options: TsAnalysisOptions;
}

export interface TsAnalysisService {
  /** The analysis of `req`; null when a newer request for the same key replaced it before it ran. Rejects with what went wrong. */
  analyze(req: TsAnalysisRequest): Promise<TsAnalysisResult | null>;
  /** Drops queued work for a closed document. */
  cancel(key: string): void;
  /** Milliseconds the worker took to load the analysis (ts-morph), once it has; null before. */
  readonly loadMs: number | null;
  dispose(): void;
}

/** Shown once, and as the document's "not analysed" reason, where no service exists (a host that cannot start workers). */
export const NO_TS_WORKER_REASON =
  'TS/JS analysis runs in a worker, which this extension host cannot start; open the folder in desktop VS Code, a remote window or code-server to analyse TS/JS';
