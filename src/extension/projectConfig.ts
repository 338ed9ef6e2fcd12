// Reads each workspace folder's `.pagecost.json` (the CLI's project config) through
// `workspace.fs`, so it works in remote and web workspaces and in Restricted Mode (it is data,
// nothing runs). Re-read when the file changes; a broken file is a status problem, never a throw.
import * as vscode from 'vscode';
import { configFileName } from '../core/scan/config';
import { loadProjectConfig, type LoadedProjectConfig } from '../core/present/projectConfig';

export class ProjectConfigStore implements vscode.Disposable {
  private readonly byFolder = new Map<string, LoadedProjectConfig>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a folder's config was (re)read or removed. */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly log: (line: string) => void) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${configFileName}`);
    const reread = (uri: vscode.Uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder && vscode.Uri.joinPath(folder.uri, configFileName).toString() === uri.toString()) void this.load(folder);
    };
    this.subs.push(
      watcher, watcher.onDidCreate(reread), watcher.onDidChange(reread), watcher.onDidDelete(reread),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) this.byFolder.delete(f.uri.toString());
        for (const f of e.added) void this.load(f);
        if (e.removed.length) this.changed.fire();
      }),
    );
  }

  /** Reads every folder's config; resolves when all are read (missing files are simply absent). */
  async loadAll(): Promise<void> {
    await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.load(f)));
  }

  /** The config of the folder holding `uri`, with the folder. */
  for(uri: vscode.Uri | undefined): { folder: vscode.WorkspaceFolder; loaded: LoadedProjectConfig } | undefined {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
    const loaded = folder && this.byFolder.get(folder.uri.toString());
    return folder && loaded ? { folder, loaded } : undefined;
  }

  problems(): string[] {
    return [...this.byFolder.values()].flatMap((l) => l.problems);
  }

  private async load(folder: vscode.WorkspaceFolder): Promise<void> {
    const uri = vscode.Uri.joinPath(folder.uri, configFileName);
    const key = folder.uri.toString();
    let bytes: Uint8Array | undefined;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      // No config is the usual case; any other failure is worth a line in the log.
      if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound')) this.log(`${vscode.workspace.asRelativePath(uri)}: could not be read (${(e as Error).message}); ignored`);
      if (this.byFolder.delete(key)) this.changed.fire();
      return;
    }
    const loaded = loadProjectConfig(new TextDecoder().decode(bytes), vscode.workspace.asRelativePath(uri));
    for (const p of loaded.problems) this.log(p);
    this.byFolder.set(key, loaded);
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
