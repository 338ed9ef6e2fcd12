// The benchmark panel's page. It draws what the extension host sends (src/core/panel/messages.ts)
// and posts back what the user asks for; it measures nothing (timing stays in the harnesses).
// Every text from files or measurements goes in through textContent, never as markup. The UI
// state (the last view, the table's sort, the thread count, the log) is kept with setState, so a
// reload of the window brings the panel back as it was.
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { CHARTS, chartOf, type ChartDef, type ChartId } from '../src/core/panel/charts';
import type { HostMessage, PanelView, ViewPoint, WebviewMessage } from '../src/core/panel/messages';
import { COLUMN_TITLES, TABLE_COLUMNS, insertionIndex, nextSort, sortedPoints, tableRow, type TableSort } from '../src/core/panel/table';
import { crossoverLabel, describeTimeLeft } from '../src/core/panel/text';
import { JS_OP_DOCS, isJsBenchOp } from '../src/core/bench/js/names';
import { PairChart, crossoverText, opColour, dashFor } from './chart';

interface VsCodeApi {
  postMessage(m: WebviewMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
performance.mark('pagecost:main');
const vscode = acquireVsCodeApi();

interface LogLine {
  text: string;
  level: 'info' | 'warning' | 'error';
}

interface UiState {
  view: PanelView | null;
  sort: TableSort;
  threads: number;
  log: LogLine[];
  progress: { done: number; total: number; etaMs: number | null; message: string } | null;
}

function savedState(): UiState {
  const s = vscode.getState() as Partial<UiState> | undefined;
  const fresh: UiState = { view: null, sort: { column: 'op', descending: false }, threads: 1, log: [], progress: null };
  if (!s || typeof s !== 'object') return fresh;
  return { ...fresh, ...s, log: Array.isArray(s.log) ? s.log.slice(-300) : [] };
}

const state = savedState();
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let savedAt = 0;
function saveNow(): void {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  savedAt = Date.now();
  vscode.setState(state);
}
/**
 * Saves soon, batching the points of a run. The page is dropped when the panel is hidden, and
 * what it had not saved is gone: so a stream of points (each putting the save off) still saves at
 * least every half second, checked on each call since a hidden page's timers may be held back.
 */
function save(): void {
  if (Date.now() - savedAt >= 500) {
    saveNow();
    return;
  }
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, 150);
}

const post = (m: WebviewMessage) => vscode.postMessage(m);

// ---------------------------------------------------------------------------------------------
// DOM helpers: elements built with text content only.

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, ...children: (Node | string)[]): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, ...children: (Node | string)[]): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const $ = (id: string) => document.getElementById(id)!;

