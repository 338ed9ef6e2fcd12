// Turns call sites into findings, using the cost model: a finding's severity and message come
// from comparing the modelled cost of the call with its cheaper alternative, never from a
// fixed size threshold. Rule ids are stable and documented in docs/RULES.md.
import { isJsPrimitive, type CallSite, type EstimateSummary, type Finding, type Severity } from '../types';
import { CORRECTNESS_RULES, CORRECTNESS_SEVERITY, correctnessFindings, wrappersThatFree } from './correctness';
import { JS_RULES, JS_SEVERITY, adviseJsSite } from './js';
import { isSuppressed } from './suppress';
import { observedFacts, observedMessage, observedSeverity } from './observed';
import type { RunObservation } from '../record/observed';
import {
  builtinProfile, estimateOp, makeContext, solveCrossover, formatBytes, formatNs, formatRatio,
  type Allocator, type Crossover, type Estimate, type ModelContext, type OpName, type Operation, type Profile,
} from '../model';

export const RULES = {
  mremapSlowerThanMemcpy: 'mremap-slower-than-memcpy',
  mremapCost: 'mremap-cost',
  reallocCost: 'realloc-cost',
  reallocLinearGrowth: 'realloc-linear-growth',
  reference: 'reference',
  ...CORRECTNESS_RULES,
  ...JS_RULES,
} as const;

/** Every rule id, each documented under its own heading in docs/RULES.md. */
export const ALL_RULES: readonly string[] = Object.values(RULES);

/**
 * The severity a rule has when nothing overrides it. The model-driven rules have none fixed (the
 * model's ratio decides between warning and hint); for them this is the strongest they reach.
 */
export const DEFAULT_SEVERITY: Readonly<Record<string, Severity>> = {
  'mremap-slower-than-memcpy': 'warning',
  'mremap-cost': 'hint',
  'realloc-cost': 'hint',
  'realloc-linear-growth': 'warning',
  reference: 'info',
  ...CORRECTNESS_SEVERITY,
  ...JS_SEVERITY,
};

export { applySuppressions, isSuppressed, markersOn } from './suppress';

export interface AdviceOptions {
  /** Machine profile; default the built-in `x86-64`. */
  profile?: Profile;
  /** Threads of the program running on distinct CPUs during the calls; default 1. */
  threads?: number;
  /** Warn when the alternative is cheaper by more than this factor; default 2. */
  warnRatio?: number;
  /** What realloc does: glibc (default), musl, or a copying allocator (jemalloc/mimalloc). */
  allocator?: Allocator;
  /** Where glibc's dynamic mmap threshold stands (default 128 KiB). */
  glibcMmapThreshold?: number;
  /**
   * Severity per rule id, or 'off' to drop the rule's findings (the editor's settings, a CLI
   * config). Rules not named keep their own severity.
   */
  ruleSeverity?: Readonly<Record<string, Severity | 'off'>>;
  /** Honour the suppression comments the analysis recorded on sites (`facts.suppressed`); default true. */
  suppressions?: boolean;
  /** Add the correctness rules (leaks on failure, MAP_FAILED tests, mremap flags, overflow); default true. */
  correctness?: boolean;
  /**
   * What a recorded run saw at a site (src/core/record/observed.ts matches runs to sites). A C
   * site with an observation gets its cost finding from the run's sizes and its share of the
   * run's resize time (src/core/advice/observed.ts), and every finding of the site carries it.
   */
  observed?: (site: CallSite) => RunObservation | undefined;
}

interface Resolved {
  profile: Profile;
  threads: number;
  ratio: number;
  allocator: Allocator;
  ctx: ModelContext;
  scenario: { threads: number; allocator: Allocator; glibcMmapThreshold?: number };
}

const ALLOCATOR_WORDS: Record<Allocator, string> = {
  glibc: 'glibc', musl: 'musl', copying: 'a copying allocator (jemalloc/mimalloc)',
};

