// Reads `pagecost.*` settings for a document's folder (thread counts and sizes may differ per
// folder), checks them with core/present/settings, and remembers the problems so the status item
// can name them. Never throws: a wrong type is a default plus one message.
import * as vscode from 'vscode';
import { readSettings, type EditorSettings } from '../core/present/settings';

export class SettingsStore implements vscode.Disposable {
  private cache = new Map<string, EditorSettings>();
  private problems = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after any `pagecost.*` setting changed (the cache is already cleared). */
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor() {
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('pagecost')) return;
      this.cache.clear();
      this.problems.clear();
      this.changed.fire();
    });
  }

  /** Settings that apply to `uri` (its workspace folder's, else the window's). */
  for(uri?: vscode.Uri): EditorSettings {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    const key = folder?.uri.toString() ?? '';
    const hit = this.cache.get(key);
    if (hit) return hit;
    const config = vscode.workspace.getConfiguration('pagecost', folder?.uri ?? null);
    const { settings, problems } = readSettings((k) => config.get(k));
    for (const p of problems) this.problems.add(p);
    this.cache.set(key, settings);
    return settings;
  }

  currentProblems(): string[] {
    return [...this.problems];
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
