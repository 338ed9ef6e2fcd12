// The Problems panel lists the call's diagnostic.
import { C_FILE, C_MARKER } from '../expectations.mjs';

export function setup(session) {
  describe('Problems panel', function () {
    before(async function () {
      await session.wb.reset();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });
    after(() => session.wb.problems.hide());

    it('the Problems panel lists the diagnostic', async function () {
      await session.wb.problems.show();
      await session.wb.problems.waitForRow(session.expect.problem);
      if (session.takeShots) await session.wb.screenshot('problems');
    });
  });
}