/** Severity from the model: warning when the alternative is cheaper by more than the ratio, hint otherwise. */
export function verdict(estimateNs: number, alternativeNs: number, warnRatio: number): Severity {
  return alternativeNs * warnRatio < estimateNs ? 'warning' : 'hint';
}

const crossoverCache = new WeakMap<Profile, Map<string, Crossover>>();

function cachedCrossover(r: Resolved, mover: OpName, copier: OpName): Crossover {
  let m = crossoverCache.get(r.profile);
  if (!m) crossoverCache.set(r.profile, (m = new Map()));
  const key = `${mover}|${copier}|${r.threads}|${r.allocator}|${r.scenario.glibcMmapThreshold ?? ''}`;
  let c = m.get(key);
  if (!c) m.set(key, (c = solveCrossover(r.profile, mover, copier, r.scenario)));
  return c;
}

function summary(e: Estimate): EstimateSummary {
  return { op: e.op, ns: e.ns, breakdown: e.breakdown, assumptions: e.assumptions };
}

function where(r: Resolved): string {
  return `${r.threads === 1 ? 'single-threaded' : `${r.threads} threads`}, ${r.profile.name} profile`;
}

function siteName(site: CallSite): string {
  if (site.name === site.callee && !site.via.length) return `\`${site.name}\``;
  return `\`${site.name}\` (→ ${[...site.via.filter((v) => v !== site.name), site.callee].join(' → ')})`;
}

function known(v: CallSite['newSize']): number | null {
  const b = v?.bytes;
  return typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= 2 ** 48 ? b : null;
}

/** Why a size cannot be used: its evaluator note, or that the number is not a possible size. */
function whyUnknown(v: CallSite['newSize']): string {
  if (!v) return 'size unknown';
  if (v.bytes === null) return v.note;
  return `${v.text} = ${v.bytes} bytes is not a size a process can allocate (1 byte … 2^48)`;
}

/** Where the sizes came from, first among the estimate's assumptions (DESIGN: show the input). */
function sizeAssumptions(site: CallSite): string[] {
  const out: string[] = [];
  for (const [what, v] of [['old size', site.oldSize], ['size', site.newSize]] as const) {
    if (v && known(v) !== null) out.push(`${site.callee === 'mremap' && what === 'size' ? 'new size' : what} \`${v.text}\` = ${formatBytes(v.bytes!)} (${v.note})`);
  }
  return out;
}

function finding(site: CallSite, rule: string, severity: Severity, message: string, est: Estimate | null = null, alt: Estimate | null = null): Finding {
  const estimate = est ? summary(est) : null;
  if (estimate) estimate.assumptions = [...sizeAssumptions(site), ...(estimate.assumptions ?? [])];
  return { site, rule, severity, message, estimate, alternative: alt ? summary(alt) : null };
}

function crossoverWords(c: Crossover, mover: string, copier: string): string {
  if (c.kind === 'at') return `${mover} wins above ${formatBytes(c.bytes)} here; below that ${copier} is cheaper`;
  if (c.kind === 'always') return `${mover} is cheaper than ${copier} at every size here`;
  return `${copier} is cheaper than ${mover} at every size here`;
}

/**
 * NetBSD's `mremap(oldp, oldsize, newp, newsize, flags)` (a null or fixed new address third,
 * `MAP_REMAPDUP`/`MAP_ALIGNED` flags): not Linux's call, and the Linux model does not price it.
 */
function netbsdMremap(site: CallSite): boolean {
  const args = site.facts?.args;
  if (site.kind !== 'direct-call' || !args || args.length !== 5) return false;
  return /^\(?\s*(?:NULL|0|\(\s*void\s*\*\s*\)\s*0)\s*\)?$/.test(args[2]!.text.trim()) || /\bMAP_(?:REMAPDUP|ALIGNED|FIXED)\b/.test(args[4]!.text);
}

