// Findings for sites a recorded run covers: what the run saw first (`12,034 calls · 4 KiB→8 KiB
// p50 · 3.1 ms measured`), then the model over the same calls — the observed size distribution,
// not a guess — against the alternative over the same calls. Severity also weighs the site's
// share of the run's resize time, so the hot sites rise and the cold ones sink (docs/RULES.md).
import type { CallSite, ObservedFacts, ObservedSizes, Severity } from '../types';
import {
  estimateOp, formatBytes, formatNs, formatRatio, makeContext,
  type Allocator, type ModelContext, type Operation, type Profile,
} from '../model';
import type { RunObservation } from '../record/observed';
import { fromPairs, representatives } from '../record/histogram';

export interface ObservedContext {
  profile: Profile;
  warnRatio: number;
  allocator: Allocator;
  glibcMmapThreshold?: number;
}

/** One stretch of calls with an old and a new size standing for them. */
interface Segment {
  calls: number;
  oldBytes: number;
  newBytes: number;
}

/**
 * Pairs the old and new size distributions rank by rank (the smallest old sizes with the smallest
 * new ones: a growing buffer's sizes move together), giving each stretch of calls one old and one
 * new size. Calls from NULL or to 0 are not resizes and are left out.
 */
export function sizeSegments(old: ObservedSizes, neu: ObservedSizes): Segment[] {
  const a = representatives(fromPairs(old.log2Histogram), old.min, old.max).filter((x) => x.value > 0);
  const b = representatives(fromPairs(neu.log2Histogram), neu.min, neu.max).filter((x) => x.value > 0);
  const out: Segment[] = [];
  let i = 0;
  let j = 0;
  let leftA = a[0]?.calls ?? 0;
  let leftB = b[0]?.calls ?? 0;
  while (i < a.length && j < b.length) {
    const n = Math.min(leftA, leftB);
    if (n > 0) out.push({ calls: n, oldBytes: a[i]!.value, newBytes: b[j]!.value });
    leftA -= n;
    leftB -= n;
    if (leftA <= 0 && ++i < a.length) leftA = a[i]!.calls;
    if (leftB <= 0 && ++j < b.length) leftB = b[j]!.calls;
  }
  return out;
}

interface Priced {
  modelledNs: number;
  alternativeNs: number | null;
  alternative: string | null;
  /** Calls the model priced (the resizes among them). */
  calls: number;
}

function contextFor(c: ObservedContext, threads: number): ModelContext {
  return makeContext(c.profile, { threads: Math.max(1, Math.min(threads, c.profile.machine.cpus)), allocator: c.allocator, ...(c.glibcMmapThreshold !== undefined ? { glibcMmapThreshold: c.glibcMmapThreshold } : {}) });
}

/** The model over the observed calls, and the alternative over the same calls. */
export function priceObserved(site: CallSite, obs: RunObservation, c: ObservedContext): Priced {
  const ctx = contextFor(c, obs.threadsMax);
  const p = c.profile.params;
  const segments = sizeSegments(obs.oldBytes, obs.newBytes);
  let modelled = 0;
  let alternative = 0;
  let altName: string | null = null;
  let calls = 0;
  const movedShare = obs.calls > 0 ? obs.moved / obs.calls : 0;
  for (const s of segments) {
    let model: number;
    let alt: number | null = null;
    if (site.callee === 'mremap') {
      const flags = site.flags ?? ['MREMAP_MAYMOVE'];
      const fixed = flags.includes('MREMAP_FIXED');
      const dontunmap = flags.includes('MREMAP_DONTUNMAP');
      const op: Operation = s.oldBytes === s.newBytes && (fixed || dontunmap)
        ? { kind: 'mremap', oldBytes: s.oldBytes, newBytes: s.newBytes, mode: 'move', fixed: fixed ? 'empty' : 'none', dontunmap, tablesFreed: true }
        : { kind: 'mremap', oldBytes: s.oldBytes, newBytes: s.newBytes, maymove: flags.includes('MREMAP_MAYMOVE') };
      model = estimateOp(p, ctx, op).ns;
      if (s.oldBytes === s.newBytes && (fixed || dontunmap)) {
        alt = estimateOp(p, ctx, { kind: 'memcpy', bytes: s.oldBytes, destination: 'warm' }).ns;
        altName = 'memcpy-warm';
      } else if (s.newBytes > s.oldBytes) {
        alt = estimateOp(p, ctx, { kind: 'malloc-copy-free', oldBytes: s.oldBytes, newBytes: s.newBytes }).ns;
        altName = 'malloc-copy-free';
      }
    } else {
      // A heap block that did not move grew in place: the run says how often that happened.
      const moving = estimateOp(p, ctx, { kind: 'realloc', oldBytes: s.oldBytes, newBytes: s.newBytes }).ns;
      const inPlace = estimateOp(p, ctx, { kind: 'realloc', oldBytes: s.oldBytes, newBytes: s.newBytes, inPlace: true }).ns;
      const mmappedBlock = s.oldBytes >= (c.glibcMmapThreshold ?? 128 * 1024);
      model = mmappedBlock ? moving : movedShare * moving + (1 - movedShare) * inPlace;
      alt = estimateOp(p, ctx, { kind: 'malloc-copy-free', oldBytes: s.oldBytes, newBytes: s.newBytes }).ns;
      altName = 'malloc-copy-free';
    }
    modelled += s.calls * model;
    if (alt !== null) alternative += s.calls * alt;
    calls += s.calls;
  }
  return { modelledNs: modelled, alternativeNs: altName ? alternative : null, alternative: altName, calls };
}

