#!/usr/bin/env node
// Tier 3 (TESTING.md): the extension installed from its VSIX into code-server, running in the
// server's Node 24 extension host, driven by headless Chromium through playwright-core. Checks
// what a person sees: the inlay hint after a call, a diagnostic in the Problems panel, a hover,
// the quick-fix menu, hints that survive typing; then the same in Restricted Mode.
//
//   node scripts/test-e2e.mjs                   the real extension (./<name>-<version>.vsix, from `npm run package`)
//   node scripts/test-e2e.mjs --probe           the stand-in extension in test/e2e/probe/
//   node scripts/test-e2e.mjs --vsix FILE       a given VSIX
//   --update-screenshots                        also copy the screenshots into media/screenshots/
//   --no-restricted                             skip the Restricted Mode run
//   --keep                                      keep the temporary folder (logs, screenshots)
//
// Setup first: node scripts/e2e-setup.mjs. Every wait polls a condition with a deadline; the
// whole run has a watchdog; code-server and Chromium are stopped on every exit path.
import { spawn } from 'node:child_process';
import {
  copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, createWriteStream,
} from 'node:fs';
import { createRequire } from 'node:module';
import { freePort } from './lib/freePort.mjs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, e2ePaths, isSetUp } from './e2e-setup.mjs';
import { packVsix } from '../test/e2e/lib/vsix.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const WATCHDOG_MS = Number(process.env.PAGECOST_E2E_TIMEOUT_MS ?? 6 * 60_000);
const CHROMIUM = process.env.PAGECOST_E2E_CHROMIUM ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1400, height: 900 };

// ---------------------------------------------------------------------------------------------
// What the extension under test is expected to show, per mode.
const FIXTURE = 'grow.c';
const EXPECT = {
  probe: {
    id: 'pagecost-e2e.pagecost-e2e-probe',
    hint: /probe mremap ≈ 12 µs/,
    hintLine: 'moved = mremap(slot',
    problem: /probe: this mremap moves 16 KiB/,
    hover: /probe hover/,
    fix: /probe: replace with memcpy/,
    fixed: '/* probe */ mremap(slot',
    selfTest: true,
  },
  real: {
    id: 'pagecost.pagecost',
    hint: /\d(\.\d+)?\s?(ns|µs|ms)/,
    hintLine: 'moved = mremap(slot',
    problem: /memcpy is \d+(\.\d+)?× cheaper/,
    hover: /memcpy/,
    fix: /Copy with memcpy into spare/,
    // What applying the fix leaves in the text.
    fixed: 'memcpy(spare, slot, SLOT_BYTES);',
    // Editing the size the call moves changes its hint: SLOT_BYTES 4 pages -> 64 pages.
    edit: { line: 8, column: 21, from: '4', to: '64' },
    // src/extension/selfTest.ts writes it (PAGECOST_E2E_RESULTS).
    selfTest: true,
    // Benchmark and calibrate through the palette (the real extension only).
    bench: {
      // The mremap in slot_move: 16 KiB moved with MREMAP_FIXED, measured as mremap-move against memcpy.
      line: 18, column: 18,
      rows: [/mremap-move\s+16 KiB\s+1\s+\d/, /memcpy-warm\s+16 KiB\s+1\s+\d/],
    },
    // A TS document (test/e2e/workspace/grow.ts), analysed in the extension's worker thread: in
    // both sessions, since static analysis must work in Restricted Mode too.
    ts: {
      file: 'grow.ts',
      marker: 'growInWasm',
      hintLine: 'wasm.__wbindgen_realloc(ptr',
      token: '__wbindgen_realloc',
      // The wasm-bindgen realloc on line 8, the `+ 1024` copy-grow in the loop (lines 16-19).
      sites: [{ callee: 'wasm-realloc', lines: [8, 8] }, { callee: 'copy-grow', lines: [16, 19] }],
      rules: ['js-grow-cost', 'js-linear-growth'],
      problem: /grow|1024|linear/i,
    },
  },
};

// ---------------------------------------------------------------------------------------------
const cleanups = [];
let failed = 0;
let passed = 0;
const results = [];
/** Where a failing check leaves a screenshot of the page. */
const failShots = { page: null, dir: null };

function log(msg) {
  console.log(`e2e: ${msg}`);
}