function adviseMremap(site: CallSite, r: Resolved): Finding[] {
  // Still a line (every call a grep finds is seen to be found), saying why it is not priced.
  if (netbsdMremap(site)) {
    return [finding(site, RULES.mremapCost, 'hint',
      `${siteName(site)} with five arguments is NetBSD's mremap (new address third, then size and flags), not Linux's: the Linux model does not price it.`)];
  }
  const oldB = known(site.oldSize);
  const newB = known(site.newSize);
  const flags = site.flags;
  const maymove = flags === null ? true : flags.includes('MREMAP_MAYMOVE');
  const fixed = flags !== null && flags.includes('MREMAP_FIXED');
  const dontunmap = flags !== null && flags.includes('MREMAP_DONTUNMAP');
  const sameText = site.oldSize && site.newSize && site.oldSize.text.trim() === site.newSize.text.trim();
  const pureMove = (fixed || dontunmap) && (sameText || (oldB !== null && oldB === newB));
  const name = siteName(site);

  if (oldB === null || newB === null) {
    const [mover, copier, copierWords]: [OpName, OpName, string] = pureMove
      ? ['mremap-move', 'memcpy-warm', 'memcpy']
      : ['mremap-grow', 'malloc-copy-free', 'allocating new memory and copying'];
    const c = cachedCrossover(r, mover, copier);
    const why = oldB === null ? whyUnknown(site.oldSize) : whyUnknown(site.newSize);
    return [{ ...finding(site, RULES.mremapCost, 'hint',
      `${name}: size not known statically (${why}). ${crossoverWords(c, 'mremap', copierWords)} (${where(r)}).`), unsized: true }];
  }

  let op: Operation;
  let opName: string;
  let alt: { op: Operation; name: OpName; words: string } | null = null;
  if (pureMove || (oldB === newB && (fixed || dontunmap))) {
    // As the mremap-move op: ranges the program keeps, so the end slots' page tables stay.
    op = { kind: 'mremap', oldBytes: oldB, newBytes: newB, mode: 'move', fixed: fixed ? 'empty' : 'none', dontunmap, alignment: 'misaligned' };
    opName = 'mremap-move';
    alt = { op: { kind: 'memcpy', bytes: oldB, destination: 'warm' }, name: 'memcpy-warm', words: `a memcpy of the ${formatBytes(oldB)}` };
  } else if (newB === oldB) {
    op = { kind: 'mremap', oldBytes: oldB, newBytes: newB, mode: 'no-resize' };
    opName = 'mremap-no-resize';
  } else if (newB < oldB) {
    op = { kind: 'mremap', oldBytes: oldB, newBytes: newB, mode: 'shrink' };
    opName = 'mremap-shrink';
  } else if (!maymove) {
    op = { kind: 'mremap', oldBytes: oldB, newBytes: newB, mode: 'grow-inplace' };
    opName = 'mremap-grow-inplace';
  } else {
    op = { kind: 'mremap', oldBytes: oldB, newBytes: newB, mode: 'move', maymove: true, fixed: fixed ? 'empty' : 'none', lengthsPmdMultiple: oldB % (2 * 1024 * 1024) === 0 && newB % (2 * 1024 * 1024) === 0 };
    opName = 'mremap-grow';
    alt = { op: { kind: 'malloc-copy-free', oldBytes: oldB, newBytes: newB }, name: 'malloc-copy-free', words: `allocating ${formatBytes(newB)}, copying ${formatBytes(oldB)} and freeing the old block` };
  }
  const est = estimateOp(r.profile.params, r.ctx, op, opName);
  const what = opName === 'mremap-move' ? `moving ${formatBytes(oldB)}` : opName === 'mremap-shrink' ? `shrinking ${formatBytes(oldB)} to ${formatBytes(newB)}` : opName === 'mremap-no-resize' ? `a same-size call on ${formatBytes(oldB)}` : `growing ${formatBytes(oldB)} to ${formatBytes(newB)}${opName === 'mremap-grow-inplace' ? ' in place' : ''}`;
  if (!alt) {
    const caveat = opName === 'mremap-grow-inplace'
      ? ' That is only if the addresses right after the mapping are free; without MREMAP_MAYMOVE the call fails with ENOMEM otherwise.'
      : '';
    return [finding(site, RULES.mremapCost, 'hint', `${name}: ${what} costs about ${formatNs(est.ns)} here (${where(r)}).${caveat}`, est)];
  }
  const a = estimateOp(r.profile.params, r.ctx, alt.op, alt.name);
  const sev = verdict(est.ns, a.ns, r.ratio);
  if (sev === 'warning') {
    const c = cachedCrossover(r, opName as OpName, alt.name);
    const tail = c.kind === 'at' ? ` mremap only wins above ${formatBytes(c.bytes)} here.` : c.kind === 'never' ? ' mremap never wins here.' : '';
    return [finding(site, RULES.mremapSlowerThanMemcpy, 'warning',
      `${name}: ${what} costs about ${formatNs(est.ns)}, while ${alt.words} would take about ${formatNs(a.ns)}: ${alt.name === 'memcpy-warm' ? 'memcpy' : 'copying'} is ${formatRatio(est.ns / a.ns)} cheaper (${where(r)}).${tail}`,
      est, a)];
  }
  const cmp = a.ns >= est.ns
    ? `mremap is ${formatRatio(a.ns / est.ns)} cheaper`
    : `${alt.name === 'memcpy-warm' ? 'memcpy' : 'copying'} is ${formatRatio(est.ns / a.ns)} cheaper, within the ${r.ratio}× warning ratio`;
  return [finding(site, RULES.mremapCost, 'hint',
    `${name}: ${what} costs about ${formatNs(est.ns)}; ${alt.words} would take about ${formatNs(a.ns)} (${cmp}; ${where(r)}).`, est, a)];
}

