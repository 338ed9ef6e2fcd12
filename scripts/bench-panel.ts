// The panel's drawing cost, measured in the real page (dist/webview/panel.js in headless Chromium,
// with a stand-in for the webview API): the time to append one point (chart data + table), over a
// whole quick run's worth of points. Prints figures, asserts nothing (issue 14 floor: < 16 ms per
// point). Also writes a screenshot per theme so the page can be looked at without VS Code.
// With --run, first runs the panel's Quick preset through the same runner the extension uses and
// prints the time to its first point and to its end (floors: 2 s and 60 s on 2 cores).
//
// With --open N, first opens N fresh pages and prints where the time from the HTML to six drawn
// charts goes (wall, Chromium's main-thread time, the page's own performance marks).
//
//   npx tsx scripts/bench-panel.ts [--run] [--open 7 [--open-only]] [--points 120] [--shots DIR] [--webview DIR]
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { builtinProfile } from '../src/core/model';
import type { HostMessage, PanelView, ViewPoint } from '../src/core/panel/messages';
import { presetViews, quickPlan } from '../src/core/panel/presets';
import { nodePanelRunner } from '../src/extension/panel/node/runner';
import { buildPanelView } from '../src/core/panel/view';
import { modelValue } from '../src/core/panel/model';
import { PANEL_BODY } from '../src/extension/panel/shell';

const root = join(__dirname, '..');
const argv = process.argv.slice(2);
const opt = (n: string) => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1] : undefined;
};
const N = Number(opt('--points') ?? 120);
const shots = opt('--shots');
// Another build of the page to compare with (e.g. main's, built into a folder): --webview DIR.
const webviewDir = opt('--webview') ?? join(root, 'dist/webview');

// Theme variables as VS Code sets them on a webview's <html> (a subset: the ones our CSS and charts read).
const THEMES: Record<string, { cls: string; vars: Record<string, string> }> = {
  dark: {
    cls: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-panel-border': '#2b2b2b', '--vscode-editorWidget-background': '#202020', '--vscode-editorWidget-border': '#313131',
      '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-red': '#f14c4c', '--vscode-charts-yellow': '#cca700', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-textBlockQuote-background': '#2b2b2b', '--vscode-focusBorder': '#0078d4',
    },
  },
  light: {
    cls: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171',
      '--vscode-panel-border': '#e5e5e5', '--vscode-editorWidget-background': '#f8f8f8', '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90',
      '--vscode-charts-red': '#e51400', '--vscode-charts-yellow': '#bf8803', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-textBlockQuote-background': '#f2f2f2', '--vscode-focusBorder': '#005fb8',
    },
  },
};

function page(theme: keyof typeof THEMES): string {
  const t = THEMES[theme]!;
  const vars = Object.entries(t.vars).map(([k, v]) => `${k}: ${v};`).join(' ');
  return `<!DOCTYPE html><html style="${vars}"><head><meta charset="utf-8"><style>${readFileSync(join(webviewDir, 'panel.css'), 'utf8')}</style></head>
<body class="${t.cls}">${PANEL_BODY}
<script>window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });</script>
<script>${readFileSync(join(webviewDir, 'panel.js'), 'utf8')}</script></body></html>`;
}

function points(): ViewPoint[] {
  const prof = builtinProfile('x86-64-vm');
  const ops = ['mremap-move', 'memcpy-warm', 'mremap-grow', 'malloc-copy-free', 'realloc-grow', 'swap-pages-mremap', 'swap-pages-memcpy', 'js-resize', 'js-copy-grow'];
  const sizes = [4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 16 << 20];
  const out: ViewPoint[] = [];
  for (const op of ops) {
    for (const bytes of sizes) {
      const key = { op, bytes, threads: 1, huge: false, aligned: false };
      const m = modelValue(prof, key) ?? 1000;
      const med = m * (0.8 + 0.5 * Math.abs(Math.sin(bytes + op.length)));
      out.push({ ...key, medianNs: med, p10Ns: med * 0.85, p90Ns: med * 1.3, reps: 100, modelledNs: m });
    }
  }
  return out.slice(0, N);
}

