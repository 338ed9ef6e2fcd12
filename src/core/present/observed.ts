// What the editor shows for a call a recorded run covers: the inlay hint (the run's numbers first,
// short enough for VS Code's hint length) and the hover section (the size histograms, how often
// the block moved, measured against modelled time for the same calls, and which run it came from).
import type { ObservedFacts, ObservedSizes } from '../types';
import { formatBytes, formatNs, formatRatio } from '../model';
import { escapeMd } from './hover';

/** VS Code cuts inlay hints longer than this (`editor.inlayHints.maximumLength`, default 43). */
export const HINT_MAX = 43;

const ALT_SHORT: Record<string, string> = { 'malloc-copy-free': 'copy', 'memcpy-warm': 'memcpy' };

function calls(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function shortBytes(b: number): string {
  return formatBytes(b).replace(' bytes', ' B').replace(' byte', ' B');
}

/** `4 KiB→8 KiB`, or `→8 KiB` when every call started from NULL. */
function sizes(o: ObservedFacts, short = false): string {
  const f = short ? shortBytes : formatBytes;
  return o.fromNull === o.calls ? `new ${f(o.newBytes.p50)}` : `${f(o.oldBytes.p50)}→${f(o.newBytes.p50)}`;
}

function timeWords(o: ObservedFacts): string | null {
  return o.timedCalls === 0 && o.calls > 0 ? null : formatNs(o.measuredNs);
}

/**
 * The hint after a covered call, longest form that fits: `12,034 calls · 4 KiB→8 KiB p50 · 3.1 ms
 * total · memcpy ≈0.4 ms`, down to `12,034× 4→8 KiB 3.1 ms`.
 */
export function observedHintLabel(o: ObservedFacts, max = HINT_MAX): string {
  const t = timeWords(o);
  const alt = o.alternative && o.alternativeNs !== null ? `${ALT_SHORT[o.alternative] ?? o.alternative} ≈${formatNs(o.alternativeNs)}` : null;
  const forms = [
    [`${calls(o.calls)} calls`, `${sizes(o)} p50`, t && `${t} total`, alt],
    [`${calls(o.calls)} calls`, `${sizes(o, true)} p50`, t && `${t} total`, alt],
    [`${calls(o.calls)}×`, sizes(o, true), t, alt],
    [`${calls(o.calls)}×`, sizes(o, true), t],
    [`${calls(o.calls)}×`, t ?? sizes(o, true)],
  ].map((parts) => parts.filter((p): p is string => !!p).join(' · '));
  return forms.find((f) => f.length <= max) ?? forms[forms.length - 1]!.slice(0, max);
}

/** A histogram as a Markdown table with bars: one row per power-of-two bucket. */
export function histogramMarkdown(title: string, d: ObservedSizes, total: number): string[] {
  if (!d.log2Histogram.length) return [];
  const most = Math.max(...d.log2Histogram.map(([, c]) => c));
  const rows = d.log2Histogram.map(([low, c]) => {
    const range = low === 0 ? '0' : `${shortBytes(low)}–${shortBytes(low * 2)}`;
    const bar = '█'.repeat(Math.max(1, Math.round((12 * c) / most)));
    return `| ${range} | ${calls(c)} | ${total > 0 ? Math.round((100 * c) / total) : 0}% | ${bar} |`;
  });
  return [`| ${title} | calls | share | |`, '|:--|--:|--:|:--|', ...rows];
}

function pct(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (100 * part) / whole;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

/** The hover's section for a covered call, first in the hover. */
export function observedHoverMarkdown(o: ObservedFacts): string[] {
  const out: string[] = [];
  const t = timeWords(o);
  out.push(`**Recorded:** ${calls(o.calls)} call${o.calls === 1 ? '' : 's'} · ${sizes(o)} p50 (p90 ${formatBytes(o.newBytes.p90)}, max ${formatBytes(o.newBytes.max)}) · ${t ? `${t} in all` : 'not timed'}${t && o.p50Ns !== null ? ` (${formatNs(o.p50Ns)} a call at the median${o.p99Ns !== null ? `, ${formatNs(o.p99Ns)} at p99` : ''})` : ''} — ${pct(o.share * 100, 100)} of the run's resize time.`, '');
  const what: string[] = [`${pct(o.moved, o.calls)} moved to a new address`];
  if (o.mmapped !== null) what.push(`${pct(o.mmapped, o.calls)} on mmapped blocks`);
  if (o.fromNull) what.push(`${calls(o.fromNull)} from NULL`);
  if (o.toZero) what.push(`${calls(o.toZero)} to size 0`);
  if (o.failed) what.push(`${calls(o.failed)} failed`);
  const g = o.growth;
  const grew = g.constantStep + g.geometric + g.otherGrowth;
  if (grew) what.push(`growth: ${pct(g.constantStep, grew)} by the same step, ${pct(g.geometric, grew)} geometric`);
  if (g.fits) what.push(`${calls(g.fits)} fitted in the block already`);
  if (g.shrink) what.push(`${calls(g.shrink)} shrank`);
  if (o.threadsMax > 1) what.push(`up to ${o.threadsMax} threads alive`);
  out.push(`${what.join(' · ')}.`, '');
  if (o.modelledNs !== null && t) {
    const ratio = o.measuredNs > 0 && o.modelledNs > 0 ? (o.measuredNs >= o.modelledNs ? `${formatRatio(o.measuredNs / o.modelledNs)} above` : `${formatRatio(o.modelledNs / o.measuredNs)} below`) : null;
    out.push(`**The model on your workload:** measured ${t}, modelled ${formatNs(o.modelledNs)} for the same calls${ratio ? ` (measured ${ratio} the model)` : ''}.`);
  }
  if (o.modelledNs !== null && o.alternativeNs !== null && o.alternative) {
    const alt = o.alternative === 'memcpy-warm' ? 'memcpy' : 'malloc + memcpy + free';
    out.push(`**Alternative** over the same calls: ${alt} ≈${formatNs(o.alternativeNs)}.`);
  }
  out.push('');
  out.push(...histogramMarkdown('new size', o.newBytes, o.calls), '');
  if (o.fromNull !== o.calls) out.push(...histogramMarkdown('old size', o.oldBytes, o.calls), '');
  const notes: string[] = [];
  if (o.sampled) notes.push('the split between this wrapper\'s callers was estimated from sampled stacks');
  if (o.timedCalls > 0 && o.timedCalls < o.calls) notes.push(`times estimated from ${calls(o.timedCalls)} timed calls`);
  if (o.recordedLine !== undefined) notes.push(`recorded on line ${o.recordedLine}: the code above has moved it since`);
  out.push(`_Run: ${escapeMd(baseName(o.program))}, ${escapeMd(o.startedAt.slice(0, 16).replace('T', ' '))} (${escapeMd(o.run)})${notes.length ? `; ${escapeMd(notes.join('; '))}` : ''}._`, '');
  return out;
}

/** The hover's note when a run covered a call here before its line changed. */
export function staleHoverMarkdown(st: { run: string; recordedLine: number; why: string }): string[] {
  return [`**Recorded run out of date:** ${escapeMd(st.run)} covered a call here on line ${st.recordedLine}, but ${escapeMd(st.why.replace(/^the line/, 'that line'))}. Its numbers are not shown on another line; record again to see this call's.`, ''];
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1) || p;
}
