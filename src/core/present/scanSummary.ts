// The words that close "Scan the workspace": findings by severity and by rule, files, file
// problems and time, in one line for a notification. Pure, so the wording is tested without an editor.
import type { Finding, Severity } from '../types';

export interface ScanSummary {
  text: string;
  bySeverity: Partial<Record<Severity, number>>;
  /** Most frequent first. */
  byRule: Array<[rule: string, count: number]>;
  files: number;
  problems: number;
  ms: number;
}

const order: Severity[] = ['error', 'warning', 'info', 'hint'];
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export function scanSummary(findings: readonly Finding[], files: number, problems: number, ms: number, hintsInProblems = false): ScanSummary {
  const bySeverity: Partial<Record<Severity, number>> = {};
  const rules = new Map<string, number>();
  for (const f of findings) {
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
  }
  const byRule = [...rules].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const severities = order.filter((s) => bySeverity[s]).map((s) => plural(bySeverity[s]!, s === 'info' ? 'info' : s)).join(', ');
  const ruleWords = byRule.slice(0, 4).map(([r, n]) => `${r} ${n}`).join(', ') + (byRule.length > 4 ? ', …' : '');
  const time = ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
  let text = `${plural(findings.length, 'finding')} in ${plural(files, 'file')}`;
  if (findings.length) text += ` (${severities}; ${ruleWords})`;
  text += `, ${time}.`;
  if (problems) text += ` ${plural(problems, 'file problem')}: see the output.`;
  if (bySeverity.hint && !hintsInProblems) text += ' Hints stay out of the Problems panel (pagecost.problems.includeHints).';
  return { text, bySeverity, byRule, files, problems, ms };
}
