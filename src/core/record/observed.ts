// A recorded run (`pagecost record`) laid onto the sites of the source as it is now. A run site is
// used only where its line still reads as it did at the run, in the same function: on the same
// line, or (the text unchanged, moved by edits above it) on the one line of that function that
// reads the same. Anything else is stale: reported, never shown on another line. Pure: texts come
// through a callback, so the CLI (files on disk) and the editor (open documents) share it.
import type { CallSite, ObservedFacts } from '../types';
import { parseRunFile, type RunFile, type RunSite } from './runFile';

export interface LoadedRun {
  run: RunFile;
  /** How the run is named in messages and `observed.run` (a path as the user would type it). */
  label: string;
}

export interface StaleSite {
  run: string;
  file: string;
  line: number;
  why: string;
  function: string | null;
  callee: string;
  /** The current file (as `fileOf` gives it) the run site was looked for in, when there is one. */
  current?: string;
}

/** What the run saw at a site, before the model's numbers are added (advice does that). */
export type RunObservation = Omit<ObservedFacts, 'modelledNs' | 'alternativeNs' | 'alternative'>;

export interface RunMatch {
  bySite: Map<CallSite, RunObservation>;
  stale: StaleSite[];
  /** Current calls that a stale run site stands nearest to (same function and callee): where to say so. */
  staleAt: Map<CallSite, StaleSite>;
}

export interface MatchOptions {
  /** Absolute folder ('/' separators) the sites are in: runs' files are taken relative to it. */
  root: string;
  /** A site's file relative to `root` ('/' separators); default `site.file` (the CLI's sites are relative). */
  fileOf?: (site: CallSite) => string;
  /** The text of a file (relative to `root`) as it is now, or null. */
  text: (file: string) => string | null;
}

/** Parses a run file for matching; problems as messages (the file name in each). */
export function loadRun(text: string, label: string): { loaded: LoadedRun | null; problems: string[] } {
  const p = parseRunFile(text, label);
  return { loaded: p.run ? { run: p.run, label } : null, problems: p.problems };
}

/** A run's file relative to `root`: the same path when the run was made on this folder, else its place under `root`. */
function relativeToRoot(runRoot: string, file: string, root: string): string {
  const abs = `${runRoot.replace(/\/+$/, '')}/${file}`;
  const prefix = `${root.replace(/\/+$/, '')}/`;
  return abs.startsWith(prefix) ? abs.slice(prefix.length) : file;
}

function lineOf(lines: string[] | null, line: number): string | null {
  if (!lines || line < 1 || line > lines.length) return null;
  return lines[line - 1]!.replace(/\r$/, '').trim();
}

/** The run's facts for one site, with its share of the run's measured resize time. */
export function observation(rs: RunSite, loaded: LoadedRun, recordedLine?: number): RunObservation {
  const total = loaded.run.totals.ns;
  return {
    run: loaded.label,
    program: loaded.run.program,
    startedAt: loaded.run.startedAt,
    calls: rs.calls,
    moved: rs.moved,
    mmapped: rs.mmapped,
    failed: rs.failed,
    fromNull: rs.fromNull,
    toZero: rs.toZero,
    oldBytes: rs.oldBytes,
    newBytes: rs.newBytes,
    growth: rs.growth,
    measuredNs: rs.ns.total,
    p50Ns: rs.ns.p50,
    p99Ns: rs.ns.p99,
    timedCalls: rs.ns.timedCalls,
    share: total > 0 ? Math.min(1, rs.ns.total / total) : 0,
    threadsMax: rs.threadsMax,
    sampled: rs.sampled,
    ...(recordedLine !== undefined ? { recordedLine } : {}),
  };
}

/**
 * Lays runs onto sites. A later run (by `startedAt`) wins over an earlier one at the same site.
 * References are never matched.
 */
