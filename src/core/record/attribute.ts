// Recorded calls → the call sites `pagecost scan` reports. A call's stack, symbolized with its
// inlined frames, is read from the innermost frame out: the first frame in the scanned tree must
// be a site the scan knows, and while the next frame out is a site that calls the function this
// one sits in (a wrapper's caller: `xrealloc(…)`, `ALLOC_GROW(…)`), attribution moves out to it.
// Everything that cannot be placed is counted under a reason that says what to do about it.
import type { CallKind, CPrimitive, Primitive } from '../types';
import { normalizePath } from '../scan/paths';
import { quantile, log2Pairs } from './histogram';
import { addStats, cloneStats, emptyStats, type CodeAddress, type MergedRun, type MergedStats } from './merge';
import type { RunSite, SizeDistribution, UnattributedReason } from './runFile';
import { addressKey, unknownFrames, type SourceFrame, type SymbolizeResult } from './symbolize';

/** A call site as the scan reports it (paths relative to the root). */
export interface ScannedSite {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  callee: Primitive;
  kind: CallKind;
  via: string[];
  name: string;
  function: string | null;
}

export interface AttributionInput {
  run: MergedRun;
  symbols: SymbolizeResult;
  sites: ScannedSite[];
  /** Absolute path of the scan root, forward slashes, no trailing slash. */
  root: string;
  /** Every file the scan looked at, relative to the root. */
  scannedFiles: ReadonlySet<string>;
  /** The text of a line of a scanned file as it is now (for staleness checks later). */
  lineText: (file: string, line: number) => string;
}

export interface Attribution {
  sites: RunSite[];
  unattributed: { calls: number; reasons: UnattributedReason[] };
  /** Calls that were placed (on sites). */
  attributedCalls: number;
}

/** One location of a call path: a symbolized frame with the module it came from. */
interface Location {
  module: string | null;
  frame: SourceFrame | null;
  /** The file relative to the root when it is one the scan saw. */
  rel: string | null;
}

type Target = { site: ScannedSite } | { reason: string; example?: string };

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Maps a file name from debug info to a scanned file: under the root, or (for a program built in
 * another folder) the one scanned file whose path it ends with.
 */
export function fileResolver(root: string, scanned: ReadonlySet<string>): (file: string) => string | null {
  const prefix = `${normalizePath(root)}/`;
  const byBase = new Map<string, string[]>();
  for (const f of scanned) {
    const b = baseName(f);
    const list = byBase.get(b);
    if (list) list.push(f);
    else byBase.set(b, [f]);
  }
  const cache = new Map<string, string | null>();
  return (file) => {
    const hit = cache.get(file);
    if (hit !== undefined) return hit;
    const n = normalizePath(file.replace(/\\/g, '/'));
    let rel: string | null = null;
    if (n.startsWith(prefix) && scanned.has(n.slice(prefix.length))) rel = n.slice(prefix.length);
    else {
      const candidates = (byBase.get(baseName(n)) ?? []).filter((f) => n === f || n.endsWith(`/${f}`));
      // The longest match wins; two equally long ones cannot be told apart.
      candidates.sort((a, b) => b.length - a.length);
      if (candidates.length === 1 || (candidates.length > 1 && candidates[0]!.length > candidates[1]!.length)) rel = candidates[0]!;
    }
    cache.set(file, rel);
    return rel;
  };
}

function indexSites(sites: ScannedSite[]): Map<string, ScannedSite[]> {
  const m = new Map<string, ScannedSite[]>();
  for (const s of sites) {
    if (s.kind === 'reference') continue;
    const k = `${s.file}\u0000${s.line}`;
    const list = m.get(k);
    if (list) list.push(s);
    else m.set(k, [s]);
  }
  return m;
}

/** The site at a location that reaches `callee`; among several, the one nearest the column. */
function siteAt(index: Map<string, ScannedSite[]>, loc: Location, callee: CPrimitive, calling: string | null): ScannedSite | null | 'ambiguous' {
  if (!loc.rel || !loc.frame?.line) return null;
  let list = (index.get(`${loc.rel}\u0000${loc.frame.line}`) ?? []).filter((s) => s.callee === callee);
  // A call of `calling` by name, through a macro or wrapper chain that reaches it, or through a
  // function pointer the scan saw set to it (its chain names it `field = calling`).
  if (calling !== null) list = list.filter((s) => s.name === calling || s.via.some((v) => v === calling || v.split(' = ').pop() === calling));
  if (list.length <= 1) return list[0] ?? null;
  const col = loc.frame.column;
  if (col === null) {
    // Without a column, sites that are one call under two names (a macro and what it expands to)
    // are still one place; otherwise say so rather than guess.
    return 'ambiguous';
  }
  let best = list[0]!;
  let bestD = Infinity;
  for (const s of list) {
    const d = col >= s.column && col <= s.endColumn ? 0 : Math.min(Math.abs(col - s.column), Math.abs(col - s.endColumn));
    if (d < bestD) {
      best = s;
      bestD = d;
    }
  }
  return best;
}

