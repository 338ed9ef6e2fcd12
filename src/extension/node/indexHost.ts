// The index host of the Node extension host for folders on the local disk: listing and scanning
// in worker threads (indexEngine.ts), so the host's thread only sends and receives messages.
// Folders of other schemes (remote file systems seen through workspace.fs) go to fsHost.ts.
import * as vscode from 'vscode';
import type { ShardOptions } from '../../core/scan/shard';
import type { IndexControl, IndexHost, IndexListing, IndexListRequest } from '../index/host';
import { NodeIndexEngine, WorkerIndexControl } from './indexEngine';

const toSlash = (p: string) => p.replace(/\\/g, '/');

export class NodeIndexHost implements IndexHost {
  readonly where = 'worker threads';
  readonly indexesTs = true;
  readonly limitation = null;
  private readonly engine: NodeIndexEngine;

  constructor(distDir: string) {
    this.engine = new NodeIndexEngine(distDir);
  }

  unsupported(folder: vscode.Uri): string | null {
    return folder.scheme === 'file' ? null : `the folder is not on this machine's disk (${folder.scheme}:)`;
  }

  async list(req: IndexListRequest): Promise<IndexListing> {
    const root = toSlash(req.folder.fsPath);
    const r = await this.engine.list({
      root, projectExclude: req.projectExclude, excludeGlobs: req.excludeGlobs, languages: req.languages, maxFiles: req.maxFiles, useGit: req.trusted,
    });
    // Sites are named by the document URI the editor opens, so an open file and its index entry agree.
    const name = (rel: string) => vscode.Uri.joinPath(req.folder, ...rel.split('/')).toString();
    return {
      files: r.files.map((f) => ({ ...f, rel: name(f.rel) })),
      errors: r.errors.map((e) => ({ ...e, file: e.file === '.' ? req.folder.toString() : name(e.file) })),
      total: r.total,
    };
  }

  control(): IndexControl {
    return new WorkerIndexControl();
  }

  backend(options: ShardOptions, control: IndexControl) {
    return this.engine.backend(options, control as WorkerIndexControl);
  }

  readerPath(uri: vscode.Uri): string {
    return toSlash(uri.fsPath);
  }

  uriOf(path: string): vscode.Uri {
    return vscode.Uri.file(path);
  }

  dispose(): void {
    this.engine.dispose();
  }
}
