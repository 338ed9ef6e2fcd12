// Recorded runs (`pagecost record`) for the editor: every `.pagecost/*.run.json` of each workspace
// folder, read through `workspace.fs` (so remote, web and Restricted Mode work: a record is data,
// nothing runs), re-read when one changes, plus runs loaded by hand (*pagecost: Load a recorded
// run…*). Matching a run to a document's sites is src/core/record/observed.ts's job.
import * as vscode from 'vscode';
import { loadRun, type LoadedRun } from '../core/record/observed';

const RUN_DIR = '.pagecost';
const RUN_SUFFIX = '.run.json';

export class RunStore implements vscode.Disposable {
  /** Folder URI → file URI → run. */
  private readonly byFolder = new Map<string, Map<string, LoadedRun>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a run was read, re-read, loaded or removed. */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  /** Bumped on every change: analysis results are keyed by it. */
  generation = 0;

  constructor(private readonly log: (line: string) => void) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${RUN_DIR}/*${RUN_SUFFIX}`);
    const reread = (uri: vscode.Uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder && vscode.Uri.joinPath(folder.uri, RUN_DIR).toString() === parentOf(uri).toString()) void this.read(folder, uri);
    };
    // A first record creates .pagecost/ and its file at once: the file's event can be lost while
    // the new folder is not watched yet (seen under load), so the folder's creation reads it.
    const folders = vscode.workspace.createFileSystemWatcher(`**/${RUN_DIR}`, false, true, true);
    const created = (uri: vscode.Uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder && vscode.Uri.joinPath(folder.uri, RUN_DIR).toString() === uri.toString()) void this.loadFolder(folder);
    };
    const removed = (uri: vscode.Uri) => {
      for (const runs of this.byFolder.values()) if (runs.delete(uri.toString())) this.fire();
    };
    this.subs.push(
      watcher, watcher.onDidCreate(reread), watcher.onDidChange(reread), watcher.onDidDelete(removed),
      folders, folders.onDidCreate(created),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) this.byFolder.delete(f.uri.toString());
        for (const f of e.added) void this.loadFolder(f);
        if (e.removed.length) this.fire();
      }),
    );
  }

  /** Reads every folder's `.pagecost/*.run.json`. */
  async loadAll(): Promise<void> {
    await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.loadFolder(f)));
  }

  /** The runs that apply to the folder holding `uri`, with the folder. */
  for(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; runs: LoadedRun[] } | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const runs = folder && this.byFolder.get(folder.uri.toString());
    return folder && runs && runs.size ? { folder, runs: [...runs.values()] } : undefined;
  }

  /** Every run loaded, for the status and the API. */
  all(): { folder: string; file: string; run: LoadedRun }[] {
    return [...this.byFolder.entries()].flatMap(([folder, runs]) => [...runs.entries()].map(([file, run]) => ({ folder, file, run })));
  }

  /**
   * Loads a run file from anywhere for `folder` (*Load a recorded run…*). Returns the problem when
   * it is not a run record.
   */
  async loadFile(folder: vscode.WorkspaceFolder, uri: vscode.Uri): Promise<string | null> {
    return this.read(folder, uri);
  }

  private async loadFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    const dir = vscode.Uri.joinPath(folder.uri, RUN_DIR);
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      return; // no .pagecost folder: the usual case
    }
    await Promise.all(entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith(RUN_SUFFIX)).map(([name]) => this.read(folder, vscode.Uri.joinPath(dir, name))));
  }

  private async read(folder: vscode.WorkspaceFolder, uri: vscode.Uri): Promise<string | null> {
    const label = vscode.workspace.asRelativePath(uri, false);
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (e) {
      const why = `${label}: could not be read (${(e as Error).message})`;
      this.log(why);
      return why;
    }
    const { loaded, problems } = loadRun(text, label);
    for (const p of problems) this.log(p);
    if (!loaded) return problems[0] ?? `${label}: not a pagecost run record`;
    let runs = this.byFolder.get(folder.uri.toString());
    if (!runs) this.byFolder.set(folder.uri.toString(), (runs = new Map()));
    runs.set(uri.toString(), loaded);
    this.log(`${label}: ${loaded.run.sites.length} call sites recorded from ${loaded.run.program || 'a program'} (${loaded.run.startedAt.slice(0, 16).replace('T', ' ')})`);
    this.fire();
    return null;
  }

  private fire(): void {
    this.generation++;
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

function parentOf(uri: vscode.Uri): vscode.Uri {
  return uri.with({ path: uri.path.replace(/\/[^/]*$/, '') });
}
