// The workbench as page objects, in the style of VS Code's own smoke tests: each part of the
// window a test talks to is one object with the verbs a person would use on it. Tests never
// query the DOM themselves; when the workbench's markup changes, this folder changes.
import { join } from 'node:path';
import { until } from '../../../scripts/lib/until.mjs';
import { Editor } from './editor.mjs';
import { Extensions } from './extensions.mjs';
import { Hover } from './hover.mjs';
import { CommandPalette } from './palette.mjs';
import { Notifications, OutputPanel, StatusBar } from './panels.mjs';
import { Problems } from './problems.mjs';
import { QuickFix } from './quickFix.mjs';
import { QuickOpen } from './quickOpen.mjs';
import { Walkthrough } from './walkthrough.mjs';
import { Webviews } from './webviews.mjs';
import { BenchmarkPanel } from './benchmarkPanel.mjs';

export class Workbench {
  /** `page`: a Playwright page; `shots`: where screenshot() writes; `viewport`: the page's size. */
  constructor(page, { shots, viewport }) {
    this.page = page;
    this.shots = shots;
    this.editor = new Editor(page);
    this.quickOpen = new QuickOpen(page, this.editor);
    this.hover = new Hover(page, viewport);
    this.problems = new Problems(page, this);
    this.quickFix = new QuickFix(page);
    this.palette = new CommandPalette(page);
    this.output = new OutputPanel(page);
    this.statusBar = new StatusBar(page);
    this.notifications = new Notifications(page);
    this.webviews = new Webviews(page);
    this.benchmarkPanel = new BenchmarkPanel(page, this.webviews, this.palette);
    this.extensions = new Extensions(page, this.palette);
    this.walkthrough = new Walkthrough(page, this.palette);
  }

  /** Loads the workbench at `url` and waits until the explorer lists `file` (the remote file system answers). */
  async open(url, file) {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await until(`the explorer to list ${file}`, () => this.page.locator('.explorer-folders-view').getByText(file, { exact: true }).count(), 60_000);
  }

  /** Hides the side bar, so that pictures show the editor as wide as the window. */
  async hideSideBar() {
    if (!(await this.page.locator('.part.sidebar').isVisible())) return;
    await this.palette.run('View: Close Primary Side Bar');
    await this.page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Closes the active editor (View: Close Editor). */
  async closeEditor() {
    await this.palette.run('View: Close Editor');
  }

  /** Closes every editor (View: Close All Editors) and waits until no tab is left. */
  async closeAllEditors() {
    await this.palette.run('View: Close All Editors');
    await until('every editor to close', async () => (await this.page.locator('.tabs-container .tab').count()) === 0, 15_000);
  }

  /** Whether the bottom panel (terminal, Output, Problems) is open. */
  panelOpen() {
    return this.page.locator('.part.panel').isVisible();
  }

  /** Closes the bottom panel if it is open (Ctrl+J toggles it). */
  async closePanel() {
    if (!(await this.panelOpen())) return;
    await this.page.keyboard.press('Control+J');
    await this.page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Back to a plain editor: no menu, hover, palette or panel. What each feature test starts from. */
  async reset() {
    await this.page.keyboard.press('Escape');
    await this.hover.away();
    await this.closePanel();
  }

  /** A picture of the whole window, `<shots>/<name>.png`. */
  async screenshot(name) {
    const file = join(this.shots, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * A picture of the part of the window around `locators` (their union, padded to at least
   * `min` and kept inside the window): for walkthrough steps, which show a picture small.
   */
  async screenshotAround(name, locators, { min = { width: 960, height: 560 }, pad = 24 } = {}) {
    const boxes = (await Promise.all(locators.map((l) => l.boundingBox()))).filter(Boolean);
    if (!boxes.length) throw new Error(`nothing to frame for ${name}`);
    const vp = this.page.viewportSize();
    let x0 = Math.min(...boxes.map((b) => b.x)) - pad;
    let y0 = Math.min(...boxes.map((b) => b.y)) - pad;
    let x1 = Math.max(...boxes.map((b) => b.x + b.width)) + pad;
    let y1 = Math.max(...boxes.map((b) => b.y + b.height)) + pad;
    const grow = (lo, hi, want, limit) => {
      const extra = Math.max(0, want - (hi - lo));
      lo -= extra / 2;
      hi += extra / 2;
      if (lo < 0) { hi -= lo; lo = 0; }
      if (hi > limit) { lo -= hi - limit; hi = limit; }
      return [Math.max(0, lo), Math.min(limit, hi)];
    };
    [x0, x1] = grow(x0, x1, min.width, vp.width);
    [y0, y1] = grow(y0, y1, min.height, vp.height);
    const file = join(this.shots, `${name}.png`);
    await this.page.screenshot({ path: file, clip: { x: Math.round(x0), y: Math.round(y0), width: Math.round(x1 - x0), height: Math.round(y1 - y0) } });
    return file;
  }
}
