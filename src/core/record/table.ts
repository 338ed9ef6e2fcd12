// The summary `pagecost record` prints at the end: the run in one line, the top sites by measured
// time, and where the calls it could not place went. Plain text for a terminal (stderr: stdout
// belongs to the program).
import { formatBytes, formatNs } from '../model/describe';
import type { RunFile, RunSite } from './runFile';

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function percent(part: number, whole: number): string {
  if (whole <= 0) return '–';
  const p = (100 * part) / whole;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

function sizes(s: RunSite): string {
  if (s.fromNull === s.calls) return `new ${formatBytes(s.newBytes.p50)}`;
  return `${formatBytes(s.oldBytes.p50)}→${formatBytes(s.newBytes.p50)}`;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The lines printed after a run; `top` sites at most. `out` and `root` as the user would type them. */
export function recordSummary(run: RunFile, out: string, root: string, top = 10): string {
  const lines: string[] = [];
  const t = run.totals;
  const procs = t.processes === 1 ? '1 process' : `${count(t.processes)} processes`;
  lines.push(
    `pagecost record: ${count(t.calls)} resize call${t.calls === 1 ? '' : 's'} in ${procs}, ${formatNs(t.ns)} in the calls; ` +
      `${percent(t.attributedCalls, t.calls)} placed on ${run.sites.length} call site${run.sites.length === 1 ? '' : 's'}`,
  );
  if (run.sites.length) {
    const rows = run.sites.slice(0, top).map((s) => [
      s.ns.timedCalls === 0 && s.calls > 0 ? 'not timed' : formatNs(s.ns.total),
      percent(s.ns.total, t.ns),
      count(s.calls),
      sizes(s),
      percent(s.moved, s.calls),
      `${s.file}:${s.line}${s.function ? ` ${s.function}` : ''}${s.via.length ? ` (${s.via.join(' → ')})` : ''}${s.sampled ? ' [sampled]' : ''}`,
    ]);
    const head = ['time', 'share', 'calls', 'p50 old→new', 'moved', 'site'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => `  ${r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!, i < 3 || i === 4))).join('  ')}`.trimEnd();
    lines.push(fmt(head));
    for (const r of rows) lines.push(fmt(r));
    if (run.sites.length > top) lines.push(`  … ${run.sites.length - top} more site${run.sites.length - top === 1 ? '' : 's'} in the record`);
  }
  if (run.unattributed.calls > 0) {
    lines.push(`not placed: ${count(run.unattributed.calls)} call${run.unattributed.calls === 1 ? '' : 's'}`);
    for (const r of run.unattributed.reasons.slice(0, 5)) {
      lines.push(`  ${pad(count(r.calls), 10, true)}  ${r.reason}`);
      for (const p of r.places.slice(0, 3)) lines.push(`  ${pad('', 10)}    ${pad(count(p.calls), 10, true)}  ${p.where}`);
    }
  }
  if (run.overflow > 0) lines.push(`  ${pad(count(run.overflow), 10, true)}  calls not counted: the recorder's tables were full`);
  for (const n of run.notes) lines.push(`note: ${n}`);
  lines.push(`record written to ${out}; see it next to the code with \`pagecost scan --run ${out} ${root}\`, or open the folder in VS Code`);
  return `${lines.join('\n')}\n`;
}
