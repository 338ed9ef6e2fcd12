// The benchmark panel in a real VS Code: opened from the palette, a tiny benchmark run to the end
// (table points, charts drawn), a second run cancelled mid-way with its harness process gone, a
// third ending while a file hides the panel (its log lines are kept for it), the panel back after
// a window reload with its results, another machine's calibration file drawn with its own
// crossover, pictures in the dark and the light theme; in Restricted Mode the model-only panel
// with its one-sentence explanation. Timings are printed, never asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesWhere } from '../../../scripts/lib/processes.mjs';
import { until } from '../../../scripts/lib/until.mjs';

/** Processes running one of our harnesses: the C binary from the session's cache, or node on js-harness.js. */
function harnessProcesses(session) {
  return processesWhere(([program, ...args]) => program.startsWith(session.harnessCache) || args.some((a) => a.endsWith('/js-harness.js')));
}

/** Switches the colour theme as a person would: Ctrl+K Ctrl+T, the theme's name, Enter. */
async function setTheme(session, theme) {
  const { page } = session;
  const input = page.locator('.quick-input-widget input');
  const first = page.locator('.quick-input-list .monaco-list-row').first();
  /** The picker is the quick input whose title or placeholder names the colour theme. */
  const isPicker = async () => {
    if (!(await input.isVisible())) return false;
    // Newer workbenches put "Select Color Theme" in the widget's title, older ones in the placeholder.
    const title = await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '');
    const placeholder = (await input.getAttribute('placeholder').catch(() => '')) ?? '';
    return /colou?r theme/i.test(`${title} ${placeholder}`);
  };
  // Focus the workbench (the panel's tab), not the webview's page, so that the chord reaches it.
  // A chord can be lost while focus moves; then Ctrl+T alone opens Go to Symbol, the same widget:
  // anything but the picker is closed and the chord asked again.
  const open = async () => {
    if (await input.isVisible()) await page.keyboard.press('Escape');
    await page.locator('.tabs-container .tab').filter({ hasText: 'pagecost benchmark' }).first().click();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    if (!(await input.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false))) return false;
    return isPicker();
  };
  // The picker also closes when focus leaves it (seen on a loaded machine before it had listed
  // the theme): open it and type again until it offers the theme first.
  await until(`the theme picker to offer ${theme} first`, async () => {
    if (!(await isPicker()) && !(await open())) return false;
    if ((await input.inputValue().catch(() => '')) !== theme) await input.fill(theme).catch(() => undefined);
    return (await first.innerText().catch(() => '')).includes(theme);
  }, 40_000, 200);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The last "panel open → charts drawn" line of the panel's run log. */
function openTime(log) {
  return [...log.matchAll(/panel open → charts drawn: first chart \d+ ms, all \d+ \d+ ms after the panel was created[^)]*\)/g)].at(-1)?.[0];
}

