// A walkthrough (Welcome: Open Walkthrough…): its steps, their pictures, buttons and checkmarks.
import { until } from '../../../scripts/lib/until.mjs';

export class Walkthrough {
  constructor(page, palette) {
    this.page = page;
    this.palette = palette;
  }

  /** Opens the walkthrough titled `title` from the palette and waits for its steps. */
  async open(title) {
    this.title = title;
    // The command asks which walkthrough in a second quick pick, so the palette stays open.
    const input = await this.palette.open('Welcome: Open Walkthrough');
    const command = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Welcome: Open Walkthrough' }).first();
    await command.waitFor({ state: 'visible', timeout: 10_000 });
    await command.click();
    await until('the list of walkthroughs', async () => /walkthrough/i.test(await input.getAttribute('placeholder') ?? ''), 10_000);
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    await this.page.locator('.getting-started-step .step-title').first().waitFor({ state: 'visible', timeout: 20_000 });
  }

  /**
   * Brings the walkthrough's tab (Welcome) to the front, showing its steps: the page may have gone
   * back to its overview (the steps then slide out of view but stay in the DOM), where the
   * walkthrough's entry opens them again.
   */
  async focus() {
    await this.page.locator('.tabs-container .tab[data-resource-name="vscode_getting_started_page"]').first().click();
    const inView = async () => {
      const box = await this.page.locator('.getting-started-step .step-title').first().boundingBox();
      const vp = this.page.viewportSize();
      return !!box && box.x >= 0 && box.x + box.width <= vp.width;
    };
    await until('the walkthrough\'s steps in view', async () => {
      if (await inView()) return true;
      const entry = this.page.locator('.getting-started-category').filter({ hasText: this.title });
      if (await entry.first().isVisible().catch(() => false)) await entry.first().click();
      return false;
    }, 10_000, 250);
  }

  /** The steps' titles, in order. */
  titles() {
    return this.page.locator('.getting-started-step .step-title').allInnerTexts();
  }

  step(title) {
    return this.page.locator('.getting-started-step').filter({ has: this.page.locator('.step-title', { hasText: title }) }).first();
  }

  /** Expands the step (a click on its title), which shows its picture. */
  async select(title) {
    const step = this.step(title);
    if (!(await step.evaluate((el) => el.classList.contains('expanded')))) await step.locator('.step-title').click();
    await until(`the step "${title}" to expand`, () => step.evaluate((el) => el.classList.contains('expanded')), 10_000);
  }

  /** The picture shown for the expanded step, once loaded: its alt text and natural size. */
  async picture() {
    const img = this.page.locator('.getting-started-media img').first();
    return until('the step picture to load', () => img.evaluate((el) => el.complete && el.naturalWidth > 0
      && { alt: el.alt, width: el.naturalWidth, height: el.naturalHeight }).catch(() => false), 15_000);
  }

  /** Clicks the button `text` of the step `title` (expanding it first). */
  async press(title, text) {
    await this.select(title);
    await this.step(title).locator('.button-container a', { hasText: text }).first().click();
  }

  /** Whether the step shows its checkmark. */
  checked(title) {
    return this.step(title).locator('.codicon-getting-started-step-checked').count().then((n) => n > 0);
  }

  async waitChecked(title, timeoutMs = 10_000) {
    await until(`the step "${title}" to be checked`, () => this.checked(title), timeoutMs, 200);
  }
}
