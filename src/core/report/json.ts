// The JSON report (`--format json`). Other tools read it: the shape is versioned and every
// field below is documented in the README. Add fields freely; renaming or removing one means
// bumping `version`.
import type { EstimateSummary, FileError, Finding, CallKind, Growth, Language, ObservedFacts, Severity } from '../types';

export const jsonReportVersion = 1;

export interface ScanStats {
  /** C and TS/JS files considered (after walking, ignores and excludes). */
  files: number;
  /** Files parsed with tree-sitter (the others never mention a relevant name). */
  parsedFiles: number;
  /** Bytes read. */
  bytes: number;
  /** Wall-clock milliseconds of the scan. */
  ms: number;
  /** Wrapper functions/macros known at the end (found + configured). */
  wrappers?: number;
  rounds?: number;
  /**
   * Regions tree-sitter could not parse that name no watched or wrapper name, so no call can
   * hide there (macros the grammar cannot read, in code that compiles): counted, not reported as
   * file problems; `--verbose` lists them as notes. Regions where a call may hide are problems.
   */
  unparsedRegions?: number;
  /** Files with such regions. */
  unparsedFiles?: number;
  /**
   * C files that are not valid UTF-8 but name no watched or wrapper name (so no call can be read
   * wrong there): counted, not file problems; `--verbose` lists them as notes.
   */
  nonUtf8Files?: number;
}

/** A note the scan counts rather than lists: regions that cannot hide a call, harmless encodings. */
export interface CountedNote {
  unparsedRegions?: number;
  nonUtf8?: boolean;
}

/** Listed only with --verbose: the note is a count in `stats`. */
export function isCountedNote(n: CountedNote): boolean {
  return !!n.unparsedRegions || !!n.nonUtf8;
}

/** The stats fields the counted notes make (`unparsedRegions`, `unparsedFiles`, `nonUtf8Files`), only those not zero. */
export function countedNoteStats(notes: readonly CountedNote[]): Pick<ScanStats, 'unparsedRegions' | 'unparsedFiles' | 'nonUtf8Files'> {
  const regions = notes.filter((n) => n.unparsedRegions);
  const encodings = notes.filter((n) => n.nonUtf8).length;
  return {
    ...(regions.length ? { unparsedRegions: regions.reduce((k, n) => k + n.unparsedRegions!, 0), unparsedFiles: regions.length } : {}),
    ...(encodings ? { nonUtf8Files: encodings } : {}),
  };
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  callee: string;
  kind: CallKind;
  via: string[];
  language: Language;
  oldBytes: number | null;
  newBytes: number | null;
  sizeText: string;
  sizeNote: string;
  flags: string[] | null;
  growth: Growth | null;
  function: string | null;
  inLoop: boolean;
  /** Sites inside a function that resizes memory it owns: how many calls of that function the scan found. */
  callers?: number;
  rule: string;
  severity: Severity;
  message: string;
  estimate: EstimateSummary | null;
  alternative: EstimateSummary | null;
  /** What a recorded run saw here (`scan --run`); absent when no run covers the site. */
  observed?: ObservedFacts;
}

export interface JsonReport {
  version: number;
  findings: JsonFinding[];
  errors: FileError[];
  stats: ScanStats;
}

/** Strips `root` from absolute paths so every path in the report is relative to the scan root. */
export function relativeTo(root: string, file: string): string {
  const r = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(r) ? file.slice(r.length) : file;
}

export function jsonFinding(f: Finding, root: string): JsonFinding {
  const s = f.site;
  return {
    file: relativeTo(root, s.file),
    line: s.nameRange.start.line,
    column: s.nameRange.start.column,
    endLine: s.nameRange.end.line,
    endColumn: s.nameRange.end.column,
    callee: s.callee,
    kind: s.kind,
    via: s.via,
    language: s.language,
    oldBytes: s.oldSize?.bytes ?? null,
    newBytes: s.newSize?.bytes ?? null,
    sizeText: s.newSize?.text ?? '',
    sizeNote: s.newSize?.note ?? (s.kind === 'reference' ? 'not a call: no size' : 'no size argument'),
    // realloc-family calls have no flags: [] (not null, which means "mremap flags unknown").
    flags: s.callee === 'mremap' ? s.flags : (s.flags ?? []),
    growth: s.growth,
    function: s.enclosingFunction,
    inLoop: s.inLoop,
    ...(s.callers !== undefined ? { callers: s.callers } : {}),
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    estimate: f.estimate,
    alternative: f.alternative,
    ...(f.observed ? { observed: f.observed } : {}),
  };
}

export function toJsonReport(findings: Finding[], errors: FileError[], stats: ScanStats, root: string): JsonReport {
  return {
    version: jsonReportVersion,
    findings: findings.map((f) => jsonFinding(f, root)),
    errors: errors.map((e) => ({ file: relativeTo(root, e.file), message: e.message })),
    stats,
  };
}

export function toJson(findings: Finding[], errors: FileError[], stats: ScanStats, root: string): string {
  return `${JSON.stringify(toJsonReport(findings, errors, stats, root), null, 2)}\n`;
}
