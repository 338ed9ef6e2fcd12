// Native inlay hints after each call (users keep editor.inlayHints.enabled and its modes), only
// for the requested range. The provider asks for the current version's analysis, which flushes
// the debounce rather than waiting for it; VS Code keeps showing the old hints meanwhile.
import * as vscode from 'vscode';
import { hintsFor } from '../core/present/findings';
import { LANGUAGES, type AnalysisManager } from './analysisManager';
import { toPosition } from './convert';
import type { SettingsStore } from './settings';

export class InlayHintsFeature implements vscode.InlayHintsProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly manager: AnalysisManager,
    private readonly settings: SettingsStore,
  ) {
    this.subs = [
      vscode.languages.registerInlayHintsProvider(LANGUAGES.map((language) => ({ language })), this),
      // Only results that did not come from the edit VS Code already asked about need a nudge;
      // asking always is cheap (the result is cached) and covers settings and wrapper changes.
      manager.onDidAnalyze(() => this.changed.fire()),
    ];
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): Promise<vscode.InlayHint[]> {
    const r = await this.manager.current(document, token);
    if (!r || token.isCancellationRequested) return [];
    const settings = this.settings.for(document.uri);
    return hintsFor(r.findings, settings, range.start.line + 1, range.end.line + 1).map((h) => {
      const hint = new vscode.InlayHint(toPosition(h), h.label);
      hint.paddingLeft = true;
      hint.tooltip = new vscode.MarkdownString(h.tooltip);
      return hint;
    });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
