// The scan of a tree as `pagecost scan` runs it (config, walk, worker pool, wrapper rounds, call
// sites), shared by `scan` and by `record`, which attributes a run to the sites the scan reports.
import { existsSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { ConfigSyntaxError, configFileName, parseConfig, type ProjectConfig } from '../core/scan/config';
import { FileDealer, scanProject, type ProjectScanResult, type ScanProgress } from '../core/scan/orchestrate';
import type { SizeOptions } from '../core/analysis/c/evaluate';
import { createPool } from './pool';
import { collectFiles, type ScanLanguage, type WalkResult } from './walk';

export function toSlash(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export interface LoadedConfig {
  config: ProjectConfig;
  problems: { file: string; message: string }[];
}

/**
 * The project config: `explicit` (already resolved) when given, else `.pagecost.json` in `base`
 * when it exists. Throws ConfigSyntaxError for a file that is not JSON.
 */
export function loadProjectConfig(base: string, explicit?: string): LoadedConfig {
  const configPath = explicit ?? resolve(base, configFileName);
  if (!existsSync(configPath)) return { config: { wrappers: [], exclude: [] }, problems: [] };
  const parsed = parseConfig(readFileSync(configPath, 'utf8'), toSlash(configPath));
  return { config: parsed.config, problems: parsed.problems };
}

export { ConfigSyntaxError };

/** Files this thread scans alone before workers get any, by default (one walk batch, walk.ts). */
const defaultSoloFiles = 256;

export interface TreeScanOptions {
  roots: string[];
  /** Paths in outputs are relative to it. */
  base: string;
  config: ProjectConfig;
  jobs: number;
  /**
   * Files this thread scans alone before the workers get any (default one walk batch: a small
   * tree never starts them); 0 spreads from the first file (`--jobs N` given).
   */
  soloFiles?: number;
  maxFileSize: number;
  size: SizeOptions;
  partialParse: boolean;
  gitignore: boolean;
  languages?: ScanLanguage[];
  maxGeneratedBytes?: number;
  onProgress?: (p: ScanProgress) => void;
  /** Called when a phase starts (PAGECOST_TIMING). */
  mark?: (what: string) => void;
}

export interface TreeScan {
  result: ProjectScanResult;
  walked: WalkResult;
}

/** Walks the roots and scans the files: wrappers first, then call sites. */
export async function scanTree(o: TreeScanOptions): Promise<TreeScan> {
  const mark = o.mark ?? (() => undefined);
  // This thread's grammar loads while the walk goes on; a worker starts when first dealt files.
  // node's own --v8-pool-size, when it was set (relaunch.ts): it changes the figures that follow.
  const v8Pool = process.execArgv.find((a) => a.startsWith('--v8-pool-size='));
  mark(`starting ${o.jobs} job(s)${v8Pool ? ` (${v8Pool})` : ''}`);
  const pool = createPool(o.jobs, {
    maxFileSize: o.maxFileSize, size: o.size, roots: o.roots.map(toSlash), partialParse: o.partialParse,
    ...(o.maxGeneratedBytes !== undefined ? { maxGeneratedBytes: o.maxGeneratedBytes } : {}),
  }, { codeCache: true });
  mark('walk');
  o.onProgress?.({ phase: 'reading', files: 0, message: 'listing files' });
  // Files go to the shards in batches while the walk goes on, so reading overlaps listing. The
  // first walk batch goes to this thread's shard alone: a project that small is done before a
  // worker would have started, and its workers then never start.
  const dealer = new FileDealer(pool.shards, o.soloFiles ?? defaultSoloFiles);
  let walked;
  try {
    walked = await collectFiles(o.roots, {
      base: o.base,
      exclude: o.config.exclude,
      gitignore: o.gitignore,
      ...(o.languages ? { languages: o.languages } : {}),
      onFiles: (batch) => dealer.deal(batch),
      ready: pool.ready,
    });
  } catch (e) {
    await pool.close();
    throw e;
  }
  mark(`${walked.files.length} files listed`);
  try {
    const result = await scanProject(dealer, pool.shards, {
      configWrappers: o.config.wrappers,
      onProgress: (p) => {
        mark(p.message);
        o.onProgress?.(p);
      },
    });
    return { result, walked };
  } finally {
    await pool.close();
  }
}