function moduleName(m: string | null): string {
  return m ? baseName(m) : 'an unknown module';
}

function describe(loc: Location): string {
  const f = loc.frame;
  // Outside the tree the module says more than a file of someone else's sources.
  const where = f?.file && loc.rel ? `${loc.rel}:${f.line ?? '?'}` : moduleName(loc.module);
  return f?.function ? `${f.function} (${where})` : where;
}

/** Where a stack's calls go, reading its locations from the innermost out. */
function attributeLocations(locs: Location[], callee: CPrimitive, index: Map<string, ScannedSite[]>, problems: Map<string, string>): Target {
  if (locs.length === 0 || locs[0]!.module === null) {
    return { reason: 'the calling code is in no loaded module (generated code, or a library unloaded before it was recorded)' };
  }
  const first = locs.findIndex((l) => l.rel !== null);
  if (first < 0) {
    const inner = locs[0]!;
    const problem = inner.module ? problems.get(inner.module) : undefined;
    if (problem) return { reason: `${problem}: its calls cannot be placed`, example: describe(inner) };
    if (!inner.frame || (!inner.frame.file && !inner.frame.function)) {
      return { reason: `no symbols or debug info in ${moduleName(inner.module)}: build it with -g`, example: moduleName(inner.module) };
    }
    if (!inner.frame.file) return { reason: `no debug info in ${moduleName(inner.module)}: build it with -g`, example: describe(inner) };
    return { reason: `called from ${moduleName(inner.module)}, outside the scanned tree`, example: describe(inner) };
  }
  // Reached through code outside the tree: the site there must be a call of that code (a
  // configured wrapper), not some other resize on the same line.
  const through = first > 0 ? (locs[first - 1]!.frame?.function ?? null) : null;
  const at = siteAt(index, locs[first]!, callee, through);
  if (at === 'ambiguous') {
    return { reason: 'several call sites on one line and no column in the debug info: install llvm-symbolizer (it reads columns)', example: describe(locs[first]!) };
  }
  if (!at) {
    const l = locs[first]!;
    if (first > 0) {
      const inner = locs[first - 1]!;
      // Inside another module (libc's setlocale, a library's own buffers): that library's resizing.
      if (inner.module !== l.module) {
        return {
          reason: `inside ${moduleName(inner.module)}: that library's own resizing, called from your code (name the function in .pagecost.json "wrappers" if it resizes a pointer you pass it)`,
          example: `${describe(inner)} ← ${describe(l)}`,
        };
      }
      return {
        reason: 'called through a function outside the scanned tree that the scan does not know as a wrapper: add it to .pagecost.json "wrappers"',
        example: `${describe(inner)} ← ${describe(l)}`,
      };
    }
    return {
      reason: 'no call site the scan knows on this line: a call through a function pointer or a wrapper the scan does not know (name it in .pagecost.json "wrappers"), or a build from older sources',
      example: describe(l),
    };
  }
  let site = at;
  for (let j = first + 1; j < locs.length; j++) {
    const fn = locs[j - 1]!.frame?.function ?? site.function;
    const outer = siteAt(index, locs[j]!, callee, fn);
    if (!outer || outer === 'ambiguous') break;
    site = outer;
  }
  return { site };
}

function distribution(hist: number[], min: number | null, max: number): SizeDistribution {
  const lo = min ?? 0;
  const q = (p: number) => Math.round(quantile(hist, p, lo, max) ?? lo);
  return { min: lo, p50: q(0.5), p90: q(0.9), max, log2Histogram: log2Pairs(hist) };
}

function roundCounts(s: MergedStats): MergedStats {
  const r = cloneStats(s);
  for (const k of ['calls', 'moved', 'mmapped', 'fromNull', 'toZero', 'failed', 'shrink', 'fits', 'constantStep', 'geometric', 'otherGrowth'] as const) r[k] = Math.round(r[k]);
  return r;
}

function siteKey(s: ScannedSite): string {
  return `${s.file}\u0000${s.line}\u0000${s.column}\u0000${s.callee}`;
}

