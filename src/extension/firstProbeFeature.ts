// Wires the first-use probe (firstProbe.ts) to VS Code: workspace trust, the pagecost.profile
// setting, a status bar note while it runs (click: cancel), the output channel, and the profile
// store, whose `auto` then resolves to the probe and says why while it cannot.
import * as vscode from 'vscode';
import { FirstProbe } from './firstProbe';
import type { Platform } from './platform';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';

const CANCEL_COMMAND = 'pagecost.cancelProbe';

export class FirstProbeFeature implements vscode.Disposable {
  readonly probe: FirstProbe;
  private readonly subs: vscode.Disposable[];

  constructor(platform: Platform, settings: SettingsStore, profiles: ProfileStore, log: (line: string) => void) {
    let cancel: (() => void) | null = null;
    this.probe = new FirstProbe({
      runner: platform.probe ?? null,
      wantsAuto: () => settings.for().profile === 'auto',
      hasEditorCalibration: () => profiles.hasCalibration(),
      isTrusted: () => vscode.workspace.isTrusted,
      showRunning: (c) => {
        cancel = c;
        const item = vscode.window.createStatusBarItem('pagecost.probe', vscode.StatusBarAlignment.Left, 0);
        item.name = 'pagecost probe';
        item.text = '$(sync~spin) pagecost: probing this machine';
        item.tooltip = 'Measuring the few costs that differ most between machines (about two seconds, once per machine and kernel), so that hints fit this machine. Click to cancel.';
        item.command = CANCEL_COMMAND;
        item.show();
        return {
          dispose: () => {
            cancel = null;
            item.dispose();
          },
        };
      },
      log,
      changed: () => profiles.reload(),
    });
    profiles.fallbackWhy = () => this.probe.why(platform.kind === 'web');
    const start = () => void this.probe.maybeRun();
    this.subs = [
      vscode.commands.registerCommand(CANCEL_COMMAND, () => cancel?.()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        profiles.reload(); // the words for Restricted Mode go
        start();
      }),
      settings.onDidChange(start),
    ];
    // First use: the extension activates on the first C or TS/JS document.
    setTimeout(start, 0);
  }

  dispose(): void {
    this.probe.cancel();
    for (const s of this.subs) s.dispose();
  }
}