function adviseRealloc(site: CallSite, r: Resolved): Finding[] {
  const out: Finding[] = [];
  const name = siteName(site);
  // `realloc(NULL, n)` is a malloc: no old block, no copy, nothing for the cost rules to weigh.
  // Still a line, so that every call a grep finds is seen to be found, and why it costs nothing here.
  if (site.allocates) {
    const b = site.newSize?.bytes;
    const size = b !== null && b !== undefined && b > 0 ? ` ${formatBytes(b)}` : '';
    out.push(finding(site, RULES.reallocCost, 'hint',
      `${name} with a null pointer allocates${size}: it is a malloc, with no old block to copy or move, so there is no resize cost to weigh.`));
    return out;
  }
  if (site.growth === 'linear' && site.inLoop) {
    out.push(finding(site, RULES.reallocLinearGrowth, 'warning',
      `${name} grows the buffer by a constant step inside a loop: every call may copy the whole buffer, so the total copying grows with the square of the final size. Grow the capacity geometrically (×1.5 or ×2) and keep a separate length, which makes the total linear.`));
  }
  // `realloc(p, 0)` frees (glibc) or hands back a minimal block: realloc-zero-size says which, and
  // there is no resize to price.
  if (site.newSize?.bytes === 0) return out;
  const N = known(site.newSize);
  const alloc = ALLOCATOR_WORDS[r.allocator];
  if (N === null) {
    const c = cachedCrossover(r, 'realloc-grow', 'malloc-copy-free');
    const why = whyUnknown(site.newSize);
    const text =
      c.kind === 'at'
        ? `with ${alloc}, realloc beats malloc + memcpy + free above ${formatBytes(c.bytes)} here (blocks that big are mmapped, and realloc moves their pages instead of copying); below that both copy`
        : c.kind === 'never'
          ? `with ${alloc}, realloc copies like malloc + memcpy + free at every size, so growing geometrically is what keeps it cheap`
          : `with ${alloc}, realloc beats malloc + memcpy + free at every size here`;
    out.push({ ...finding(site, RULES.reallocCost, 'hint', `${name}: size not known statically (${why}); ${text} (${where(r)}).`), unsized: true });
    return out;
  }
  const oldB = Math.max(1, Math.floor(N / 2));
  const est = estimateOp(r.profile.params, r.ctx, { kind: 'realloc', oldBytes: oldB, newBytes: N }, 'realloc-grow');
  const alt = estimateOp(r.profile.params, r.ctx, { kind: 'malloc-copy-free', oldBytes: oldB, newBytes: N }, 'malloc-copy-free');
  const moved = est.path.includes('mremap');
  const how = moved
    ? 'the block is mmapped, so realloc moves its pages with mremap instead of copying'
    : est.path.includes('copied') || est.path.startsWith('copying')
      ? 'realloc copies here, just like malloc + memcpy + free'
      : 'realloc resizes without copying';
  const sev = verdict(est.ns, alt.ns, r.ratio);
  const cmp = alt.ns > est.ns
    ? `realloc is ${formatRatio(alt.ns / est.ns)} cheaper`
    : alt.ns < est.ns ? `malloc + memcpy + free is ${formatRatio(est.ns / alt.ns)} cheaper` : 'the same cost';
  out.push(finding(site, RULES.reallocCost, sev,
    `${name}: growing to ${formatBytes(N)} (from about ${formatBytes(oldB)}, assumed) costs about ${formatNs(est.ns)} with ${alloc}: ${how}. malloc + memcpy + free would cost about ${formatNs(alt.ns)} (${cmp}; ${where(r)}).`,
    est, alt));
  return out;
}

