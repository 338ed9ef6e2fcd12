// The hover on a call, as Markdown: plain words first (why the call costs what it does, or the
// findings' messages when there is no estimate), then where the time goes (the model's breakdown as a table), what the numbers assume, and links to act on it.
// Shares its words with `pagecost explain` through the model's describe helpers.
import type { BreakdownTerm, EstimateSummary, Finding } from '../types';
import { formatBytes, formatNs, formatRatio, jsOpShort, opShort } from '../model';
import { observedHoverMarkdown, staleHoverMarkdown } from './observed';

export interface HoverProfile {
  name: string;
  /** "built-in", "live system", "file <path>". */
  source: string;
  /** ISO date of a calibration, when the profile is calibrated. */
  calibratedAt?: string | null;
  /** `auto` on a built-in: why ("Restricted Mode: pagecost probes this machine only in a trusted workspace"). */
  fallback?: string;
  pageSize: number;
  thp: string;
  arch: string;
}

export interface HoverContext {
  modelVersion: number;
  profile: HoverProfile;
  threads: number;
  /** Command links, already encoded (see commandLink). Missing links are left out. */
  links: { benchmark?: string; explain?: string; assumptions?: string };
  /** Why "Benchmark this call" is not offered here (web, untrusted), shown instead of the link. */
  benchmarkUnavailable?: string | null;
}

/** A `command:` URI with JSON arguments, as VS Code's Markdown expects. */
export function commandLink(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** Markdown-escapes text that is not meant as Markdown (table cells, file names). */
export function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

function termWhat(t: BreakdownTerm): string {
  return t.term.startsWith('B_') ? t.label.replace('copying bytes', `copying ${formatBytes(t.count)}`) : t.label;
}

function termCount(t: BreakdownTerm): string {
  if (t.term.startsWith('B_')) return '';
  const c = Number.isInteger(t.count) ? String(t.count) : t.count.toFixed(1);
  return `${c} × ${formatNs(t.unitNs)}`;
}

/** The model's breakdown as a Markdown table, biggest term first. */
export function breakdownMarkdown(e: EstimateSummary): string[] {
  const rows = [...e.breakdown].sort((a, b) => b.ns - a.ns);
  if (!rows.length) return [];
  return [
    '| what | count × each | time | share |',
    '|:--|--:|--:|--:|',
    ...rows.map((t) => `| ${escapeMd(termWhat(t))} \`${t.term}\` | ${termCount(t)} | ${formatNs(t.ns)} | ${Math.round(t.share * 100)}% |`),
  ];
}

export function profileWords(p: HoverProfile): string {
  if (p.calibratedAt !== undefined) return `calibrated profile "${p.name}"${p.calibratedAt ? ` (measured ${p.calibratedAt.slice(0, 10)})` : ''}`;
  if (p.fallback) return `default profile ${p.name} (built-in; ${p.fallback})`;
  if (p.source === 'built-in') return `default profile ${p.name} (built-in)`;
  return `profile ${p.name} (${p.source})`;
}

/** Short words for an op: the JS ones in JS words ("transfer()"), the C ones as the model says them. */
function shortOp(op: string): string {
  return jsOpShort(op) ?? opShort(op);
}

/**
 * One plain sentence saying why: the dearer side's biggest term. The findings' messages already
 * say what and how much, and VS Code shows them just above this hover, so repeating them would
 * only push the explanation down.
 */
export function whySentence(f: Finding): string | null {
  const e = f.estimate;
  const a = f.alternative;
  if (!e || !a || !(e.ns > 0) || !(a.ns > 0)) return null;
  const dearer = e.ns >= a.ns ? e : a;
  const top = [...dearer.breakdown].sort((x, y) => y.ns - x.ns)[0];
  if (!top) return null;
  const [cheap, dear] = e.ns >= a.ns ? [a, e] : [e, a];
  const ratio = dear.ns / cheap.ns;
  const verdict =
    ratio < 1.05
      ? `${shortOp(e.op)} and ${shortOp(a.op)} cost about the same here (${formatNs(e.ns)})`
      : `${shortOp(cheap.op)} (${formatNs(cheap.ns)}) is ${formatRatio(ratio)} cheaper than ${shortOp(dear.op)} (${formatNs(dear.ns)}) here`;
  return `**Why:** ${verdict}, because ${Math.round(top.share * 100)}% of ${shortOp(dear.op)}'s time goes to ${termWhat(top)}.`;
}

/**
 * For a resize inside a function that resizes memory it owns (not a wrapper, so its callers are
 * not sites): how many calls of that function the project scan found, each of which gets here.
 */
export function reachSentence(f: Finding): string | null {
  const n = f.site.callers;
  const fn = f.site.enclosingFunction;
  if (n === undefined || !fn) return null;
  const calls = n === 0 ? 'no call of it was found in the scanned files' : n === 1 ? 'it is called from 1 place in the project' : `it is called from ${n} places in the project`;
  return `**Reached from:** \`${fn.replace(/`/g, '')}\` resizes memory it owns, so this call is the site, not its callers; ${calls}, and each may reach this resize.`;
}

/** Hover Markdown for the findings on one call site (one or two). */
export function hoverMarkdown(findings: readonly Finding[], ctx: HoverContext): string {
  if (!findings.length) return '';
  const out: string[] = [];
  // A recorded run covers the call: what it saw comes first (src/core/present/observed.ts).
  const observed = findings.find((f) => f.observed)?.observed;
  if (observed) out.push(...observedHoverMarkdown(observed));
  const stale = findings.find((f) => f.observedStale)?.observedStale;
  if (stale && !observed) out.push(...staleHoverMarkdown(stale));
  const main = findings.find((f) => f.estimate) ?? null;
  const why = main ? whySentence(main) : null;
  if (why) out.push(why, '');
  else for (const f of findings) out.push(`${f.message}`, '');
  if (main?.estimate) {
    const e = main.estimate;
    const typical = observed ? ', one call at the run\'s median sizes' : '';
    out.push(`**Where the ${formatNs(e.ns)} goes** (\`${e.op}\`${typical}, model v${ctx.modelVersion}):`, '', ...breakdownMarkdown(e), '');
    const a = main.alternative;
    if (a) out.push(`**Alternative** \`${a.op}\`: ${formatNs(a.ns)}`, '', ...breakdownMarkdown(a), '');
  }
  const reach = reachSentence(findings[0]!);
  if (reach) out.push(reach, '');
  const assume: string[] = [...(main?.estimate?.assumptions ?? [])];
  const p = ctx.profile;
  // The model's own assumptions already name threads and machine; say them when it has none.
  if (!assume.length) {
    assume.push(
      `${ctx.threads === 1 ? '1 thread' : `${ctx.threads} threads`} of the program running`,
      `${formatBytes(p.pageSize)} pages, transparent huge pages ${p.thp}, ${p.arch}`,
    );
  }
  assume.push(profileWords(p));
  out.push('**Assuming:**', '', ...[...new Set(assume)].map((a) => `- ${a}`), '');
  const links: string[] = [];
  if (ctx.links.benchmark) links.push(`[Benchmark this call](${ctx.links.benchmark})`);
  if (ctx.links.explain) links.push(`[Explain the model](${ctx.links.explain})`);
  if (ctx.links.assumptions) links.push(`[Change assumptions](${ctx.links.assumptions})`);
  if (links.length) out.push(links.join(' · '));
  if (ctx.benchmarkUnavailable) out.push('', `_Benchmarks: ${escapeMd(ctx.benchmarkUnavailable)}_`);
  return out.join('\n').trimEnd() + '\n';
}
