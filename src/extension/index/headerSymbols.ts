// The headers an open C document sees, resolved as the scan resolves them (core/scan/headers.ts):
// the same `#include "..."` chain, the same roots, so a size that comes from a macro in a header
// evaluates in the editor exactly as in `pagecost scan`. Texts come from open documents first
// (what the user is typing), else from workspace.fs; they are fetched asynchronously, then
// resolved synchronously. A header is parsed (on this thread) only when a size looks a name up
// that its text defines (lazySymbols.ts), and once until it changes.
import * as vscode from 'vscode';
import type { Parser } from 'web-tree-sitter';
import type { FileSymbols } from '../../core/analysis/c/symbols';
import { decodeSource } from '../../core/scan/input';
import { fetchHeaderTexts, HeaderResolver, parseHeaderSymbols } from '../../core/scan/headers';
import type { IndexService } from './indexService';

export interface DocumentHeaders {
  symbols: FileSymbols[];
  /** Reader paths of those headers, nearest first. */
  paths: string[];
  /** Changes when any of them changes: part of the document's analysis key. */
  key: string;
}

const none: DocumentHeaders = { symbols: [], paths: [], key: '' };

export class OpenFileHeaders {
  /** Header texts by reader path (null: not there), shared by every document. */
  private readonly texts = new Map<string, string | null>();
  private readonly resolvers = new Map<string, HeaderResolver>();
  /** Bumped per path when it changes, so a document's key changes with its headers. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly index: IndexService,
    private readonly parser: () => Promise<Parser>,
    private readonly maxFileSize: (uri: vscode.Uri) => number,
  ) {}

  async for(doc: vscode.TextDocument, text: string): Promise<DocumentHeaders> {
    const ctx = this.index.includeContext(doc.uri);
    if (!ctx || !text.includes('#')) return none;
    const limit = this.maxFileSize(doc.uri);
    const fetch = async (path: string): Promise<string | null> => {
      const open = vscode.workspace.textDocuments.find((d) => !d.isClosed && this.index.includeContext(d.uri)?.path === path);
      if (open) return open.getText();
      const bytes = await vscode.workspace.fs.readFile(ctx.uriOf(path));
      const decoded = decodeSource(bytes, limit);
      return decoded.ok ? decoded.text : null;
    };
    await fetchHeaderTexts(ctx.path, text, { roots: ctx.roots }, fetch, this.texts);
    const parser = await this.parser();
    const key = `${ctx.folder.toString()}\u0000${ctx.roots.join('\u0000')}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = new HeaderResolver({ roots: ctx.roots }, (p) => this.texts.get(p) ?? null, (p, t) => parseHeaderSymbols(parser, p, t));
      this.resolvers.set(key, resolver);
    }
    const paths = resolver.headerPaths(ctx.path, text);
    return {
      symbols: resolver.headersOf(ctx.path, text),
      paths,
      key: paths.map((p) => `${p}@${this.generations.get(p) ?? 0}`).join('|'),
    };
  }

  /** `uri` changed (on disk, or as an open document): read it again next time. */
  forget(uri: vscode.Uri): string | null {
    const ctx = this.index.includeContext(uri);
    if (!ctx) return null;
    this.texts.delete(ctx.path);
    for (const r of this.resolvers.values()) r.forget(ctx.path);
    this.generations.set(ctx.path, (this.generations.get(ctx.path) ?? 0) + 1);
    return ctx.path;
  }

  /** Everything, after a settings change (roots, file size limit). */
  clear(): void {
    this.texts.clear();
    this.resolvers.clear();
    for (const p of this.generations.keys()) this.generations.set(p, (this.generations.get(p) ?? 0) + 1);
  }
}