export function setup(session) {
  if (!session.expect.bench) return;
  describe('benchmark panel', function () {
    let panel;
    before(async function () {
      await session.wb.reset();
      panel = session.wb.benchmarkPanel;
    });
    // The panel covers the editor: close it for the features after this one.
    after(async function () {
      await panel.close();
      await session.wb.reset();
    });

    if (session.restricted) {
      it('opens from the palette as the model-only panel, says in one sentence why measuring is off, and runs nothing', async function () {
        const { frame, ms } = await panel.open();
        const host = await until('the panel to log its opening time', async () => openTime(await panel.log()), 10_000, 100);
        session.log(`${host} (host clock); ${ms} ms from F1 to six canvases seen by the driver (Restricted Mode)`);
        const why = await panel.text('#blocked');
        if (!/^Measuring is off in Restricted Mode, [^.]*: trust this workspace[^.]*\.$/.test(why)) throw new Error(`explanation: ${JSON.stringify(why)}`);
        const presets = await frame.locator('#presets vscode-button').evaluateAll((bs) => bs.map((b) => [b.textContent.trim(), b.hasAttribute('disabled')]));
        if (!presets.length || presets.some(([, disabled]) => !disabled)) throw new Error(`presets not all disabled: ${JSON.stringify(presets)}`);
        const charts = await panel.charts();
        if (charts.length !== 6 || charts.some((c) => c.canvas === 0)) throw new Error(`charts: ${JSON.stringify(charts)}`);
        if (!charts.find((c) => c.id === 'move').crossovers.some((t) => /mremap-move wins from \d/.test(t))) throw new Error('no modelled crossover under the move chart');
        if (harnessProcesses(session).length) throw new Error('a harness runs in Restricted Mode');
      });
      return;
    }

    it('opens from the palette: six charts drawn with their model curves', async function () {
      const { ms } = await panel.open();
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      // The host's own figure, from the panel's creation to the page's report (no palette, no polling).
      const host = await until('the panel to log its opening time', async () => openTime(await panel.log()), 10_000, 100);
      session.log(`${host} (host clock); ${ms} ms from F1 in the palette to six canvases seen by the driver; load ${load}`);
      const charts = await panel.charts();
      if (charts.length !== 6) throw new Error(`charts: ${JSON.stringify(charts)}`);
      // Each chart: median, p10, p90 per op, and one model curve per op for the one profile drawn.
      const ops = { move: 2, grow: 2, realloc: 2, swap: 2, js: 5, wasm: 1 };
      for (const c of charts) if (c.canvas < 1 || c.series !== ops[c.id] * 4) throw new Error(`chart ${c.id}: ${c.canvas} canvases, ${c.series} series (expected ${ops[c.id] * 4})`);
    });

    it('runs a tiny benchmark to the end: the table has its points and the chart drew them', async function () {
      this.timeout(120_000);
      const t0 = Date.now();
      await panel.click('The original question');
      let first = null;
      await until('the first point in the table', async () => {
        const n = (await panel.rows()).length;
        if (n && first === null) first = Date.now() - t0;
        return n > 0;
      }, 60_000, 100);
      await panel.waitForRunEnd(90_000);
      const rows = await panel.rows();
      const log = await panel.log();
      const n = Number(/finished: (\d+) points/.exec(log)?.[1]);
      session.log(`the original question: first point ${first} ms after the click (the harness compiled first), ${rows.length} points`);
      if (!(n > 0) || rows.length !== n) throw new Error(`table rows ${rows.length}, log says ${n}: ${log.slice(-300)}`);
      if (!rows.some((r) => r[0] === 'swap-pages-mremap' && r[1] === '4 KiB' && /×$/.test(r[6]))) throw new Error(`no measured 4 KiB swap row with a ratio: ${JSON.stringify(rows.slice(0, 3))}`);
      const verdict = await panel.text('#verdict');
      if (!/^Swapping two 4 KiB pages: .* (memcpy|mremap) is [\d.]+× faster \(measured here\)\.$/.test(verdict)) throw new Error(`verdict: ${verdict}`);
      const swap = (await panel.charts()).find((c) => c.id === 'swap');
      if (!swap || swap.canvas < 1 || swap.series !== 8) throw new Error(`swap chart: ${JSON.stringify(swap)}`);
    });

    it('a second run, cancelled mid-way: the harness process is gone and the points so far stay', async function () {
      this.timeout(90_000);
      await panel.click('Quick');
      await until('the quick run to measure a few points', async () => {
        const m = /^(\d+)\/\d+ points/.exec(await panel.progress());
        return m && Number(m[1]) >= 3;
      }, 60_000, 100);
      const running = harnessProcesses(session);
      if (!running.length) throw new Error('no harness process seen while the panel reported progress');
      await panel.click('Cancel');
      await panel.waitForRunEnd(20_000);
      await until('the harness processes to be gone', () => harnessProcesses(session).length === 0, 5_000, 100);
      if (!/cancelled after \d+ points/.test(await panel.log())) throw new Error('the log does not say it was cancelled');
      if (!(await panel.rows()).length) throw new Error('the partial results were dropped');
    });

    it('a run that ends while the panel is hidden behind a file: its log lines are there when the panel comes back', async function () {
      this.timeout(150_000);
      await panel.click('Quick');
      await until('the quick run\'s harness to start', () => harnessProcesses(session).length > 0, 30_000, 50);
      // Hide the panel: a file opened in its editor group covers it, and its page is dropped.
      await session.wb.quickOpen.openFile('vec.c', 'realloc');
      if (!harnessProcesses(session).length) throw new Error('the run ended before the panel was hidden: nothing was posted to a hidden page');
      // The C harness, then the JS one: the run is over when neither has run for a few seconds.
      let quiet = 0;
      await until('the run to end behind the file', () => (quiet = harnessProcesses(session).length ? 0 : quiet + 1) >= 8, 120_000, 250);
      await panel.open();
      const log = await panel.waitForRunEnd(20_000);
      const last = log.slice(log.lastIndexOf('started:'));
      if (!/^started: quick/.test(last) || !/finished: \d+ points/.test(last)) throw new Error(`the log after the panel came back: ${last.slice(0, 400)}`);
    });

    it('comes back after a window reload with its results', async function () {
      this.timeout(90_000);
      const before = (await panel.rows()).length;
      await session.wb.palette.run('Developer: Reload Window');
      await session.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      const f = await panel.frame(60_000);
      const rows = await until('the restored table', async () => {
        const r = await panel.rows();
        return r.length === before && r;
      }, 30_000, 250);
      if (!(await f.locator('.chart-card canvas').count())) throw new Error('no charts after the reload');
      session.log(`restored ${rows.length} points after the reload`);
    });

    it('another machine\'s calibration file: its curve and crossover beside this machine\'s', async function () {
      this.timeout(60_000);
      await panel.compare(join(session.workspace, 'arm64-server.json'));
      const move = await until('two crossovers under the move chart', async () => {
        const c = (await panel.charts()).find((x) => x.id === 'move');
        return c && c.crossovers.length === 2 && c;
      }, 20_000, 200);
      if (!move.crossovers.some((t) => /^arm64 server \(arm64-server\.json\): mremap-move wins from \d/.test(t))) throw new Error(`crossovers: ${JSON.stringify(move.crossovers)}`);
      if (new Set(move.crossovers.map((t) => t.replace(/^[^:]*: /, ''))).size !== 2) throw new Error(`the two machines cross at the same size: ${JSON.stringify(move.crossovers)}`);
      if (move.series !== 2 * 3 + 2 * 2) throw new Error(`move chart series ${move.series}, expected 10 (two profiles)`);
      if (session.takeShots) {
        // The pictures show a whole quick run beside the two machines' models.
        this.timeout(240_000);
        await panel.click('Quick');
        await until('the quick run to start', () => panel.running(), 10_000, 100);
        await panel.waitForRunEnd(180_000);
        const f = await panel.frame();
        await f.locator('#verdict').scrollIntoViewIfNeeded();
        await session.wb.screenshot('panel-dark');
        await setTheme(session, 'Light Modern');
        await until('the light theme in the panel', async () => /vscode-light/.test(await f.locator('body').getAttribute('class')), 20_000, 200);
        await session.page.waitForTimeout(500);
        await session.wb.screenshot('panel-light');
        await setTheme(session, 'Dark Modern');
        await until('the dark theme back', async () => /vscode-dark/.test(await f.locator('body').getAttribute('class')), 20_000, 200);
      }
    });
  });
}
