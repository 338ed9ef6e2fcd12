// The object `activate()` returns. Tests (test/web, test/e2e) and other extensions use it to
// wait for analysis instead of sleeping, and to read what the editor is showing.
//
//   const api = vscode.extensions.getExtension<PagecostApi>('pagecost.pagecost')!.exports
//     ?? await vscode.extensions.getExtension('pagecost.pagecost')!.activate();
//   const r = await api.whenAnalyzed(doc.uri, doc.version);
//
// Stable within a minor version; fields are only ever added.
import type { Event, Uri } from 'vscode';
import type { CallSite, Finding } from '../core/types';
import type { IndexStatus } from './index/indexService';

export type { IndexStatus };

export interface AnalysisResult {
  /** The document's URI as a string (`Uri.toString()`). */
  uri: string;
  /** The document version the result describes. */
  version: number;
  /** Bumped by every change of settings or profile; a result from an older generation is stale. */
  generation: number;
  sites: CallSite[];
  /** Every finding, before the user's rule settings (diagnostics apply those). */
  findings: Finding[];
  /** Why the document was not analysed (too large, binary, excluded, an internal error), or null. */
  skipped: string | null;
  /** Wall time of this analysis in our code (parse + sizes + model), milliseconds. */
  ms: number;
  /** True when the incremental path re-analysed only the edited functions. */
  incremental: boolean;
  /** 'ts' for TS/JS documents (analysed in a worker thread); absent for C. */
  language?: 'ts';
  /** TS/JS: the analysis' plain-words notes ("syntax errors at 3:7; analysed what parsed"). */
  notes?: string[];
}

export interface StatusSnapshot {
  /** What the language status item shows. */
  text: string;
  detail: string;
  /** 'info' normally, 'warning' when a setting is bad or a file was skipped, 'error' when the grammar failed. */
  severity: 'info' | 'warning' | 'error';
  /** Settings that were wrong and fell back to defaults. */
  problems: string[];
  /** The profile in use: its name and where it came from. */
  profile: string;
}

export interface AnalysisStats {
  /** Analyses run since activation (each debounced burst of typing counts once). */
  runs: number;
  /** Total milliseconds spent in analyses. */
  totalMs: number;
  /** Text change events handled (keystrokes) and the milliseconds our handler spent on them. */
  changeEvents: number;
  changeMs: number;
}

export interface PagecostApi {
  /** 1 for this shape. */
  readonly apiVersion: 1;
  /** 'node' (desktop, remote, code-server) or 'web' (VS Code for the Web). */
  readonly host: 'node' | 'web';
  /**
   * Resolves once the document at `uri` has been analysed at `version` or later (default: its
   * current version) with the current settings. Resolves with `skipped` set for documents pagecost
   * does not analyse (not C or TS/JS, excluded, closed) rather than hanging. Rejects after `timeoutMs`
   * (default 30 s) so a broken test fails instead of hanging.
   */
  whenAnalyzed(uri: Uri, version?: number, timeoutMs?: number): Promise<AnalysisResult>;
  /** Resolves with the first result for `uri` (current or future) that satisfies `test`. */
  waitFor(uri: Uri, test: (r: AnalysisResult) => boolean, timeoutMs?: number): Promise<AnalysisResult>;
  /** The latest result for `uri`, if any. */
  lastResult(uri: Uri): AnalysisResult | undefined;
  /** Fires after every analysis. */
  readonly onDidAnalyze: Event<AnalysisResult>;
  /** What the language status item shows, brought up to date first. */
  status(): Promise<StatusSnapshot>;
  stats(): AnalysisStats;
  /** The workspace index (null where the host has none). */
  readonly index: {
    status(): IndexStatus | null;
    /** Resolves when no index refresh runs or is scheduled. */
    whenIdle(timeoutMs?: number): Promise<IndexStatus | null>;
  };
}
