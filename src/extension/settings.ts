// Reads `pagecost.*` settings for a document's folder (thread counts and sizes may differ per
// folder), checks them with core/present/settings, and remembers the problems so the status item
// can name them. Never throws: a wrong type is a default plus one message. The folder's
// `.pagecost.json` (ProjectConfigStore) adds its wrappers and fills what the user did not set.
import * as vscode from 'vscode';
import { readSettings, type EditorSettings } from '../core/present/settings';
import { excludedBy, withProjectConfig } from '../core/present/projectConfig';
import type { ProjectConfigStore } from './projectConfig';

export class SettingsStore implements vscode.Disposable {
  private cache = new Map<string, EditorSettings>();
  private problems = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after any `pagecost.*` setting changed (the cache is already cleared). */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly project?: ProjectConfigStore) {
    const reset = () => {
      this.cache.clear();
      this.problems.clear();
      this.changed.fire();
    };
    this.subs.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pagecost')) reset();
    }));
    if (project) this.subs.push(project.onDidChange(reset));
  }

  /** Settings that apply to `uri` (its workspace folder's, else the window's). */
  for(uri?: vscode.Uri): EditorSettings {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    const key = folder?.uri.toString() ?? '';
    const hit = this.cache.get(key);
    if (hit) return hit;
    const config = vscode.workspace.getConfiguration('pagecost', folder?.uri ?? null);
    const { settings: own, problems } = readSettings((k) => config.get(k));
    for (const p of problems) this.problems.add(p);
    const explicit = (k: string) => {
      const i = config.inspect(k);
      return i !== undefined && (i.globalValue !== undefined || i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined);
    };
    const settings = withProjectConfig(own, this.project?.for(folder?.uri)?.loaded, explicit);
    this.cache.set(key, settings);
    return settings;
  }

  /** The `.pagecost.json` exclude pattern that drops `uri`, or undefined. */
  excludedByProject(uri: vscode.Uri): string | undefined {
    const hit = this.project?.for(uri);
    if (!hit) return undefined;
    const base = hit.folder.uri.path.replace(/\/$/, '');
    if (uri.scheme !== hit.folder.uri.scheme || !uri.path.startsWith(`${base}/`)) return undefined;
    return excludedBy(hit.loaded, uri.path.slice(base.length + 1));
  }

  currentProblems(): string[] {
    return [...this.problems, ...(this.project?.problems() ?? [])];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
