// The panel's palette commands (category "pagecost"): open the panel, show the model, export its
// results. They work everywhere, Restricted Mode and the web included: where measuring is off the
// panel opens in its model-only form and says why. Each returns a small result object for tests.
import * as vscode from 'vscode';
import type { BenchPanelEntry } from '../commands';
import type { CallSite } from '../../core/types';
import type { Platform } from '../platform';
import type { ProfileStore } from '../profiles';
import type { SettingsStore } from '../settings';
import { PanelController, type PanelSnapshot } from './controller';
import { BenchmarkPanel } from './panel';
import type { PanelRunner } from './runner';

export interface PanelCommandResult {
  ok: boolean;
  reason?: string;
  /** Host milliseconds to open or reveal the panel. */
  openMs?: number;
  panel?: PanelSnapshot;
}

export class PanelFeature implements vscode.Disposable, BenchPanelEntry {
  readonly panel: BenchmarkPanel;
  readonly controller: PanelController;
  private readonly subs: vscode.Disposable[];

  constructor(context: vscode.ExtensionContext, platform: Platform, runner: PanelRunner | null, settings: SettingsStore, profiles: ProfileStore, log: (line: string) => void) {
    this.controller = new PanelController(platform, runner, settings, profiles, context.workspaceState, log);
    this.panel = new BenchmarkPanel(context.extensionUri, this.controller, log);
    const reg = (id: string, fn: (...args: unknown[]) => Promise<PanelCommandResult>) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          const reason = (e as Error).message;
          log(`${id}: ${reason}`);
          void vscode.window.showErrorMessage(`pagecost: ${reason}`);
          return { ok: false, reason };
        }
      });
    this.subs = [
      reg('pagecost.openBenchmarkPanel', async () => this.open()),
      reg('pagecost.showModel', async () => this.open()),
      reg('pagecost.exportResults', async (format) => {
        const f = format === 'csv' || format === 'json'
          ? format
          : (await vscode.window.showQuickPick([{ label: 'JSON', detail: 'Opens in the panel again (Open results…)', f: 'json' as const }, { label: 'CSV', detail: 'One row per point, for a spreadsheet', f: 'csv' as const }], { title: 'pagecost: export the panel\'s results as' }))?.f;
        if (!f) return { ok: false, reason: 'no format chosen' };
        const ok = await this.controller.exportResults(f);
        return { ok, panel: this.controller.snapshot() };
      }),
      // For tests and other extensions: what the panel shows, and the files the dialogs would ask for.
      reg('pagecost.panelSnapshot', async () => ({ ok: true, panel: this.controller.snapshot() })),
      reg('pagecost.panelCompare', async (...uris) => {
        const list = uris.filter((u): u is vscode.Uri => u instanceof vscode.Uri);
        const added = await this.controller.compareMachines(list);
        return { ok: added > 0, panel: this.controller.snapshot() };
      }),
    ];
  }

  /** "Benchmark the call at the cursor" and the hover's link: the panel on this call, running it when it can. */
  async benchmarkCall(site: CallSite, where: string, threads: number, blocked: string | null): Promise<PanelCommandResult> {
    const plan = this.controller.setCursor(site, where, threads);
    const opened = await this.open();
    if (blocked) return { ...opened, ok: false, reason: blocked };
    if ('reason' in plan) return { ...opened, ok: false, reason: plan.reason };
    void this.controller.runPreset('cursor');
    return { ...opened, ok: true, panel: this.controller.snapshot() };
  }

  /** "Calibrate the model for this machine": in the panel, which shows the result and offers to use it. */
  async calibrate(blocked: string | null): Promise<PanelCommandResult> {
    const opened = await this.open();
    if (blocked) return { ...opened, ok: false, reason: blocked };
    void this.controller.request({ kind: 'calibrate' });
    return opened;
  }

  async open(): Promise<PanelCommandResult> {
    const openMs = this.panel.show();
    await this.controller.refresh();
    return { ok: true, openMs, panel: this.controller.snapshot() };
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.panel.dispose();
    this.controller.dispose();
  }
}
