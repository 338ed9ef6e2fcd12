// The hover on a call: the model's breakdown, and the way to benchmark the call (or, in
// Restricted Mode, why there is none).
import { C_FILE, C_MARKER } from '../expectations.mjs';

export function setup(session) {
  describe('hover', function () {
    before(async function () {
      await session.wb.reset();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });
    after(() => session.wb.hover.dismiss());

    it('hovering the call shows the breakdown', async function () {
      const { hintLine, hover } = session.expect;
      await session.wb.hover.showOn(session.wb.editor.token(hintLine, 'mremap'), hover);
      if (session.takeShots) await session.wb.screenshot('hover');
    });

    if (session.expect.bench) {
      const title = session.restricted ? 'the hover says why benchmarks are off, with no benchmark link' : 'the hover offers "Benchmark this call"';
      it(title, async function () {
        const { hintLine, hover } = session.expect;
        const shown = await session.wb.hover.showOn(session.wb.editor.token(hintLine, 'mremap'), hover);
        const text = await shown.innerText();
        const link = /Benchmark this call/.test(text);
        const why = /Restricted Mode does not allow/.test(text);
        if (session.restricted && (link || !why)) throw new Error(`hover in Restricted Mode: link ${link}, reason ${why}: ${text.slice(-400)}`);
        if (!session.restricted && (!link || why)) throw new Error(`hover in a trusted workspace: link ${link}, reason ${why}: ${text.slice(-400)}`);
      });
    }
  });
}
