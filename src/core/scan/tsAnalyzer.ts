// How the project scan reaches the TS/JS analysis (src/core/analysis/ts) without importing it:
// the analysis carries ts-morph and the TypeScript compiler (~12 MB), which must never load for
// C-only work. The host injects a loader (the CLI's requires dist/ts-analysis.js, tests import
// the source); it is called once, on the first TS/JS file that needs parsing, and its failure
// is remembered so every TS/JS file then gets the same error instead of retrying the load.
import type { TsAnalysisOptions, TsAnalysisResult } from '../analysis/ts/api';
import { isTsFile } from '../analysis/ts/api';

export type TsAnalyze = (text: string, file: string, options?: TsAnalysisOptions) => TsAnalysisResult;
/** Returns the analysis or throws an Error saying why it cannot be loaded and what to do. */
export type TsAnalyzerLoader = () => TsAnalyze;

export { isTsFile };

/** Default size above which a `*.min.js` bundle is skipped with a note (1 MiB, as the analysis' own default). */
export const defaultMaxGeneratedBytes = 1024 * 1024;

/** Calls `load` at most once; later calls return the same analysis or throw the same error. */
export function onceLoader(load: TsAnalyzerLoader): TsAnalyzerLoader {
  let value: TsAnalyze | null = null;
  let failure: Error | null = null;
  return () => {
    if (value) return value;
    if (failure) throw failure;
    try {
      value = load();
      if (typeof value !== 'function') throw new Error('the TS/JS analysis module has no analyzeTsFile export');
      return value;
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e));
      throw failure;
    }
  };
}

/** `.d.ts`, `.d.mts`, `.d.cts` (and `.d.tsx`-style names): declarations only, never call sites. */
export function isDeclarationFile(path: string): boolean {
  return /\.d\.[cm]?tsx?$/i.test(path) || /\.d\.[^./]+\.ts$/i.test(path);
}

/** A bundler's minified output, by name: `app.min.js`, `x.min.mjs`, `y.min.cjs`. */
export function isMinifiedName(path: string): boolean {
  return /\.min\.[cm]?js$/i.test(path);
}

/**
 * Why a TS/JS file is not analysed at all, judged from its name and size before any text is
 * decoded or ts-morph is loaded; null when it should go on to the prefilter and the analysis.
 */
export function tsSkipNote(path: string, bytes: number, maxGeneratedBytes: number): string | null {
  if (isDeclarationFile(path)) return 'declaration file (.d.ts): declarations only, no findings';
  if (isMinifiedName(path) && bytes > maxGeneratedBytes) {
    return `generated bundle (${bytes} bytes > ${maxGeneratedBytes}, minified by its name): skipped; scan its sources instead`;
  }
  return null;
}

/**
 * The cheap text test for TS/JS: a file that spells none of these cannot hold a site the analysis
 * reports (FFI/wasm `realloc`/`mremap` and their `_realloc`/`__wbindgen_realloc` forms, Memory
 * `grow`, ArrayBuffer `transfer`/`resize`, typed-array copies, `Buffer.concat`/`alloc`, a
 * `concat` helper). Kept a little wider than the analysis' own first check, so the files handed
 * over (and counted as parsed) are only those worth it; a test checks it never drops a file the
 * analysis finds sites in.
 */
export const tsMentionPattern =
  /realloc|mremap|\.\s*(?:grow|resize|transfer|transferToFixedLength)\s*\(|\bBuffer\s*\.\s*(?:concat|alloc)|(?:Int|Uint|Float|BigInt|BigUint)(?:8|16|32|64)(?:Clamped)?Array\b|\bconcat\b/;

export function tsMayHaveSites(text: string): boolean {
  return tsMentionPattern.test(text);
}
