// The active text editor as a person sees it: its visible lines, the inlay hints Monaco renders
// into them, tokens to hover or click, the cursor, typing.
import { until } from '../../../scripts/lib/until.mjs';

const LINES = '.editor-instance .monaco-editor .view-lines';
const LINE = '.editor-instance .monaco-editor .view-line';
// Monaco renders inlay hints as injected text inside the line: spans whose class names are
// generated per decoration ("dyn-rule-N-M"); the label is their text.
const HINT = 'span[class*="dyn-rule"]';
/** Monaco renders spaces as non-breaking ones. */
const plain = (s) => s.replace(/\u00a0/g, ' ');

export class Editor {
  constructor(page) {
    this.page = page;
  }

  /** The text of the visible lines. */
  text() {
    return this.page.evaluate((sel) => {
      const ed = document.querySelector(sel);
      return ed ? ed.innerText.replace(/\u00a0/g, ' ') : '';
    }, LINES);
  }

  async waitForText(what, predicate, timeoutMs = 10_000) {
    return until(what, async () => predicate(await this.text()), timeoutMs);
  }

  /** The labels of every inlay hint in the visible lines. */
  inlayHints() {
    return this.page.evaluate(([lines, hint]) => {
      const ed = document.querySelector(lines);
      if (!ed) return [];
      return [...ed.querySelectorAll(hint)].map((s) => s.textContent.replace(/\u00a0/g, ' ').trim()).filter(Boolean);
    }, [LINES, HINT]);
  }

  /** The first visible line containing `lineText`. */
  line(lineText) {
    return this.page.locator(LINE).filter({ hasText: lineText }).first();
  }

  async lineText(lineText) {
    return plain(await this.line(lineText).innerText());
  }

  /** The inlay hint text on the first visible line containing `lineText` ('' if none). */
  async hintOnLine(lineText) {
    const spans = await this.line(lineText).locator(HINT).allTextContents();
    return spans.map((t) => plain(t).trim()).filter(Boolean).join(' ');
  }

  /** The token `word` on the first visible line containing `lineText`. */
  token(lineText, word) {
    return this.line(lineText).locator('span > span').filter({ hasText: new RegExp(`^${word}$`) }).first();
  }

  /** Puts keyboard focus in the editor (focus may start in the chat panel or a notification). */
  async focus() {
    await this.page.locator(LINES).click();
  }

  /** Ctrl+G to line:column. */
  async gotoLine(line, column = 1) {
    await this.focus();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  type(text, delay = 50) {
    return this.page.keyboard.type(text, { delay });
  }

  /** Inserts `text` as one edit (no intermediate texts for the analysis to see). */
  insertText(text) {
    return this.page.keyboard.insertText(text);
  }

  async undo() {
    await this.focus();
    await this.page.keyboard.press('Control+Z');
  }

  /**
   * Starts recording the fewest inlay hints matching `re` seen at any moment from now on (a
   * MutationObserver on the lines); `stop()` ends it and resolves with that minimum. Throws if
   * no such hint is shown to begin with.
   */
  async watchHints(re) {
    await this.page.evaluate(([lines, hint, source, flags]) => {
      const match = new RegExp(source, flags);
      const el = document.querySelector(lines);
      const count = () => [...el.querySelectorAll(hint)].filter((s) => match.test(s.textContent.replace(/\u00a0/g, ' '))).length;
      window.__pcMin = count();
      if (!window.__pcMin) throw new Error('no hint matching the pattern to begin with');
      window.__pcObs = new MutationObserver(() => { window.__pcMin = Math.min(window.__pcMin, count()); });
      window.__pcObs.observe(el, { childList: true, subtree: true, characterData: true });
    }, [LINES, HINT, re.source, re.flags]);
    return {
      stop: () => this.page.evaluate(() => { window.__pcObs.disconnect(); return window.__pcMin; }),
    };
  }

  /** Resolves once the lines have not changed for `quietMs` (or after `maxMs`). */
  settle(quietMs = 1500, maxMs = 15_000) {
    return this.page.evaluate(([lines, quiet, max]) => new Promise((resolve) => {
      const el = document.querySelector(lines);
      const o = new MutationObserver(() => { clearTimeout(t); t = setTimeout(done, quiet); });
      const done = () => { o.disconnect(); resolve(); };
      let t = setTimeout(done, quiet);
      o.observe(el, { childList: true, subtree: true, characterData: true });
      setTimeout(done, max);
    }), [LINES, quietMs, maxMs]);
  }
}
