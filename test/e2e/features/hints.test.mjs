// Inlay hints in a C file: the modelled cost after the call, on the call's line; kept on screen
// while the user types; recomputed when an edit changes the size the call moves.
import { until } from '../../../scripts/lib/until.mjs';
import { C_FILE, C_MARKER } from '../expectations.mjs';

/**
 * The size the edit produced in the first session: the same text must give the same size in every
 * session. The cost beside it is the profile's, and sessions differ there: a trusted one probes
 * this machine on first use (issue 12), Restricted Mode keeps the built-in x86-64.
 */
let editedSize;

export function setup(session) {
  describe('inlay hints', function () {
    before(() => session.wb.reset());

    it(`Quick Open opens ${C_FILE}`, async function () {
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });

    it('an inlay hint follows the mremap call', async function () {
      const { editor } = session.wb;
      const { hint, hintLine } = session.expect;
      await until(`an inlay hint matching ${hint}`, async () => {
        const hints = await editor.inlayHints();
        return hints.some((h) => hint.test(h)) && hints;
      }, 45_000);
      const line = await editor.lineText(hintLine);
      if (!hint.test(line)) throw new Error(`the hint is not on the line of the call: ${line}`);
      await session.wb.screenshot(session.restricted ? 'restricted-hints' : 'inlay-hints');
    });

    it('typing keeps the hints (no flicker)', async function () {
      const { editor } = session.wb;
      const { hint } = session.expect;
      // Watch every mutation of the editor lines from before the first keystroke until the
      // analysis of the new text has been shown; record whether the hints ever went away.
      const watch = await editor.watchHints(hint);
      await editor.gotoLine(15, 4);
      await editor.type('X');
      await editor.waitForText('the typed character in the text', (t) => t.includes('/* XMoves'), 5_000);
      const now = await editor.inlayHints();
      if (!now.some((h) => hint.test(h))) throw new Error(`no hint right after typing: ${JSON.stringify(now)}`);
      // …and through the re-analysis: until the editor settles (no mutation for 1.5 s).
      await editor.settle();
      const min = await watch.stop();
      if (min === 0) throw new Error('the hints disappeared for a moment while the edit was analysed');
      const after = await editor.inlayHints();
      if (!after.some((h) => hint.test(h))) throw new Error(`no hint after the edit settled: ${JSON.stringify(after)}`);
      await editor.undo();
      await editor.waitForText('the undo', (t) => !t.includes('/* XMoves'), 5_000);
    });

    const edit = session.expect.edit;
    if (edit) {
      it('editing the size updates the hint while typing', async function () {
        const { editor } = session.wb;
        const { hint, hintLine } = session.expect;
        const before = await editor.hintOnLine(hintLine);
        if (!hint.test(before)) throw new Error(`no hint on the call line before the edit: ${before}`);
        await editor.gotoLine(edit.line, edit.column);
        await session.page.keyboard.press('Shift+ArrowRight');
        // One insertion, so that no intermediate text (e.g. "6 * PAGE") can produce the new hint.
        await editor.insertText(edit.to);
        await editor.waitForText('the edited text', (t) => t.includes(`(${edit.to} * PAGE)`), 5_000);
        const after = await until('the hint to change after the edit', async () => {
          const h = await editor.hintOnLine(hintLine);
          return h !== before && hint.test(h) && h;
        }, 20_000);
        session.log(`hint ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
        await editor.undo();
        await editor.waitForText('the undo', (t) => t.includes(`(${edit.from} * PAGE)`), 5_000);
        const size = after.split(':')[0];
        if (editedSize === undefined) editedSize = size;
        else if (size !== editedSize) throw new Error(`the edited text gave ${JSON.stringify(after)} here but the size ${JSON.stringify(editedSize)} in the first session`);
      });
    }
  });
}
