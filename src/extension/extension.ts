// Activation, shared by the Node entry (node.ts) and the browser entry (web.ts), which differ only
// in the Platform they pass. Nothing heavy happens here: the grammar loads with the first C
// document's analysis, the TS/JS analysis (a worker thread) with the first TS/JS document's, and
// only open documents are ever analysed.
import * as vscode from 'vscode';
import { AnalysisManager } from './analysisManager';
import type { PagecostApi } from './api';
import { CodeActionsFeature, type FixSource } from './codeActions';
import { Commands } from './commands';
import { DiagnosticsFeature } from './diagnostics';
import { HoverFeature } from './hover';
import { InlayHintsFeature } from './inlayHints';
import type { Platform } from './platform';
import { ProfileStore } from './profiles';
import { ProjectConfigStore } from './projectConfig';
import { SettingsStore } from './settings';
import { StatusFeature } from './statusItem';
import { fixesForFinding } from './fixes';
import { PanelFeature } from './panel/commands';

export function activateWith(context: vscode.ExtensionContext, platform: Platform, fixes: FixSource = fixesForFinding): PagecostApi {
  const output = vscode.window.createOutputChannel('pagecost');
  const log = (line: string) => output.appendLine(line);
  const project = new ProjectConfigStore(log);
  const settings = new SettingsStore(project);
  const profiles = new ProfileStore(settings, platform, context.globalStorageUri);
  const manager = new AnalysisManager(context.extensionUri, settings, profiles, log, () => platform.tsAnalysis(log));
  const rulesDoc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'RULES.md');
  const diagnostics = new DiagnosticsFeature(manager, settings, rulesDoc);
  const status = new StatusFeature(manager, settings, profiles);
  context.subscriptions.push(
    output, project, settings, profiles, manager, diagnostics, status,
    settings.onDidChange(() => manager.settingsChanged()),
    new InlayHintsFeature(manager, settings),
    new HoverFeature(manager, settings, profiles, platform),
    new CodeActionsFeature(manager, fixes),
    new Commands(manager, diagnostics, settings, profiles, platform, output, context.extensionUri),
    new PanelFeature(context, platform, platform.panelRunner(vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath), settings, profiles, log),
  );
  // Documents opened before the config is read are analysed again when it arrives (onDidChange).
  void project.loadAll();
  return {
    apiVersion: 1,
    host: platform.kind,
    whenAnalyzed: (uri, version, timeoutMs) => manager.whenAnalyzed(uri, version, timeoutMs),
    waitFor: (uri, test, timeoutMs) => manager.waitFor(uri, test, timeoutMs),
    lastResult: (uri) => manager.result(uri),
    onDidAnalyze: manager.onDidAnalyze,
    status: async () => {
      await status.refresh();
      return status.get();
    },
    stats: () => ({ ...manager.stats }),
  };
}
