// The palette commands (category "pagecost"): scan the workspace into the Problems panel
// (scanWorkspace.ts), explain the model at the cursor, benchmark the call at the cursor, calibrate, and open the
// settings. Every command returns a small result object, so tests can check what happened
// without reading notifications.
import * as vscode from 'vscode';
import { MODEL_VERSION, describeFinding } from '../core/model';
import { benchBlockedReason } from '../core/present/trust';
import type { CallSite, Finding } from '../core/types';
import type { AnalysisManager } from './analysisManager';
import { findingsAt, jsBenchReason } from './hover';
import type { Platform } from './platform';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';
import type { WorkspaceScan } from './scanWorkspace';

export interface CommandResult {
  ok: boolean;
  /** Why not, when !ok. */
  reason?: string;
  /** Text shown in the output channel, when any. */
  text?: string;
  files?: number;
  findings?: number;
  cancelled?: boolean;
}

/** What the benchmark and calibrate commands hand to the panel (src/extension/panel/commands.ts). */
export interface BenchPanelEntry {
  /** Opens the panel on this call; runs it there unless `blocked` says why not. */
  benchmarkCall(site: CallSite, where: string, threads: number, blocked: string | null): Promise<CommandResult>;
  /** Opens the panel and calibrates there unless `blocked` says why not. */
  calibrate(blocked: string | null): Promise<CommandResult>;
}

export class Commands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly manager: AnalysisManager,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly platform: Platform,
    private readonly output: vscode.OutputChannel,
    /** Null where there is no workspace index (then the command says so). */
    private readonly scan: WorkspaceScan | null,
    /** The benchmark panel: benchmark and calibrate run there. */
    private readonly panel: BenchPanelEntry,
  ) {
    const reg = (id: string, fn: (...args: unknown[]) => Promise<CommandResult>) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          // Commands report failures in words, never as an unhandled rejection.
          const reason = (e as Error).message;
          this.output.appendLine(`${id}: ${reason}`);
          void vscode.window.showErrorMessage(`pagecost: ${reason}`);
          return { ok: false, reason };
        }
      });
    this.subs = [
      reg('pagecost.scanWorkspace', async () => {
        if (this.scan) return this.scan.run();
        const reason = 'Scan the workspace needs the workspace index, which this host does not provide.';
        void vscode.window.showWarningMessage(`pagecost: ${reason}`);
        return { ok: false, reason };
      }),
      reg('pagecost.explainModel', (uri, offset) => this.explain(uri, offset)),
      reg('pagecost.benchmarkCall', (uri, offset) => this.benchmark(uri, offset)),
      reg('pagecost.calibrate', () => this.calibrate()),
      reg('pagecost.changeAssumptions', async () => {
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:pagecost.pagecost');
        return { ok: true };
      }),
      reg('pagecost.showOutput', async () => {
        this.output.show(true);
        return { ok: true };
      }),
    ];
  }

  /** The findings at (uri, offset) from a hover link, or at the active editor's cursor. */
  private async findingsAt(uri: unknown, offset: unknown): Promise<{ findings: Finding[]; doc: vscode.TextDocument } | null> {
    let doc: vscode.TextDocument | undefined;
    let at: number;
    if (typeof uri === 'string' && typeof offset === 'number') {
      doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      at = offset;
    } else {
      const editor = vscode.window.activeTextEditor;
      doc = editor?.document;
      at = editor ? editor.document.offsetAt(editor.selection.active) : 0;
    }
    if (!doc) return null;
    const r = await this.manager.current(doc);
    if (!r) return null;
    return { findings: findingsAt(r.findings, at), doc };
  }

  private async explain(uri: unknown, offset: unknown): Promise<CommandResult> {
    const found = await this.findingsAt(uri, offset);
    if (!found || !found.findings.length) {
      const reason = 'Put the cursor on a realloc or mremap call (or a wrapper call) to explain its cost.';
      void vscode.window.showInformationMessage(`pagecost: ${reason}`);
      return { ok: false, reason };
    }
    const { profile } = await this.profiles.get();
    const s = found.findings[0]!.site;
    const text =
      `── ${s.name} at ${vscode.workspace.asRelativePath(found.doc.uri)}:${s.nameRange.start.line} ` +
      `(profile ${profile.name}, ${profile.source}) ──\n` +
      found.findings.map((f) => describeFinding(f, MODEL_VERSION)).join('\n');
    this.output.appendLine(text);
    this.output.show(true);
    return { ok: true, text };
  }

  private blocked(): string | null {
    return benchBlockedReason(this.platform.benchUnavailable(), vscode.workspace.isTrusted);
  }

  private async benchmark(uri: unknown, offset: unknown): Promise<CommandResult> {
    return this.benchmarkInPanel(uri, offset, this.blocked());
  }

  /**
   * The panel measures the call at its sizes (and a sweep around them). Where measuring is off it
   * still opens, model-only, on this call, and the command answers with the reason.
   */
  private async benchmarkInPanel(uri: unknown, offset: unknown, blocked: string | null): Promise<CommandResult> {
    const found = await this.findingsAt(uri, offset);
    const site = found?.findings.find((f) => f.site.kind !== 'reference')?.site;
    if (!site || !found) {
      if (blocked) {
        this.explainBlocked(blocked, async () => vscode.commands.executeCommand('pagecost.showModel'));
        return { ok: false, reason: blocked };
      }
      const why = 'Put the cursor on a realloc or mremap call (or a JS buffer resize) to benchmark it.';
      void vscode.window.showInformationMessage(`pagecost: ${why}`);
      return { ok: false, reason: why };
    }
    const where = `${vscode.workspace.asRelativePath(found.doc.uri)}:${site.nameRange.start.line}`;
    const threads = this.settings.for(found.doc.uri).threads;
    const why = blocked ?? jsBenchReason(site);
    if (why) {
      // Explain, and offer the model-only panel on this call rather than opening it unasked.
      this.explainBlocked(why, () => this.panel.benchmarkCall(site, where, threads, why));
      return { ok: false, reason: why };
    }
    return this.panel.benchmarkCall(site, where, threads, null);
  }

  private explainBlocked(reason: string, show: () => Promise<unknown>): void {
    const action = 'Show the model';
    void vscode.window.showWarningMessage(`pagecost: ${reason}`, action).then((pick) => (pick === action ? show() : undefined));
  }

  private async calibrate(): Promise<CommandResult> {
    const reason = this.blocked();
    if (!reason) return this.panel.calibrate(null);
    this.explainBlocked(reason, () => this.panel.calibrate(reason));
    return { ok: false, reason };
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