async function check(name, fn) {
  const t = Date.now();
  try {
    await fn();
    passed++;
    results.push({ name, ok: true });
    log(`  ✓ ${name} (${Date.now() - t} ms)`);
    return true;
  } catch (e) {
    failed++;
    results.push({ name, ok: false, error: e.message });
    if (failShots.page) {
      const file = join(failShots.dir, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
      await failShots.page.screenshot({ path: file }).then(() => log(`  (screenshot of the failure: ${file})`), () => {});
    }
    log(`  ✗ ${name}: ${e.message.split('\n').slice(0, 6).join('\n      ')}`);
    return false;
  }
}

/** Polls `fn` until it returns a truthy value; throws `what` with the last value at the deadline. */
async function until(what, fn, timeoutMs = 20_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? ` (last: ${JSON.stringify(last)?.slice(0, 300)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs a program to completion with a timeout; resolves with its output. */
function runTo(cmd, args, { env, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n${out.slice(-2000)}`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out.slice(-2000)}`));
    });
  });
}

function killTree(child, name) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      resolve();
    }, 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    try { process.kill(-child.pid, 'SIGTERM'); } catch { clearTimeout(timer); resolve(); }
    log(`stopped ${name} (pid ${child.pid})`);
  });
}

async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { await fn(); } catch (e) { log(`cleanup: ${e.message}`); }
  }
}

// ---------------------------------------------------------------------------------------------
// code-server

function nodeEnv(p, extra = {}) {
  return { ...process.env, PATH: `${join(p.nodeDir, 'bin')}${delimiter}${process.env.PATH}`, ...extra };
}

/** XDG folders inside the run's temporary folder: code-server writes logs and a heartbeat there, not in $HOME. */
function xdgEnv(base) {
  const env = {};
  for (const [k, d] of [['XDG_DATA_HOME', 'xdg-data'], ['XDG_CONFIG_HOME', 'xdg-config'], ['XDG_CACHE_HOME', 'xdg-cache'], ['XDG_STATE_HOME', 'xdg-state']]) {
    env[k] = join(base, d);
    mkdirSync(env[k], { recursive: true });
  }
  return env;
}

function writeUserSettings(userDataDir) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'editor.minimap.enabled': false,
    'editor.fontSize': 15,
    'editor.inlayHints.enabled': 'on',
    'editor.hover.delay': 150,
    'editor.lightbulb.enabled': 'off',
    'workbench.colorTheme': 'Default Dark Modern',
    'window.restoreWindows': 'none',
    'files.autoSave': 'off',
    'C_Cpp.intelliSenseEngine': 'disabled',
  }, null, 2));
}

async function installExtension(p, dirs, vsix) {
  const out = await runTo(p.node, [
    p.codeServerEntry,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.ext,
    '--config', dirs.config,
    '--install-extension', vsix,
    '--force',
  ], { env: nodeEnv(p, dirs.env), timeoutMs: 180_000 });
  if (!/successfully installed/i.test(out)) throw new Error(`--install-extension did not report success:\n${out.slice(-2000)}`);
}

async function startServer(p, dirs, { trust }) {
  const port = await freePort();
  const args = [
    p.codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.ext,
    '--config', dirs.config,
    dirs.workspace,
  ];
  const logFile = join(dirs.tmp, `code-server-${port}.log`);
  const logStream = createWriteStream(logFile);
  const child = spawn(p.node, args, { env: nodeEnv(p, dirs.env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  cleanups.push(() => killTree(child, 'code-server'));
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal ?? `exit ${code}`; });
  const url = `http://127.0.0.1:${port}`;
  await until('code-server to answer /healthz', async () => {
    if (exited) throw new Error(`code-server ended (${exited}) before it served; log:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  }, 60_000, 200).catch((e) => {
    if (e.message.includes('code-server ended')) throw e;
    throw new Error(`${e.message}; log:\n${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : ''}`);
  });
  return { url, port, child, logFile };
}

// ---------------------------------------------------------------------------------------------
// The page

async function launchBrowser(tmp) {
  const require = createRequire(join(cacheDir, 'package.json'));
  const { chromium } = require('playwright-core');
  const browser = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORT,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 60_000,
  });
  cleanups.push(async () => {
    await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
    log('closed Chromium');
  });
  return browser;
}

/** The text of the editor's visible lines, with the non-breaking spaces Monaco renders made plain. */
const editorText = (page) => page.evaluate(() => {
  const ed = document.querySelector('.editor-instance .monaco-editor .view-lines');
  return ed ? ed.innerText.replace(/\u00a0/g, ' ') : '';
});

/** Inlay hints currently rendered in the active editor: their texts. */
const inlayHints = (page) => page.evaluate(() => {
  // Monaco renders inlay hints as injected text inside the line: spans whose class names are
  // generated per decoration ("dyn-rule-N-M"); the label is their text.
  const ed = document.querySelector('.editor-instance .monaco-editor .view-lines');
  if (!ed) return [];
  const spans = [...ed.querySelectorAll('span[class*="dyn-rule"]')];
  return spans.map((s) => s.textContent.replace(/\u00a0/g, ' ').trim()).filter(Boolean);
});

/** The inlay hint text on the first visible line containing `lineText`. */
async function hintOnLine(page, lineText) {
  const spans = await page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: lineText }).first()
    .locator('span[class*="dyn-rule"]').allTextContents();
  return spans.map((t) => t.replace(/\u00a0/g, ' ').trim()).filter(Boolean).join(' ');
}

/** Whether the installed extension's main bundle mentions `word` (e.g. it has the self-test hook). */
function installedMentions(dirs, id, word) {
  const dir = readdirSync(dirs.ext).find((d) => d.toLowerCase().startsWith(`${id.toLowerCase()}-`));
  if (!dir) return false;
  const pkg = JSON.parse(readFileSync(join(dirs.ext, dir, 'package.json'), 'utf8'));
  const main = join(dirs.ext, dir, pkg.main ?? 'extension.js');
  const file = existsSync(main) ? main : `${main}.js`;
  return existsSync(file) && readFileSync(file, 'utf8').includes(word);
}

/**
 * Hovers `token` until a hover containing `text` is shown. A single hover can be lost (the
 * pointer event lands while the editor re-renders, or the language's own hover provider is still
 * starting), so the pointer leaves and comes back every few seconds until `timeoutMs`.
 */
async function hoverUntilShown(page, token, text, timeoutMs = 30_000) {
  await token.waitFor({ state: 'visible', timeout: 10_000 });
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: text }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.mouse.move(5, VIEWPORT.height - 5);
    await token.hover();
    try {
      await hover.waitFor({ state: 'visible', timeout: Math.min(5_000, Math.max(1, deadline - Date.now())) });
      return hover;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
    }
  }
}

async function shot(page, dirs, name) {
  const file = join(dirs.shots, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

async function openWorkbench(page, url, folder) {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The explorer lists the fixture once the remote file system answers.
  await until('the explorer to list the fixture', () => page.locator('.explorer-folders-view').getByText(FIXTURE, { exact: true }).count(), 60_000);
}

async function quickOpen(page, file, marker = 'table_grow') {
  // Focus may start in the chat panel or a notification: click the editor area first.
  await page.locator('.part.editor').click({ position: { x: 300, y: 300 } });
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(file);
  await until(`quick open to offer ${file}`, () => page.locator('.quick-input-list .monaco-list-row').filter({ hasText: file }).count(), 15_000);
  await page.keyboard.press('Enter');
  await until(`${file} open in the editor`, async () => (await editorText(page)).includes(marker), 20_000);
}

async function gotoLine(page, line, column = 1) {
  await page.locator('.editor-instance .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The token `word` in the first visible line containing `lineText`. */
function tokenIn(page, lineText, word) {
  return page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: lineText }).first()
    .locator('span > span').filter({ hasText: new RegExp(`^${word}$`) }).first();
}

// ---------------------------------------------------------------------------------------------
// Benchmark and calibrate: the commands compile and run the C harness in the extension host.

/** Runs a command from the palette by its title, as a person would: F1, the title, Enter. */
async function paletteRun(page, title) {
  // The cursor stays where it is: F1 does not move it.
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title });
  await until(`the palette to offer "${title}"`, () => row.count(), 10_000);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The visible text of the Output panel's editor (Monaco renders only the lines in view). */
const outputText = (page) => page.evaluate(() => {
  const el = document.querySelector('.part.panel .output-view .monaco-editor .view-lines')
    ?? document.querySelector('.part.panel .monaco-editor .view-lines');
  return el ? el.innerText.replace(/\u00a0/g, ' ') : '';
});

/** Harness binaries the runner compiled into a session's cache folder. */
function harnessBinaries(dirs) {
  return existsSync(dirs.harnessCache) ? readdirSync(dirs.harnessCache).filter((f) => /^harness-[0-9a-f]{16}$/.test(f)) : [];
}

/** Processes whose command line runs a program from the session's harness cache. */
function harnessProcesses(dirs) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd;
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.split('\0')[0].startsWith(dirs.harnessCache)) out.push(`${pid}: ${cmd.replace(/\0/g, ' ').slice(0, 120)}`);
  }
  return out;
}

/** calibrated-profile.json wherever the extension's global storage is. */
function calibrationFiles(dirs) {
  const found = [];
  const walk = (d, depth) => {
    if (depth > 6 || !existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), depth + 1);
      else if (e.name === 'calibrated-profile.json') found.push(join(d, e.name));
    }
  };
  walk(join(dirs.userData, 'User'), 0);
  return found;
}

const BENCH_TITLE = 'pagecost: Benchmark the call at the cursor';
const CALIBRATE_TITLE = 'pagecost: Calibrate the model for this machine';

async function benchChecks(page, dirs, expect, label, takeShots) {
  const { line, column, rows } = expect.bench;
  await check(`${label}: "Benchmark the call at the cursor" (palette) compiles and runs the harness; the output shows measured beside modelled`, async () => {
    if (harnessBinaries(dirs).length) throw new Error(`a harness was already in ${dirs.harnessCache} before the benchmark`);
    await gotoLine(page, line, column);
    await paletteRun(page, BENCH_TITLE);
    const text = await until('the benchmark table in the Output panel', async () => {
      const t = await outputText(page);
      return rows.every((r) => r.test(t)) && /ratio = measured median \/ modelled/.test(t) && t;
    }, 90_000, 250);
    // Every row has a measured median, a modelled figure and their ratio.
    for (const r of rows) {
      const row = text.split('\n').find((l) => r.test(l));
      if (!/\d(\.\d+)?\s?(ns|µs|ms) \(.*\)\s+\d+\s+\d+(\.\d+)?\s?(ns|µs|ms)\s+\d+(\.\d+)?×/.test(row)) throw new Error(`row without measured/modelled/ratio: ${row}`);
    }
    const built = harnessBinaries(dirs);
    if (built.length !== 1) throw new Error(`expected the harness compiled into ${dirs.harnessCache}, found ${JSON.stringify(built)}`);
  });
  if (takeShots) await shot(page, dirs, 'benchmark');

  await check(`${label}: cancelling a calibration (the notification's Cancel) stops the harness and writes nothing`, async () => {
    await paletteRun(page, CALIBRATE_TITLE);
    const toast = page.locator('.notification-toast').filter({ hasText: /calibrating the model/ });
    // Cancel once the harness is measuring (progress counts its points).
    await until('calibration progress in the notification', async () => /\d+\/\d+ points/.test(await toast.innerText().catch(() => '')), 30_000, 100);
    const running = harnessProcesses(dirs);
    if (!running.length) throw new Error('no harness process seen while the calibration reported progress');
    await toast.getByRole('button', { name: 'Cancel' }).click();
    await until('the cancellation in the Output panel', async () => /calibrate: The benchmark was cancelled/.test(await outputText(page)), 15_000);
    await until('the harness to be gone', () => harnessProcesses(dirs).length === 0, 5_000);
    if (calibrationFiles(dirs).length) throw new Error(`a cancelled calibration wrote ${calibrationFiles(dirs)}`);
  });

  await check(`${label}: "Calibrate" (palette) runs the quick sweep, and the status item and the hover then name the calibrated profile`, async () => {
    const hintBefore = await hintOnLine(page, expect.hintLine);
    await paletteRun(page, CALIBRATE_TITLE);
    await until('the calibration to finish (its notification)', async () => page.locator('.notification-toast').filter({ hasText: /calibrated the model for this machine/ }).count(), 120_000, 500);
    const files = calibrationFiles(dirs);
    if (files.length !== 1) throw new Error(`calibrated-profile.json: ${JSON.stringify(files)}`);
    const file = JSON.parse(readFileSync(files[0], 'utf8'));
    if (!(file.fit?.points > 0) || !Object.keys(file.params ?? {}).length) throw new Error(`the calibration file has no fit: ${JSON.stringify(file).slice(0, 300)}`);
    // The language status item ({} in the status bar) shows the profile in use.
    const item = page.locator('[id="status.languageStatus"]');
    await item.hover();
    await until('the language status to say "calibrated"', async () => {
      const h = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /pagecost/ });
      return (await h.count()) && /this machine \(calibrated \d{4}-\d\d-\d\d\)/.test(await h.first().innerText());
    }, 15_000, 200);
    await page.keyboard.press('Escape');
    // "Hints use it now": the call's hover names the profile its figures assume. (The hint's
    // figures usually change too, but a fit can land on the same rounded value: logged only.)
    const token = tokenIn(page, expect.hintLine, 'mremap');
    await token.hover();
    await page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /calibrated profile "this machine" \(measured \d{4}-\d\d-\d\d\)/ })
      .first().waitFor({ state: 'visible', timeout: 15_000 });
    log(`    hint ${JSON.stringify(hintBefore)} -> ${JSON.stringify(await hintOnLine(page, expect.hintLine))} (calibrated)`);
  });
  if (takeShots) await shot(page, dirs, 'calibrated');
  await page.keyboard.press('Escape');
  await page.mouse.move(5, VIEWPORT.height - 5);
}

