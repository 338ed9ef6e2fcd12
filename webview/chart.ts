// One uPlot chart per operation pair: log-log axes, measured medians as points with a p10–p90
// band, the model's curve per profile (dashed: the default, solid: the calibration, dotted: other
// machines), each profile's crossover marked and labelled. Created once; points are appended
// with setData (the chart is never re-created per point). Colours come from VS Code's theme
// variables, read again when the theme changes.
import uPlot from 'uplot';
import { chartData, type ChartDef, type Curve, type SeriesRole } from '../src/core/panel/charts';
import type { ProfileView } from '../src/core/panel/messages';
import { formatBytes } from '../src/core/bench/sweep';
import { formatNs } from '../src/core/bench/table';
import { crossoverLabel } from '../src/core/panel/text';
import type { MeasuredPoint } from '../src/core/bench/protocol';

const OP_COLOURS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** Colour of the i-th op of a chart, opaque (some themes give the chart colours an alpha). */
export function opColour(i: number): string {
  return withAlpha(cssVar(OP_COLOURS[i % OP_COLOURS.length]!, FALLBACK[i % FALLBACK.length]!), 1);
}

function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(colour);
  if (hex) return `#${hex[1]}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(colour);
  if (rgb) {
    const [r, g, b] = rgb[1]!.split(',').map((s) => s.trim());
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return colour;
}

/** Axis labels of a decade: "100 ns", "1 µs", "10 ms". */
export function axisNs(v: number): string {
  const units: [number, string][] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
  for (const [f, u] of units) if (v >= f) return `${+(v / f).toPrecision(3)} ${u}`;
  return `${+v.toPrecision(2)} ns`;
}

export function dashFor(kind: ProfileView['kind']): number[] {
  return kind === 'default' ? [6, 4] : kind === 'calibrated' ? [] : [2, 3];
}

export interface ChartModel {
  chart: ChartDef;
  threads: number;
  points: readonly MeasuredPoint[];
  curves: readonly Curve[];
  profiles: readonly ProfileView[];
}

export class PairChart {
  private plot: uPlot | null = null;
  private roles: SeriesRole[] = [];
  private model: ChartModel;
  private readonly tip: HTMLDivElement;

  constructor(private readonly host: HTMLElement, model: ChartModel, private readonly onSeries: (n: number) => void) {
    this.model = model;
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.setAttribute('role', 'status');
    this.tip.hidden = true;
    host.appendChild(this.tip);
    this.create();
  }

  private width(): number {
    return Math.max(280, Math.floor(this.host.clientWidth || 480));
  }

  /** Builds the uPlot instance (on creation, a new profile set or a theme change). */
  create(): void {
    this.plot?.destroy();
    const { data, roles } = chartData({ chart: this.model.chart, threads: this.model.threads, points: this.model.points, curves: this.model.curves, profiles: this.model.profiles.map((p) => p.id) });
    this.roles = roles;
    const fg = cssVar('--vscode-foreground', '#cccccc');
    const grid = withAlpha(cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808059')), 0.5);
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const opIndex = (op: string) => this.model.chart.ops.indexOf(op);
    const series: uPlot.Series[] = [{ label: 'size' }];
    for (const r of roles) {
      const colour = opColour(opIndex(r.op));
      if (r.kind === 'median') {
        series.push({ label: `${r.op} measured`, stroke: colour, width: 1.5, points: { show: true, size: 6, fill: colour, stroke: colour }, spanGaps: true });
      } else if (r.kind === 'p10' || r.kind === 'p90') {
        series.push({ label: `${r.op} ${r.kind}`, stroke: 'transparent', width: 0, points: { show: false }, spanGaps: true });
      } else {
        const prof = this.model.profiles.find((p) => p.id === r.profileId);
        series.push({ label: `${r.op} model (${prof?.label ?? r.profileId})`, stroke: withAlpha(colour, prof?.kind === 'other' ? 0.75 : 0.9), width: prof?.kind === 'calibrated' ? 1.5 : 1.25, dash: dashFor(prof?.kind ?? 'default'), points: { show: false }, spanGaps: true });
      }
    }
    // p10–p90 bands: between each op's p90 (upper) and p10 (lower) series.
    const bands: uPlot.Band[] = [];
    roles.forEach((r, i) => {
      if (r.kind !== 'p90') return;
      const lower = roles.findIndex((x) => x.kind === 'p10' && x.op === r.op);
      bands.push({ series: [i + 1, lower + 1], fill: withAlpha(opColour(opIndex(r.op)), 0.18) });
    });
    // A log axis puts a tick at every 1…9 × 10ⁿ: keep the decades (time) and the powers of 16 (bytes) only.
    const only = (keep: (v: number) => boolean): uPlot.Axis.Filter => (_u, splits) => splits.map((v) => (v != null && keep(v) ? v : null));
    const axis = (label: string, fmt: (v: number) => string, keep: (v: number) => boolean): uPlot.Axis => ({
      label, stroke: fg, labelFont: font, font, filter: only(keep), grid: { stroke: grid, width: 1, filter: only(keep) }, ticks: { stroke: grid, width: 1, filter: only(keep) },
      values: (_u, vals) => vals.map((v) => (v == null ? '' : fmt(v))),
    });
    const whole = (x: number) => Math.abs(x - Math.round(x)) < 1e-6;
    const opts: uPlot.Options = {
      width: this.width(),
      height: 260,
      series,
      bands,
      scales: { x: { distr: 3, log: 2 }, y: { distr: 3, log: 10 } },
      axes: [axis('bytes', formatBytes, (v) => whole(Math.log2(v) / 4)), { ...axis('time', axisNs, (v) => whole(Math.log10(v))), size: 60 }],
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      hooks: {
        draw: [(u) => this.drawCrossovers(u)],
        setCursor: [(u) => this.showTip(u)],
      },
    };
    this.plot = new uPlot(opts, data as uPlot.AlignedData, this.host);
    this.onSeries(series.length - 1);
  }

  /** Replaces the model (new points or profiles): setData when only the data changed. */
  update(model: ChartModel, structural: boolean): void {
    this.model = model;
    if (structural || !this.plot) {
      this.create();
      return;
    }
    const { data } = chartData({ chart: model.chart, threads: model.threads, points: model.points, curves: model.curves, profiles: model.profiles.map((p) => p.id) });
    this.plot.setData(data as uPlot.AlignedData);
  }

  resize(): void {
    this.plot?.setSize({ width: this.width(), height: 260 });
  }

  seriesCount(): number {
    return this.plot ? this.plot.series.length - 1 : 0;
  }

  private drawCrossovers(u: uPlot): void {
    const { chart, threads, profiles } = this.model;
    if (!chart.pair) return;
    const ctx = u.ctx;
    const fg = cssVar('--vscode-descriptionForeground', '#9d9d9d');
    const ratio = window.devicePixelRatio || 1;
    let row = 0;
    for (const p of profiles) {
      const c = p.crossovers.find((x) => x.chart === chart.id && x.threads === threads)?.crossover;
      if (!c || c.kind !== 'at') continue;
      const x = u.valToPos(c.bytes, 'x', true);
      if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) continue;
      ctx.save();
      ctx.strokeStyle = fg;
      ctx.setLineDash(dashFor(p.kind).map((d) => d * ratio));
      ctx.lineWidth = ratio;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillStyle = cssVar('--vscode-foreground', '#cccccc');
      ctx.font = `${11 * ratio}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
      // uPlot leaves the alignment of its last axis label in the context.
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      const label = `${p.label}: ${formatBytes(c.bytes)}`;
      const w = ctx.measureText(label).width;
      // Right of the line when it fits, else left of it, never outside the plot.
      const right = u.bbox.left + u.bbox.width;
      const tx = x + 4 * ratio + w <= right ? x + 4 * ratio : Math.max(u.bbox.left + 2 * ratio, x - 4 * ratio - w);
      const ty = u.bbox.top + (12 + 14 * row) * ratio;
      // A backing in the editor's colour keeps the label readable over the curves.
      ctx.fillStyle = withAlpha(cssVar('--vscode-editorWidget-background', cssVar('--vscode-editor-background', '#1f1f1f')), 0.85);
      ctx.fillRect(tx - 2 * ratio, ty - 10 * ratio, w + 4 * ratio, 13 * ratio);
      ctx.fillStyle = cssVar('--vscode-foreground', '#cccccc');
      ctx.fillText(label, tx, ty);
      ctx.restore();
      row++;
    }
  }

  /** The numbers under the cursor: the size, each measured point there and each model value. */
  private showTip(u: uPlot): void {
    const i = u.cursor.idx;
    if (i == null || u.cursor.left == null || u.cursor.left < 0) {
      this.tip.hidden = true;
      return;
    }
    const x = u.data[0][i]!;
    const lines: string[] = [];
    this.roles.forEach((r, s) => {
      const v = u.data[s + 1]![i];
      if (v == null) return;
      if (r.kind === 'median') {
        const p10 = u.data[this.roles.findIndex((q) => q.kind === 'p10' && q.op === r.op) + 1]![i];
        const p90 = u.data[this.roles.findIndex((q) => q.kind === 'p90' && q.op === r.op) + 1]![i];
        lines.push(`${r.op}: ${formatNs(v)} measured (p10–p90 ${formatNs(p10 ?? v)} – ${formatNs(p90 ?? v)})`);
      } else if (r.kind === 'model') {
        const prof = this.model.profiles.find((p) => p.id === r.profileId);
        lines.push(`${r.op}: ${formatNs(v)} model, ${prof?.label ?? r.profileId}`);
      }
    });
    if (!lines.length) {
      this.tip.hidden = true;
      return;
    }
    this.tip.textContent = '';
    const head = document.createElement('strong');
    head.textContent = formatBytes(x);
    this.tip.appendChild(head);
    for (const l of lines) {
      const d = document.createElement('div');
      d.textContent = l;
      this.tip.appendChild(d);
    }
    this.tip.hidden = false;
    const left = u.cursor.left + u.bbox.left / (window.devicePixelRatio || 1);
    this.tip.style.left = `${Math.min(left + 12, this.host.clientWidth - 260)}px`;
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}

/** The crossover sentences of a chart, for the text under it (and screen readers). */
export function crossoverText(chart: ChartDef, threads: number, profiles: readonly ProfileView[]): string[] {
  if (!chart.pair) return [];
  const mover = chart.pair[0];
  return profiles.flatMap((p) => {
    const c = p.crossovers.find((x) => x.chart === chart.id && x.threads === threads)?.crossover;
    return c ? [`${p.label}: ${crossoverLabel(c, mover)}`] : [];
  });
}
