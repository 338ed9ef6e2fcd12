// "pagecost: Scan the workspace": a full scan of every folder by the index (the same engine, files
// and worker threads as `pagecost scan`), then the CLI's findings — the same call of adviseSites
// on the same sites — in the Problems panel for files that are not open (open ones show their
// live analysis), the CLI's text lines in the output channel, and a summary notification. With
// progress and Cancel. Where the index does not take TS/JS files (VS Code for the Web), those go
// one by one through the editor's TS/JS worker afterwards.
import * as vscode from 'vscode';
import { adviseSites, applySuppressions } from '../core/advice';
import { tsMayHaveSites, tsSkipNote } from '../core/scan/tsAnalyzer';
import { TS_EXTENSIONS } from '../core/analysis/ts/api';
import { toText, errorsText, summaryText } from '../core/report/index';
import { countedNoteStats, isCountedNote } from '../core/report/json';
import { progressText } from '../core/index/update';
import { scanSummary, type ScanSummary } from '../core/present/scanSummary';
import type { Profile } from '../core/model';
import type { EditorSettings } from '../core/present/settings';
import type { FileError, Finding, Severity } from '../core/types';
import type { FileNote } from '../core/scan/shard';
import type { AnalysisManager } from './analysisManager';
import type { DiagnosticsFeature } from './diagnostics';
import type { IndexService } from './index/indexService';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';
import { NO_TS_WORKER_REASON } from './tsService';

/** One finding as the JSON report gives it (file relative to its folder), for tests and other extensions. */
export interface ScannedFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  message: string;
}

export interface WorkspaceScanResult {
  ok: boolean;
  reason?: string;
  cancelled?: boolean;
  files?: number;
  findings?: number;
  /** Every finding, sorted as the CLI prints them. */
  list?: ScannedFinding[];
  summary?: ScanSummary;
  ms?: number;
  text?: string;
}

export class WorkspaceScan {
  constructor(
    private readonly index: IndexService,
    private readonly manager: AnalysisManager,
    private readonly diagnostics: DiagnosticsFeature,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly output: vscode.OutputChannel,
    /** Told what each finished scan published (the tier-3 self-test writes it out). */
    private readonly onDone?: (result: WorkspaceScanResult) => void,
  ) {}

