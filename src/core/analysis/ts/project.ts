// The ts-morph project, loaded on first use and shared by every analysis on this thread.
// ts-morph carries the whole TypeScript compiler (~10 MB): requiring it at import time would
// put that cost on the extension's activation even when no TS/JS file is ever opened.
//
// Only the parser is used. No program, no checker: a type check of the whole project on each
// keystroke is what makes editors slow. Declared annotations and declarations seen in the file
// are read from the syntax tree instead (receivers.ts, buffers.ts).
import type * as TsMorph from 'ts-morph';

export type Ts = typeof TsMorph.ts;

let loaded: { morph: typeof TsMorph; project: TsMorph.Project } | undefined;

/** Milliseconds the first load took (for the benchmark script); undefined before the first load. */
export let loadMs: number | undefined;

function load(): { morph: typeof TsMorph; project: TsMorph.Project } {
  if (!loaded) {
    const t0 = Date.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const morph = require('ts-morph') as typeof TsMorph;
    const project = new morph.Project({
      useInMemoryFileSystem: true,
      skipAddingFilesFromTsConfig: true,
      skipFileDependencyResolution: true,
      skipLoadingLibFiles: true,
      compilerOptions: { allowJs: true, jsx: morph.ts.JsxEmit.Preserve, noLib: true, noResolve: true },
    });
    loaded = { morph, project };
    loadMs = Date.now() - t0;
  }
  return loaded;
}

export function tsApi(): Ts {
  return load().morph.ts;
}

function scriptKind(ts: Ts, file: string): TsMorph.ts.ScriptKind {
  const f = file.toLowerCase();
  if (f.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (f.endsWith('.jsx')) return ts.ScriptKind.JSX;
  // Plain .js may hold JSX (React projects); the JSX kind parses both.
  if (/\.[cm]?js$/.test(f)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.TS;
}

/**
 * Parses `text` in the shared project, hands the raw compiler tree to `use`, and removes the
 * file afterwards whatever happens, so thousands of analyses leave nothing behind.
 */
export function withSourceFile<T>(text: string, file: string, use: (sf: TsMorph.ts.SourceFile, ts: Ts) => T): T {
  const { morph, project } = load();
  const ts = morph.ts;
  // A fixed in-memory name per kind: the user's path may be anything (URIs, Windows paths).
  const kind = scriptKind(ts, file);
  const ext = kind === ts.ScriptKind.TSX ? 'tsx' : kind === ts.ScriptKind.JSX ? 'jsx' : 'ts';
  const sf = project.createSourceFile(`/pagecost-analysis.${ext}`, text, { overwrite: true, scriptKind: kind });
  try {
    return use(sf.compilerNode, ts);
  } finally {
    project.removeSourceFile(sf);
  }
}

/** Source files the shared project holds right now (0 between analyses; tests check for leaks). */
export function openFileCount(): number {
  return loaded ? loaded.project.getSourceFiles().length : 0;
}
