// Plain-words text for an estimate: one or two sentences a C programmer can read without
// knowing what a PMD is, then the breakdown as a small table. Used by `pagecost explain` and
// (later) the editor hover, so both say the same thing.
import type { BreakdownTerm, EstimateSummary, Finding } from '../types';
import type { Crossover } from './crossover';
import type { OpName } from './ops';

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  // Three significant digits; trailing zeros after the decimal point only are dropped.
  const sig = (x: number): string => {
    const t = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
    return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
  };
  if (ns < 1000) return `${sig(ns)} ns`;
  if (ns < 1e6) return `${sig(ns / 1e3)} µs`;
  if (ns < 1e9) return `${sig(ns / 1e6)} ms`;
  return `${sig(ns / 1e9)} s`;
}

export function formatBytes(b: number): string {
  const units: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [u, name] of units) {
    if (b >= u) {
      const v = b / u;
      return Number.isInteger(v) ? `${v} ${name}` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${name}`;
    }
  }
  return `${b} byte${b === 1 ? '' : 's'}`;
}

export function formatRatio(r: number): string {
  return r >= 10 ? `${Math.round(r)}×` : `${r.toFixed(1)}×`;
}

/** What the op does, as a sentence subject ("Moving 4 KiB with mremap"). */
export function opPhrase(op: string, bytes: number): string {
  const b = formatBytes(bytes);
  const b2 = formatBytes(2 * bytes);
  switch (op as OpName) {
    case 'mremap-move': return `Moving ${b} of memory to a new address with mremap`;
    case 'mremap-grow': return `Growing a ${b} mapping to ${b2} with mremap (it has to move)`;
    case 'mremap-grow-inplace': return `Growing a ${b} mapping to ${b2} in place with mremap`;
    case 'mremap-shrink': return `Shrinking a ${b} mapping to half with mremap`;
    case 'memcpy-warm': return `Copying ${b} with memcpy into memory already in use`;
    case 'memcpy-cold': return `Copying ${b} with memcpy into fresh memory`;
    case 'malloc-copy-free': return `Doing it by hand (malloc ${b2}, memcpy ${b}, free the old block)`;
    case 'realloc-grow': return `realloc of a ${b} block to ${b2}`;
    case 'munmap': return `Unmapping ${b} with munmap`;
    default: return `${op} of ${b}`;
  }
}

/** Short name of an op for "X is N× cheaper" sentences. */
export function opShort(op: string): string {
  switch (op as OpName) {
    case 'mremap-move': case 'mremap-grow': case 'mremap-grow-inplace': case 'mremap-shrink': return 'mremap';
    case 'memcpy-warm': case 'memcpy-cold': return 'memcpy';
    case 'malloc-copy-free': return 'malloc + memcpy + free';
    case 'realloc-grow': return 'realloc';
    default: return op;
  }
}

export function crossoverSentence(c: Crossover, threads: number, profileName: string): string {
  const mover = opShort(c.mover);
  const copier = opShort(c.copier);
  const where = `with the ${profileName} profile and ${threads === 1 ? '1 thread' : `${threads} threads`}`;
  switch (c.kind) {
    case 'at': return `${mover} beats ${copier} above ${formatBytes(c.bytes)} ${where}.`;
    case 'always': return `${mover} beats ${copier} at every size ${where}.`;
    case 'never': return `${mover} never beats ${copier} ${where}.`;
  }
}

function termWhat(t: BreakdownTerm): string {
  if (t.term.startsWith('B_')) return `${t.label.replace('copying bytes', `copying ${formatBytes(t.count)}`)}`;
  return t.label;
}

function termCount(t: BreakdownTerm): string {
  if (t.term.startsWith('B_')) return '';
  const c = Number.isInteger(t.count) ? String(t.count) : t.count.toFixed(1);
  return `${c} × ${formatNs(t.unitNs)}`;
}

/** The breakdown as text lines: what, count × each, total, share; biggest first. */
export function breakdownTable(terms: BreakdownTerm[], indent = '  '): string[] {
  const rows = [...terms].sort((a, b) => b.ns - a.ns).map((t) => [
    termWhat(t), termCount(t), formatNs(t.ns), `${Math.round(t.share * 100)}%`, t.term,
  ]);
  const w = [0, 0, 0, 0].map((_, i) => Math.max(...rows.map((r) => r[i]!.length), 0));
  return rows.map((r) =>
    `${indent}${r[0]!.padEnd(w[0]!)}  ${r[1]!.padStart(w[1]!)}  ${r[2]!.padStart(w[2]!)}  ${r[3]!.padStart(w[3]!)}  [${r[4]}]`,
  );
}

export interface Description {
  estimate: EstimateSummary & { assumptions?: string[]; path?: string };
  bytes: number;
  threads: number;
  profileName: string;
  modelVersion: number;
  alternative?: EstimateSummary | null;
  crossover?: Crossover | null;
}

/** Plain words first (what it costs, what is cheaper and by how much, the crossover), then the breakdown. */
export function describeEstimate(d: Description): string {
  const e = d.estimate;
  const lines: string[] = [];
  let head = `${opPhrase(e.op, d.bytes)} costs about ${formatNs(e.ns)}.`;
  const alt = d.alternative;
  if (alt) {
    const altText = `${opPhrase(alt.op, d.bytes).replace(/^[A-Z]/, (c) => c.toLowerCase())} costs about ${formatNs(alt.ns)}`;
    if (alt.ns < e.ns) head += ` The alternative, ${altText}: ${opShort(alt.op)} is ${formatRatio(e.ns / alt.ns)} cheaper.`;
    else if (alt.ns > e.ns) head += ` The alternative, ${altText}: ${opShort(e.op)} is ${formatRatio(alt.ns / e.ns)} cheaper.`;
    else head += ` The alternative, ${altText}: the same.`;
  }
  lines.push(head);
  if (d.crossover) lines.push(crossoverSentence(d.crossover, d.threads, d.profileName));
  if (e.assumptions?.length) {
    lines.push('', 'Assuming:');
    for (const a of e.assumptions) lines.push(`  - ${a}`);
  }
  lines.push('', `Where the ${formatNs(e.ns)} goes (${e.op}, model v${d.modelVersion}):`, ...breakdownTable(e.breakdown));
  if (alt) lines.push('', `Alternative: ${alt.op}, ${formatNs(alt.ns)}:`, ...breakdownTable(alt.breakdown));
  return lines.join('\n') + '\n';
}

/**
 * Hover text for a finding: its message (plain words, already names the alternative and the
 * ratio), the assumptions, then where the time goes. Findings without an estimate get the
 * message alone.
 */
export function describeFinding(f: Finding, modelVersion: number): string {
  const lines = [f.message];
  const e = f.estimate;
  if (!e) return `${lines[0]}\n`;
  if (e.assumptions?.length) {
    lines.push('', 'Assuming:');
    for (const a of e.assumptions) lines.push(`  - ${a}`);
  }
  lines.push('', `Where the ${formatNs(e.ns)} goes (${e.op}, model v${modelVersion}):`, ...breakdownTable(e.breakdown));
  const alt = f.alternative;
  if (alt) lines.push('', `Alternative: ${alt.op}, ${formatNs(alt.ns)}:`, ...breakdownTable(alt.breakdown));
  return lines.join('\n') + '\n';
}
