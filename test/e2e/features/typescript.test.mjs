// A TS document (analysed in the extension's worker thread): the hint after a wasm-bindgen
// realloc, its hover, the file's Problems rows. In both sessions: static analysis must work in
// Restricted Mode too. (The self-test's view of the same file is in host.test.mjs.)
import { until } from '../../../scripts/lib/until.mjs';

export function setup(session) {
  const ts = session.expect.ts;
  if (!ts) return;
  describe(`TypeScript (${ts.file})`, function () {
    before(() => session.wb.reset());
    after(() => session.wb.reset());

    it(`Quick Open opens ${ts.file}`, async function () {
      await session.wb.quickOpen.openFile(ts.file, ts.marker);
    });

    it(`an inlay hint follows the wasm-bindgen realloc in ${ts.file}`, async function () {
      await until('a hint on the realloc line', async () => /\d(\.\d+)?\s?(ns|µs|ms)|wins|above/.test(await session.wb.editor.hintOnLine(ts.hintLine)), 60_000);
    });

    it(`hovering ${ts.token} shows the estimate`, async function () {
      await session.wb.hover.showOn(session.wb.editor.token(ts.hintLine, ts.token), /µs|ns|ms/);
      if (session.takeShots) await session.wb.screenshot('ts-hover');
      await session.wb.hover.dismiss();
    });

    it(`the Problems panel lists ${ts.file}'s diagnostics`, async function () {
      await session.wb.problems.show();
      await session.wb.problems.waitForRow(ts.file);
      if (session.takeShots) await session.wb.screenshot('ts-problems');
    });
  });
}
