// Compiler-style text (`file:line:col: severity: message [rule]`), which editors, terminals and
// CI log viewers already turn into links. One line per finding on stdout; file problems and the
// summary are separate so `pagecost scan . | wc -l` counts findings.
import type { FileError, Finding, Severity } from '../types';
import { relativeTo, type ScanStats } from './json';

export function toText(findings: Finding[], _errors: FileError[], _stats: ScanStats, root: string): string {
  return findings
    .map((f) => {
      const s = f.site;
      return `${relativeTo(root, s.file)}:${s.nameRange.start.line}:${s.nameRange.start.column}: ${f.severity}: ${f.message} [${f.rule}]\n`;
    })
    .join('');
}

/** File problems, one per line, in the same clickable shape (no line: the file as a whole). */
export function errorsText(errors: FileError[], root: string): string {
  return errors.map((e) => `${relativeTo(root, e.file)}: problem: ${e.message}\n`).join('');
}

/** The findings text output lists: without `verbose`, not the cost hints of sizes known only at run time (Finding.unsized). */
export function listedFindings(findings: Finding[], verbose: boolean): Finding[] {
  return verbose ? findings : findings.filter((f) => !f.unsized || f.observed);
}

/** `unlisted`: findings left out of the text output (listedFindings), counted on a line of their own. */
export function summaryText(findings: Finding[], errors: FileError[], stats: ScanStats, unlisted = 0): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const bySeverity = (['error', 'warning', 'info', 'hint'] as Severity[])
    .filter((s) => counts.get(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return (
    `pagecost: ${plural(findings.length, 'finding')}${bySeverity ? ` (${bySeverity})` : ''} in ${plural(stats.files, 'file')}` +
    ` (${stats.parsedFiles} parsed)${errors.length ? `, ${plural(errors.length, 'file problem')}` : ''}, ${stats.ms} ms\n` +
    (stats.unparsedRegions
      ? `pagecost: ${plural(stats.unparsedRegions, 'region')} in ${plural(stats.unparsedFiles ?? 0, 'file')} did not parse but cannot hide a call (--verbose lists them)\n`
      : '') +
    (stats.nonUtf8Files
      ? `pagecost: ${plural(stats.nonUtf8Files, 'file')} not valid UTF-8 but naming no resize function (--verbose lists them)\n`
      : '') +
    (unlisted
      ? `pagecost: ${plural(unlisted, 'cost hint')} for ${unlisted === 1 ? 'a size' : 'sizes'} known only at run time not listed (--verbose lists ${unlisted === 1 ? 'it' : 'them'}; \`pagecost record\` measures sizes)\n`
      : '')
  );
}
