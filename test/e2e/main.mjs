// The tier-3 suite (mocha, loaded by scripts/test-e2e.mjs): one code-server + Chromium session
// per mode, and in each, every feature file's tests. Starting a session costs seconds on 2 cores,
// so feature files share it instead of starting their own; each file still sets up what it needs
// (opens its file, closes what it opened), so it reads and runs alone (--only NAME).
//
// FEATURES is the order they run in. A feature that changes what later ones see (calibration
// changes every estimate) goes last. Every *.test.mjs in features/ must be listed.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './run.mjs';
import { NPM_START, NpmStartSession } from './npmStartSession.mjs';
import { Session } from './session.mjs';

const FEATURES = [
  'host', // the extension runs in the server's Node host; trust as configured
  'hints', // inlay hints: shown, kept while typing, updated by edits
  'hover', // the breakdown on hover; the benchmark link or why not
  'problems', // the Problems panel
  'quickFix', // Ctrl+. and applying a fix
  'typescript', // a TS document through the worker
  'extensionPage', // the installed VSIX: icon and README images; activation time
  'walkthrough', // Get started with pagecost: its pictures, buttons and checkmarks
  'index', // the workspace index: a cross-file chain, an edited wrapper, a reload, Scan the workspace = the CLI
  'record', // recorded runs: hint and hover from .pagecost/, stale after an edit, Record a run… and its Cancel
  'panel', // the benchmark panel: a run, a cancel, a reload, another machine
  'benchmark', // benchmark and calibrate from the palette (last: calibration changes estimates)
  'npmStart', // (its own session) what `npm start` serves, and Ctrl-C
];

const dir = join(dirname(fileURLToPath(import.meta.url)), 'features');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).map((f) => f.slice(0, -'.test.mjs'.length));
const unlisted = files.filter((f) => !FEATURES.includes(f));
if (unlisted.length) throw new Error(`test/e2e/features/${unlisted[0]}.test.mjs is not in FEATURES of test/e2e/main.mjs: add it there, in the order it should run`);
const unknown = (run.only ?? []).filter((f) => !FEATURES.includes(f));
if (unknown.length) throw new Error(`--only ${unknown.join(',')}: no such feature (features: ${FEATURES.join(', ')})`);

const features = [];
for (const name of FEATURES.filter((f) => !run.only || run.only.includes(f))) {
  features.push(await import(join(dir, `${name}.test.mjs`)));
}

/** Where a feature runs: its `sessions` export, else the two sessions of the extension under test. */
const DEFAULT_SESSIONS = ['trusted', 'restricted'];

for (const name of run.sessions) {
  const session = name === NPM_START ? new NpmStartSession() : new Session(name);
  const here = features.filter((f) => (f.sessions ?? DEFAULT_SESSIONS).includes(name));
  if (!here.length) continue;
  describe(`${name} session`, function () {
    before(`start code-server and Chromium, open the workspace (${name})`, async function () {
      this.timeout(240_000);
      await session.start();
    });
    after(`stop Chromium and code-server (${name})`, async function () {
      this.timeout(30_000);
      await session.stop();
    });
    for (const feature of here) feature.setup(session);
    screenshotFailures(this, session);
  });
}

/**
 * A failing test or hook leaves a picture of the page beside the logs (FAILED-<title>.png). Each
 * test's and hook's function is wrapped, so the picture is taken before any `after` hook closes
 * what failed.
 */
function screenshotFailures(suite, session) {
  const wrap = (runnable) => {
    const fn = runnable.fn;
    if (!fn) return;
    runnable.fn = async function () {
      try {
        return await fn.call(this);
      } catch (e) {
        const name = `FAILED-${runnable.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
        const file = session.wb ? await session.wb.screenshot(name).catch(() => null) : null;
        if (file) run.log(`    (screenshot of the failure: ${file})`);
        throw e;
      }
    };
  };
  for (const child of suite.suites) {
    child.tests.forEach(wrap);
    for (const hooks of [child._beforeAll, child._beforeEach, child._afterEach]) hooks.forEach(wrap);
    screenshotFailures(child, session);
  }
}