async function restrictedBenchChecks(page, dirs, label) {
  await check(`${label}: the palette offers neither Benchmark nor Calibrate, and no harness was compiled`, async () => {
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('>pagecost:');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    // Our other commands are listed, so the list is the extension's and complete.
    const listed = await until('the palette to list pagecost commands', async () => {
      const texts = await rows.allInnerTexts();
      return texts.some((t) => t.includes('pagecost: Explain the model')) && texts;
    }, 10_000);
    const offered = listed.filter((t) => t.includes(BENCH_TITLE) || t.includes(CALIBRATE_TITLE));
    if (offered.length) throw new Error(`offered in Restricted Mode: ${offered.join(' | ')}`);
    await page.keyboard.press('Escape');
    if (harnessBinaries(dirs).length) throw new Error(`a harness was compiled in Restricted Mode: ${harnessBinaries(dirs)}`);
    if (!existsSync(dirs.env.XDG_CACHE_HOME)) throw new Error(`the session's cache folder ${dirs.env.XDG_CACHE_HOME} is missing`);
  });
}

// ---------------------------------------------------------------------------------------------

/** Throws with what is wrong in the self-test's `ts` part (src/extension/selfTest.ts tsCheck). */
function tsSelfTestProblems(t, want) {
  if (!t) throw new Error('the self-test has no `ts` part (PAGECOST_E2E_TS_FILE not honoured?)');
  const facts = JSON.stringify(t).slice(0, 1500);
  if (t.skipped !== null) throw new Error(`${want.file} was not analysed: ${t.skipped}`);
  for (const w of want.sites) {
    if (!t.sites.some((s) => s.callee === w.callee && s.line >= w.lines[0] && s.line <= w.lines[1])) throw new Error(`no ${w.callee} site on lines ${w.lines.join('-')}: ${facts}`);
  }
  for (const rule of want.rules) if (!t.diagnostics.includes(rule)) throw new Error(`no ${rule} diagnostic: ${facts}`);
  const wasmLine = want.sites[0].lines[0];
  if (!t.hints.some((h) => h.line === wasmLine && /\d(\.\d+)?\s?(ns|µs|ms)|wins|above/.test(h.label))) throw new Error(`no inlay hint on line ${wasmLine}: ${facts}`);
  if (!t.hover || t.hover.length < 20) throw new Error(`no hover on the first site: ${facts}`);
}

