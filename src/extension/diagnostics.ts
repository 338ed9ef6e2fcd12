// Findings to diagnostics: stable code per rule linking to its documentation, source
// "pagecost", severity from the model's verdict unless the user's `pagecost.rules` says
// otherwise, and the wrapper's definition as related information. Diagnostics are replaced only
// when a new analysis arrives (never cleared first), so nothing flickers while typing.
import * as vscode from 'vscode';
import { effectiveSeverity, relatedPlaces, ruleAnchor } from '../core/present/findings';
import type { Finding } from '../core/types';
import type { AnalysisManager } from './analysisManager';
import type { AnalysisResult } from './api';
import { fileToUri, toPosition, toRange, toSeverity } from './convert';
import type { SettingsStore } from './settings';

export class DiagnosticsFeature implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('pagecost');
  /** Diagnostics made by the workspace scan for files that are not open. */
  readonly scanCollection = vscode.languages.createDiagnosticCollection('pagecost-scan');
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly manager: AnalysisManager,
    private readonly settings: SettingsStore,
    private readonly rulesDoc: vscode.Uri,
  ) {
    this.sub = manager.onDidAnalyze((r) => this.render(r));
  }

  private render(r: AnalysisResult): void {
    const uri = vscode.Uri.parse(r.uri);
    if (r.skipped === 'closed') {
      this.collection.delete(uri);
      return;
    }
    // An open document's live result replaces whatever the last scan said about it.
    this.scanCollection.delete(uri);
    this.collection.set(uri, this.diagnosticsFor(uri, r.findings));
  }

  diagnosticsFor(uri: vscode.Uri, findings: readonly Finding[]): vscode.Diagnostic[] {
    const settings = this.settings.for(uri);
    const wrappers = this.manager.allWrappers();
    const out: vscode.Diagnostic[] = [];
    for (const f of findings) {
      const sev = effectiveSeverity(f, settings.rules);
      if (sev === null) continue;
      // VS Code keeps hints out of the Problems panel; the user may ask for them there, as information.
      const shown = sev === 'hint' && settings.problems.includeHints ? 'info' : sev;
      const d = new vscode.Diagnostic(toRange(f.site.nameRange), f.message, toSeverity(shown));
      d.source = 'pagecost';
      d.code = { value: f.rule, target: this.rulesDoc.with({ fragment: ruleAnchor(f.rule) }) };
      const related = relatedPlaces(f.site, wrappers);
      if (related.length) {
        d.relatedInformation = related.map(
          (p) => new vscode.DiagnosticRelatedInformation(new vscode.Location(fileToUri(p.file), toPosition(p)), p.message),
        );
      }
      out.push(d);
    }
    return out;
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
    this.scanCollection.dispose();
  }
}
