// The benchmark panel (a webview: src/extension/panel, webview/): the verbs a person uses on it,
// and what it shows. Its page is ours, so its element ids are stable; the workbench's own parts
// (the palette, the simple file dialog code-server shows for "open") go through their objects.
import { until } from '../../../scripts/lib/until.mjs';

const TITLE = 'pagecost benchmark';

export class BenchmarkPanel {
  constructor(page, webviews, palette) {
    this.page = page;
    this.webviews = webviews;
    this.palette = palette;
  }

  /** The panel's document (a FrameLocator), once it is shown. */
  frame(timeoutMs = 20_000) {
    return this.webviews.withText(TITLE, timeoutMs);
  }

  /** Opens it from the palette; resolves with the frame and the milliseconds until its charts were drawn. */
  async open(title = 'pagecost: Open benchmark panel') {
    const t0 = Date.now();
    await this.palette.run(title);
    const f = await this.frame();
    await until('the panel to draw its charts', async () => (await f.locator('.chart-card canvas').count()) >= 6, 20_000, 50);
    return { frame: f, ms: Date.now() - t0 };
  }

  async button(label) {
    const f = await this.frame();
    return f.locator('vscode-button').filter({ hasText: label }).first();
  }

  /** Clicks a toolbar button or preset by its label. */
  async click(label) {
    const b = await this.button(label);
    await until(`"${label}" to be enabled`, async () => !(await b.getAttribute('disabled').then((v) => v !== null)), 15_000, 100);
    await b.click();
  }

  async text(selector) {
    const f = await this.frame();
    const l = f.locator(selector);
    return (await l.count()) ? (await l.first().innerText()).trim() : '';
  }

  progress() {
    return this.text('#progress-text');
  }

  async log() {
    return this.text('#log');
  }

  /** The points table: one array of cell texts per row. */
  async rows() {
    const f = await this.frame();
    return f.locator('#points tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  }

  /** Per chart: its title, whether a canvas is drawn, and the uPlot series count. */
  async charts() {
    const f = await this.frame();
    return f.locator('.chart-card').evaluateAll((cards) => cards.map((c) => ({
      id: c.getAttribute('data-chart'),
      title: c.querySelector('h3')?.textContent ?? '',
      canvas: c.querySelectorAll('canvas').length,
      series: Number(c.querySelector('.plot')?.getAttribute('data-series') ?? 0),
      crossovers: [...c.querySelectorAll('.crossovers li')].map((li) => li.textContent.trim()),
    })));
  }

  /** Waits until the run in progress has ended (the log says how). */
  async waitForRunEnd(timeoutMs) {
    return until('the run to end', async () => {
      const log = await this.log();
      // What the log says since the last run started (a note on drawing times may follow the end).
      const last = log.slice(log.lastIndexOf('started:'));
      return /(finished:|cancelled after|calibrated from)/.test(last) && !(await this.running()) && log;
    }, timeoutMs, 250);
  }

  async running() {
    const b = await this.button('Cancel');
    return (await b.getAttribute('disabled')) === null;
  }

  /** Closes the panel (it must be the active editor): the editor under it takes pointer events again. */
  async close() {
    if (!(await this.webviews.count())) return;
    await this.palette.run('View: Close Editor');
    await until('the panel to close', async () => (await this.webviews.count()) === 0, 10_000, 100);
  }

  /**
   * "Compare machines…": code-server answers the open dialog with its simple file dialog (a quick
   * input taking a path); types the file's absolute path and accepts.
   */
  async compare(path) {
    await this.click('Compare machines…');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    // The dialog opens in the folder used last (another feature's) and resets the field while it
    // lists that folder: type the path again until it stays.
    await until('the dialog to take the path', async () => {
      if ((await input.inputValue()) !== path) await input.fill(path);
      await this.page.waitForTimeout(100);
      return (await input.inputValue()) === path;
    }, 30_000, 100);
    // The dialog checks the path on the server before it accepts; an Enter pressed before that
    // answer can be lost, so press it again until the dialog closes.
    await until('the file dialog to accept the path', async () => {
      if (!(await input.isVisible())) return true;
      if ((await input.inputValue()) !== path) await input.fill(path);
      await this.page.keyboard.press('Enter');
      return input.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false);
    }, 20_000, 100);
  }
}