/**
 * Severity from the model's ratio over the observed calls and the site's share of the run's
 * resize time: the ratio needed for a warning falls from `warnRatio` towards 1 as the share rises
 * (a site with half the run's resize time warns at the midpoint), and a site with under 1% of it
 * stays a hint.
 */
export function observedSeverity(modelledNs: number, alternativeNs: number | null, share: number, warnRatio: number): Severity {
  if (alternativeNs === null || !(alternativeNs > 0)) return 'hint';
  if (share < 0.01) return 'hint';
  const needed = 1 + (warnRatio - 1) * (1 - Math.min(1, Math.max(0, share)));
  return modelledNs > alternativeNs * needed ? 'warning' : 'hint';
}

const ALT_WORDS: Record<string, string> = { 'malloc-copy-free': 'malloc + memcpy + free', 'memcpy-warm': 'memcpy' };

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function when(iso: string): string {
  return /^\d{4}-\d\d-\d\d/.test(iso) ? iso.slice(0, 10) : 'an earlier run';
}

/** The line the run puts first: `12,034 calls · 4 KiB→8 KiB p50 · 3.1 ms measured`. */
export function observedHeadline(o: ObservedFacts): string {
  const sizes = o.fromNull === o.calls ? `new ${formatBytes(o.newBytes.p50)} p50` : `${formatBytes(o.oldBytes.p50)}→${formatBytes(o.newBytes.p50)} p50`;
  const time = o.timedCalls === 0 && o.calls > 0 ? 'not timed' : `${formatNs(o.measuredNs)} measured`;
  return `${count(o.calls)} call${o.calls === 1 ? '' : 's'} · ${sizes} · ${time}`;
}

/** The finding's message for a site a run covers. */
export function observedMessage(name: string, o: ObservedFacts, sev: Severity, warnRatio: number): string {
  const parts = [`${name}: ${observedHeadline(o)}`];
  if (o.modelledNs !== null) parts.push(`model ${formatNs(o.modelledNs)}`);
  if (o.alternativeNs !== null && o.alternative) parts.push(`${ALT_WORDS[o.alternative] ?? o.alternative} ≈${formatNs(o.alternativeNs)}`);
  let verdict = '';
  if (o.modelledNs !== null && o.alternativeNs !== null && o.alternativeNs > 0 && o.modelledNs > 0) {
    const alt = ALT_WORDS[o.alternative ?? ''] ?? 'the alternative';
    verdict = o.alternativeNs < o.modelledNs
      ? ` Over these calls ${alt} would be ${formatRatio(o.modelledNs / o.alternativeNs)} cheaper${sev === 'warning' ? '' : ` (within the ${warnRatio}× warning ratio for a site with ${Math.round(o.share * 100)}% of the run's resize time)`}.`
      : ` Over these calls this is ${formatRatio(o.alternativeNs / o.modelledNs)} cheaper than ${alt}.`;
  }
  const moved = o.calls ? ` ${Math.round((100 * o.moved) / o.calls)}% moved${o.mmapped !== null && o.mmapped > 0 ? `, ${Math.round((100 * o.mmapped) / o.calls)}% on mmapped blocks` : ''}.` : '';
  const growth = o.growth.constantStep > o.calls / 2 ? ' Most calls grew it by the same step: geometric growth would make far fewer calls.' : '';
  const share = `${o.share >= 0.995 ? 'all' : o.share < 0.01 ? 'under 1%' : `${Math.round(o.share * 100)}%`} of the resize time of ${baseName(o.program)} (${o.run}, ${when(o.startedAt)})`;
  const stale = o.recordedLine !== undefined ? ` Recorded on line ${o.recordedLine}; the code above it has changed since.` : '';
  return `${parts.join(' · ')}.${verdict}${moved}${growth} ${share}.${stale}`;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1) || p;
}

/** The observed facts with the model's prices added. */
export function observedFacts(site: CallSite, obs: RunObservation, c: ObservedContext): ObservedFacts {
  let priced: Priced = { modelledNs: 0, alternativeNs: null, alternative: null, calls: 0 };
  try {
    priced = priceObserved(site, obs, c);
  } catch {
    // A size the model refuses (beyond what a process can map): the measured facts still stand.
  }
  return {
    ...obs,
    modelledNs: priced.calls > 0 ? priced.modelledNs : null,
    alternativeNs: priced.calls > 0 ? priced.alternativeNs : null,
    alternative: priced.calls > 0 ? priced.alternative : null,
  };
}
