// Parses C snippets for the call-site tests; one parser per process.
import type { Parser } from 'web-tree-sitter';
import type { CallSite, WrapperDef } from '../../../src/core/types';
import { analyzeCFile, type CFileAnalysis } from '../../../src/core/analysis/c/analyzeFile';
import { createCParser } from '../../../src/core/analysis/c/parser';
import { parseCText } from '../../../src/core/analysis/c/treeText';
import { findWrappers } from '../../../src/core/analysis/c/wrappers';
import { grammarFiles } from '../../support/grammar';

let parser: Promise<Parser> | null = null;
export function cParser(): Promise<Parser> {
  parser ??= createCParser(grammarFiles);
  return parser;
}

export async function analyze(text: string, file = 'snippet.c', wrappers: WrapperDef[] = []): Promise<CFileAnalysis> {
  const p = await cParser();
  const tree = parseCText(p, text)!;
  try {
    return analyzeCFile(tree.rootNode, text, file, { wrappers });
  } finally {
    tree.delete();
  }
}

export async function wrappersOf(text: string, file = 'snippet.c', known: WrapperDef[] = []): Promise<WrapperDef[]> {
  const p = await cParser();
  const tree = parseCText(p, text)!;
  try {
    return findWrappers(tree.rootNode, text, file, known);
  } finally {
    tree.delete();
  }
}

/** `line:column kind callee via` for compact assertions. */
export function brief(s: CallSite): string {
  const via = s.via.length ? ` via ${s.via.join('>')}` : '';
  return `${s.nameRange.start.line}:${s.nameRange.start.column} ${s.kind} ${s.callee}${via}`;
}