async function quickRun(): Promise<void> {
  const runner = nodePanelRunner(join(root, 'dist'));
  const t0 = Date.now();
  let first: number | null = null;
  let n = 0;
  const out = await runner.run(quickPlan(), null, {
    signal: new AbortController().signal,
    onEvent: (e) => {
      if (e.kind === 'point') {
        first ??= Date.now() - t0;
        n++;
      }
    },
    onEngine: () => undefined,
    onLog: (t) => console.log(`  ${t}`),
  });
  console.log(`quick preset: first point after ${first} ms, ${n} points in ${((Date.now() - t0) / 1000).toFixed(1)} s (floors: 2 s, 60 s); harness processes left: ${runner.livePids().length}; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  void out;
}

/** Fresh pages opened one after another: where the time from the HTML to six drawn charts goes. */
async function openCost(browser: import('playwright-core').Browser, view: PanelView, times: number): Promise<void> {
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < times; i++) {
    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Performance.enable');
    const metric = async (name: string) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)!.value * 1000;
    const t0 = Date.now();
    const busy0 = await metric('TaskDuration');
    const cpu0 = await metric('ThreadTime');
    await p.setContent(page('dark'), { waitUntil: 'commit' });
    await p.waitForFunction('globalThis.__posted?.some((m) => m.type === "ready")', undefined, { polling: 5 });
    const tReady = Date.now() - t0;
    const busyReady = (await metric('TaskDuration')) - busy0;
    const cpuReady = (await metric('ThreadTime')) - cpu0;
    await p.evaluate((msg) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'), { type: 'view', view } as HostMessage);
    await p.waitForFunction('document.querySelectorAll(".chart-card canvas").length >= 1', undefined, { polling: 5 });
    const tFirst = Date.now() - t0;
    await p.waitForFunction('document.querySelectorAll(".chart-card canvas").length >= 6', undefined, { polling: 5 });
    await p.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
    const tAll = Date.now() - t0;
    const busyAll = (await metric('TaskDuration')) - busy0;
    const cpuAll = (await metric('ThreadTime')) - cpu0;
    const marks = (await p.evaluate('Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, m.startTime]))')) as Record<string, number>;
    rows.push({ tReady, tFirst, tAll, busyReady, busyView: busyAll - busyReady, cpuReady, cpuView: cpuAll - cpuReady, ...marks });
    await p.close();
  }
  const med = (k: string) => {
    const v = rows.map((r) => r[k]).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)]!.toFixed(0) : '—';
  };
  console.log(`panel open in the page (${times} fresh pages, medians; view of ${JSON.stringify(view).length} bytes; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
  console.log(`  wall: HTML → ready ${med('tReady')} ms, → first chart ${med('tFirst')} ms, → six charts ${med('tAll')} ms`);
  console.log(`  main-thread time (Chromium TaskDuration): HTML → ready ${med('busyReady')} ms, view → six charts drawn ${med('busyView')} ms; its CPU time (ThreadTime): ${med('cpuReady')} ms, ${med('cpuView')} ms`);
  const markNames = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('pagecost:'))))];
  if (markNames.length) console.log(`  page marks (ms since the document started): ${markNames.map((k) => `${k.slice(9)} ${med(k)}`).join(', ')}`);
}

