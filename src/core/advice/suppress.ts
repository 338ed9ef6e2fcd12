// Suppression comments: the ways a user says "not here" for a finding.
//
//   // pagecost-ignore-next-line                      every rule, next line
//   // pagecost-ignore-next-line rule-a, rule-b       those rules (globs: `mremap-*`)
//   p = realloc(p, n); // pagecost-ignore-line rule-a
//   /* pagecost-ignore-next-line rule-a -- why */     block comments too; `--` starts a reason
//   // NOLINT  // NOLINT(pagecost-rule-a)  // NOLINTNEXTLINE(pagecost-*)
//
// NOLINT follows clang-tidy: bare NOLINT silences every check on the line, a list names checks
// by glob, and only `pagecost-…` entries (or `*`) concern us, so `NOLINT(bugprone-*)` written
// for clang-tidy does not hide pagecost findings.
//
// This module has no dependencies: the C analysis uses it to record, per call site, which rules
// its lines silence (CallSite.facts.suppressed), so the CLI scan honours comments without the
// file's text; `applySuppressions` does the same from the text for any finding.
import type { Finding } from '../types';

/** Patterns (rule ids or globs; `*` = every rule) found on one line. */
export interface LineMarkers {
  /** Rules silenced on this very line (`pagecost-ignore-line`, `NOLINT`). */
  thisLine: string[];
  /** Rules silenced on the following line (`pagecost-ignore-next-line`, `NOLINTNEXTLINE`). */
  nextLine: string[];
}

const PREFIX = 'pagecost-';
const MARKER = /\b(pagecost-ignore-next-line|pagecost-ignore-line|NOLINTNEXTLINE|NOLINT(?!BEGIN|END))\b(\([^)\n]*\))?/g;

/** Rule patterns after a pagecost marker: up to the end of the comment or a `--` reason. */
function pagecostList(rest: string): string[] {
  const end = rest.search(/\*\/|--|\/\/|$/m);
  const words = rest
    .slice(0, end < 0 ? rest.length : end)
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter((w) => /^[A-Za-z0-9*][\w*-]*$/.test(w))
    .map((w) => (w.startsWith(PREFIX) ? w.slice(PREFIX.length) : w));
  return words.length ? words : ['*'];
}

/** NOLINT(...) entries that concern pagecost; `[]` when the list names only other tools' checks. */
function nolintList(paren: string | undefined): string[] {
  if (!paren) return ['*'];
  const out: string[] = [];
  for (const raw of paren.slice(1, -1).split(',')) {
    const w = raw.trim();
    if (w === '*' || w === 'pagecost-*' || w === 'pagecost*') out.push('*');
    else if (w.startsWith(PREFIX)) out.push(w.slice(PREFIX.length));
  }
  return out;
}

/** Markers on one line of source. Only text inside a comment counts (after `//` or `/*`, or a ` * ` continuation line). */
export function markersOn(line: string): LineMarkers {
  const out: LineMarkers = { thisLine: [], nextLine: [] };
  if (!line.includes('pagecost-ignore') && !line.includes('NOLINT')) return out;
  const commentAt = Math.min(...[line.indexOf('//'), line.indexOf('/*')].map((i) => (i < 0 ? Infinity : i)));
  const continuation = /^\s*\*/.test(line);
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(line); m; m = MARKER.exec(line)) {
    if (!continuation && !(commentAt < m.index)) continue;
    const kind = m[1]!;
    if (kind.startsWith('pagecost')) {
      const list = pagecostList(line.slice(m.index + kind.length));
      (kind === 'pagecost-ignore-line' ? out.thisLine : out.nextLine).push(...list);
    } else {
      const list = nolintList(m[2]);
      (kind === 'NOLINT' ? out.thisLine : out.nextLine).push(...list);
    }
  }
  return out;
}

/** Does a pattern (`*`, `mremap-*`, `realloc-leak-on-failure`) cover `rule`? */
export function patternMatches(pattern: string, rule: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === rule;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(rule);
}

export function isSuppressed(rule: string, patterns: readonly string[] | undefined): boolean {
  return !!patterns && patterns.some((p) => patternMatches(p, rule));
}

/** Line starts of a text (offsets), for 1-based line lookups. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Text of 1-based line `n` (without its newline), or '' outside the text. */
function lineAt(text: string, starts: number[], n: number): string {
  if (n < 1 || n > starts.length) return '';
  const s = starts[n - 1]!;
  const e = n < starts.length ? starts[n]! - 1 : text.length;
  return text.slice(s, e).replace(/\r$/, '');
}

/**
 * The lines a finding's suppression may sit on: the line of the callee's name and, when the
 * statement starts earlier (`v->items =\n realloc(…)`), the statement's first line.
 */
export function siteLines(f: Finding): number[] {
  const name = f.site.nameRange.start.line;
  const stmt = f.site.facts?.statement?.range.start.line ?? f.site.range.start.line;
  return stmt < name ? [name, stmt] : [name];
}

/** Patterns that silence the given 1-based lines of `text`. */
export function suppressionsFor(text: string, lines: readonly number[], starts = lineStarts(text)): string[] {
  const out: string[] = [];
  for (const n of lines) {
    out.push(...markersOn(lineAt(text, starts, n)).thisLine);
    out.push(...markersOn(lineAt(text, starts, n - 1)).nextLine);
  }
  return out;
}

/**
 * Drops the findings that a comment in `text` silences. Pure; `text` is the file the findings'
 * positions refer to. Findings of other files (site.file ≠ `file`, when given) pass through.
 */
export function applySuppressions(findings: readonly Finding[], text: string, file?: string): Finding[] {
  if (!text.includes('pagecost-ignore') && !text.includes('NOLINT')) return [...findings];
  const starts = lineStarts(text);
  return findings.filter((f) => {
    if (file !== undefined && f.site.file !== file) return true;
    return !isSuppressed(f.rule, suppressionsFor(text, siteLines(f), starts));
  });
}
