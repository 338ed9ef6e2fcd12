// Webviews (the benchmark panel, Markdown previews): each is an iframe in the workbench whose
// content lives in a nested "active-frame" iframe. Tests reach into that inner document.
import { until } from '../../../scripts/lib/until.mjs';

export class Webviews {
  constructor(page) {
    this.page = page;
  }

  /** Webview frames currently in the page (their outer iframes). */
  count() {
    return this.page.locator('iframe.webview').count();
  }

  /**
   * The content of the visible webview whose document contains `text`: a FrameLocator to query
   * like a page (`.locator()`, `.getByRole()`). Waits until one is shown.
   */
  async withText(text, timeoutMs = 20_000) {
    const frames = this.page.locator('iframe.webview');
    return until(`a webview showing ${text}`, async () => {
      const n = await frames.count();
      for (let i = 0; i < n; i++) {
        const outer = frames.nth(i);
        if (!(await outer.isVisible())) continue;
        const inner = outer.contentFrame().locator('iframe#active-frame').contentFrame();
        if (await inner.getByText(text).count()) return inner;
      }
      return null;
    }, timeoutMs, 200);
  }
}
