// The editor's hover widget.
const VISIBLE = '.monaco-hover:not(.hidden)';

export class Hover {
  constructor(page, viewport) {
    this.page = page;
    this.viewport = viewport;
  }

  /** The visible hover whose text matches `text`. */
  showing(text) {
    return this.page.locator(VISIBLE).filter({ hasText: text }).first();
  }

  /** Moves the pointer to a corner where it hovers nothing. */
  async away() {
    await this.page.mouse.move(5, this.viewport.height - 5);
  }

  /**
   * Hovers `target` until a hover containing `text` is shown and has finished fading in. A single
   * hover can be lost (the pointer event lands while the editor re-renders, or the language's own
   * hover provider is still starting), so the pointer leaves and comes back every few seconds.
   */
  async showOn(target, text, timeoutMs = 30_000) {
    await target.waitFor({ state: 'visible', timeout: 10_000 });
    const hover = this.showing(text);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.away();
      await target.hover();
      try {
        await hover.waitFor({ state: 'visible', timeout: Math.min(5_000, Math.max(1, deadline - Date.now())) });
        break;
      } catch (e) {
        if (Date.now() >= deadline) throw e;
      }
    }
    await this.fadedIn(hover);
    return hover;
  }

  /** Waits for the hover's fade-in animation, so that a picture shows it as a person sees it. */
  async fadedIn(hover, timeoutMs = 5_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const done = await hover.evaluate((el) => document.getAnimations()
        .filter((a) => a.effect?.target && (a.effect.target.contains(el) || el.contains(a.effect.target)))
        .every((a) => a.playState === 'finished'));
      if (done) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the hover was still fading in after ${timeoutMs} ms`);
  }

  /** Closes any hover. */
  async dismiss() {
    await this.page.keyboard.press('Escape');
    await this.away();
  }
}
