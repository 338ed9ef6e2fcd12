// Worker-thread entry (bundled to dist/index-worker.js) for the workspace index in the Node
// extension host: listing a folder (git ls-files or the directory walk, .gitignore, excludes)
// with each file's size and modification time, and finding which files include a changed header.
// Both read the disk a lot; here they never hold the host's thread.
import { statSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { FileError } from '../../core/types';
import { collectFiles, type ScanLanguage } from '../../cli/walk';
import { globMatcher } from '../../core/index/globs';
import { dependentsOf } from '../../core/index/inProcess';
import type { ListedFile } from '../../core/index/model';
import { decodeSource } from '../../core/scan/input';

export interface ListArgs {
  /** Absolute folder path ('/' separators). */
  root: string;
  /** gitignore-style patterns from .pagecost.json, relative to the folder. */
  projectExclude: string[];
  /** pagecost.exclude globs, matched on folder-relative paths. */
  excludeGlobs: string[];
  languages: ScanLanguage[];
  maxFiles: number;
  /** False in an untrusted folder: no git process, .gitignore files applied by the walk. */
  useGit: boolean;
}

export interface ListResult {
  /** `rel` is relative to the folder; the host renames it. At most maxFiles, in path order. */
  files: ListedFile[];
  errors: FileError[];
  /** Files the listing found before the limit. */
  total: number;
  /** 'git' or 'walk'. */
  method: string;
}

export interface DependentsArgs {
  headers: string[];
  candidates: ListedFile[];
  gone: string[];
  roots: string[];
  maxFileSize: number;
}

export type IndexWorkerRequest =
  | { id: number; method: 'list'; args: ListArgs }
  | { id: number; method: 'dependents'; args: DependentsArgs };
export type IndexWorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

export async function list(a: ListArgs): Promise<ListResult> {
  const walked = await collectFiles([a.root], { base: a.root, exclude: a.projectExclude, gitignore: true, useGit: a.useGit, languages: a.languages });
  const excluded = globMatcher(a.excludeGlobs);
  const errors = [...walked.errors];
  const files: ListedFile[] = [];
  let total = 0;
  for (const f of walked.files) {
    if (excluded(f.rel)) continue;
    total++;
    if (files.length >= a.maxFiles) continue;
    let stamp = { size: -1, mtimeMs: -1 };
    try {
      const st = statSync(f.path);
      stamp = { size: st.size, mtimeMs: st.mtimeMs };
    } catch {
      // Gone since it was listed, or unreadable: the scan's reader says which, in words.
    }
    files.push({ ...f, stamp });
  }
  return { files, errors, total, method: walked.methods.join(',') };
}

export function dependents(a: DependentsArgs): Promise<string[]> {
  return dependentsOf(a.headers, a.candidates, a.gone, a.roots, (path) => {
    const bytes = readFileSync(path);
    if (bytes.length > a.maxFileSize) return null;
    const d = decodeSource(bytes, a.maxFileSize);
    return d.ok ? d.text : null;
  });
}

parentPort?.on('message', async (req: IndexWorkerRequest | { id: 0; method: 'nice'; args: number }) => {
  if (req.method === 'nice') {
    try {
      setPriority(req.args);
    } catch {
      // normal priority then
    }
    return;
  }
  let res: IndexWorkerResponse;
  try {
    const result = req.method === 'list' ? await list(req.args) : await dependents(req.args);
    res = { id: req.id, ok: true, result };
  } catch (e) {
    res = { id: req.id, ok: false, message: (e as Error)?.message ?? String(e) };
  }
  parentPort!.postMessage(res);
});
