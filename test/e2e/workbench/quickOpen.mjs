// Quick Open (Ctrl+P): how the tests open a file, as a person would.
import { until } from '../../../scripts/lib/until.mjs';

export class QuickOpen {
  constructor(page, editor) {
    this.page = page;
    this.editor = editor;
  }

  /** Opens `file` and waits until the editor shows `marker` (some text of that file). */
  async openFile(file, marker) {
    // Focus may start in the chat panel or a notification: click the editor area first (forced:
    // a webview shown there, e.g. an extension's page, may lie over it).
    await this.page.locator('[id="workbench.parts.editor"]').click({ position: { x: 300, y: 300 }, force: true });
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(file);
    // The list first shows recently opened files: wait until the focused row, the one Enter
    // opens, is the file asked for.
    await until(`Quick Open to offer ${file} first`, async () => {
      const names = await this.page.locator('.quick-input-list .monaco-list-row.focused .label-name').allTextContents();
      return names.some((n) => n.replace(/\u00a0/g, ' ').trim() === file);
    }, 15_000);
    await this.page.keyboard.press('Enter');
    await this.editor.waitForText(`${file} open in the editor`, (t) => t.includes(marker), 20_000);
  }
}
