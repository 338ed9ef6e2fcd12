// The language status item for C and TS/JS: the profile in use, the last analysis time, and what is wrong
// when something is (a bad setting, a skipped file, a grammar that failed to load).
import * as vscode from 'vscode';
import { LANGUAGES, type AnalysisManager } from './analysisManager';
import type { StatusSnapshot } from './api';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';
import type { IndexService } from './index/indexService';

export class StatusFeature implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('pagecost.status', LANGUAGES.map((language) => ({ language })));
  private snapshot: StatusSnapshot = { text: 'pagecost', detail: 'starting', severity: 'info', problems: [], profile: '' };
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly manager: AnalysisManager,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly index: IndexService | null = null,
  ) {
    this.item.name = 'pagecost';
    this.item.command = { title: 'Change assumptions', command: 'pagecost.changeAssumptions' };
    this.subs = [
      manager.onDidAnalyze(() => void this.refresh()),
      profiles.onDidChange(() => void this.refresh()),
      settings.onDidChange(() => void this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      ...(index ? [index.onDidChangeStatus(() => void this.refresh())] : []),
    ];
    void this.refresh();
  }

  get(): StatusSnapshot {
    return this.snapshot;
  }

  async refresh(): Promise<void> {
    const { profile, problem, fallback } = await this.profiles.get();
    const editor = vscode.window.activeTextEditor;
    const r = editor ? this.manager.result(editor.document.uri) : undefined;
    // Reading the settings collects their problems.
    this.settings.for(editor?.document.uri);
    const problems = [...this.settings.currentProblems(), ...(problem ? [problem] : [])];
    const grammar = this.manager.grammarProblem;
    const profileText = profile.calibrated ? `${profile.name} (calibrated${profile.calibrated.at ? ` ${profile.calibrated.at.slice(0, 10)}` : ''})` : `${profile.name} (${profile.source})`;
    const last = this.manager.lastAnalysis;
    let detail = `profile ${profileText}${fallback ? ` · ${fallback}` : ''}`;
    if (r?.skipped && r.skipped !== 'closed') detail = r.skipped;
    else if (last) detail += ` · analysed in ${last.ms.toFixed(1)} ms at ${last.at.toLocaleTimeString()}`;
    // TS/JS: the analysis' remarks on this document ("syntax error at 3:7; analysed what parsed").
    if (r?.notes?.length && !r.skipped) detail += ` · ${r.notes.join(' · ')}`;
    // Whether this file was analysed with the index, and where the index is.
    if (this.index && r && !r.skipped && r.language !== 'ts') detail += ` · ${this.indexWords(editor!.document.uri)}`;
    if (problems.length) detail += ` · ${problems.join(' · ')}`;
    if (grammar) detail = grammar;
    const severity: StatusSnapshot['severity'] = grammar ? 'error' : problems.length || (r?.skipped && r.skipped !== 'closed') ? 'warning' : 'info';
    this.snapshot = { text: `pagecost: ${profile.name}`, detail, severity, problems, profile: profileText };
    this.item.text = this.snapshot.text;
    this.item.detail = detail;
    this.item.severity =
      severity === 'error' ? vscode.LanguageStatusSeverity.Error : severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  private indexWords(uri: vscode.Uri): string {
    const s = this.index!.status();
    if (s.state === 'ready') return this.index!.entry(uri) ? `with the workspace index (${s.files} files)` : 'not in the workspace index (outside the folders, excluded or past pagecost.index.maxFiles)';
    if (s.state === 'indexing' || s.state === 'paused') return `${s.text}: wrappers defined in files not yet indexed are not known yet`;
    return `${s.text} (${s.detail}): only wrappers of open files are known`;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
