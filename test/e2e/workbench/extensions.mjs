// The Extensions view, an extension's page, and Developer: Show Running Extensions.
import { until } from '../../../scripts/lib/until.mjs';

export class Extensions {
  constructor(page, palette) {
    this.page = page;
    this.palette = palette;
  }

  /** Opens the page of the installed extension whose list row shows `name`; resolves with the page (an editor). */
  async openPage(name) {
    await this.palette.run('Extensions: Show Installed Extensions');
    const row = this.page.locator('.extensions-viewlet .monaco-list-row').filter({ hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    const editor = this.page.locator('.extension-editor').filter({ has: this.page.locator('.header .name', { hasText: name }) }).first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });
    return editor;
  }

  /** Closes the active editor if it is an extension's page. */
  async closePage() {
    const active = await this.page.locator('.tabs-container .tab.active').first().innerText().catch(() => '');
    if (active.includes('Extension:')) await this.palette.run('View: Close Editor');
  }

  /** The icon shown in an extension page's header: its natural size once loaded (0×0 if it failed). */
  async headerIcon(editor) {
    const img = editor.locator('.header .icon-container img.icon').first();
    return until('the extension page icon to load', () => img.evaluate((el) => el.complete && el.naturalWidth > 0 && { width: el.naturalWidth, height: el.naturalHeight }), 15_000);
  }

  /**
   * VS Code's own measure of an extension's activation (Developer: Show Running Extensions: code
   * loading + the activate() call), in ms. Closes the view afterwards.
   */
  async activationMs(name) {
    await this.palette.run('Developer: Show Running Extensions');
    const list = this.page.locator('.runtime-extensions-editor .monaco-list').first();
    await list.waitFor({ state: 'visible', timeout: 20_000 });
    const row = list.locator('.monaco-list-row').filter({ has: this.page.locator('.name', { hasText: new RegExp(`^${name}$`) }) }).first();
    // The list renders only the rows in view: scroll down until the extension's row is there.
    const box = await list.boundingBox();
    const text = await until(`${name} in Running Extensions with an activation time`, async () => {
      if (!(await row.count())) {
        await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await this.page.mouse.wheel(0, box.height / 2);
        return false;
      }
      const t = await row.locator('.activation-time').innerText().catch(() => '');
      return /\d+\s*ms/.test(t) && t;
    }, 20_000, 200);
    await this.page.keyboard.press('Escape');
    return { text, ms: Number(/(\d+)\s*ms/.exec(text)[1]) };
  }
}
