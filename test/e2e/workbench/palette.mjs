// The command palette (F1), used as a person would: type the title, press Enter.
import { until } from '../../../scripts/lib/until.mjs';

const INPUT = '.quick-input-widget input';
const ROWS = '.quick-input-list .monaco-list-row';

export class CommandPalette {
  constructor(page) {
    this.page = page;
  }

  async open(text) {
    const input = this.page.locator(INPUT);
    const wanted = `>${text}`;
    // F1 leaves the cursor where it is. The palette closes when focus leaves it (a terminal or a
    // webview taking focus late, seen on a loaded machine right after a command ran in a
    // terminal): F1 and the text again until the open palette holds the text.
    let press = true;
    await until(`the palette to hold "${wanted}"`, async () => {
      if (press || !(await input.isVisible())) {
        press = false;
        await this.page.keyboard.press('F1');
        if (!(await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false))) return false;
      }
      await input.fill(wanted, { timeout: 3_000 }).catch(() => undefined);
      return (await input.isVisible()) && (await input.inputValue().catch(() => '')) === wanted;
    }, 30_000, 200);
    return input;
  }

  /** Runs the command titled `title` (e.g. "pagecost: Calibrate the model for this machine"). */
  async run(title) {
    const input = await this.openOffering(title);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /**
   * Opens the palette on `title` until it offers that command. The palette lists the commands
   * known when it opened: opened while the extensions' contributions are still coming in (the
   * first command of a fresh window), it never offers ours, so it is closed and opened again.
   */
  async openOffering(title) {
    const rows = this.page.locator(ROWS).filter({ hasText: title });
    let input;
    await until(`the palette to offer "${title}"`, async () => {
      if (input && (await input.isVisible())) await this.page.keyboard.press('Escape');
      input = await this.open(title);
      return until(`"${title}" in this palette`, () => rows.count(), 5_000).then(() => true, () => false);
    }, 40_000, 200);
    return input;
  }

  /**
   * Runs the command titled `title`, which asks for a line in an input box (the same widget as the
   * palette's, so it may never close in between), and answers it with `text`.
   */
  async runAndAnswer(title, placeholder, text) {
    await this.openOffering(title);
    await this.page.keyboard.press('Enter');
    await this.answer(placeholder, text);
  }

  /**
   * Answers the input box a command opened, once it is the one whose placeholder matches
   * `placeholder`: fills `text`, presses Enter, waits for it to close.
   */
  async answer(placeholder, text) {
    const input = this.page.locator(INPUT);
    await until(`the input box "${placeholder}"`, async () => (await input.isVisible()) && (await input.getAttribute('placeholder'))?.includes(placeholder), 10_000);
    await input.fill(text);
    await until(`"${text}" in the input box`, async () => (await input.inputValue()) === text, 5_000);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /**
   * The titles the palette lists for `text`, once `complete(titles)` says the list is the full
   * answer (the palette fills in as extensions register). Closes the palette.
   */
  async list(text, complete) {
    await this.open(text);
    const titles = await until(`the palette's list for "${text}"`, async () => {
      const t = await this.page.locator(ROWS).allInnerTexts();
      return complete(t) && t;
    }, 10_000);
    await this.page.keyboard.press('Escape');
    return titles;
  }
}