/** What a person sees on the TS document: the hint after the wasm realloc, its hover, the Problems row. */
async function tsChecks(page, dirs, want, label, takeShots) {
  await page.keyboard.press('Escape');
  const opened = await check(`${label}: Quick Open opens ${want.file}`, () => quickOpen(page, want.file, want.marker));
  if (!opened) return;
  await check(`${label}: an inlay hint follows the wasm-bindgen realloc in ${want.file}`, async () => {
    await until('a hint on the realloc line', async () => /\d(\.\d+)?\s?(ns|µs|ms)|wins|above/.test(await hintOnLine(page, want.hintLine)), 60_000);
  });
  await check(`${label}: hovering ${want.token} shows the estimate`, async () => {
    await hoverUntilShown(page, tokenIn(page, want.hintLine, want.token), /µs|ns|ms/);
  });
  if (takeShots) await shot(page, dirs, 'ts-hover');
  await page.keyboard.press('Escape');
  await page.mouse.move(5, VIEWPORT.height - 5);
  await check(`${label}: the Problems panel lists ${want.file}'s diagnostics`, async () => {
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Shift+M');
    await until(`a Problems row of ${want.file}`, () => page.locator('.markers-panel .monaco-list-row').filter({ hasText: want.file }).count(), 20_000);
  });
  if (takeShots) await shot(page, dirs, 'ts-problems');
  await page.keyboard.press('Control+J');
}

