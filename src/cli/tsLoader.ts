// The Node side of "how to get the TS/JS analysis" (src/core/scan/tsAnalyzer.ts): require the
// separate bundle dist/ts-analysis.js beside the running bundle, at run time and only when asked,
// so ts-morph never loads for C-only work. Running from source (tests under tsx) there is no
// bundle beside us and the engine's source module is required instead.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TsAnalyze, TsAnalyzerLoader } from '../core/scan/tsAnalyzer';
import { requireBundle } from './codeCache';

export const TS_BUNDLE = 'ts-analysis.js';

/**
 * A loader for the bundle in `dir` (default: the folder of the running bundle). With `codeCache`
 * (the command line), the 14 MB bundle is compiled from the code cache (codeCache.ts): ~45 ms
 * instead of 150–270 ms to load it on the 2-vCPU machine of 2026-12-07.
 */
export function nodeTsLoader(dir: string = __dirname, codeCache = false): TsAnalyzerLoader {
  return () => {
    // createRequire keeps esbuild from following (and bundling) these paths.
    const req = createRequire(__filename);
    const bundle = join(dir, TS_BUNDLE);
    if (existsSync(bundle)) return ((codeCache ? requireBundle(bundle) : req(bundle)) as { analyzeTsFile: TsAnalyze }).analyzeTsFile;
    const source = join(__dirname, '..', 'core', 'analysis', 'ts', 'index.ts');
    if (existsSync(source)) return (req(source) as { analyzeTsFile: TsAnalyze }).analyzeTsFile;
    throw new Error(`the TS/JS analysis bundle ${bundle} is missing; run \`npm run build\` (or reinstall pagecost)`);
  };
}