export function attribute(input: AttributionInput): Attribution {
  const { run, symbols } = input;
  const index = indexSites(input.sites);
  const resolve = fileResolver(input.root, input.scannedFiles);
  const locCache = new Map<string, Location[]>();
  const locationsOf = (a: CodeAddress | null): Location[] => {
    if (!a) return [{ module: null, frame: null, rel: null }];
    const k = addressKey(a);
    const hit = locCache.get(k);
    if (hit) return hit;
    const s = symbols.byAddress.get(k);
    const locs: Location[] = unknownFrames(s)
      ? [{ module: a.module, frame: null, rel: null }]
      : s!.frames.map((f) => ({ module: a.module, frame: f, rel: f.file ? resolve(f.file) : null }));
    locCache.set(k, locs);
    return locs;
  };
  const stackLocations = (frames: (CodeAddress | null)[]) => frames.flatMap((f) => locationsOf(f));

  const bySite = new Map<string, { site: ScannedSite; stats: MergedStats; sampled: boolean; stacks: Map<string, number> }>();
  const reasons = new Map<string, { calls: number; places: Map<string, number> }>();
  let unattributed = 0;
  const place = (t: Target, stats: MergedStats, sampled: boolean, path: Location[]) => {
    if ('site' in t) {
      const k = siteKey(t.site);
      let e = bySite.get(k);
      if (!e) bySite.set(k, (e = { site: t.site, stats: cloneStats(stats), sampled, stacks: new Map() }));
      else {
        addStats(e.stats, stats);
        e.sampled ||= sampled;
      }
      const desc = path.slice(0, 6).map(describe).join(' ← ');
      e.stacks.set(desc, (e.stacks.get(desc) ?? 0) + stats.calls);
    } else {
      unattributed += stats.calls;
      let r = reasons.get(t.reason);
      if (!r) reasons.set(t.reason, (r = { calls: 0, places: new Map() }));
      r.calls += stats.calls;
      if (t.example) r.places.set(t.example, (r.places.get(t.example) ?? 0) + stats.calls);
    }
  };

  for (const caller of run.callers) {
    const targets = caller.stacks.map((s) => {
      const path = stackLocations(s.frames);
      return { stack: s, path, target: attributeLocations(path, caller.callee, index, symbols.moduleProblems) };
    });
    if (targets.length === 0) {
      const path = stackLocations([caller.frame]);
      place(attributeLocations(path, caller.callee, index, symbols.moduleProblems), caller, false, path);
      continue;
    }
    const key = (t: Target) => ('site' in t ? `site:${siteKey(t.site)}` : `reason:${t.reason}`);
    const distinct = new Set(targets.map((t) => key(t.target)));
    if (distinct.size === 1) {
      // Every stack of this caller leads to one place: the caller's own counts are exact.
      const best = targets.reduce((a, b) => (b.stack.calls > a.stack.calls ? b : a));
      place(targets[0]!.target, caller, false, best.path);
      continue;
    }
    // A wrapper reached from several places: each place gets the calls of its own stacks, which
    // add up to the caller's exactly, unless the stack table was full (then the stacks it kept
    // are scaled up to the caller's exact total, and the sites say they were sampled).
    const sampledTotal = targets.reduce((n, t) => n + t.stack.calls, 0);
    const scale = sampledTotal > 0 ? caller.calls / sampledTotal : 1;
    const exact = Math.abs(scale - 1) < 1e-9;
    for (const t of targets) place(t.target, roundCounts(scaled(t.stack, scale)), !exact, t.path);
  }

  const sites: RunSite[] = [];
  let attributedCalls = 0;
  for (const { site, stats, sampled, stacks } of bySite.values()) {
    attributedCalls += stats.calls;
    sites.push(runSite(site, stats, sampled, stacks, input.lineText(site.file, site.line), run.glibcMalloc));
  }
  sites.sort((a, b) => b.ns.total - a.ns.total || b.calls - a.calls || a.file.localeCompare(b.file) || a.line - b.line);
  const reasonList: UnattributedReason[] = [...reasons.entries()]
    .map(([reason, r]) => ({
      reason,
      calls: Math.round(r.calls),
      places: [...r.places.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([where, calls]) => ({ where, calls: Math.round(calls) })),
    }))
    .sort((a, b) => b.calls - a.calls);
  return { sites, unattributed: { calls: Math.round(unattributed), reasons: reasonList }, attributedCalls };
}

function scaled(s: MergedStats, scale: number): MergedStats {
  const out = emptyStats();
  addStats(out, s, scale);
  return out;
}

function runSite(site: ScannedSite, s: MergedStats, sampled: boolean, stacks: Map<string, number>, text: string, glibcMalloc: boolean): RunSite {
  const nsQ = (q: number) => {
    const v = quantile(s.nsHist, q);
    return v === null ? null : Math.round(v);
  };
  return {
    file: site.file,
    line: site.line,
    column: site.column,
    function: site.function,
    callee: site.callee as CPrimitive,
    via: site.via,
    text: text.trim(),
    calls: s.calls,
    moved: s.moved,
    mmapped: glibcMalloc || site.callee === 'mremap' ? s.mmapped : null,
    failed: s.failed,
    fromNull: s.fromNull,
    toZero: s.toZero,
    oldBytes: distribution(s.oldHist, s.oldMin, s.oldMax),
    newBytes: distribution(s.newHist, s.newMin, s.newMax),
    growth: { constantStep: s.constantStep, geometric: s.geometric, shrink: s.shrink, fits: s.fits, otherGrowth: s.otherGrowth },
    ns: { total: Math.round(s.nsTotal), p50: nsQ(0.5), p99: nsQ(0.99), timedCalls: s.timed },
    threadsMax: Math.max(1, s.threadsMax),
    sampled,
    stacks: [...stacks.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([d, calls]) => ({ frames: d.split(' ← '), calls: Math.round(calls) })),
  };
}
