// Benchmark and calibrate, run from the palette: they open the benchmark panel and compile and run
// the C harness in the extension host there, so they measure only in a trusted workspace; in
// Restricted Mode the palette still offers them and they explain instead. Runs after the other
// features of its session: a calibration changes every estimate they check.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { processesWhere } from '../../../scripts/lib/processes.mjs';
import { until } from '../../../scripts/lib/until.mjs';
import { C_FILE, C_MARKER } from '../expectations.mjs';

const BENCH_TITLE = 'pagecost: Benchmark the call at the cursor';
const CALIBRATE_TITLE = 'pagecost: Calibrate the model for this machine';

/** Harness binaries the runner compiled into the session's cache folder. */
function harnessBinaries(session) {
  const dir = session.harnessCache;
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^harness-[0-9a-f]{16}$/.test(f)) : [];
}

/** Processes running a program from the session's harness cache. */
function harnessProcesses(session) {
  return processesWhere(([program]) => program.startsWith(session.harnessCache));
}

/** calibrated-profile.json wherever the extension's global storage is. */
function calibrationFiles(session) {
  const found = [];
  const walk = (d, depth) => {
    if (depth > 6 || !existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), depth + 1);
      else if (e.name === 'calibrated-profile.json') found.push(join(d, e.name));
    }
  };
  walk(join(session.profile.userData, 'User'), 0);
  return found;
}

export function setup(session) {
  const bench = session.expect.bench;
  if (!bench) return;
  describe('benchmark and calibrate', function () {
    before(async function () {
      await session.wb.reset();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });
    after(async () => {
      await session.wb.benchmarkPanel.close();
      await session.wb.reset();
    });

    if (session.restricted) {
      it('the palette offers Benchmark and Calibrate, which explain why measuring is off and compile nothing', async function () {
        const { editor, palette, notifications } = session.wb;
        await editor.focus();
        // Our other commands are listed, so the list is the extension's and complete.
        const listed = await palette.list('pagecost:', (titles) => titles.some((t) => t.includes('pagecost: Explain the model')));
        for (const title of [BENCH_TITLE, CALIBRATE_TITLE]) if (!listed.some((t) => t.includes(title))) throw new Error(`not offered in Restricted Mode: ${title}`);
        await editor.gotoLine(bench.line, bench.column);
        await palette.run(BENCH_TITLE);
        const toast = notifications.toast(/Restricted Mode/);
        await until('the explanation', () => toast.count(), 10_000);
        if (!(await toast.getByRole('button', { name: 'Show the model' }).count())) throw new Error('the explanation offers no "Show the model"');
        await toast.getByRole('button', { name: 'Show the model' }).click();
        const why = await until('the model-only panel', async () => {
          const t = await session.wb.benchmarkPanel.text('#blocked').catch(() => '');
          return /Restricted Mode/.test(t) && t;
        }, 20_000, 250);
        session.log(`model-only panel: ${why}`);
        if (harnessBinaries(session).length) throw new Error(`a harness was compiled in Restricted Mode: ${harnessBinaries(session)}`);
        if (!existsSync(session.profile.env.XDG_CACHE_HOME)) throw new Error(`the session's cache folder ${session.profile.env.XDG_CACHE_HOME} is missing`);
      });
      return;
    }

    it('"Benchmark the call at the cursor" (palette) opens the panel on the call and measures it at its size', async function () {
      this.timeout(120_000);
      const { editor, palette, benchmarkPanel: panel } = session.wb;
      await editor.gotoLine(bench.line, bench.column);
      await palette.run(BENCH_TITLE);
      // What the panel's view shows (sent again whenever its page loads), not its log: a log line
      // posted while the page reloads (the panel revealed again) is lost.
      await until('the panel on the call at the cursor', async () => /^call at grow\.c:18\b/.test(await panel.text('#results-about').catch(() => '')), 30_000, 250);
      // Measured median, p10–p90, modelled and their ratio, once the run is over.
      const measured = (r, op) => r[0] === op && r[1] === bench.size && r[2] === '1' && /\d(\.\d+)?\s?(ns|µs|ms)$/.test(r[3]) && /\d(\.\d+)?\s?(ns|µs|ms)$/.test(r[5]) && /^\d+(\.\d+)?×$/.test(r[6]);
      let rows = [];
      await until(`the run to end with measured ${bench.ops.join(', ')} rows at ${bench.size}`, async () => {
        if (await panel.running()) return false;
        rows = await panel.rows();
        return bench.ops.every((op) => rows.some((r) => measured(r, op)));
      }, 90_000, 250).catch((e) => {
        throw new Error(`${e.message}; rows: ${JSON.stringify(rows.slice(0, 4))}`);
      });
      const built = harnessBinaries(session);
      if (built.length !== 1) throw new Error(`expected one harness compiled into ${session.harnessCache}, found ${JSON.stringify(built)}`);
    });

    it('a calibration cancelled in the panel stops the harness and writes nothing', async function () {
      this.timeout(60_000);
      const { palette, benchmarkPanel: panel } = session.wb;
      await palette.run(CALIBRATE_TITLE);
      await until('calibration progress in the panel', async () => {
        const m = /^(\d+)\/\d+ points/.exec(await panel.progress());
        return m && Number(m[1]) >= 3;
      }, 30_000, 100);
      if (!harnessProcesses(session).length) throw new Error('no harness process seen while the calibration reported progress');
      await panel.click('Cancel');
      await panel.waitForRunEnd(15_000);
      await until('the harness to be gone', () => harnessProcesses(session).length === 0, 5_000);
      if (calibrationFiles(session).length) throw new Error(`a cancelled calibration wrote ${calibrationFiles(session)}`);
    });

    it('"Calibrate" (palette) fits the model in the panel; "Use this calibration for hints" makes the status item and the hover name it', async function () {
      this.timeout(180_000);
      const { editor, palette, statusBar, hover, benchmarkPanel: panel } = session.wb;
      const { hintLine } = session.expect;
      await palette.run(CALIBRATE_TITLE);
      await until('the calibration\'s before/after table', async () => (await panel.text('#calibration-table')).includes('Off after'), 150_000, 500);
      const summary = await panel.text('#calibration-table');
      session.log(`calibration, median factor off per op:\n      ${summary.split('\n').join('\n      ')}`);
      if (calibrationFiles(session).length) throw new Error('the calibration was used before the user said so');
      await panel.click('Use this calibration for hints');
      await until('the calibration file', () => calibrationFiles(session).length === 1, 10_000);
      await until('the panel to say the hints use it', async () => /Hints use: this machine \(calibrated\)/.test(await panel.text('#hint-profile')), 10_000, 200);
      const file = JSON.parse(readFileSync(calibrationFiles(session)[0], 'utf8'));
      if (!(file.fit?.points > 0) || !Object.keys(file.params ?? {}).length) throw new Error(`the calibration file has no fit: ${JSON.stringify(file).slice(0, 300)}`);
      if (session.takeShots) await session.wb.screenshot('calibrated');
      // The language status item ({} in the status bar) shows the profile in use.
      await panel.close();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
      await statusBar.languageStatus(/this machine \(calibrated \d{4}-\d\d-\d\d\)/);
      await session.page.keyboard.press('Escape');
      await hover.showOn(editor.token(hintLine, 'mremap'), /calibrated profile "this machine" \(measured \d{4}-\d\d-\d\d\)/, 15_000);
      await hover.dismiss();
    });
  });
}
