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
import { RunStore } from './runs';
import { RecordCommands } from './record';
import { IndexService } from './index/indexService';
import { IndexStatusFeature } from './index/indexStatus';
import { WorkspaceScan } from './scanWorkspace';
import { buildId } from './buildId';
import { registerWalkthrough } from './walkthrough';
import { FirstProbeFeature } from './firstProbeFeature';

export function activateWith(context: vscode.ExtensionContext, platform: Platform, fixes: FixSource = fixesForFinding): PagecostApi {
  const output = vscode.window.createOutputChannel('pagecost');
  const log = (line: string) => output.appendLine(line);
  const project = new ProjectConfigStore(log);
  const settings = new SettingsStore(project);
  const profiles = new ProfileStore(settings, platform, context.globalStorageUri);
  const hosts = platform.indexHosts?.(context.extensionUri);
  const version = (context.extension?.packageJSON as { version?: string } | undefined)?.version ?? '0';
  const index = hosts ? new IndexService(hosts, context.storageUri, settings, project, profiles, `${version}+${buildId()}`, log) : null;
  const runs = new RunStore(log);
  const manager = new AnalysisManager(context.extensionUri, settings, profiles, log, () => platform.tsAnalysis(log), index, runs);
  const rulesDoc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'RULES.md');
  const diagnostics = new DiagnosticsFeature(manager, settings, rulesDoc);
  const status = new StatusFeature(manager, settings, profiles, index);
  const panel = new PanelFeature(context, platform, platform.panelRunner(vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath), settings, profiles, log);
  context.subscriptions.push(
    output, project, settings, profiles, manager, diagnostics, status,
    settings.onDidChange(() => manager.settingsChanged()),
    new InlayHintsFeature(manager, settings),
    new HoverFeature(manager, settings, profiles, platform),
    new CodeActionsFeature(manager, fixes),
    panel,
    new Commands(manager, settings, profiles, platform, output, index && new WorkspaceScan(index, manager, diagnostics, settings, profiles, output, platform.onWorkspaceScan), panel),
    ...(index ? [index, new IndexStatusFeature(index)] : []),
    runs,
    new RecordCommands(context, platform, runs, log),
    registerWalkthrough(context.extensionUri, log),
    new FirstProbeFeature(platform, settings, profiles, log),
  );
  // Recorded runs are data: read in every workspace, trusted or not.
  void runs.loadAll();
  // Documents opened before the config is read are analysed again when it arrives (onDidChange);
  // the index starts once it is read, so its first build already has the config's wrappers.
  void project.loadAll().then(() => index?.start());
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
    index: {
      status: () => index?.status() ?? null,
      whenIdle: (timeoutMs) => (index ? index.whenIdle(timeoutMs) : Promise.resolve(null)),
    },
  };
}