  run(): Promise<WorkspaceScanResult> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) {
      const reason = 'Open a folder to scan it: Scan the workspace reads the files of the open folders.';
      void vscode.window.showInformationMessage(`pagecost: ${reason}`);
      return Promise.resolve({ ok: false, reason });
    }
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'pagecost: scanning the workspace', cancellable: true },
      async (progress, token) => {
        const t0 = Date.now();
        let shown = 0;
        const stop = token.onCancellationRequested(() => {
          for (const w of folders) this.index.stop(w.uri);
        });
        const findings: Finding[] = [];
        const errors: FileError[] = [];
        const notes: FileNote[] = [];
        let files = 0;
        let parsed = 0;
        const lines: string[] = [];
        try {
          this.diagnostics.scanCollection.clear();
          for (const w of folders) {
            const r = await this.index.refresh(w.uri, {
              force: true,
              onProgress: (p) => {
                const fraction = p.total ? p.done / p.total : 0;
                const target = Math.round(((folders.indexOf(w) + fraction) / folders.length) * 100);
                progress.report({ message: `${folders.length > 1 ? `${w.name}: ` : ''}${progressText(p)}`, increment: Math.max(0, target - shown) });
                shown = Math.max(shown, target);
              },
            });
            if (token.isCancellationRequested) return { ok: false, cancelled: true, ms: Date.now() - t0 };
            if (!r) {
              const why = this.index.status().detail;
              this.output.appendLine(`scan: ${w.name}: ${why}`);
              errors.push({ file: w.uri.toString(), message: why });
              continue;
            }
            const settings = this.settings.for(w.uri);
            const profile = (await this.profiles.get()).profile;
            const result = r.index.asScanResult();
            // Exactly the CLI's advice: same sites, same call (suppressions come from the sites' facts).
            const found = adviseSites(result.sites, { profile: withPageSize(profile, settings), threads: settings.threads, warnRatio: settings.warnRatio, allocator: settings.allocator });
            if (!this.index.indexesTs(w.uri) && settings.ts.enabled) {
              const ts = await this.scanTsFiles(w, settings, withPageSize(profile, settings), progress, token);
              if (ts.cancelled) return { ok: false, cancelled: true, ms: Date.now() - t0 };
              found.push(...ts.findings);
            }
            this.publish(found);
            findings.push(...found);
            errors.push(...result.errors);
            notes.push(...result.notes);
            files += result.stats.files;
            parsed += result.stats.parsedFiles;
            lines.push(this.report(w, found, result.errors, result.notes, result.stats));
          }
        } finally {
          stop.dispose();
        }
        const ms = Date.now() - t0;
        const summary = scanSummary(findings, files, errors.length, ms, this.settings.for(folders[0]!.uri).problems.includeHints);
        this.output.appendLine(lines.join(''));
        // As the CLI without --verbose: regions that did not parse but cannot hide a call are only counted.
        this.output.appendLine(summaryText(findings, errors, { files, parsedFiles: parsed, bytes: 0, ms, ...countedNoteStats(notes) }).trimEnd());
        this.notify(summary);
        const base = (f: Finding) => {
          const w = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(f.site.file));
          return w ? relativeName(w, f.site.file) : f.site.file;
        };
        const list = findings.map((f) => ({ file: base(f), line: f.site.nameRange.start.line, column: f.site.nameRange.start.column, rule: f.rule, severity: f.severity, message: f.message }));
        const result = { ok: true, files, findings: findings.length, list, summary, ms, text: summary.text };
        this.onDone?.(result);
        return result;
      },
    ));
  }

  /** The folder's findings into the Problems panel, per file; open documents keep their live diagnostics. */
  private publish(findings: Finding[]): void {
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) {
      if (open.has(f.site.file)) continue;
      let list = byFile.get(f.site.file);
      if (!list) byFile.set(f.site.file, (list = []));
      list.push(f);
    }
    for (const [file, list] of byFile) {
      const uri = vscode.Uri.parse(file);
      this.diagnostics.scanCollection.set(uri, this.diagnostics.diagnosticsFor(uri, list));
    }
  }

  /** The CLI's text output for a folder (paths relative to it): findings, file problems, notes. */
  private report(w: vscode.WorkspaceFolder, findings: Finding[], errors: FileError[], notes: FileNote[], stats: { files: number; parsedFiles: number; bytes: number }): string {
    const rel = (file: string) => relativeName(w, file);
    const local = findings.map((f) => ({ ...f, site: { ...f.site, file: rel(f.site.file) } }));
    const localErrors = errors.map((e) => ({ ...e, file: rel(e.file) }));
    const head = (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `── ${w.name} ──\n` : '';
    return head + toText(local, localErrors, { ...stats, ms: 0 }, '') + errorsText(localErrors, '') + notes.filter((n) => !isCountedNote(n)).map((n) => `${rel(n.file)}: note: ${n.message}\n`).join('');
  }

  private notify(summary: ScanSummary): void {
    const actions = ['Open Problems', 'Show output'];
    void vscode.window.showInformationMessage(`pagecost: ${summary.text}`, ...actions).then((pick) => {
      if (pick === 'Open Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      else if (pick === 'Show output') this.output.show(true);
    });
  }

  /**
   * VS Code for the Web: the folder's TS/JS files (not node_modules) one by one through the
   * editor's TS/JS service (its Web Worker), as the index there takes C files only.
   */
  private async scanTsFiles(
    w: vscode.WorkspaceFolder,
    settings: EditorSettings,
    profile: Profile,
    progress: vscode.Progress<{ message?: string }>,
    token: vscode.CancellationToken,
  ): Promise<{ findings: Finding[]; cancelled?: boolean }> {
    const excludes = ['**/node_modules/**', '**/bower_components/**', ...settings.exclude];
    const pattern = new vscode.RelativePattern(w, `**/*{${TS_EXTENSIONS.join(',')}}`);
    const uris = (await vscode.workspace.findFiles(pattern, `{${excludes.join(',')}}`, settings.index.maxFiles, token)).filter((u) => this.settings.excludedByProject(u) === undefined);
    const out: Finding[] = [];
    for (const uri of uris) {
      if (token.isCancellationRequested) return { findings: out, cancelled: true };
      const key = uri.toString();
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(uri);
      } catch {
        continue;
      }
      if (bytes.length > settings.maxFileSize || bytes.includes(0)) continue;
      const note = tsSkipNote(key, bytes.length, settings.ts.maxGeneratedBytes);
      if (note) {
        this.output.appendLine(`scan: ${relativeName(w, key)}: ${note}`);
        continue;
      }
      const text = new TextDecoder().decode(bytes);
      if (!tsMayHaveSites(text)) continue;
      progress.report({ message: vscode.workspace.asRelativePath(uri) });
      let result;
      try {
        result = await this.manager.analyzeTsText(key, text, settings);
      } catch (e) {
        this.output.appendLine(`scan: ${relativeName(w, key)}: ${(e as Error).message}`);
        continue;
      }
      if (!result) {
        this.output.appendLine(`scan: TS/JS files not scanned: ${NO_TS_WORKER_REASON}`);
        break;
      }
      for (const n of result.notes) this.output.appendLine(`scan: ${relativeName(w, key)}: ${n}`);
      out.push(...applySuppressions(adviseSites(result.sites, { profile, threads: settings.threads, warnRatio: settings.warnRatio, allocator: settings.allocator }), text));
    }
    return { findings: out };
  }
}

function withPageSize(profile: Profile, settings: EditorSettings): Profile {
  const pageSize = settings.pageSize ?? profile.machine.pageSize;
  return pageSize === profile.machine.pageSize ? profile : { ...profile, machine: { ...profile.machine, pageSize } };
}

/** `file` (a URI string) relative to the folder, decoded: `src/list.c`. */
export function relativeName(w: vscode.WorkspaceFolder, file: string): string {
  const base = w.uri.toString().replace(/\/$/, '');
  if (!file.startsWith(`${base}/`)) return file;
  return file.slice(base.length + 1).split('/').map(decodeURIComponent).join('/');
}
