// Suppression comments: the ways a user says "not here" for a finding.
//
//   // pagecost-ignore-next-line                      every rule, next line
//   // pagecost-ignore-next-line rule-a, rule-b       those rules (globs: `mremap-*`)
//   p = realloc(p, n); // pagecost-ignore-line rule-a
//   /* pagecost-ignore-next-line rule-a -- why */     block comments too; `--` starts a reason
//   // NOLINT  // NOLINT(pagecost-rule-a)  // NOLINTNEXTLINE(pagecost-*)
//   // pagecost-ignore-begin rule-a … // pagecost-ignore-end      every line in between
//   // NOLINTBEGIN(pagecost-*) … // NOLINTEND(pagecost-*)
//
// NOLINT follows clang-tidy: bare NOLINT silences every check on the line, a list names checks
// by glob, and only `pagecost-…` entries (or `*`) concern us, so `NOLINT(bugprone-*)` written
// for clang-tidy does not hide pagecost findings.
//
// This module has no dependencies: the C analysis uses it to record, per call site, which rules
// its lines silence (CallSite.facts.suppressed), so the CLI scan honours comments without the
// file's text; `applySuppressions` does the same from the text for any finding. Regions
// (BEGIN/END) are read from the whole text: the scan adds them to facts where it reads the file
// (`withRegionSuppressions`), the editor through `applySuppressions`, so an edit far from a
// function never leaves its sites' facts stale. Like clang-tidy, an END closes the latest BEGIN
// with the same argument, and a BEGIN that is never closed silences nothing.
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

/** Matches of `re` (global) on one line that sit inside a comment: after `//` or `/*`, or on a ` * ` continuation line. */
function inComments(line: string, re: RegExp): RegExpExecArray[] {
  const commentAt = Math.min(...[line.indexOf('//'), line.indexOf('/*')].map((i) => (i < 0 ? Infinity : i)));
  const continuation = /^\s*\*/.test(line);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) if (continuation || commentAt < m.index) out.push(m);
  return out;
}

/** Markers on one line of source. Only text inside a comment counts. */
export function markersOn(line: string): LineMarkers {
  const out: LineMarkers = { thisLine: [], nextLine: [] };
  if (!line.includes('pagecost-ignore') && !line.includes('NOLINT')) return out;
  for (const m of inComments(line, MARKER)) {
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

/** Lines `from`..`to` (1-based, inclusive) where `patterns` are silenced. */
export interface SuppressedRegion {
  from: number;
  to: number;
  patterns: string[];
}

const REGION = /\b(pagecost-ignore-begin|pagecost-ignore-end|NOLINTBEGIN|NOLINTEND)\b(\([^)\n]*\))?/g;

/** Does `text` have any region marker (cheap test before the line walk)? */
function hasRegions(text: string): boolean {
  return text.includes('pagecost-ignore-begin') || text.includes('NOLINTBEGIN');
}

/** The closed BEGIN/END regions of a text. */
export function suppressedRegions(text: string): SuppressedRegion[] {
  if (!hasRegions(text)) return [];
  const open: Array<{ key: string; from: number; patterns: string[] }> = [];
  const out: SuppressedRegion[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.includes('pagecost-ignore-') && !line.includes('NOLINT')) return;
    for (const m of inComments(line, REGION)) {
      const kind = m[1]!;
      const ours = kind.startsWith('pagecost');
      // NOLINTEND(x) closes NOLINTBEGIN(x); pagecost-ignore-end closes the latest pagecost-ignore-begin.
      const key = ours ? 'pagecost' : `nolint${m[2] ?? ''}`;
      if (kind.endsWith('BEGIN') || kind.endsWith('begin')) {
        open.push({ key, from: i + 1, patterns: ours ? pagecostList(line.slice(m.index + kind.length)) : nolintList(m[2]) });
      } else {
        const at = open.map((o) => o.key).lastIndexOf(key);
        if (at < 0) continue;
        const [o] = open.splice(at, 1);
        if (o!.patterns.length) out.push({ from: o!.from, to: i + 1, patterns: o!.patterns });
      }
    }
  });
  return out;
}

/** Patterns the regions silence on 1-based `line`. */
export function regionPatternsAt(regions: readonly SuppressedRegion[], line: number): string[] {
  return regions.flatMap((r) => (r.from <= line && line <= r.to ? r.patterns : []));
}

/**
 * Adds the BEGIN/END regions of `text` to each site's `facts.suppressed` (the scan, which has
 * the text; the editor goes through applySuppressions instead). Sites outside regions are kept as they are.
 */
export function withRegionSuppressions<S extends { nameRange: { start: { line: number } }; facts?: { suppressed?: string[] } }>(sites: S[], text: string): S[] {
  // No site, nothing to add to: the text is not searched (82 of the dense bench corpus's 377 files).
  if (!sites.length) return sites;
  const regions = suppressedRegions(text);
  if (!regions.length) return sites;
  return sites.map((s) => {
    const extra = regionPatternsAt(regions, s.nameRange.start.line);
    if (!extra.length) return s;
    return { ...s, facts: { ...s.facts, suppressed: [...new Set([...(s.facts?.suppressed ?? []), ...extra])] } };
  });
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
  const regions = suppressedRegions(text);
  return findings.filter((f) => {
    if (file !== undefined && f.site.file !== file) return true;
    const lines = siteLines(f);
    const patterns = [...suppressionsFor(text, lines, starts), ...lines.flatMap((l) => regionPatternsAt(regions, l))];
    return !isSuppressed(f.rule, patterns);
  });
}