async function main(): Promise<void> {
  if (argv.includes('--run')) await quickRun();
  if (N <= 0) return;
  const cacheDir = process.env.PAGECOST_E2E_CACHE ?? join(root, '.vscode-test', 'e2e');
  const req = createRequire(join(cacheDir, 'package.json'));
  const { chromium } = req('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.PAGECOST_E2E_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const prof = builtinProfile('x86-64-vm');
  const pts = points();
  const view = buildPanelView({
    mode: 'measure', blockedReason: null,
    profiles: [{ id: 'hints', label: 'x86-64-vm', kind: 'default', profile: prof }, { id: 'server', label: 'server (server.json)', kind: 'other', profile: builtinProfile('x86-64') }],
    hintProfileId: 'hints', presets: presetViews(null, null, null), results: null, calibration: null, running: { label: 'quick', startedAt: 0 }, focus: [], threads: [1],
  });
  const empty = { ...view, results: { label: 'quick', measuredAt: new Date().toISOString(), machine: null, engine: null, modelVersion: 4, points: [], skipped: [], failed: [], elapsedMs: null } };
  const opens = Number(opt('--open') ?? 0);
  if (opens > 0) {
    await openCost(browser, { ...view, running: null }, opens);
    if (argv.includes('--open-only')) {
      await browser.close();
      return;
    }
  }
  console.log(`panel drawing benchmark: ${pts.length} points appended one by one; machine ${cpus()[0]?.model ?? '?'} × ${cpus().length}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const theme of Object.keys(THEMES) as (keyof typeof THEMES)[]) {
    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.setContent(page(theme));
    // The page's code runs in the browser: these callbacks are sent as text, so they reach its
    // globals through globalThis (this file is type-checked without the DOM library).
    const send = (m: HostMessage) => p.evaluate((msg) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'), m);
    await send({ type: 'view', view: empty });
    await p.waitForFunction('document.querySelectorAll(".chart-card canvas").length >= 6');
    // Main-thread work of the page (script, style, layout, paint) from Chromium's own counters.
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Performance.enable');
    // TaskDuration is the main thread's busy wall time (a loaded machine stretches it); ThreadTime its CPU time.
    const metrics = async () => {
      const all = (await cdp.send('Performance.getMetrics')).metrics;
      const get = (n: string) => all.find((m) => m.name === n)!.value * 1000;
      return { busy: get('TaskDuration'), cpu: get('ThreadTime') };
    };
    const busy = async () => (await metrics()).busy;
    // The same round trip with a message the page ignores: what the measuring itself costs.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = await busy();
      await send({ type: 'ignored' } as unknown as HostMessage);
      await p.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
      idle.push((await busy()) - before);
    }
    const base = [...idle].sort((a, b) => a - b)[10]!;
    const per: number[] = [];
    const perCpu: number[] = [];
    for (const point of pts) {
      const cpuBefore = (await metrics()).cpu;
      const before = await busy();
      await send({ type: 'point', point });
      // Let the frame the append scheduled (uPlot's redraw, the table) run before reading the counter.
      await p.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
      const after = await metrics();
      per.push(after.busy - before - base);
      perCpu.push(after.cpu - cpuBefore);
    }
    await send({ type: 'view', view: { ...view, running: null, results: { ...empty.results, points: pts } } });
    await p.waitForTimeout(300);
    const sorted = [...per].sort((a, b) => a - b);
    const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!;
    const sortedCpu = [...perCpu].sort((a, b) => a - b);
    const qc = (f: number) => sortedCpu[Math.min(sortedCpu.length - 1, Math.floor(f * sortedCpu.length))]!;
    const posted = (await p.evaluate('globalThis.__posted')) as { type: string; ms?: number; points?: number }[];
    const drawTime = posted.find((m) => m.type === 'drawTime');
    console.log(`  ${theme}: main-thread time per appended point (script + style + layout + paint, less the measuring round trip of ${base.toFixed(2)} ms): median ${q(0.5).toFixed(2)} ms, p90 ${q(0.9).toFixed(2)} ms, max ${sorted[sorted.length - 1]!.toFixed(2)} ms; CPU time (ThreadTime, the round trip included) median ${qc(0.5).toFixed(2)} ms, p90 ${qc(0.9).toFixed(2)} ms` +
      (drawTime?.ms !== undefined && drawTime.points ? `; our message handler alone ${(drawTime.ms / drawTime.points).toFixed(2)} ms` : '') + ` (floor: 16 ms); page errors: ${errors.length ? errors.join(' | ') : 'none'}`);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await p.screenshot({ path: join(shots, `panel-${theme}.png`), fullPage: true });
    }
    await p.close();
  }
  await browser.close();
  if (shots) console.log(`  screenshots in ${shots}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
