// The walkthrough "Get started with pagecost" (package.json contributes.walkthroughs), followed
// as a newcomer would in a window without examples/: each step's picture loads from the VSIX;
// step 1 opens the swap example (untitled, from the copy the extension ships) with hints; the
// explain button, Ctrl+. and the panel button do what the steps say and check their steps off.
// Its pictures are taken here too (walkthrough-*.png; --update-screenshots puts them in
// media/walkthrough/).
import { until } from '../../../scripts/lib/until.mjs';

const TITLE = 'Get started with pagecost';
const STEPS = ['Open an example and read its hints', 'Hover a call for the breakdown', 'Apply a quick fix', 'Measure it on this machine'];
/** The first call in examples/swap/swap.c, where openExample puts the cursor. */
const FIRST_CALL = 'void *moved = mremap(a, PAGE';
const HINT = /\d(\.\d+)?\s?(ns|µs|ms)/;

export function setup(session) {
  if (!session.expect.bench || session.restricted) return;
  describe('walkthrough', function () {
    /** The example's tab (untitled here). */
    const example = () => session.page.locator('.tabs-container .tab').filter({ hasText: /Untitled/ }).first();

    before(() => session.wb.reset());
    after(async function () {
      // Leave no dirty untitled document (a later page reload would ask about it), no panel, no walkthrough.
      await session.wb.reset();
      if (await example().count()) {
        await example().click();
        await session.wb.palette.run('View: Revert and Close Editor');
      }
      await session.wb.closeAllEditors();
    });

    it(`"${TITLE}" lists its four steps, each with a picture that loads`, async function () {
      await session.wb.walkthrough.open(TITLE);
      const titles = await session.wb.walkthrough.titles();
      if (JSON.stringify(titles) !== JSON.stringify(STEPS)) throw new Error(`steps: ${JSON.stringify(titles)}`);
      for (const step of STEPS) {
        await session.wb.walkthrough.select(step);
        const pic = await session.wb.walkthrough.picture();
        if (pic.width < 600) throw new Error(`the picture of "${step}" is ${pic.width}×${pic.height}`);
      }
    });

    it('step 1 opens the swap example (untitled: this workspace has none) with a hint on every mremap, and checks itself', async function () {
      const { editor, walkthrough } = session.wb;
      await walkthrough.press(STEPS[0], 'Open the swap example');
      await editor.waitForText('the swap example in the editor', (t) => t.includes('swap_by_mremap'), 15_000);
      const tab = await session.page.locator('.tabs-container .tab.active').getAttribute('data-resource-name');
      if (!/^Untitled/i.test(tab ?? '')) throw new Error(`expected an untitled document, the active tab is ${tab}`);
      await until('hints on the three mremap calls', async () => {
        const lines = await Promise.all([FIRST_CALL, 'moved = mremap(b, PAGE', 'moved = mremap(spare, PAGE'].map((l) => editor.hintOnLine(l)));
        return lines.every((h) => HINT.test(h)) && lines;
      }, 60_000);
      await session.wb.screenshotAround('walkthrough-hints', [editor.line('int swap_by_mremap'), editor.line('moved = mremap(spare, PAGE')]);
      await walkthrough.focus();
      await walkthrough.waitChecked(STEPS[0]);
    });

    it('step 2: the hover shows the breakdown; the step\'s button explains the example\'s first call and checks the step', async function () {
      const { editor, hover, walkthrough, output } = session.wb;
      await example().click();
      const shown = await hover.showOn(editor.token(FIRST_CALL, 'mremap'), /memcpy/);
      await session.wb.screenshotAround('walkthrough-hover', [shown, editor.line(FIRST_CALL)]);
      await hover.dismiss();
      await walkthrough.focus();
      await walkthrough.press(STEPS[1], 'Explain the example');
      await output.waitFor('the explanation in the Output panel', (t) => /Where the [\d.]+ µs goes \(mremap-move/.test(t) && /Alternative: memcpy/.test(t), 20_000);
      await walkthrough.focus();
      await walkthrough.waitChecked(STEPS[1]);
      await session.wb.closePanel();
    });

    it('step 3: the step\'s button shows the fixes on the example\'s first call ("Copy with memcpy") and checks the step', async function () {
      const { editor, quickFix, walkthrough } = session.wb;
      await walkthrough.focus();
      await walkthrough.press(STEPS[2], 'Show the fixes');
      await until('the quick fix menu to offer Copy with memcpy', () => quickFix.rows(/Copy with memcpy/).count(), 20_000);
      await session.wb.screenshotAround('walkthrough-quick-fix', [quickFix.rows(/Copy with memcpy/).first(), editor.line(FIRST_CALL)]);
      await session.page.keyboard.press('Escape');
      await walkthrough.focus();
      await walkthrough.waitChecked(STEPS[2]);
    });

    it('step 4 opens the benchmark panel and checks itself', async function () {
      const { walkthrough, webviews } = session.wb;
      await walkthrough.focus();
      await walkthrough.press(STEPS[3], 'Open the benchmark panel');
      const panel = await webviews.withText('pagecost benchmark', 30_000);
      await panel.locator('h1').first().waitFor({ state: 'visible', timeout: 10_000 });
      await session.wb.screenshotAround('walkthrough-panel', [session.page.locator('[id="workbench.parts.editor"]')]);
      await walkthrough.focus();
      await walkthrough.waitChecked(STEPS[3]);
    });
  });
}
