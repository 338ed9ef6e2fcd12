// The language status item for C and TS/JS: the profile in use, the last analysis time, and what is wrong
// when something is (a bad setting, a skipped file, a grammar that failed to load).
import * as vscode from 'vscode';
import { LANGUAGES, type AnalysisManager } from './analysisManager';
import type { StatusSnapshot } from './api';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';

export class StatusFeature implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('pagecost.status', LANGUAGES.map((language) => ({ language })));
  private snapshot: StatusSnapshot = { text: 'pagecost', detail: 'starting', severity: 'info', problems: [], profile: '' };
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly manager: AnalysisManager,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
  ) {
    this.item.name = 'pagecost';
    this.item.command = { title: 'Change assumptions', command: 'pagecost.changeAssumptions' };
    this.subs = [
      manager.onDidAnalyze(() => void this.refresh()),
      profiles.onDidChange(() => void this.refresh()),
      settings.onDidChange(() => void this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
    ];
    void this.refresh();
  }

  get(): StatusSnapshot {
    return this.snapshot;
  }

  async refresh(): Promise<void> {
    const { profile, problem } = await this.profiles.get();
    const editor = vscode.window.activeTextEditor;
    const r = editor ? this.manager.result(editor.document.uri) : undefined;
    // Reading the settings collects their problems.
    this.settings.for(editor?.document.uri);
    const problems = [...this.settings.currentProblems(), ...(problem ? [problem] : [])];
    const grammar = this.manager.grammarProblem;
    const profileText = profile.calibrated ? `${profile.name} (calibrated${profile.calibrated.at ? ` ${profile.calibrated.at.slice(0, 10)}` : ''})` : `${profile.name} (${profile.source})`;
    const last = this.manager.lastAnalysis;
    let detail = `profile ${profileText}`;
    if (r?.skipped && r.skipped !== 'closed') detail = r.skipped;
    else if (last) detail += ` · analysed in ${last.ms.toFixed(1)} ms at ${last.at.toLocaleTimeString()}`;
    // TS/JS: the analysis' remarks on this document ("syntax error at 3:7; analysed what parsed").
    if (r?.notes?.length && !r.skipped) detail += ` · ${r.notes.join(' · ')}`;
    if (problems.length) detail += ` · ${problems.join(' · ')}`;
    if (grammar) detail = grammar;
    const severity: StatusSnapshot['severity'] = grammar ? 'error' : problems.length || (r?.skipped && r.skipped !== 'closed') ? 'warning' : 'info';
    this.snapshot = { text: `pagecost: ${profile.name}`, detail, severity, problems, profile: profileText };
    this.item.text = this.snapshot.text;
    this.item.detail = detail;
    this.item.severity =
      severity === 'error' ? vscode.LanguageStatusSeverity.Error : severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
