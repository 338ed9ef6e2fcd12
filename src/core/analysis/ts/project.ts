// The TypeScript parser, loaded from ts-morph on first use and shared by every analysis on this
// thread. ts-morph carries the whole compiler (~10 MB): requiring it at import time would put
// that cost on the extension's activation even when no TS/JS file is ever opened.
//
// Only the parser runs: no program, no checker, no ts-morph `Project`. A type check of the
// whole program on each keystroke is what makes editors slow, and ts-morph's wrapping of a
// parsed file is a second walk over every node (measured at about a third of the analysis time
// on a 5,000-line file) for wrappers the analysis never uses. Declared annotations and
// declarations seen in the file are read from the syntax tree instead (receivers.ts,
// buffers.ts). Each parse is a fresh tree that nothing registers, so nothing is kept between
// analyses.
import type * as TsMorph from 'ts-morph';

export type Ts = typeof TsMorph.ts;

let loaded: Ts | undefined;

/** Milliseconds the first load took (for the benchmark script); undefined before it. */
export let loadMs: number | undefined;

export function tsApi(): Ts {
  if (!loaded) {
    const t0 = Date.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (require('ts-morph') as typeof TsMorph).ts;
    loadMs = Date.now() - t0;
  }
  return loaded;
}

function scriptKind(ts: Ts, file: string): TsMorph.ts.ScriptKind {
  const f = file.toLowerCase();
  if (f.endsWith('.tsx')) return ts.ScriptKind.TSX;
  // Plain .js may hold JSX (React projects); the JSX kind parses both.
  if (/\.[cm]?jsx?$/.test(f)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.TS;
}

/**
 * Parses `text` and hands the tree to `use`. Parent links are NOT set: the analysis walks the
 * whole tree once anyway and sets them on the way (index.ts), which saves the compiler's own
 * extra pass over every node.
 */
export function withSourceFile<T>(text: string, file: string, use: (sf: TsMorph.ts.SourceFile, ts: Ts) => T): T {
  const ts = tsApi();
  const kind = scriptKind(ts, file);
  // A fixed name per kind: the user's path may be anything (URIs, Windows paths).
  const name = `/pagecost-analysis.${kind === ts.ScriptKind.TSX ? 'tsx' : kind === ts.ScriptKind.JSX ? 'jsx' : 'ts'}`;
  return use(ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, kind), ts);
}
