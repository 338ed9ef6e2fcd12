// Recorded runs (`pagecost record`, issue #13) in the editor. A run of workspace/record/buffer.c,
// recorded by the real CLI into the folder's .pagecost/, changes the hint and the hover of the
// calls it covers (both sessions: a record is data, shown in Restricted Mode too); editing a
// covered line makes the run stale there, and the hover says so; undoing brings it back.
// Trusted session: *pagecost: Record a run…* from the palette runs a command line in a terminal
// and the new record replaces the old one's numbers; Cancel on its progress notification stops a
// program that would run forever, its process group is gone, and what it did is recorded.
// Restricted Mode: the palette offers *Load a recorded run…* but not *Record a run…*.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../../../scripts/lib/until.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FILE = 'buffer.c';
const MARKER = 'round_of';
/** The wrapper call the run covers, and its text on the line. */
const COVERED = 'list = grow(list';

function sh(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 << 20, timeout: 120_000, ...opts }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** The number of calls a record file puts on the covered line. */
function coveredCalls(file) {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  return run.sites.find((s) => s.text.startsWith(COVERED))?.calls ?? null;
}

/** Processes (pid) whose command line starts with `prefix` (the program itself, not pagecost naming it). */
function processesNaming(prefix) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(prefix)) out.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export function setup(session) {
  if (!session.expect.record) return;
  describe('recorded runs', function () {
    this.timeout(120_000);
    let folder;
    let runFile;
    const hint = () => session.wb.editor.hintOnLine(COVERED);
    // A record from the palette is over when its command returned: its progress notification gone
    // and its terminal closed. Closing the terminal hides the panel and gives the editor the focus,
    // which closes a palette opened meanwhile: its keys would go into the editor instead.
    const recordingOver = () => until('the recording to end (its notification and its terminal gone)', async () =>
      !(await session.wb.notifications.showing('pagecost: recording')) && !(await session.wb.panelOpen()), 60_000);

    before(async function () {
      await session.wb.reset();
      folder = join(session.workspace, 'record');
      // Built and recorded by the driver with the CLI the VSIX was built from, as a user would in a terminal.
      await sh('cc', ['-g', '-O0', '-o', join(folder, 'buffer'), join(folder, FILE)]);
      await sh(process.execPath, [join(root, 'dist', 'cli.js'), 'record', '--quiet', '--root', session.workspace, '--', join(folder, 'buffer'), '2'], { cwd: session.workspace });
      runFile = join(session.workspace, '.pagecost', 'buffer.run.json');
      if (coveredCalls(runFile) !== 2) throw new Error(`the record covers the wrapper call with ${coveredCalls(runFile)} calls, not 2`);
      await session.wb.quickOpen.openFile(FILE, MARKER);
    });
    after(() => session.wb.reset());

    it('the covered call\'s hint and hover show what the run saw', async function () {
      const h = await until('the recorded hint on the wrapper call', async () => {
        const t = await hint();
        return /^2( calls ·|×)/.test(t) && t;
      }, 60_000);
      session.log(`hint: ${h}`);
      if (session.takeShots) await session.wb.screenshot('record-hints');
      await session.wb.hover.showOn(session.wb.editor.token(COVERED, 'grow'), /Recorded:.*2 calls/);
      await session.wb.hover.dismiss();
    });

    it('an edit of the covered line makes the run stale there, and undo brings it back', async function () {
      const ed = session.wb.editor;
            // Ctrl+G counts columns as shown: a tab is four.
      const lines = readFileSync(join(folder, FILE), 'utf8').split('\n');
      const lineNo = lines.findIndex((l) => l.includes(COVERED)) + 1;
      const shown = lines[lineNo - 1].replace(/\t/g, '    ');
      await ed.gotoLine(lineNo, shown.indexOf('* 64') + 4 + 1);
      await ed.insertText('0');
      await ed.waitForText('the edit', (t) => t.includes('* 640 * sizeof'));
      await session.wb.hover.showOn(session.wb.editor.token(COVERED, 'grow'), new RegExp(`Recorded run out of date.*line ${lineNo}`));
      const stale = await hint();
      if (/calls/.test(stale)) throw new Error(`the stale run's numbers are still on the line: ${stale}`);
      await session.wb.hover.dismiss();
      await ed.undo();
      await until('the recorded hint back after undo', async () => /^2( calls ·|×)/.test(await hint()), 30_000);
    });

    if (session.restricted) {
      it('Restricted Mode: the palette offers Load a recorded run, not Record a run', async function () {
        const titles = await session.wb.palette.list('pagecost: ', (t) => t.some((x) => /Load a recorded run/.test(x)));
        if (titles.some((t) => /Record a run/.test(t))) throw new Error(`Record a run is offered in Restricted Mode: ${titles.join(' | ')}`);
      });
      return;
    }

    it('Record a run… from the palette runs the command in a terminal, and the new record is shown', async function () {
      const before = statSync(runFile).mtimeMs;
      await session.wb.palette.runAndAnswer('pagecost: Record a run…', './build/myprog', './record/buffer 5');
      await until('the new record', () => existsSync(runFile) && statSync(runFile).mtimeMs > before && coveredCalls(runFile) === 5, 90_000);
      const h = await until('the hint to show the new run', async () => {
        const t = await hint();
        return /^5( calls ·|×)/.test(t) && t;
      }, 60_000);
      session.log(`hint after recording from the palette: ${h}`);
      await recordingOver();
    });

    it('Cancel stops the program and its process group, and keeps what it recorded', async function () {
      const before = statSync(runFile).mtimeMs;
      await session.wb.palette.runAndAnswer('pagecost: Record a run…', './build/myprog', './record/buffer forever');
      await until('the program running', () => processesNaming('./record/buffer\0forever').length > 0, 60_000);
      await session.wb.notifications.press('pagecost: recording', 'Cancel');
      await until('the program gone', () => processesNaming('./record/buffer\0forever').length === 0, 30_000);
      await until('the record of the cancelled run', () => statSync(runFile).mtimeMs > before, 30_000);
      const run = JSON.parse(readFileSync(runFile, 'utf8'));
      if (run.signal !== 'SIGTERM') throw new Error(`the cancelled run ended with ${run.signal ?? `exit ${run.exitCode}`}, not SIGTERM`);
      if (!(coveredCalls(runFile) >= 1)) throw new Error(`nothing kept from the cancelled run: ${coveredCalls(runFile)}`);
      session.log(`cancelled after ${coveredCalls(runFile)} rounds`);
      await recordingOver();
    });
  });
}
