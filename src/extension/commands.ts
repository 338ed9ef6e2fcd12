// The palette commands (category "pagecost"): scan the workspace into the Problems panel
// (scanWorkspace.ts), explain the model at the cursor, benchmark the call at the cursor, calibrate, and open the
// settings. Every command returns a small result object, so tests can check what happened
// without reading notifications.
import * as vscode from 'vscode';
import { MODEL_VERSION, describeFinding } from '../core/model';
import { benchBlockedReason } from '../core/present/trust';
import type { Finding } from '../core/types';
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

export class Commands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly manager: AnalysisManager,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly platform: Platform,
    private readonly output: vscode.OutputChannel,
    private readonly extensionUri: vscode.Uri,
    /** Null where there is no workspace index (then the command says so). */
    private readonly scan: WorkspaceScan | null,
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

  private distPath(): string {
    return vscode.Uri.joinPath(this.extensionUri, 'dist').fsPath;
  }

  private async benchmark(uri: unknown, offset: unknown): Promise<CommandResult> {
    const reason = this.blocked();
    if (reason) {
      void vscode.window.showWarningMessage(`pagecost: ${reason}`);
      return { ok: false, reason };
    }
    const found = await this.findingsAt(uri, offset);
    const site = found?.findings.find((f) => f.site.kind !== 'reference')?.site;
    if (!site || !found) {
      const why = 'Put the cursor on a realloc or mremap call to benchmark it.';
      void vscode.window.showInformationMessage(`pagecost: ${why}`);
      return { ok: false, reason: why };
    }
    const notMeasured = jsBenchReason(site);
    if (notMeasured) {
      void vscode.window.showInformationMessage(`pagecost: ${notMeasured}`);
      return { ok: false, reason: notMeasured };
    }
    const settings = this.settings.for(found.doc.uri);
    const { profile } = await this.profiles.get();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `pagecost: benchmarking ${site.name}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const out = await this.platform.benchmarkSite(site, {
            profile, threads: settings.threads, compilerPath: settings.bench.compilerPath, distPath: this.distPath(),
            signal: controller.signal,
            progress: { report: (message, fraction) => progress.report({ message, ...(fraction ? { increment: fraction * 100 } : {}) }) },
          });
          this.output.appendLine(out.report);
          this.output.show(true);
          return { ok: true, text: out.report };
        } catch (e) {
          return this.harnessFailed('benchmark', e, token);
        } finally {
          sub.dispose();
        }
      },
    );
  }

  /** A benchmark or calibration that failed or was cancelled: logged, and shown unless the user cancelled it. */
  private harnessFailed(what: 'benchmark' | 'calibrate', e: unknown, token: vscode.CancellationToken): CommandResult {
    const reason = (e as Error).message;
    this.output.appendLine(`${what}: ${reason}`);
    if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`pagecost: ${reason}`);
    return { ok: false, reason, cancelled: token.isCancellationRequested };
  }

  private async calibrate(): Promise<CommandResult> {
    const reason = this.blocked();
    if (reason) {
      void vscode.window.showWarningMessage(`pagecost: ${reason}`);
      return { ok: false, reason };
    }
    const settings = this.settings.for();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'pagecost: calibrating the model for this machine (under a minute)', cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const out = await this.platform.calibrate({
            name: 'this machine', compilerPath: settings.bench.compilerPath, distPath: this.distPath(), signal: controller.signal,
            progress: { report: (message, fraction) => progress.report({ message, ...(fraction ? { increment: fraction * 100 } : {}) }) },
          });
          await this.profiles.saveCalibration(out.profileJson);
          this.output.appendLine(out.summary);
          const where = this.settings.for().profile;
          const note = where === 'auto' || where === 'calibrated'
            ? 'Hints use it now.'
            : `Set pagecost.profile to "auto" or "calibrated" to use it (it is "${where}").`;
          void vscode.window.showInformationMessage(`pagecost: calibrated the model for this machine. ${note}`);
          return { ok: true, text: out.summary };
        } catch (e) {
          return this.harnessFailed('calibrate', e, token);
        } finally {
          sub.dispose();
        }
      },
    );
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
