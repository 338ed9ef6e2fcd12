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
  }

  /** Loads the workbench at `url` and waits until the explorer lists `file` (the remote file system answers). */
  async open(url, file) {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await until(`the explorer to list ${file}`, () => this.page.locator('.explorer-folders-view').getByText(file, { exact: true }).count(), 60_000);
  }

  /** Hides the side bar (Ctrl+B), so that pictures show the editor as wide as the window. */
  async hideSideBar() {
    await this.page.locator('.part.editor').click({ position: { x: 300, y: 300 } });
    await this.page.keyboard.press('Control+B');
    await this.page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Closes the bottom panel if it is open (Ctrl+J toggles it). */
  async closePanel() {
    const panel = this.page.locator('.part.panel');
    if (!(await panel.isVisible())) return;
    await this.page.keyboard.press('Control+J');
    await panel.waitFor({ state: 'hidden', timeout: 5_000 });
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
}
