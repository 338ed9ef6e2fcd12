// The Problems panel.
import { until } from '../../../scripts/lib/until.mjs';

export class Problems {
  constructor(page, workbench) {
    this.page = page;
    this.workbench = workbench;
  }

  /** Opens the panel (Ctrl+Shift+M from the editor). */
  async show() {
    await this.workbench.editor.focus();
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10_000 });
  }

  rows(text) {
    return this.page.locator('.markers-panel .monaco-list-row').filter({ hasText: text });
  }

  /** Waits for a row whose text matches `text`; resolves with its text. */
  async waitForRow(text, timeoutMs = 20_000) {
    await until(`a Problems row matching ${text}`, () => this.rows(text).count(), timeoutMs);
    return this.rows(text).first().innerText();
  }

  hide() {
    return this.workbench.closePanel();
  }
}
