// The index host that needs nothing but workspace.fs: VS Code for the Web (whose extension host
// is itself a web worker and has no worker threads to give work to), and folders on other file
// systems in the Node host. It lists with findFiles and applies the .gitignore files of a folder
// that is a git work tree itself, reads every file through workspace.fs before scanning, and scans on the host's thread in
// slices of about 8 ms, so requests from the editor are answered between files.
// What it cannot do that the Node host does: headers outside the listing (generated, ignored or
// outside the folder) are not read, and TS/JS files are not indexed (their analysis needs the
// TypeScript compiler, which runs in its own worker only for open documents).
import * as vscode from 'vscode';
import ignore, { type Ignore } from 'ignore';
import type { GrammarFiles } from '../../core/analysis/c/parser';
import { globMatcher } from '../../core/index/globs';
import { inProcessBackend, timeSlicer } from '../../core/index/inProcess';
import type { ListedFile } from '../../core/index/model';
import type { IndexBackend } from '../../core/index/update';
import type { ShardOptions, SourceReader } from '../../core/scan/shard';
import { TS_EXTENSIONS } from '../../core/analysis/ts/api';
import type { IndexControl, IndexHost, IndexListing, IndexListRequest } from './host';

// As the CLI's walk (src/cli/walk.ts): `.pc` holds quilt's unpatched copies.
const skippedDirs = ['.git', 'node_modules', 'bower_components', 'jspm_packages', '.yarn', '.pnpm-store', '.pc'];
const sliceMs = 8;

class FsIndexControl implements IndexControl {
  private pausedFlag = false;
  private stoppedFlag = false;
  private wake: (() => void) | null = null;
  pause(): void {
    this.pausedFlag = true;
  }
  resume(): void {
    this.pausedFlag = false;
    this.wake?.();
  }
  stop(): void {
    this.stoppedFlag = true;
    this.wake?.();
  }
  get paused(): boolean {
    return this.pausedFlag;
  }
  readonly state = {
    paused: () => this.pausedFlag,
    stopped: () => this.stoppedFlag,
    resumed: () => new Promise<void>((r) => (this.wake = r)),
  };
}

/** `a/b/.gitignore`'s rules, applied to paths below `a/b/`. */
interface IgnoreLevel {
  dir: string;
  rules: Ignore;
}

export class FsIndexHost implements IndexHost {
  readonly where = "the extension host's thread, in slices (VS Code for the Web)";
  readonly indexesTs = false;
  readonly limitation =
    'In VS Code for the Web the index covers C files only (TS/JS files are analysed when opened), reads files through workspace.fs on the extension host in ~8 ms slices, and does not read headers outside the listed files.';

  constructor(private readonly grammar: () => Promise<GrammarFiles>) {}

  unsupported(): string | null {
    return null;
  }

  async list(req: IndexListRequest): Promise<IndexListing> {
    const exts = req.languages.flatMap((l) => (l === 'c' ? ['c', 'h'] : TS_EXTENSIONS.map((e) => e.slice(1))));
    const base = req.folder.path.replace(/\/$/, '');
    const relOf = (u: vscode.Uri) => (u.path.startsWith(`${base}/`) ? u.path.slice(base.length + 1) : u.path);
    const exclude = `{${skippedDirs.map((d) => `**/${d}/**`).join(',')}}`;
    // .gitignore files count in a git work tree, as for `pagecost scan` (here: a .git in the folder).
    const inRepo = await vscode.workspace.fs.stat(vscode.Uri.joinPath(req.folder, '.git')).then(() => true, () => false);
    const [found, ignoreFiles] = await Promise.all([
      vscode.workspace.findFiles(new vscode.RelativePattern(req.folder, `**/*.{${exts.join(',')}}`), exclude),
      inRepo ? vscode.workspace.findFiles(new vscode.RelativePattern(req.folder, '**/.gitignore'), exclude) : Promise.resolve([]),
    ]);
    const levels: IgnoreLevel[] = [];
    for (const u of ignoreFiles) {
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
        const rel = relOf(u);
        levels.push({ dir: rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '', rules: ignore().add(text) });
      } catch {
        // an unreadable .gitignore ignores nothing
      }
    }
    const project = ignore().add(req.projectExclude);
    const globbed = globMatcher(req.excludeGlobs);
    const ignored = (rel: string) =>
      project.ignores(rel) || globbed(rel) || levels.some((l) => rel.startsWith(l.dir) && l.rules.ignores(rel.slice(l.dir.length)));
    const kept = found.filter((u) => !ignored(relOf(u))).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const files: ListedFile[] = [];
    for (let i = 0; i < Math.min(kept.length, req.maxFiles); i += 64) {
      const batch = kept.slice(i, Math.min(i + 64, req.maxFiles));
      const stats = await Promise.all(batch.map((u) => vscode.workspace.fs.stat(u).then((s) => s, () => null)));
      batch.forEach((u, j) => {
        const st = stats[j];
        files.push({ path: u.path, rel: u.toString(), stamp: st ? { size: st.size, mtimeMs: st.mtime } : { size: -1, mtimeMs: -1 } });
      });
    }
    return { files, errors: [], total: kept.length };
  }

  control(): IndexControl {
    return new FsIndexControl();
  }

  backend(options: ShardOptions, control: IndexControl): IndexBackend {
    const state = (control as FsIndexControl).state;
    const slicer = timeSlicer(sliceMs, state);
    const bytes = new Map<string, Uint8Array>();
    const reader: SourceReader = {
      read(path, maxBytes) {
        const b = bytes.get(path);
        if (!b) throw new Error('not among the listed files (VS Code for the Web reads only those)');
        return maxBytes !== undefined && b.length > maxBytes ? { size: b.length } : b;
      },
    };
    // The engine reads synchronously: fetch what it will read first, a batch at a time.
    const fetchAll = async (files: readonly ListedFile[]) => {
      for (let i = 0; i < files.length; i += 32) {
        await slicer.checkpoint();
        const batch = files.slice(i, i + 32).filter((f) => !bytes.has(f.path));
        const got = await Promise.all(batch.map((f) => vscode.workspace.fs.readFile(vscode.Uri.parse(f.rel)).then((b) => b, () => null)));
        batch.forEach((f, j) => got[j] && bytes.set(f.path, got[j]!));
      }
    };
    let inner: IndexBackend | null = null;
    const engine = async () => (inner ??= inProcessBackend(reader, await this.grammar(), options, slicer));
    /** Runs `fn` on the engine with `files` read into memory, and lets the bytes go after. */
    const withFiles = async <T>(files: readonly ListedFile[], fn: (e: IndexBackend) => Promise<T>): Promise<T> => {
      await fetchAll(files);
      try {
        return await fn(await engine());
      } finally {
        bytes.clear();
      }
    };
    return {
      scan: (files, seeds, onProgress, seedHelpers) => withFiles(files, (e) => e.scan(files, seeds, onProgress, seedHelpers)),
      dependents: (headers, candidates, gone) => withFiles(candidates, (e) => e.dependents(headers, candidates, gone)),
    };
  }

  readerPath(uri: vscode.Uri): string {
    return uri.path;
  }

  uriOf(path: string, folder: vscode.Uri): vscode.Uri {
    return folder.with({ path });
  }

  dispose(): void {}
}
