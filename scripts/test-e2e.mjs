#!/usr/bin/env node
// Tier 3 (TESTING.md): the extension installed from its VSIX into code-server, running in the
// server's Node 24 extension host, driven by headless Chromium. This runner only decides what
// to run and makes sure it ends: the launcher is scripts/lib/codeServer.mjs + chromium.mjs, the
// page objects are test/e2e/workbench/, the tests are test/e2e/features/*.test.mjs (mocha), run
// in one session per mode by test/e2e/main.mjs. See test/e2e/README.md.
//
//   node scripts/test-e2e.mjs                   the real extension (./pagecost.vsix, from `npm run package`)
//   node scripts/test-e2e.mjs --probe           the stand-in extension in test/e2e/probe/
//   --vsix FILE                                 a given VSIX
//   --only hints,hover                          only these feature files (test/e2e/features/<name>.test.mjs)
//   --grep TEXT                                 only tests whose title contains TEXT (mocha's grep)
//   --update-screenshots                        also copy the pictures into media/screenshots/ and media/walkthrough/
//   --no-restricted                             skip the Restricted Mode session
//   --no-npm-start                              skip the session that runs `npm start`
//   --keep                                      keep the temporary folder (logs, screenshots)
//
// Setup first: node scripts/e2e-setup.mjs. Every wait polls a condition with a deadline; the
// whole run has a watchdog; code-server and Chromium are stopped on every exit path. The last
// line is "e2e: N passed, N failed" (CI reads it).
import Mocha from 'mocha';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedGallery } from './lib/codeServer.mjs';
import { cacheDir, e2ePaths, isSetUp } from './e2e-setup.mjs';
import { packVsix } from '../test/e2e/lib/vsix.mjs';
import { EXPECT } from '../test/e2e/expectations.mjs';
import { makeReporter } from '../test/e2e/reporter.mjs';
import { run } from '../test/e2e/run.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

// The whole run's limit, for hangs mocha cannot see (a browser or server that never answers): each
// test and hook has its own timeout. Three sessions take ~4 min on an idle 2-core machine and over
// 6 min at load 15, which a tighter limit would report as a hang.
const WATCHDOG_MS = Number(process.env.PAGECOST_E2E_TIMEOUT_MS ?? 20 * 60_000);
/** Pictures the trusted session takes for the README and the walkthrough: shot name -> file. */
const PICTURES = {
  ...Object.fromEntries(['inlay-hints', 'hover', 'problems', 'quick-fix', 'ts-hover', 'ts-problems', 'index-caller-hint', 'scan-workspace', 'panel-dark', 'panel-light', 'record-hints'].map((n) => [n, `media/screenshots/${n}.png`])),
  ...Object.fromEntries(['hints', 'hover', 'quick-fix', 'panel'].map((n) => [`walkthrough-${n}`, `media/walkthrough/${n}.png`])),
};

/** Failures outside mocha (no setup, no VSIX, the watchdog); mocha's own are in its runner's stats. */
let failedOutside = 0;
let mochaRunner = null;
const passed = () => mochaRunner?.stats?.passes ?? 0;
const failed = () => failedOutside + (mochaRunner?.stats?.failures ?? 0);
const summary = () => `e2e: ${passed()} passed, ${failed()} failed`;
const log = run.log;

async function cleanup() {
  while (run.cleanups.length) {
    const fn = run.cleanups.pop();
    try { await fn(); } catch (e) { log(`cleanup: ${e.message}`); }
  }
}

function findVsix(tmp) {
  if (run.extension === 'probe') return packVsix(join(root, 'test', 'e2e', 'probe'), join(tmp, 'probe.vsix'));
  const given = opt('--vsix');
  if (given) return given;
  // `npm run package` writes pagecost.vsix; vsce's own default name is <name>-<version>.vsix.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return [join(root, `${pkg.name}.vsix`), join(root, `${pkg.name}-${pkg.version}.vsix`)].find((f) => existsSync(f)) ?? join(root, `${pkg.name}.vsix`);
}

async function main() {
  if (!isSetUp()) throw new Error('tier 3 is not set up: run `node scripts/e2e-setup.mjs` first');
  run.extension = flag('--probe') ? 'probe' : 'real';
  run.expect = EXPECT[run.extension];
  run.setup = e2ePaths();
  run.cacheDir = cacheDir;
  run.sessions = flag('--no-restricted') ? ['trusted'] : ['trusted', 'restricted'];
  // `npm start` serves this checkout's own pagecost.vsix: only when that is what is tested.
  if (run.extension === 'real' && !opt('--vsix') && !flag('--no-npm-start')) run.sessions.push('npm start');
  run.only = opt('--only')?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
  run.tmp = mkdtempSync(join(tmpdir(), 'pagecost-e2e-'));
  // Playwright's own temporary files (artifacts) go inside the run's folder too.
  process.env.TMPDIR = join(run.tmp, 'tmp');
  mkdirSync(process.env.TMPDIR);
  if (flag('--keep')) log(`keeping ${run.tmp}`);
  else {
    run.cleanups.unshift(() => {
      if (failed()) log(`kept ${run.tmp} for the failure (code-server logs, screenshots FAILED-*.png)`);
      else rmSync(run.tmp, { recursive: true, force: true });
    });
  }
  run.vsix = findVsix(run.tmp);
  if (!existsSync(run.vsix)) throw new Error(`no VSIX at ${run.vsix}: run \`npm run package\` first (or pass --probe)`);
  log(`${run.extension} extension from ${run.vsix}`);
  run.gallery = await closedGallery();

  const mocha = new Mocha({ reporter: makeReporter(log), timeout: 60_000, slow: 10_000 });
  if (opt('--grep')) mocha.grep(opt('--grep'));
  mocha.addFile(join(root, 'test', 'e2e', 'main.mjs'));
  await mocha.loadFilesAsync();
  await new Promise((resolve) => { mochaRunner = mocha.run(resolve); });

  const shots = join(run.tmp, 'trusted', 'shots');
  if (flag('--update-screenshots') && run.sessions.includes('trusted')) {
    const copied = [];
    for (const [n, to] of Object.entries(PICTURES)) {
      const f = join(shots, `${n}.png`);
      if (!existsSync(f)) continue;
      mkdirSync(dirname(join(root, to)), { recursive: true });
      copyFileSync(f, join(root, to));
      copied.push(to);
    }
    log(`screenshots copied: ${copied.join(', ') || 'none'}`);
  } else {
    log(`screenshots in ${shots}${flag('--keep') || failed() ? '' : ' (removed at exit; --keep keeps them)'}`);
  }
}

let hung = false;
const watchdog = setTimeout(async () => {
  hung = true;
  console.error(`e2e: HUNG — the run passed its ${WATCHDOG_MS / 1000} s limit; stopping code-server and Chromium`);
  failedOutside++;
  await cleanup();
  console.log(summary());
  process.exit(1);
}, WATCHDOG_MS);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

try {
  await main();
} catch (e) {
  failedOutside++;
  console.error(`e2e: ERROR: ${e.message}`);
} finally {
  if (!hung) {
    // (When the watchdog fired, it is stopping everything and prints the summary itself.)
    await cleanup();
    clearTimeout(watchdog);
    console.log(summary());
    process.exitCode = failed() ? 1 : 0;
  }
}
