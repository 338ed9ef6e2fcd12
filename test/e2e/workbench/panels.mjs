// The Output panel, the status bar and notifications.
import { until } from '../../../scripts/lib/until.mjs';

export class OutputPanel {
  constructor(page) {
    this.page = page;
  }

  /** The visible text of the Output panel's editor (Monaco renders only the lines in view). */
  text() {
    return this.page.evaluate(() => {
      const el = document.querySelector('.part.panel .output-view .monaco-editor .view-lines')
        ?? document.querySelector('.part.panel .monaco-editor .view-lines');
      return el ? el.innerText.replace(/\u00a0/g, ' ') : '';
    });
  }

  async waitFor(what, predicate, timeoutMs = 20_000, everyMs = 250) {
    return until(what, async () => {
      const t = await this.text();
      return predicate(t) && t;
    }, timeoutMs, everyMs);
  }
}

export class StatusBar {
  constructor(page) {
    this.page = page;
  }

  item(text) {
    return this.page.locator('.statusbar').getByText(text);
  }

  /** The language status item ({} in the status bar): hovers it until its hover's text matches `re`. */
  async languageStatus(re, timeoutMs = 15_000) {
    await this.page.locator('[id="status.languageStatus"]').hover();
    return until(`the language status to match ${re}`, async () => {
      const h = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /pagecost/ });
      const text = (await h.count()) ? await h.first().innerText() : '';
      return re.test(text) && text;
    }, timeoutMs, 200);
  }
}

export class Notifications {
  constructor(page) {
    this.page = page;
  }

  /** The notification toast whose text matches `text`. */
  toast(text) {
    return this.page.locator('.notification-toast').filter({ hasText: text });
  }

  /** Whether a notification toast whose text matches `text` is on screen. */
  showing(text) {
    return this.toast(text).first().isVisible();
  }

  /** Presses the button `label` (e.g. Cancel) of the notification whose text matches `text`. */
  async press(text, label) {
    const toast = this.toast(text).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await toast.hover();
    await toast.getByRole('button', { name: label }).first().click();
  }
}
