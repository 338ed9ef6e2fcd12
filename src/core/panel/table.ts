// The panel's table: every measured point with its modelled figure and ratio, sortable by any
// column. It is the accessible view of the charts (same points, as text). Pure.
import { formatBytes } from '../bench/sweep';
import { formatNs } from '../bench/table';
import type { ViewPoint } from './messages';

export const TABLE_COLUMNS = ['op', 'bytes', 'threads', 'median', 'range', 'modelled', 'ratio', 'reps'] as const;
export type TableColumn = (typeof TABLE_COLUMNS)[number];

export const COLUMN_TITLES: Record<TableColumn, string> = {
  op: 'Operation',
  bytes: 'Size',
  threads: 'Threads',
  median: 'Measured (median)',
  range: 'p10 – p90',
  modelled: 'Modelled',
  ratio: 'Measured / modelled',
  reps: 'Reps',
};

export interface TableSort {
  column: TableColumn;
  descending: boolean;
}

export interface TableRow {
  /** Stable key (op/bytes/threads/variant). */
  id: string;
  cells: Record<TableColumn, string>;
  /** How far the model is off, for colouring: 'good' within 1.5×, 'fair' within 2×, else 'poor'; null without a model value. */
  agreement: 'good' | 'fair' | 'poor' | null;
}

function variant(p: ViewPoint): string {
  const v = [p.aligned ? 'aligned' : '', p.huge ? 'THP' : ''].filter(Boolean).join('+');
  return v ? ` (${v})` : '';
}

function ratioOf(p: ViewPoint): number | null {
  return p.modelledNs && p.modelledNs > 0 ? p.medianNs / p.modelledNs : null;
}

function sortValue(p: ViewPoint, c: TableColumn): number | string {
  switch (c) {
    case 'op': return `${p.op}${variant(p)}`;
    case 'bytes': return p.bytes;
    case 'threads': return p.threads;
    case 'median': return p.medianNs;
    case 'range': return p.p90Ns - p.p10Ns;
    case 'modelled': return p.modelledNs ?? -1;
    case 'ratio': return ratioOf(p) ?? -1;
    case 'reps': return p.reps;
  }
}

function baseOrder(a: ViewPoint, b: ViewPoint): number {
  return a.op.localeCompare(b.op) || a.bytes - b.bytes || a.threads - b.threads || Number(a.huge) - Number(b.huge) || Number(a.aligned) - Number(b.aligned);
}

/**
 * The table's order as a comparator: the sorted column, then (ties) op, size, threads — so that a
 * point arriving during a run can be put in its place without sorting the rest again.
 */
export function rowOrder(sort: TableSort): (a: ViewPoint, b: ViewPoint) => number {
  const sign = sort.descending ? -1 : 1;
  return (x, y) => {
    const a = sortValue(x, sort.column);
    const b = sortValue(y, sort.column);
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
    return c !== 0 ? sign * c : baseOrder(x, y);
  };
}

/** Where `p` goes in `sorted` (already in `rowOrder(sort)`): after every row that does not come after it. */
export function insertionIndex(sorted: readonly ViewPoint[], p: ViewPoint, sort: TableSort): number {
  const order = rowOrder(sort);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(sorted[mid]!, p) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One point's row. */
export function tableRow(p: ViewPoint): TableRow {
  const r = ratioOf(p);
  const f = r === null ? null : Math.max(r, 1 / r);
  return {
    id: `${p.op}/${p.bytes}${p.newBytes !== undefined ? `:${p.newBytes}` : ''}/${p.threads}/${p.huge ? 1 : 0}/${p.aligned ? 1 : 0}`,
    cells: {
      op: `${p.op}${variant(p)}`,
      bytes: p.newBytes !== undefined && p.newBytes !== 2 * p.bytes ? `${formatBytes(p.bytes)} → ${formatBytes(p.newBytes)}` : formatBytes(p.bytes),
      threads: String(p.threads),
      median: formatNs(p.medianNs),
      range: `${formatNs(p.p10Ns)} – ${formatNs(p.p90Ns)}`,
      modelled: p.modelledNs === null ? '—' : formatNs(p.modelledNs),
      ratio: r === null ? '—' : `${r.toFixed(2)}×`,
      reps: String(p.reps),
    },
    agreement: f === null ? null : f <= 1.5 ? 'good' : f <= 2 ? 'fair' : 'poor',
  };
}

/** The points in the requested order (ties keep op, size, threads order so that sorting is stable). */
export function sortedPoints(points: readonly ViewPoint[], sort: TableSort): ViewPoint[] {
  return [...points].sort(rowOrder(sort));
}

/** Rows in the requested order. */
export function tableRows(points: readonly ViewPoint[], sort: TableSort): TableRow[] {
  return sortedPoints(points, sort).map(tableRow);
}

/** The next sort after a click on a column's header: the same column flips, another starts ascending. */
export function nextSort(current: TableSort, clicked: TableColumn): TableSort {
  return current.column === clicked ? { column: clicked, descending: !current.descending } : { column: clicked, descending: false };
}