async function session(p, dirs, expect, { trust, label, takeShots }) {
  log(`${label}: starting code-server${trust ? ' with workspace trust' : ''}`);
  const server = await startServer(p, dirs, { trust });
  const context = await launchBrowser(join(dirs.tmp, label));
  const page = context.pages()[0] ?? await context.newPage();
  Object.assign(failShots, { page, dir: dirs.shots });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  if (!(await check(`${label}: workbench loads and lists the workspace`, () => openWorkbench(page, server.url, dirs.workspace)))) {
    return { page, server };
  }

  if (trust) {
    await check(`${label}: the workspace opens in Restricted Mode`, async () => {
      // Depending on the build, a modal asks first ("Do you trust the authors…?"): say no.
      await until('the Restricted Mode indicator', async () => {
        const no = page.getByRole('button', { name: /No, I don't trust the authors/i });
        if (await no.count()) await no.first().click();
        return page.locator('.statusbar').getByText(/Restricted Mode/).count();
      }, 30_000, 250);
    });
  }

  let opened = await check(`${label}: Quick Open opens ${FIXTURE}`, () => quickOpen(page, FIXTURE));
  if (!opened) return { page, server };
  if (takeShots) {
    // Pictures for the README: the editor alone, as wide as the window.
    await page.keyboard.press('Control+B');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => log('the side bar stayed open'));
  }

  await check(`${label}: an inlay hint follows the mremap call`, async () => {
    await until(`an inlay hint matching ${expect.hint}`, async () => {
      const hints = await inlayHints(page);
      return hints.some((h) => expect.hint.test(h)) && hints;
    }, 45_000);
    const line = await page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: expect.hintLine }).first().innerText();
    const plain = line.replace(/\u00a0/g, ' ');
    if (!expect.hint.test(plain)) throw new Error(`the hint is not on the line of the call: ${plain}`);
  });
  await shot(page, dirs, trust ? 'restricted-hints' : 'inlay-hints');
  if (process.env.PAGECOST_E2E_DEBUG) {
    writeFileSync(join(dirs.tmp, 'hint-line.html'), await page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: expect.hintLine }).first().evaluate((e) => e.outerHTML));
  }

  if (expect.selfTest === true || (expect.selfTest === 'if-supported' && installedMentions(dirs, expect.id, 'PAGECOST_E2E_RESULTS'))) {
    await check(`${label}: the extension runs in the Node 24 extension host (self-test file)`, async () => {
      // 60 s: the hook writes once the TS document (worker start, ts-morph load) is done too.
      const r = JSON.parse(await until('the self-test results file', () => existsSync(dirs.results) && readFileSync(dirs.results, 'utf8'), 60_000));
      if (r.error) throw new Error(`the self-test failed: ${r.error}`);
      if (r.host !== 'node' || !/^v24\./.test(r.node)) throw new Error(`unexpected host facts: ${JSON.stringify(r).slice(0, 500)}`);
      // The probe also reports the Node facilities it used and the trust state.
      if ('childProcess' in r && (r.childProcess !== 'ok' || !r.workerThreads || !r.hrtime)) throw new Error(`Node facilities: ${JSON.stringify(r)}`);
      if ('trusted' in r && r.trusted !== !trust) throw new Error(`workspace.isTrusted is ${r.trusted}, expected ${!trust}`);
      // The real extension reports the rules it found in the fixture (a proposed hook: see test/e2e/README.md).
      if (Array.isArray(r.rules) && !r.rules.includes('mremap-slower-than-memcpy')) throw new Error(`rules found: ${r.rules.join(', ')}`);
      // The real extension also says whether its benchmark commands would run here.
      if ('benchBlocked' in r) {
        if (!trust && r.benchBlocked !== null) throw new Error(`benchmarks blocked in a trusted workspace: ${r.benchBlocked}`);
        if (trust && !/Restricted Mode/.test(r.benchBlocked ?? '')) throw new Error(`benchmarks not blocked in Restricted Mode: ${r.benchBlocked}`);
        // In Restricted Mode the hook also ran the benchmark command (as another extension could): refused, with the reason.
        if (trust && (r.benchmark?.ok !== false || !/Restricted Mode/.test(r.benchmark?.reason ?? ''))) throw new Error(`the benchmark command answered ${JSON.stringify(r.benchmark)}`);
        if (!trust && r.benchmark !== null) throw new Error(`the self-test ran a benchmark in a trusted workspace: ${JSON.stringify(r.benchmark)}`);
      }
    });
  }
  if (expect.ts) {
    await check(`${label}: ${expect.ts.file} is analysed in the worker: sites, diagnostics, hints and hover (self-test file)`, async () => {
      const r = JSON.parse(await until('the self-test results file', () => existsSync(dirs.results) && readFileSync(dirs.results, 'utf8'), 60_000));
      if (r.error) throw new Error(`the self-test failed: ${r.error}`);
      tsSelfTestProblems(r.ts, expect.ts);
      log(`    ${expect.ts.file}: first analysis ${r.ts.firstMs} ms after opening (worker start + ts-morph load + analysis), ${r.ts.ms.toFixed(1)} ms round trip; rules ${r.ts.rules.join(', ')}`);
    });
  }

  await check(`${label}: the extension activated in the server's Node extension host (its log)`, async () => {
    // remoteexthost.log is written by the Node extension host that code-server runs.
    const logs = join(dirs.userData, 'logs');
    const text = await until(`${expect.id} in remoteexthost.log`, () => {
      const found = readdirSync(logs).flatMap((d) => {
        const dir = join(logs, d);
        return existsSync(dir) ? readdirSync(dir).filter((x) => x.startsWith('exthost')).map((x) => join(dir, x, 'remoteexthost.log')) : [];
      }).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
      return found.includes(`_doActivateExtension ${expect.id}`) && found;
    }, 20_000, 250);
    const failure = text.split('\n').find((l) => l.includes(expect.id) && /failed|error/i.test(l));
    if (failure) throw new Error(`the extension host logged: ${failure}`);
  });

  await check(`${label}: hovering the call shows the breakdown`, async () => {
    const hover = await hoverUntilShown(page, tokenIn(page, expect.hintLine, 'mremap'), expect.hover);
    // Let its fade-in finish, so that the picture shows it as a person sees it.
    await until('the hover to finish fading in', () => hover.evaluate((el) => document.getAnimations()
      .filter((a) => a.effect?.target && (a.effect.target.contains(el) || el.contains(a.effect.target)))
      .every((a) => a.playState === 'finished')), 5_000, 50);
  });
  if (takeShots) await shot(page, dirs, 'hover');
  if (expect.bench) {
    await check(trust ? `${label}: the hover says why benchmarks are off, with no benchmark link` : `${label}: the hover offers "Benchmark this call"`, async () => {
      const text = await page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expect.hover }).first().innerText();
      const link = /Benchmark this call/.test(text);
      const why = /Restricted Mode does not allow/.test(text);
      if (trust && (link || !why)) throw new Error(`hover in Restricted Mode: link ${link}, reason ${why}: ${text.slice(-400)}`);
      if (!trust && (!link || why)) throw new Error(`hover in a trusted workspace: link ${link}, reason ${why}: ${text.slice(-400)}`);
    });
  }
  await page.keyboard.press('Escape');
  await page.mouse.move(5, VIEWPORT.height - 5);

  await check(`${label}: the Problems panel lists the diagnostic`, async () => {
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Shift+M');
    await until('the Problems panel row', () => page.locator('.markers-panel .monaco-list-row').filter({ hasText: expect.problem }).count(), 20_000);
  });
  if (takeShots) await shot(page, dirs, 'problems');
  await page.keyboard.press('Control+J'); // close the panel again

  await check(`${label}: the quick fix menu (Ctrl+.) offers the fix`, async () => {
    const token = tokenIn(page, expect.hintLine, 'mremap');
    const menu = page.locator('.action-widget .monaco-list-row, .context-view .action-widget').filter({ hasText: expect.fix });
    // Ctrl+. can be swallowed while focus moves back from the panel: ask again until it shows.
    let asked = 0;
    await until('the quick fix menu', async () => {
      if (await menu.count()) return true;
      if (asked++ % 20 === 0) {
        await page.keyboard.press('Escape');
        await token.click();
        await page.keyboard.press('Control+.');
      }
      return false;
    }, 20_000, 150);
  });
  if (takeShots) await shot(page, dirs, 'quick-fix');

  await check(`${label}: choosing the fix rewrites the code, and undo restores it`, async () => {
    const row = page.locator('.action-widget .monaco-list-row').filter({ hasText: expect.fix }).first();
    if (!(await row.count())) throw new Error('the quick fix menu is not open');
    await row.click();
    await until(`the fixed text (${expect.fixed})`, async () => (await editorText(page)).includes(expect.fixed), 10_000);
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Z');
    await until('the undo', async () => {
      const t = await editorText(page);
      return !t.includes(expect.fixed) && t.includes(expect.hintLine);
    }, 10_000);
  });
  await page.keyboard.press('Escape');

  await check(`${label}: typing keeps the hints (no flicker)`, async () => {
    // Watch every mutation of the editor lines from before the first keystroke until the
    // analysis of the new text has been shown; record whether the hints ever went away.
    await page.evaluate(([source, flags]) => {
      const re = new RegExp(source, flags);
      const lines = document.querySelector('.editor-instance .monaco-editor .view-lines');
      const count = () => [...lines.querySelectorAll('span[class*="dyn-rule"]')]
        .filter((s) => re.test(s.textContent.replace(/\u00a0/g, ' '))).length;
      window.__pcMin = count();
      if (!window.__pcMin) throw new Error('no hint before typing');
      window.__pcObs = new MutationObserver(() => { window.__pcMin = Math.min(window.__pcMin, count()); });
      window.__pcObs.observe(lines, { childList: true, subtree: true, characterData: true });
    }, [expect.hint.source, expect.hint.flags]);
    await gotoLine(page, 15, 4);
    await page.keyboard.type('X', { delay: 50 });
    await until('the typed character in the text', async () => (await editorText(page)).includes('/* XMoves'), 5_000);
    // Hints right after typing:
    const now = await inlayHints(page);
    if (!now.some((h) => expect.hint.test(h))) throw new Error(`no hint right after typing: ${JSON.stringify(now)}`);
    // …and through the re-analysis: wait for the editor to settle (no mutation for 1.5 s).
    await page.evaluate(() => new Promise((resolve) => {
      const lines = document.querySelector('.editor-instance .monaco-editor .view-lines');
      let t = setTimeout(resolve, 1500);
      const o = new MutationObserver(() => { clearTimeout(t); t = setTimeout(() => { o.disconnect(); resolve(); }, 1500); });
      o.observe(lines, { childList: true, subtree: true, characterData: true });
      setTimeout(() => { o.disconnect(); resolve(); }, 15_000);
    }));
    const min = await page.evaluate(() => { window.__pcObs.disconnect(); return window.__pcMin; });
    if (min === 0) throw new Error('the hints disappeared for a moment while the edit was analysed');
    const after = await inlayHints(page);
    if (!after.some((h) => expect.hint.test(h))) throw new Error(`no hint after the edit settled: ${JSON.stringify(after)}`);
    await page.keyboard.press('Control+Z');
  });

  if (expect.edit) {
    await check(`${label}: editing the size updates the hint while typing`, async () => {
      const hintOnCallLine = () => hintOnLine(page, expect.hintLine);
      const before = await hintOnCallLine();
      if (!expect.hint.test(before)) throw new Error(`no hint on the call line before the edit: ${before}`);
      const { line, column, from, to } = expect.edit;
      await gotoLine(page, line, column);
      await page.keyboard.press('Shift+ArrowRight');
      // One insertion, so that no intermediate text (e.g. "6 * PAGE") can produce the new hint.
      await page.keyboard.insertText(to);
      await until('the edited text', async () => (await editorText(page)).includes(`(${to} * PAGE)`), 5_000);
      const after = await until('the hint to change after the edit', async () => {
        const h = await hintOnCallLine();
        return h !== before && expect.hint.test(h) && h;
      }, 20_000);
      log(`    hint ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      // The same text gives the same hint in every session (trusted or not).
      if (expect.editedHint === undefined) expect.editedHint = after;
      else if (after !== expect.editedHint) throw new Error(`the edited text gave ${JSON.stringify(after)} here but ${JSON.stringify(expect.editedHint)} in the first session`);
      await page.keyboard.press('Control+Z');
      await until('the undo', async () => (await editorText(page)).includes(`(${from} * PAGE)`), 5_000);
    });
  }

  if (expect.bench && !trust) await benchChecks(page, dirs, expect, label, takeShots);
  if (expect.bench && trust) await restrictedBenchChecks(page, dirs, label);
  if (expect.ts) await tsChecks(page, dirs, expect.ts, label, takeShots);

  const fatal = pageErrors.filter((m) => !/ResizeObserver|Canceled/.test(m));
  if (fatal.length) log(`${label}: page errors (not failures): ${fatal.slice(0, 3).join(' | ')}`);
  return { page, server };
}

async function main() {
  if (!isSetUp()) throw new Error('tier 3 is not set up: run `node scripts/e2e-setup.mjs` first');
  const p = e2ePaths();
  const mode = flag('--probe') ? 'probe' : 'real';
  const expect = EXPECT[mode];
  const tmp = mkdtempSync(join(tmpdir(), 'pagecost-e2e-'));
  // Playwright's own temporary files (artifacts) go inside the run's folder too.
  process.env.TMPDIR = join(tmp, 'tmp');
  mkdirSync(process.env.TMPDIR);
  if (!flag('--keep')) {
    cleanups.unshift(() => {
      if (failed) log(`kept ${tmp} for the failure (code-server logs, screenshots FAILED-*.png)`);
      else rmSync(tmp, { recursive: true, force: true });
    });
  }
  else log(`keeping ${tmp}`);

  let vsix = opt('--vsix');
  if (mode === 'probe') vsix = packVsix(join(root, 'test', 'e2e', 'probe'), join(tmp, 'probe.vsix'));
  if (!vsix) {
    // `npm run package` writes pagecost.vsix; vsce's own default name is <name>-<version>.vsix.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    vsix = [join(root, `${pkg.name}.vsix`), join(root, `${pkg.name}-${pkg.version}.vsix`)].find((f) => existsSync(f)) ?? join(root, `${pkg.name}.vsix`);
  }
  if (!existsSync(vsix)) throw new Error(`no VSIX at ${vsix}: run \`npm run package\` first (or pass --probe)`);
  log(`${mode} extension from ${vsix}`);

  // A closed loopback port for the gallery: nothing is fetched from outside.
  const closed = await freePort();
  const gallery = JSON.stringify({
    serviceUrl: `http://127.0.0.1:${closed}/gallery`,
    itemUrl: `http://127.0.0.1:${closed}/items`,
    resourceUrlTemplate: `http://127.0.0.1:${closed}/{publisher}/{name}/{version}/{path}`,
  });

  const makeDirs = (name) => {
    const base = join(tmp, name);
    const dirs = {
      tmp: base,
      userData: join(base, 'user-data'),
      ext: join(base, 'user-data', 'ext'),
      config: join(base, 'config.yaml'),
      workspace: join(base, 'workspace'),
      shots: join(base, 'shots'),
      results: join(base, 'self-test.json'),
    };
    // XDG_CACHE_HOME inside the session's folder is also where the benchmark runner caches the
    // harness it compiles (src/core/bench/runner.ts), so the checks can look for it there.
    dirs.env = {
      EXTENSIONS_GALLERY: gallery, PAGECOST_E2E_RESULTS: dirs.results, PAGECOST_E2E_FILE: FIXTURE,
      ...(expect.ts ? { PAGECOST_E2E_TS_FILE: expect.ts.file } : {}),
      ...xdgEnv(base),
    };
    dirs.harnessCache = join(dirs.env.XDG_CACHE_HOME, 'pagecost');
    mkdirSync(dirs.shots, { recursive: true });
    mkdirSync(dirs.ext, { recursive: true });
    writeFileSync(dirs.config, 'auth: none\ncert: false\ndisable-telemetry: true\ndisable-update-check: true\n');
    writeUserSettings(dirs.userData);
    cpSync(join(root, 'test', 'e2e', 'workspace'), dirs.workspace, { recursive: true });
    return dirs;
  };

  const main = makeDirs('trusted');
  await check('the VSIX installs with --install-extension', () => installExtension(p, main, vsix));
  if (failed) return;
  const mark = cleanups.length;
  await session(p, main, expect, { trust: false, label: 'trusted', takeShots: true });
  // Stop this session's browser and server before the next starts (2 cores).
  for (const fn of cleanups.splice(mark).reverse()) {
    try { await fn(); } catch (e) { log(`cleanup: ${e.message}`); }
  }

  if (flag('--update-screenshots')) {
    const out = join(root, 'media', 'screenshots');
    mkdirSync(out, { recursive: true });
    for (const n of ['inlay-hints', 'hover', 'problems', 'quick-fix', 'ts-hover', 'ts-problems']) {
      const f = join(main.shots, `${n}.png`);
      if (existsSync(f)) copyFileSync(f, join(out, `${n}.png`));
    }
    log(`screenshots copied to ${out}`);
  } else {
    log(`screenshots in ${main.shots}${flag('--keep') ? '' : ' (removed at exit; --keep keeps them)'}`);
  }

  if (!flag('--no-restricted')) {
    const r = makeDirs('restricted');
    await check('restricted: the VSIX installs', () => installExtension(p, r, vsix));
    await session(p, r, expect, { trust: true, label: 'restricted', takeShots: false });
  }

}

const watchdog = setTimeout(async () => {
  console.error(`e2e: HUNG — the run passed its ${WATCHDOG_MS / 1000} s limit; stopping code-server and Chromium`);
  failed++;
  await cleanup();
  console.log(`e2e: ${passed} passed, ${failed} failed`);
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
  failed++;
  console.error(`e2e: ERROR: ${e.message}`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
