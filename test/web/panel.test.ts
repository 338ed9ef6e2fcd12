// The benchmark panel in VS Code for the Web: it opens in its model-only form (nothing can be
// measured in a browser) with the one-sentence reason, draws the model with its crossover, and
// compares another machine's calibration file; a hostile file is refused and changes nothing.
import * as vscode from 'vscode';
import { calibrationFile, MODEL_VERSION } from '../../src/core/model';
import type { PanelCommandResult } from '../../src/extension/panel/commands';
import { equal, match, ok, test } from './harness';

async function writeJson(name: string, value: unknown): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  ok(folder, 'a workspace folder is open');
  const uri = vscode.Uri.joinPath(folder.uri, name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)));
  return uri;
}

test('panel: "Open benchmark panel" opens the model-only panel, saying in one sentence why measuring is off', async () => {
  const r = await vscode.commands.executeCommand<PanelCommandResult>('pagecost.openBenchmarkPanel');
  ok(r?.ok && r.panel, `the command answered ${JSON.stringify(r)}`);
  equal(r.panel.mode, 'model-only', 'mode');
  match(r.panel.blockedReason ?? '', /^Measuring is off in VS Code for the Web, [^.]*: open this folder in desktop VS Code[^.]*\.$/, 'the reason, one sentence with what turns it on');
  ok(r.panel.crossovers.some((c) => c.profile === 'hints' && c.kind === 'at' && (c.bytes ?? 0) > 4096), `the model's crossover is drawn: ${JSON.stringify(r.panel.crossovers)}`);
  const panelTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'pagecost benchmark');
  // The tab model follows the new panel a moment later.
  for (let i = 0; i < 50 && panelTabs().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  ok(panelTabs().length === 1, `a tab of the panel is open: ${JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label))}`);
  // A second open reveals the same panel.
  const again = await vscode.commands.executeCommand<PanelCommandResult>('pagecost.showModel');
  ok(again?.ok, 'show the model');
  await new Promise((r) => setTimeout(r, 300));
  equal(panelTabs().length, 1, 'one panel');
});

test('panel: another machine\'s calibration file is drawn beside this one, with its own crossover', async () => {
  const server = calibrationFile({ name: 'arm server', base: 'arm64', params: {}, machine: { arch: 'arm64', cpus: 64 } });
  const uri = await writeJson('arm-server.json', server);
  const r = await vscode.commands.executeCommand<PanelCommandResult>('pagecost.panelCompare', uri);
  ok(r?.ok && r.panel, `compare answered ${JSON.stringify(r)}`);
  const other = r.panel.profiles.find((p) => p.kind === 'other');
  ok(other, `the other machine is listed: ${JSON.stringify(r.panel.profiles)}`);
  equal(other.warning, null, 'same model version: no warning');
  const drawn = r.panel.crossovers.filter((c) => c.kind !== 'unknown');
  equal(drawn.length, 2, `two crossovers: ${JSON.stringify(r.panel.crossovers)}`);
});

test('panel: a profile of another model version is shown with a warning; a hostile file is refused and changes nothing', async () => {
  const old = { ...calibrationFile({ name: 'old box', base: 'x86-64', params: { t_sys: 300 } }), modelVersion: MODEL_VERSION - 1 };
  const r1 = await vscode.commands.executeCommand<PanelCommandResult>('pagecost.panelCompare', await writeJson('old-box.json', old));
  const warned = r1?.panel?.profiles.find((p) => p.label.includes('old box'));
  ok(warned, `listed: ${JSON.stringify(r1?.panel?.profiles)}`);
  match(warned.warning ?? '', new RegExp(`model v${MODEL_VERSION - 1}, this is model v${MODEL_VERSION}`), 'the warning names both versions');
  const before = (await vscode.commands.executeCommand<PanelCommandResult>('pagecost.panelSnapshot'))?.panel?.profiles.length;
  const hostile = await writeJson('hostile.json', '{"pagecostProfile":1,"modelVersion":4,"name":"<img src=x onerror=alert(1)>","base":"x86-64","params":{"t_sys":1e308}}');
  const r2 = await vscode.commands.executeCommand<PanelCommandResult>('pagecost.panelCompare', hostile);
  equal(r2?.ok, false, 'refused');
  equal(r2?.panel?.profiles.length, before, 'nothing added');
});