function button(label: string, onClick: () => void, opts: { secondary?: boolean; title?: string; disabled?: string | null; id?: string } = {}): HTMLElement {
  const b = el('vscode-button', { ...(opts.id ? { id: opts.id } : {}) }, label);
  if (opts.secondary) b.setAttribute('secondary', '');
  const title = opts.disabled ?? opts.title;
  if (title) b.setAttribute('title', title);
  if (opts.disabled) b.setAttribute('disabled', '');
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

// ---------------------------------------------------------------------------------------------
// Charts

const charts = new Map<ChartId, { chart: PairChart; def: ChartDef; caption: HTMLElement }>();
/** Every chart's card (its uPlot may not be made yet): the crossover captions are filled for all. */
let cards: { def: ChartDef; plot: HTMLElement; caption: HTMLElement }[] = [];
let chartProfilesKey = '';
/** Bumped when the charts are rebuilt: a rebuild still making its charts stops. */
let chartGeneration = 0;
/** Until the first set of charts is complete, the host is told how many are drawn (it times the opening). */
let openReported = false;

/** Runs `f` once the next frame is on screen (a hidden page gets no frames: then soon). */
function afterPaint(f: () => void): void {
  if (document.hidden) setTimeout(f, 0);
  else requestAnimationFrame(() => setTimeout(f, 0));
}

function pointsOf(view: PanelView): ViewPoint[] {
  return view.results?.points ?? [];
}

function chartOrder(view: PanelView): ChartDef[] {
  const focus = view.focus.map((id) => CHARTS.find((c) => c.id === id)!).filter(Boolean);
  return [...focus, ...CHARTS.filter((c) => !view.focus.includes(c.id))];
}

function chartModel(view: PanelView, def: ChartDef) {
  return { chart: def, threads: state.threads, points: pointsOf(view), curves: view.curves, profiles: view.profiles };
}

function legend(def: ChartDef, view: PanelView): HTMLElement {
  const box = el('div', { class: 'legend' });
  def.ops.forEach((op, i) => {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = opColour(i);
    const doc = isJsBenchOp(op) ? JS_OP_DOCS[op] : '';
    box.append(el('span', { class: 'legend-item', ...(doc ? { title: doc } : {}) }, swatch, op));
  });
  for (const p of view.profiles) {
    const line = el('span', { class: 'line-sample' });
    line.style.borderTopStyle = dashFor(p.kind).length === 0 ? 'solid' : p.kind === 'default' ? 'dashed' : 'dotted';
    box.append(el('span', { class: 'legend-item' }, line, `model: ${p.label}`));
  }
  box.append(el('span', { class: 'legend-item' }, el('span', { class: 'band-sample' }), 'measured median, p10–p90'));
  return box;
}

function renderCharts(view: PanelView, structural: boolean): void {
  const container = $('charts');
  const key = JSON.stringify([view.profiles.map((p) => [p.id, p.kind, p.crossovers]), view.focus, state.threads, document.body.className]);
  if (structural || key !== chartProfilesKey) {
    chartProfilesKey = key;
    for (const c of charts.values()) c.chart.destroy();
    charts.clear();
    container.textContent = '';
    cards = chartOrder(view).map((def) => {
      const plot = el('div', { class: 'plot', role: 'img', 'aria-label': `${def.title}: log-log chart of time against size; the table below lists the same points` });
      const caption = el('ul', { class: 'crossovers' });
      container.append(el('section', { class: 'card chart-card', 'data-chart': def.id },
        el('h3', {}, def.title), el('p', { class: 'question' }, def.question), legend(def, view), plot, caption));
      return { def, plot, caption };
    });
    // The first chart (the one the user asked about) now, each other one after the previous frame
    // is on screen: the panel shows a chart without waiting for all six (uPlot's first chart
    // also pays for compiling its code).
    const generation = ++chartGeneration;
    const make = (i: number) => {
      const card = cards[i];
      if (generation !== chartGeneration || !card || !state.view) return;
      const { def, plot, caption } = card;
      const chart = new PairChart(plot, chartModel(state.view, def), (n) => plot.setAttribute('data-series', String(n)));
      charts.set(def.id, { chart, def, caption });
      if (charts.size === 1) performance.mark('pagecost:first-chart');
      if (!openReported) {
        post({ type: 'drawn', charts: charts.size, of: cards.length, pageMs: Math.round(performance.now()) });
        openReported = charts.size === cards.length;
      }
      if (i + 1 < cards.length) afterPaint(() => make(i + 1));
      else performance.mark('pagecost:charts');
    };
    make(0);
  } else {
    for (const { chart, def } of charts.values()) chart.update(chartModel(view, def), false);
  }
  for (const { def, caption } of cards) {
    caption.textContent = '';
    for (const line of crossoverText(def, state.threads, view.profiles)) caption.append(el('li', {}, line));
  }
}

// ---------------------------------------------------------------------------------------------
// Table

/** The points in the table's order, as its rows show them (appended points are put in place). */
let tableOrder: ViewPoint[] = [];

function tableTr(p: ViewPoint): HTMLElement {
  const r = tableRow(p);
  const tr = el('tr', { 'data-id': r.id });
  for (const c of TABLE_COLUMNS) {
    const td = el('td', { class: `col-${c}` }, r.cells[c]);
    if (c === 'ratio' && r.agreement) td.classList.add(`agree-${r.agreement}`);
    tr.append(td);
  }
  return tr;
}

function renderPointsCount(n: number): void {
  $('points-empty').hidden = n > 0;
  $('points-count').textContent = n ? `${n} point${n === 1 ? '' : 's'}` : '';
}

/** New points into the table, each at its place in the current sort: no other row is touched. */
function insertRows(points: readonly ViewPoint[]): void {
  const body = document.querySelector('#points tbody');
  if (!body) return;
  for (const p of points) {
    const i = insertionIndex(tableOrder, p, state.sort);
    body.insertBefore(tableTr(p), body.children[i] ?? null);
    tableOrder.splice(i, 0, p);
  }
  renderPointsCount(tableOrder.length);
}

function renderTable(view: PanelView): void {
  const table = $('points') as HTMLTableElement;
  const points = pointsOf(view);
  table.textContent = '';
  const head = el('tr');
  for (const c of TABLE_COLUMNS) {
    const sorted = state.sort.column === c;
    const th = el('th', { scope: 'col', 'aria-sort': sorted ? (state.sort.descending ? 'descending' : 'ascending') : 'none' });
    const b = el('button', { class: 'sort', type: 'button' }, COLUMN_TITLES[c], sorted ? (state.sort.descending ? ' ▾' : ' ▴') : '');
    b.addEventListener('click', () => {
      state.sort = nextSort(state.sort, c);
      save();
      renderTable(view);
      (document.querySelector(`#points th:nth-child(${TABLE_COLUMNS.indexOf(c) + 1}) button`) as HTMLElement | null)?.focus();
    });
    th.append(b);
    head.append(th);
  }
  table.append(el('thead', {}, head));
  const body = el('tbody');
  tableOrder = sortedPoints(points, state.sort);
  for (const p of tableOrder) body.append(tableTr(p));
  table.append(body);
  renderPointsCount(points.length);
}

// ---------------------------------------------------------------------------------------------
// The rest of the page

function renderHeader(view: PanelView): void {
  const hint = view.profiles.find((p) => p.id === view.hintProfileId);
  $('hint-profile').textContent = hint ? `Hints use: ${hint.label} (${hint.source})` : '';
  const blocked = $('blocked');
  blocked.hidden = !view.blockedReason;
  blocked.textContent = view.blockedReason ?? '';
  $('verdict').textContent = view.verdict;
  const r = view.results;
  const about = [r?.label, r?.machine ? `${r.machine.cpuModel || r.machine.arch}, ${r.machine.cpus} CPUs, Linux ${r.machine.kernel}` : '', r?.engine ? `${r.engine.engine} ${r.engine.engineVersion} (${r.engine.runtime} ${r.engine.runtimeVersion})` : '', r ? `model v${r.modelVersion}` : '']
    .filter(Boolean).join(' · ');
  $('results-about').textContent = about;
}

function updateExportButtons(view: PanelView | null): void {
  const hasPoints = (view?.results?.points.length ?? 0) > 0;
  for (const id of ['export-csv', 'export-json']) {
    const b = $(id);
    if (hasPoints === b.hasAttribute('disabled')) b.toggleAttribute('disabled', !hasPoints);
  }
}

function renderToolbar(view: PanelView): void {
  const presets = $('presets');
  presets.textContent = '';
  const running = view.running !== null;
  for (const p of view.presets) {
    presets.append(button(p.label, () => post({ type: 'run', preset: p.id }), { title: p.detail, disabled: p.disabled, secondary: p.id !== 'quick' }));
  }
  const cancel = $('cancel');
  if (running) cancel.removeAttribute('disabled');
  else cancel.setAttribute('disabled', '');
  const measuring = view.mode === 'measure';
  for (const id of ['calibrate']) {
    const b = $(id);
    if (measuring && !running) b.removeAttribute('disabled');
    else b.setAttribute('disabled', '');
    b.setAttribute('title', measuring ? 'Run the calibration sweep here and fit the model to this machine' : view.blockedReason ?? '');
  }
  updateExportButtons(view);
  const select = $('threads') as HTMLElement & { value: string };
  select.textContent = '';
  for (const t of view.threads) select.append(el('vscode-option', { value: String(t) }, `${t} thread${t === 1 ? '' : 's'}`));
  if (!view.threads.includes(state.threads)) state.threads = view.threads[0] ?? 1;
  select.value = String(state.threads);
}

function renderProgress(): void {
  const box = $('progress');
  const p = state.progress;
  const running = state.view?.running != null;
  box.hidden = !running;
  const bar = $('progress-bar') as HTMLElement & { value?: number; max: number };
  if (!running || !p) {
    $('progress-text').textContent = running ? 'starting…' : '';
    bar.removeAttribute('value');
    return;
  }
  bar.max = Math.max(1, p.total);
  bar.value = Math.min(p.done, p.total);
  $('progress-text').textContent = [`${p.done}/${p.total} points`, describeTimeLeft(p.etaMs), p.message].filter(Boolean).join(' · ');
}

function renderProfiles(view: PanelView): void {
  const list = $('profiles');
  list.textContent = '';
  for (const p of view.profiles) {
    const li = el('li', { class: `profile profile-${p.kind}` });
    const name = el('strong', {}, p.label);
    li.append(name, el('span', { class: 'muted' }, ` ${p.source}`));
    if (p.id === view.hintProfileId) li.append(' ', el('vscode-badge', {}, 'hints'));
    const move = p.crossovers.find((c) => c.chart === 'move' && c.threads === state.threads);
    if (move) li.append(el('div', { class: 'muted' }, `mremap move vs memcpy: ${crossoverLabel(move.crossover, 'mremap')}`));
    if (p.warning) li.append(el('div', { class: 'warning', role: 'note' }, `⚠ ${p.warning}`));
    if (p.kind === 'other') li.append(button('Remove', () => post({ type: 'removeProfile', id: p.id }), { secondary: true, title: `Stop drawing ${p.label}` }));
    list.append(li);
  }
}

function renderCalibration(view: PanelView): void {
  const box = $('calibration');
  const c = view.calibration;
  box.hidden = !c;
  if (!c) return;
  const table = $('calibration-table');
  table.textContent = '';
  const f = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
  table.append(el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Operation'), el('th', { scope: 'col' }, 'Points'), el('th', { scope: 'col' }, 'Off before (median)'), el('th', { scope: 'col' }, 'Off after (median)'))));
  const body = el('tbody');
  for (const r of c.rows) body.append(el('tr', {}, el('td', {}, r.op), el('td', {}, String(r.points)), el('td', {}, f(r.before)), el('td', {}, f(r.after))));
  body.append(el('tr', { class: 'total' }, el('td', {}, 'all'), el('td', {}, ''), el('td', {}, f(c.beforeAll)), el('td', {}, f(c.afterAll))));
  table.append(body);
  $('calibration-summary').textContent = c.summary;
  const use = $('use-calibration');
  use.textContent = c.inUse ? 'Hints use this calibration' : 'Use this calibration for hints';
  if (c.inUse) use.setAttribute('disabled', '');
  else use.removeAttribute('disabled');
}

function renderLog(): void {
  const pre = $('log');
  pre.textContent = '';
  for (const l of state.log) pre.append(el('div', { class: `log-${l.level}` }, l.text));
  pre.scrollTop = pre.scrollHeight;
}

function renderAll(structural: boolean): void {
  const view = state.view;
  document.body.dataset.mode = view?.mode ?? 'loading';
  if (!view) return;
  renderHeader(view);
  renderToolbar(view);
  renderProgress();
  renderProfiles(view);
  renderCalibration(view);
  renderCharts(view, structural);
  renderTable(view);
  renderLog();
}

// ---------------------------------------------------------------------------------------------
// Appending points: those that arrive within one frame are drawn together — each chart they
// touch gets its new data once, and their rows are put in place in the table (no re-sort, no
// rebuild).

let pending: ViewPoint[] = [];
let appendScheduled = false;
let drawn = 0;
let drawMs = 0;

function appendPoint(point: ViewPoint): void {
  if (!state.view?.results) return;
  pending.push(point);
  if (appendScheduled) return;
  appendScheduled = true;
  if (document.hidden) setTimeout(flushPoints, 0);
  else requestAnimationFrame(flushPoints);
}

function flushPoints(): void {
  appendScheduled = false;
  const batch = pending;
  pending = [];
  const view = state.view;
  if (!view?.results || batch.length === 0) return;
  const t0 = performance.now();
  view.results.points.push(...batch);
  const touched = new Set<ChartDef>();
  for (const p of batch) for (const def of chartOf(p.op)) touched.add(def);
  for (const def of touched) charts.get(def.id)?.chart.update(chartModel(view, def), false);
  insertRows(batch);
  updateExportButtons(view);
  drawMs += performance.now() - t0;
  drawn += batch.length;
  save();
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as HostMessage;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'view': {
      if (!state.view) performance.mark('pagecost:view');
      const structural = !state.view || state.view.profiles.length !== m.view.profiles.length;
      if (state.view?.running && !m.view.running && drawn) {
        post({ type: 'drawTime', ms: drawMs, points: drawn });
        drawn = 0;
        drawMs = 0;
      }
      state.view = m.view;
      // The view carries every point posted before it: those not drawn yet come with it.
      pending = [];
      if (!m.view.running) state.progress = null;
      renderAll(structural);
      save();
      break;
    }
    case 'point':
      appendPoint(m.point);
      break;
    case 'progress':
      state.progress = { done: m.done, total: m.total, etaMs: m.etaMs, message: m.message };
      renderProgress();
      break;
    case 'log':
      state.log.push({ text: m.text, level: m.level });
      if (state.log.length > 300) state.log.splice(0, state.log.length - 300);
      renderLog();
      // A line is history: kept at once, as the panel may be hidden (and this page dropped) next.
      saveNow();
      break;
  }
});