export function matchRuns(runs: LoadedRun[], sites: CallSite[], opts: MatchOptions): RunMatch {
  const fileOf = opts.fileOf ?? ((s: CallSite) => s.file);
  const byFile = new Map<string, CallSite[]>();
  for (const s of sites) {
    if (s.kind === 'reference' || s.language !== 'c') continue;
    const f = fileOf(s);
    const list = byFile.get(f);
    if (list) list.push(s);
    else byFile.set(f, [s]);
  }
  const texts = new Map<string, string[] | null>();
  const linesOf = (file: string) => {
    if (!texts.has(file)) {
      const t = opts.text(file);
      texts.set(file, t === null ? null : t.split('\n'));
    }
    return texts.get(file)!;
  };
  const bySite = new Map<CallSite, RunObservation>();
  const stale: StaleSite[] = [];
  const ordered = [...runs].sort((a, b) => a.run.startedAt.localeCompare(b.run.startedAt));
  for (const loaded of ordered) {
    const claimed = new Set<CallSite>();
    for (const rs of loaded.run.sites) {
      const file = [relativeToRoot(loaded.run.root, rs.file, opts.root), rs.file].find((f) => byFile.has(f));
      const staleAs = (why: string) => stale.push({ run: loaded.label, file: rs.file, line: rs.line, why, function: rs.function, callee: rs.callee, ...(file ? { current: file } : {}) });
      if (!file) {
        staleAs('no call site in that file any more (or the file is not in this tree)');
        continue;
      }
      const lines = linesOf(file);
      const candidates = byFile.get(file)!.filter((s) => s.callee === rs.callee && !claimed.has(s));
      const sameFunction = (s: CallSite) => rs.function === null || s.enclosingFunction === rs.function;
      const reads = (line: number) => lineOf(lines, line) === rs.text;
      let hit: CallSite | undefined;
      let recordedLine: number | undefined;
      const here = candidates.filter((s) => s.nameRange.start.line === rs.line);
      if (here.length && reads(rs.line) && here.some(sameFunction)) {
        hit = here.filter(sameFunction).sort((a, b) => Math.abs(a.nameRange.start.column - rs.column) - Math.abs(b.nameRange.start.column - rs.column))[0];
      } else {
        // Moved by edits elsewhere: the one line of the same function that still reads the same.
        const moved = candidates.filter((s) => sameFunction(s) && reads(s.nameRange.start.line));
        const movedLines = new Set(moved.map((s) => s.nameRange.start.line));
        if (movedLines.size === 1) {
          hit = moved.sort((a, b) => Math.abs(a.nameRange.start.column - rs.column) - Math.abs(b.nameRange.start.column - rs.column))[0];
          recordedLine = rs.line;
        } else if (movedLines.size > 1) {
          staleAs(`the line changed, and ${movedLines.size} lines of ${rs.function ?? 'the file'} read as it did: not guessing which`);
          continue;
        } else {
          staleAs(here.length ? (reads(rs.line) ? `the call is now in ${here[0]!.enclosingFunction ?? 'no function'}, not ${rs.function}` : 'the line changed since the run') : 'the line changed since the run (no matching call now)');
          continue;
        }
      }
      if (!hit) continue;
      claimed.add(hit);
      bySite.set(hit, observation(rs, loaded, recordedLine));
    }
  }
  return { bySite, stale, staleAt: staleMarks(stale, byFile, bySite) };
}

/**
 * Where to say that a run is stale: the call of the same function and callee nearest the line
 * the run saw, among those the run does not cover now.
 */
function staleMarks(stale: StaleSite[], byFile: Map<string, CallSite[]>, covered: Map<CallSite, RunObservation>): Map<CallSite, StaleSite> {
  const out = new Map<CallSite, StaleSite>();
  stale.forEach((st) => {
    if (!st.current) return;
    const near = (byFile.get(st.current) ?? [])
      .filter((s) => s.callee === st.callee && (st.function === null || s.enclosingFunction === st.function) && !covered.has(s) && !out.has(s))
      .sort((a, b) => Math.abs(a.nameRange.start.line - st.line) - Math.abs(b.nameRange.start.line - st.line))[0];
    if (near) out.set(near, st);
  });
  return out;
}
