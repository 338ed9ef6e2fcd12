// Measured against modelled: rows joining harness points with the cost model's estimates, and
// their renderings (aligned text table, CSV, JSON-ready objects). Pure.
import type { FailedPoint, MeasuredPoint, PointKey, SkippedPoint } from './protocol';
import { formatBytes } from './sweep';

/** The model's estimate for a point in ns, or null when it has none (op not modelled, etc.). */
export type ModelFn = (key: PointKey) => number | null;

export interface ComparisonRow extends MeasuredPoint {
  modelledNs: number | null;
  /** measured median / modelled; null without a model value. */
  ratio: number | null;
}

export function compareRows(points: MeasuredPoint[], model: ModelFn | null): ComparisonRow[] {
  return points.map((p) => {
    let modelledNs: number | null = null;
    if (model) {
      try {
        const v = model(p);
        modelledNs = typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
      } catch {
        // An op or variant the model refuses: show "—" rather than lose the row.
        modelledNs = null;
      }
    }
    return { ...p, modelledNs, ratio: modelledNs ? p.medianNs / modelledNs : null };
  });
}

/** "40 ns", "3.12 µs", "138 µs", "1.05 ms", "2.3 s": three significant digits. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const [v, unit] = ns < 1e3 ? [ns, 'ns'] : ns < 1e6 ? [ns / 1e3, 'µs'] : ns < 1e9 ? [ns / 1e6, 'ms'] : [ns / 1e9, 's'];
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`;
}

function variant(k: PointKey): string {
  const parts: string[] = [];
  if (k.aligned) parts.push('aligned');
  if (k.huge && k.op !== 'fault-2m') parts.push('THP');
  return parts.join('+');
}

/** "4 KiB", or "228 B → 456 B" for an op that grows. */
export function pointBytes(k: PointKey): string {
  return k.newBytes !== undefined ? `${formatBytes(k.bytes)} → ${formatBytes(k.newBytes)}` : formatBytes(k.bytes);
}

/** "munmap 8 KiB 2T aligned+THP", for notes and failures. */
export function describePoint(k: PointKey): string {
  const v = variant(k);
  return `${k.op} ${pointBytes(k)} ${k.threads}T${v ? ` ${v}` : ''}`;
}

function pad(s: string, width: number, right: boolean): string {
  const len = [...s].length;
  return right ? ' '.repeat(Math.max(0, width - len)) + s : s + ' '.repeat(Math.max(0, width - len));
}

/** The text table `pagecost bench` prints, with skipped and failed points summarised below it. */
export function renderTable(
  rows: ComparisonRow[],
  skipped: SkippedPoint[] = [],
  failed: FailedPoint[] = [],
): string {
  const header = ['op', 'variant', 'bytes', 'threads', 'measured median (p10–p90)', 'reps', 'modelled', 'ratio'];
  const right = [false, false, true, true, true, true, true, true];
  const body = rows.map((r) => [
    r.op,
    variant(r),
    pointBytes(r),
    String(r.threads),
    `${formatNs(r.medianNs)} (${formatNs(r.p10Ns)}–${formatNs(r.p90Ns)})`,
    String(r.reps),
    r.modelledNs === null ? '—' : formatNs(r.modelledNs),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max([...h].length, ...body.map((b) => [...b[i]!].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, right[i]!)).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `note: ${describePoint(r)}: ${r.note}`);
  if (notes.length) out.push('', ...notes);
  const busy = rows.filter((r) => (r.discarded ?? 0) > 0);
  if (busy.length) {
    const n = busy.reduce((s, r) => s + (r.discarded ?? 0), 0);
    out.push('', `note: ${n} repetitions at ${busy.length} points were discarded because an extra thread lost its CPU to another task (busy machine); multi-thread results are less reliable`);
  }
  if (skipped.length) {
    // Group by reason: a sweep skips the same thing for many sizes, one line each is noise.
    const byReason = new Map<string, Set<string>>();
    for (const s of skipped) {
      const set = byReason.get(s.reason) ?? new Set<string>();
      set.add(`${s.op}${s.threads > 1 ? ` ${s.threads}T` : ''}`);
      byReason.set(s.reason, set);
    }
    out.push('', `skipped ${skipped.length} point${skipped.length === 1 ? '' : 's'}:`);
    for (const [reason, ops] of byReason) out.push(`  ${reason}: ${[...ops].join(', ')}`);
  }
  if (failed.length) {
    out.push('', `failed ${failed.length} point${failed.length === 1 ? '' : 's'}:`);
    for (const f of failed) out.push(`  ${describePoint(f)}: ${f.message}`);
  }
  return `${out.join('\n')}\n`;
}

function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per point, measured and skipped alike (skipped rows have empty numbers and a reason). */
export function renderCsv(rows: ComparisonRow[], skipped: SkippedPoint[] = [], failed: FailedPoint[] = []): string {
  // new_bytes (ops that grow N to M) came with harness protocol 2: last, so older readers keep their columns.
  const header = 'op,bytes,threads,huge,aligned,median_ns,p10_ns,p90_ns,reps,modelled_ns,ratio,status,reason,new_bytes';
  const lines = rows.map((r) =>
    [r.op, r.bytes, r.threads, r.huge, r.aligned, r.medianNs, r.p10Ns, r.p90Ns, r.reps, r.modelledNs === null ? null : +r.modelledNs.toFixed(3), r.ratio === null ? null : +r.ratio.toFixed(4), 'measured', r.note ?? null, r.newBytes ?? null]
      .map(csvCell)
      .join(','),
  );
  for (const s of skipped) lines.push([s.op, s.bytes, s.threads, s.huge, s.aligned, null, null, null, null, null, null, 'skipped', s.reason, s.newBytes ?? null].map(csvCell).join(','));
  for (const f of failed) lines.push([f.op, f.bytes, f.threads, f.huge, f.aligned, null, null, null, null, null, null, 'failed', f.message, f.newBytes ?? null].map(csvCell).join(','));
  return `${[header, ...lines].join('\n')}\n`;
}