// ---------------------------------------------------------------------------------------------
// Controls that exist once.

$('cancel').addEventListener('click', () => post({ type: 'cancel' }));
$('calibrate').addEventListener('click', () => {
  if (!$('calibrate').hasAttribute('disabled')) post({ type: 'calibrate' });
});
$('use-calibration').addEventListener('click', () => {
  if (!$('use-calibration').hasAttribute('disabled')) post({ type: 'useCalibration' });
});
$('compare').addEventListener('click', () => post({ type: 'compareMachines' }));
$('import').addEventListener('click', () => post({ type: 'importResults' }));
$('export-csv').addEventListener('click', () => {
  if (!$('export-csv').hasAttribute('disabled')) post({ type: 'export', format: 'csv' });
});
$('export-json').addEventListener('click', () => {
  if (!$('export-json').hasAttribute('disabled')) post({ type: 'export', format: 'json' });
});
$('threads').addEventListener('change', (e) => {
  const v = Number((e.target as HTMLElement & { value: string }).value);
  if (Number.isInteger(v) && v > 0 && v !== state.threads) {
    state.threads = v;
    save();
    if (state.view) {
      renderProfiles(state.view);
      renderCharts(state.view, true);
    }
  }
});

// Charts follow the panel's width, and are rebuilt with the new colours when the theme changes.
let resizeFrame = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    for (const c of charts.values()) c.chart.resize();
  });
}).observe($('charts'));
new MutationObserver(() => {
  if (state.view) renderCharts(state.view, true);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

renderAll(true);
post({ type: 'ready' });
performance.mark('pagecost:ready');
