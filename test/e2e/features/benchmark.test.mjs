// Benchmark and calibrate, run from the palette: they compile and run the C harness in the
// extension host, so they run in a trusted workspace and are not offered in Restricted Mode.
// Runs after the other features of its session: a calibration changes every estimate they check.
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
    after(() => session.wb.reset());

    if (session.restricted) {
      it('the palette offers neither Benchmark nor Calibrate, and no harness was compiled', async function () {
        await session.wb.editor.focus();
        // Our other commands are listed, so the list is the extension's and complete.
        const listed = await session.wb.palette.list('pagecost:', (titles) => titles.some((t) => t.includes('pagecost: Explain the model')));
        const offered = listed.filter((t) => t.includes(BENCH_TITLE) || t.includes(CALIBRATE_TITLE));
        if (offered.length) throw new Error(`offered in Restricted Mode: ${offered.join(' | ')}`);
        if (harnessBinaries(session).length) throw new Error(`a harness was compiled in Restricted Mode: ${harnessBinaries(session)}`);
        if (!existsSync(session.profile.env.XDG_CACHE_HOME)) throw new Error(`the session's cache folder ${session.profile.env.XDG_CACHE_HOME} is missing`);
      });
      return;
    }

    it('"Benchmark the call at the cursor" (palette) compiles and runs the harness; the output shows measured beside modelled', async function () {
      this.timeout(120_000);
      const { editor, palette, output } = session.wb;
      if (harnessBinaries(session).length) throw new Error(`a harness was already in ${session.harnessCache} before the benchmark`);
      await editor.gotoLine(bench.line, bench.column);
      await palette.run(BENCH_TITLE);
      const text = await output.waitFor('the benchmark table in the Output panel',
        (t) => bench.rows.every((r) => r.test(t)) && /ratio = measured median \/ modelled/.test(t), 90_000);
      // Every row has a measured median, a modelled figure and their ratio.
      for (const r of bench.rows) {
        const row = text.split('\n').find((l) => r.test(l));
        if (!/\d(\.\d+)?\s?(ns|µs|ms) \(.*\)\s+\d+\s+\d+(\.\d+)?\s?(ns|µs|ms)\s+\d+(\.\d+)?×/.test(row)) throw new Error(`row without measured/modelled/ratio: ${row}`);
      }
      const built = harnessBinaries(session);
      if (built.length !== 1) throw new Error(`expected the harness compiled into ${session.harnessCache}, found ${JSON.stringify(built)}`);
      if (session.takeShots) await session.wb.screenshot('benchmark');
    });

    it('cancelling a calibration (the notification\'s Cancel) stops the harness and writes nothing', async function () {
      const { palette, output, notifications } = session.wb;
      await palette.run(CALIBRATE_TITLE);
      const toast = notifications.toast(/calibrating the model/);
      // Cancel once the harness is measuring (progress counts its points).
      await until('calibration progress in the notification', async () => /\d+\/\d+ points/.test(await toast.innerText().catch(() => '')), 30_000, 100);
      const running = harnessProcesses(session);
      if (!running.length) throw new Error('no harness process seen while the calibration reported progress');
      await toast.getByRole('button', { name: 'Cancel' }).click();
      await output.waitFor('the cancellation in the Output panel', (t) => /calibrate: The benchmark was cancelled/.test(t), 15_000);
      await until('the harness to be gone', () => harnessProcesses(session).length === 0, 5_000);
      if (calibrationFiles(session).length) throw new Error(`a cancelled calibration wrote ${calibrationFiles(session)}`);
    });

    it('"Calibrate" (palette) runs the quick sweep, and the status item and the hover then name the calibrated profile', async function () {
      this.timeout(180_000);
      const { editor, palette, notifications, statusBar, hover } = session.wb;
      const { hintLine } = session.expect;
      const hintBefore = await editor.hintOnLine(hintLine);
      await palette.run(CALIBRATE_TITLE);
      await until('the calibration to finish (its notification)', () => notifications.toast(/calibrated the model for this machine/).count(), 120_000, 500);
      const files = calibrationFiles(session);
      if (files.length !== 1) throw new Error(`calibrated-profile.json: ${JSON.stringify(files)}`);
      const file = JSON.parse(readFileSync(files[0], 'utf8'));
      if (!(file.fit?.points > 0) || !Object.keys(file.params ?? {}).length) throw new Error(`the calibration file has no fit: ${JSON.stringify(file).slice(0, 300)}`);
      // The language status item ({} in the status bar) shows the profile in use.
      await statusBar.languageStatus(/this machine \(calibrated \d{4}-\d\d-\d\d\)/);
      await session.page.keyboard.press('Escape');
      // "Hints use it now": the call's hover names the profile its figures assume. (The hint's
      // figures usually change too, but a fit can land on the same rounded value: logged only.)
      await hover.showOn(editor.token(hintLine, 'mremap'), /calibrated profile "this machine" \(measured \d{4}-\d\d-\d\d\)/, 15_000);
      session.log(`hint ${JSON.stringify(hintBefore)} -> ${JSON.stringify(await editor.hintOnLine(hintLine))} (calibrated)`);
      if (session.takeShots) await session.wb.screenshot('calibrated');
      await hover.dismiss();
    });
  });
}