/** Findings for call sites. Never throws for one bad site: its finding says what went wrong. */
export function adviseSites(sites: CallSite[], options: AdviceOptions = {}): Finding[] {
  const profile = options.profile ?? builtinProfile('x86-64');
  const threads = options.threads ?? 1;
  const ratio = options.warnRatio ?? 2;
  if (!(ratio >= 1) || !Number.isFinite(ratio)) throw new RangeError(`warnRatio must be a number ≥ 1, got ${String(options.warnRatio)}`);
  for (const [rule, s] of Object.entries(options.ruleSeverity ?? {})) {
    if (!['error', 'warning', 'info', 'hint', 'off'].includes(s as string)) {
      throw new RangeError(`ruleSeverity["${rule}"] must be one of error, warning, info, hint, off; got ${JSON.stringify(s)}`);
    }
  }
  const allocator = options.allocator ?? 'glibc';
  const scenario = { threads, allocator, ...(options.glibcMmapThreshold !== undefined ? { glibcMmapThreshold: options.glibcMmapThreshold } : {}) };
  const r: Resolved = { profile, threads, ratio, allocator, scenario, ctx: makeContext(profile, scenario) };
  const out: Finding[] = [];
  // Only C functions can be C wrappers: a TS function of the same name must not change their verdict.
  const freeing = options.correctness !== false ? wrappersThatFree(sites.filter((s) => s.language === 'c')) : new Set<string>();
  for (const site of sites) {
    if (site.kind === 'reference') {
      out.push(finding(site, RULES.reference, 'info', site.storedInto
        ? `\`${site.name}\` is stored in \`${site.storedInto}\` here, not called: the calls made through \`${site.storedInto}\` are resize sites of their own, reported where they are made.`
        : site.passedTo
          ? `\`${site.name}\` is passed to \`${site.passedTo}\` here, not called: where \`${site.passedTo}\` stores it in a function pointer, the calls through that pointer are resize sites of their own, reported where they are made.`
          : `\`${site.name}\` is used as a value here, not called: pagecost cannot see the sizes of the calls made through it.`));
      continue;
    }
    if (site.kind === 'helper-call') {
      // Not a resize site of its own (the helper's call is): only the loop's quadratic total is news here.
      out.push(finding(site, RULES.reallocLinearGrowth, 'warning',
        `${siteName(site)} grows its buffer by a constant step at each call, and this loop calls it again and again: each call may copy the whole buffer, so the total copying grows with the square of the final size. Grow the capacity geometrically inside \`${site.name}\` (×1.5 or ×2, with a separate length), or reserve the room once before the loop.`));
      continue;
    }
    if (isJsPrimitive(site.callee)) {
      // TS/JS built-ins and wasm glue; FFI calls of C realloc/mremap stay on the C path below.
      out.push(...adviseJsSite(site, { profile, ctx: r.ctx, ratio, where: where(r), verdict }));
      continue;
    }
    const ofSite: Finding[] = [];
    try {
      ofSite.push(...(site.callee === 'mremap' ? adviseMremap(site, r) : adviseRealloc(site, r)));
    } catch (e) {
      ofSite.push(finding(site, site.callee === 'mremap' ? RULES.mremapCost : RULES.reallocCost, 'hint',
        `${siteName(site)}: no estimate (${(e as Error).message}).`));
    }
    if (options.correctness !== false) ofSite.push(...correctnessFindings(site, freeing));
    const obs = site.language === 'c' ? options.observed?.(site) : undefined;
    out.push(...(obs ? withObservation(site, obs, ofSite, r) : ofSite));
  }
  return finish(out, options);
}

