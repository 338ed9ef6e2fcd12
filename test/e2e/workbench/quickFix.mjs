// The quick fix menu (Ctrl+. on a token).
import { until } from '../../../scripts/lib/until.mjs';

const ROWS = '.action-widget .monaco-list-row';

export class QuickFix {
  constructor(page) {
    this.page = page;
  }

  /** The menu's rows whose text matches `title`. */
  rows(title) {
    return this.page.locator(ROWS).filter({ hasText: title });
  }

  /** Clicks `token`, presses Ctrl+. and waits for a row matching `title`. */
  async openOn(token, title, timeoutMs = 20_000) {
    let asked = 0;
    // Ctrl+. can be swallowed while focus moves back from a panel: ask again until it shows.
    await until(`the quick fix menu to offer ${title}`, async () => {
      if (await this.rows(title).count()) return true;
      if (asked++ % 20 === 0) {
        await this.page.keyboard.press('Escape');
        await token.click();
        await this.page.keyboard.press('Control+.');
      }
      return false;
    }, timeoutMs, 150);
  }

  /** Chooses the open menu's row matching `title`. */
  async choose(title) {
    const row = this.rows(title).first();
    if (!(await row.count())) throw new Error(`the quick fix menu is not open with ${title}`);
    await row.click();
  }
}
