// What the workspace index needs from the host it runs in: a listing of a folder (with each
// file's stamp), a scan engine (IndexBackend) and pause/stop for it, and how the host names
// files for the scan's reader. The Node extension host lists and scans in worker threads
// (node/indexHost.ts); VS Code for the Web, and folders that are not on the local disk, go
// through workspace.fs on the host's own thread in small slices (fsHost.ts).
import type * as vscode from 'vscode';
import type { FileError } from '../../core/types';
import type { ListedFile } from '../../core/index/model';
import type { IndexBackend } from '../../core/index/update';
import type { ShardOptions } from '../../core/scan/shard';

export type IndexLanguage = 'c' | 'ts';

export interface IndexListRequest {
  folder: vscode.Uri;
  /** gitignore-style patterns from the folder's .pagecost.json. */
  projectExclude: string[];
  /** pagecost.exclude globs, on folder-relative paths. */
  excludeGlobs: string[];
  languages: IndexLanguage[];
  maxFiles: number;
  /** Untrusted folders are listed without running git (its config can run programs). */
  trusted: boolean;
}

export interface IndexListing {
  /** `rel`: the document URI string (what sites and wrappers are named by); `path`: the reader's path. */
  files: ListedFile[];
  errors: FileError[];
  /** Files found before the limit cut the listing. */
  total: number;
}

export interface IndexControl {
  pause(): void;
  resume(): void;
  stop(): void;
  readonly paused: boolean;
}

export interface IndexHost {
  /** Where the work happens, for the status item's tooltip. */
  readonly where: string;
  /** What this host cannot do that the Node host does, in words; null when nothing. */
  readonly limitation: string | null;
  /** Whether TS/JS files go into the index here (their analysis needs a thread of its own). */
  readonly indexesTs: boolean;
  /** Null when this host can index `folder`; otherwise why not. */
  unsupported(folder: vscode.Uri): string | null;
  list(req: IndexListRequest): Promise<IndexListing>;
  control(): IndexControl;
  backend(options: ShardOptions, control: IndexControl): IndexBackend;
  /** The reader's path for `uri` (what `#include` resolution works on) and back. */
  readerPath(uri: vscode.Uri): string;
  uriOf(path: string, folder: vscode.Uri): vscode.Uri;
  dispose(): void;
}
