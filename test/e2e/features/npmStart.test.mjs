// `npm start`, as the README's newcomer meets it: run it, open the URL it prints, and within a
// minute see a hint, a warning and a hover in an example; Ctrl-C then stops everything it
// started. Runs only in the session that npm start itself started (npmStartSession.mjs).
import { until } from '../../../scripts/lib/until.mjs';
import { NPM_START } from '../npmStartSession.mjs';

export const sessions = [NPM_START];

const EXAMPLE = 'ring.c';
const CALL_LINE = 'void *p = mremap(r->base';

export function setup(session) {
  describe('npm start', function () {
    it('prints a loopback URL and no password; the workbench it serves shows examples/', async function () {
      const out = session.printed();
      if (!/http:\/\/127\.0\.0\.1:\d+\//.test(out)) throw new Error(`no loopback URL in:\n${out}`);
      if (!/No password: it listens on 127\.0\.0\.1 only/.test(out)) throw new Error(`it does not say how to log in:\n${out}`);
      session.log(`npm start: ready ${(session.readyMs / 1000).toFixed(1)} s after it was run`);
    });

    it(`within a minute of opening the URL: a hint, a warning and a hover in ${EXAMPLE}`, async function () {
      this.timeout(90_000);
      const { wb } = session;
      const opened = Date.now();
      await wb.quickOpen.openFile(EXAMPLE, 'ring_grow_big');
      const shownMs = Date.now() - opened;
      const hint = await until('an inlay hint on the mremap call', async () => {
        const h = await wb.editor.hintOnLine(CALL_LINE);
        return /\d(\.\d+)?\s?(ns|µs|ms)/.test(h) && h;
      }, 60_000);
      const hintMs = Date.now() - opened;
      await wb.problems.show();
      const warning = await wb.problems.waitForRow(/mremap-slower-than-memcpy|memcpy is \d+(\.\d+)?× cheaper/, 30_000);
      await wb.problems.hide();
      await wb.hover.showOn(wb.editor.token(CALL_LINE, 'mremap'), /copy|memcpy/);
      await wb.hover.dismiss();
      const total = Date.now() - opened;
      if (total > 60_000) throw new Error(`took ${total} ms from opening the file to the hover`);
      session.log(`npm start: ${EXAMPLE} shown ${shownMs} ms after Quick Open, hint "${hint}" ${hintMs} ms; warning "${warning.split('\n')[0].slice(0, 80)}"; hover by ${total} ms; ${((Date.now() - session.startedAt) / 1000).toFixed(1)} s from running npm start`);
    });

    it('the walkthrough\'s first step opens examples/swap/swap.c from the folder (not a copy)', async function () {
      const { walkthrough, editor } = session.wb;
      await walkthrough.open('Get started with pagecost');
      await walkthrough.press('Open an example and read its hints', 'Open the swap example');
      await editor.waitForText('swap.c in the editor', (t) => t.includes('swap_by_mremap'), 20_000);
      const tab = await session.page.locator('.tabs-container .tab.active').getAttribute('data-resource-name');
      if (tab !== 'swap.c') throw new Error(`expected examples/swap/swap.c, the active tab is ${tab}`);
    });

    it('Ctrl-C stops npm start and everything it started', async function () {
      await session.stopBrowser();
      const { code, output } = await session.interrupt();
      if (!/start: Ctrl-C; stopped code-server/.test(output)) throw new Error(`npm start did not say it stopped code-server (exit ${code}):\n${output.slice(-800)}`);
      await until('no process of the profile left', () => session.processesOfProfile().length === 0, 10_000, 200)
        .catch(() => { throw new Error(`still running after Ctrl-C:\n${session.processesOfProfile().join('\n')}`); });
    });
  });
}