const COST_RULES: ReadonlySet<string> = new Set([RULES.reallocCost, RULES.mremapCost, RULES.mremapSlowerThanMemcpy]);

/**
 * A recorded run covers the site: its cost finding is the run's (the model over the observed
 * sizes, severity weighed by the site's share of the run), keeping the one-call estimate at the
 * typical sizes for the breakdown; every other finding of the site carries the observation too.
 */
function withObservation(site: CallSite, obs: RunObservation, findings: Finding[], r: Resolved): Finding[] {
  const facts = observedFacts(site, obs, { profile: r.profile, warnRatio: r.ratio, allocator: r.allocator, ...(r.scenario.glibcMmapThreshold !== undefined ? { glibcMmapThreshold: r.scenario.glibcMmapThreshold } : {}) });
  const sev = facts.modelledNs === null ? 'hint' : observedSeverity(facts.modelledNs, facts.alternativeNs, facts.share, r.ratio);
  const rule = site.callee !== 'mremap' ? RULES.reallocCost : sev === 'warning' && facts.alternative === 'memcpy-warm' ? RULES.mremapSlowerThanMemcpy : RULES.mremapCost;
  let typical: { est: Estimate; alt: Estimate | null } | null = null;
  try {
    const oldB = Math.max(1, facts.oldBytes.p50);
    const newB = Math.max(1, facts.newBytes.p50);
    typical = site.callee === 'mremap'
      ? { est: estimateOp(r.profile.params, r.ctx, { kind: 'mremap', oldBytes: oldB, newBytes: newB, maymove: site.flags?.includes('MREMAP_MAYMOVE') ?? true }, 'mremap'), alt: newB > oldB ? estimateOp(r.profile.params, r.ctx, { kind: 'malloc-copy-free', oldBytes: oldB, newBytes: newB }, 'malloc-copy-free') : null }
      : { est: estimateOp(r.profile.params, r.ctx, { kind: 'realloc', oldBytes: oldB, newBytes: newB }, 'realloc-grow'), alt: estimateOp(r.profile.params, r.ctx, { kind: 'malloc-copy-free', oldBytes: oldB, newBytes: newB }, 'malloc-copy-free') };
  } catch {
    typical = null;
  }
  const cost = finding(site, rule, sev, observedMessage(siteName(site), facts, sev, r.ratio), typical?.est ?? null, typical?.alt ?? null);
  const rest = findings.filter((f) => !COST_RULES.has(f.rule));
  return [cost, ...rest].map((f) => ({ ...f, observed: facts }));
}

/** Drops suppressed and switched-off findings and applies severity overrides. */
function finish(findings: Finding[], options: AdviceOptions): Finding[] {
  const sev = options.ruleSeverity ?? {};
  const honour = options.suppressions !== false;
  const out: Finding[] = [];
  for (const f of findings) {
    if (honour && isSuppressed(f.rule, f.site.facts?.suppressed)) continue;
    const s = Object.prototype.hasOwnProperty.call(sev, f.rule) ? sev[f.rule] : undefined;
    if (s === 'off') continue;
    out.push(s ? { ...f, severity: s } : f);
  }
  return out;
}
