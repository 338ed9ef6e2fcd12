// Quick fixes: Ctrl+. on the call offers the rewrite; choosing it rewrites the code, and undo
// brings the original back.
import { C_FILE, C_MARKER } from '../expectations.mjs';

export function setup(session) {
  describe('quick fix', function () {
    before(async function () {
      await session.wb.reset();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });
    after(() => session.wb.reset());

    const call = () => session.wb.editor.token(session.expect.hintLine, 'mremap');

    it('the quick fix menu (Ctrl+.) offers the fix', async function () {
      await session.wb.quickFix.openOn(call(), session.expect.fix);
      if (session.takeShots) await session.wb.screenshot('quick-fix');
    });

    it('choosing the fix rewrites the code, and undo restores it', async function () {
      const { editor, quickFix } = session.wb;
      const { fix, fixed, hintLine } = session.expect;
      await quickFix.openOn(call(), fix);
      await quickFix.choose(fix);
      await editor.waitForText(`the fixed text (${fixed})`, (t) => t.includes(fixed), 10_000);
      await editor.undo();
      await editor.waitForText('the undo', (t) => !t.includes(fixed) && t.includes(hintLine), 10_000);
    });
  });
}
