// The C grammar's bytes, read once from our dist/ through workspace.fs (Node and browser alike,
// never from the network), for the open documents' parser and the index on the web.
import * as vscode from 'vscode';
import type { GrammarFiles } from '../core/analysis/c/parser';

let cached: { key: string; bytes: Promise<GrammarFiles> } | null = null;

export function grammarBytes(extensionUri: vscode.Uri): Promise<GrammarFiles> {
  const key = extensionUri.toString();
  if (cached?.key !== key) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const bytes = Promise.all([
      vscode.workspace.fs.readFile(vscode.Uri.joinPath(dist, 'tree-sitter.wasm')),
      vscode.workspace.fs.readFile(vscode.Uri.joinPath(dist, 'tree-sitter-c.wasm')),
    ]).then(([runtime, c]) => ({ runtime, c }));
    // A failure is not kept: the next call reads again.
    bytes.catch(() => (cached = null));
    cached = { key, bytes };
  }
  return cached.bytes;
}
