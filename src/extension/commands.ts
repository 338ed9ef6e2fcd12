// The palette commands (category "pagecost"): scan the workspace into the Problems panel,
// explain the model at the cursor, benchmark the call at the cursor, calibrate, and open the
// settings. Every command returns a small result object, so tests can check what happened
// without reading notifications.
import * as vscode from 'vscode';
import { adviseSites, applySuppressions } from '../core/advice';
import { analyzeCFile } from '../core/analysis/c/analyzeFile';
import { MODEL_VERSION, describeFinding } from '../core/model';
import { benchBlockedReason } from '../core/present/trust';
import type { EditorSettings } from '../core/present/settings';
import { TS_EXTENSIONS } from '../core/analysis/ts/api';
import { tsMayHaveSites, tsSkipNote } from '../core/scan/tsAnalyzer';
import type { Profile } from '../core/model';
import type { Finding, WrapperDef } from '../core/types';
import { NO_TS_WORKER_REASON } from './tsService';
import type { AnalysisManager } from './analysisManager';
import type { DiagnosticsFeature } from './diagnostics';
import { findingsAt, jsBenchReason } from './hover';
import type { Platform } from './platform';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';

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
    private readonly diagnostics: DiagnosticsFeature,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly platform: Platform,
    private readonly output: vscode.OutputChannel,
    private readonly extensionUri: vscode.Uri,
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
      reg('pagecost.scanWorkspace', () => this.scanWorkspace()),
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

  /**
   * Every C file (then every TS/JS file, scanTsFiles) of the workspace into the Problems panel. Two passes: wrappers first (a call in
   * a.c may go through a wrapper in b.h), then call sites. Open documents keep their live results.
   * Yields between files so the extension host stays responsive, and stops when cancelled.
   */
  private async scanWorkspace(): Promise<CommandResult> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'pagecost: scanning the workspace', cancellable: true },
      async (progress, token) => {
        const settings = this.settings.for();
        const exclude = settings.exclude.length ? `{${settings.exclude.join(',')}}` : undefined;
        const uris = (await vscode.workspace.findFiles('**/*.{c,h}', exclude, 20_000, token)).filter((u) => this.settings.excludedByProject(u) === undefined);
        const parser = await this.manager.parserPromise();
        const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
        const texts = new Map<string, string>();
        const wrappers = new Map<string, WrapperDef[]>();
        const yieldNow = () => new Promise<void>((r) => setTimeout(r, 0));
        const { profile } = await this.profiles.get();
        const sizeOptions = { pageSize: settings.pageSize ?? profile.machine.pageSize, target: settings.target };
        let n = 0;
        for (const uri of uris) {
          if (token.isCancellationRequested) return { ok: false, cancelled: true, files: n };
          progress.report({ message: `wrappers: ${vscode.workspace.asRelativePath(uri)}`, increment: 50 / uris.length });
          let text: string;
          try {
            const bytes = await vscode.workspace.fs.readFile(uri);
            if (bytes.length > settings.maxFileSize || bytes.includes(0)) continue;
            text = new TextDecoder().decode(bytes);
          } catch {
            continue;
          }
          texts.set(uri.toString(), text);
          const tree = parser.parse(text);
          if (!tree) continue;
          try {
            const a = analyzeCFile(tree.rootNode, text, uri.toString(), { wrappers: settings.wrappers, sizeOptions });
            if (a.wrappers.length) wrappers.set(uri.toString(), a.wrappers);
          } catch (e) {
            this.output.appendLine(`scan: ${uri.toString()}: ${(e as Error).message}`);
          } finally {
            tree.delete();
          }
          n++;
          await yieldNow();
        }
        this.manager.setScannedWrappers(wrappers);
        const known = [...settings.wrappers, ...[...wrappers.values()].flat()];
        let total = 0;
        this.diagnostics.scanCollection.clear();
        for (const [key, text] of texts) {
          if (token.isCancellationRequested) return { ok: false, cancelled: true, files: n, findings: total };
          progress.report({ message: vscode.workspace.asRelativePath(vscode.Uri.parse(key)), increment: 50 / texts.size });
          if (open.has(key)) continue;
          const tree = parser.parse(text);
          if (!tree) continue;
          try {
            const others = known.filter((w) => w.file !== key);
            const a = analyzeCFile(tree.rootNode, text, key, { wrappers: others, sizeOptions });
            const findings = applySuppressions(adviseSites(a.sites, { profile, threads: settings.threads, warnRatio: settings.warnRatio, allocator: settings.allocator, correctness: true }), text);
            const uri = vscode.Uri.parse(key);
            const diags = this.diagnostics.diagnosticsFor(uri, findings);
            total += diags.length;
            this.diagnostics.scanCollection.set(uri, diags);
          } catch (e) {
            this.output.appendLine(`scan: ${key}: ${(e as Error).message}`);
          } finally {
            tree.delete();
          }
          await yieldNow();
        }
        if (settings.ts.enabled) {
          const ts = await this.scanTsFiles(settings, profile, open, progress, token);
          if (ts.cancelled) return { ok: false, cancelled: true, files: n + ts.files, findings: total + ts.findings };
          n += ts.files;
          total += ts.findings;
        }
        return { ok: true, files: n, findings: total };
      },
    );
  }

  /**
   * The workspace's TS/JS files (not node_modules) into the Problems panel: declaration files and
   * big bundles are named in the output, files that spell no resize are never sent, the rest go
   * one by one through the editor's TS/JS service (its worker thread), so the host stays free.
   */
  private async scanTsFiles(
    settings: EditorSettings,
    profile: Profile,
    open: Set<string>,
    progress: vscode.Progress<{ message?: string }>,
    token: vscode.CancellationToken,
  ): Promise<{ files: number; findings: number; cancelled?: boolean }> {
    const excludes = ['**/node_modules/**', '**/bower_components/**', ...settings.exclude];
    const uris = (await vscode.workspace.findFiles(`**/*{${TS_EXTENSIONS.join(',')}}`, `{${excludes.join(',')}}`, 20_000, token)).filter((u) => this.settings.excludedByProject(u) === undefined);
    let files = 0;
    let findings = 0;
    for (const uri of uris) {
      if (token.isCancellationRequested) return { files, findings, cancelled: true };
      const key = uri.toString();
      if (open.has(key)) continue;
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(uri);
      } catch {
        continue;
      }
      files++;
      if (bytes.length > settings.maxFileSize || bytes.includes(0)) continue;
      const note = tsSkipNote(key, bytes.length, settings.ts.maxGeneratedBytes);
      if (note) {
        this.output.appendLine(`scan: ${key}: ${note}`);
        continue;
      }
      const text = new TextDecoder().decode(bytes);
      if (!tsMayHaveSites(text)) continue;
      progress.report({ message: vscode.workspace.asRelativePath(uri) });
      let result;
      try {
        result = await this.manager.analyzeTsText(key, text, settings);
      } catch (e) {
        this.output.appendLine(`scan: ${key}: ${(e as Error).message}`);
        continue;
      }
      if (!result) {
        this.output.appendLine(`scan: TS/JS files not scanned: ${NO_TS_WORKER_REASON}`);
        break;
      }
      for (const n of result.notes) this.output.appendLine(`scan: ${key}: ${n}`);
      const found = applySuppressions(adviseSites(result.sites, { profile, threads: settings.threads, warnRatio: settings.warnRatio, allocator: settings.allocator, correctness: true }), text);
      const diags = this.diagnostics.diagnosticsFor(uri, found);
      findings += diags.length;
      this.diagnostics.scanCollection.set(uri, diags);
    }
    return { files, findings };
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
