// The contract of the TS/JS analysis (src/core/analysis/ts): what the scan, the CLI and the
// editor call, and what they get back. Plain, serialisable data: results cross worker threads.
import type { CallSite } from '../../types';

export interface TsAnalysisOptions {
  /** Files larger than this (bytes) whose name ends in `.min.js`/`.min.mjs`/`.min.cjs`, or that look generated, are skipped with a note. Default 1 MiB. */
  maxGeneratedBytes?: number;
}

export interface TsAnalysisResult {
  /** Call sites in source order, `language: 'ts'`. */
  sites: CallSite[];
  /** Plain-words notes for the user: "declaration file: no findings", "syntax errors at 3:7; analysed what parsed". */
  notes: string[];
  /** Set when the file was not analysed at all (declaration file, generated bundle over the limit), with the reason. */
  skipped?: string;
}

/** The extensions the TS/JS analysis reads. */
export const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isTsFile(path: string): boolean {
  const p = path.toLowerCase();
  return TS_EXTENSIONS.some((e) => p.endsWith(e));
}
