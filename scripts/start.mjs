#!/usr/bin/env node
// `npm start`: from a fresh clone (after `npm ci`) to a real VS Code showing pagecost on the
// examples. Builds the VSIX when the sources are newer, sets up code-server (the one tier 3
// uses, cached in .vscode-test/e2e/ after the first time), installs the extension into a profile
// kept in .vscode-test/start/, serves examples/ on loopback and prints the URL. Ctrl-C stops
// everything it started.
//
//   npm start                       port 8421 (another free one if that is taken)
//   npm start -- --port N           exactly port N (0: any free port)
//   npm start -- --restricted       open examples/ in Restricted Mode (workspace trust on)
//   npm start -- --fresh            forget the profile (settings, state, installed extension) first
//   npm start -- --profile DIR      keep the profile in DIR instead of .vscode-test/start/
//
// Every problem it can foresee (Node too old, no build tools for the first setup, the port in
// use, another npm start running, no C compiler, no display) is one line saying what to do.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedGallery, installExtension, makeProfile, PortInUseError, startCodeServer } from './lib/codeServer.mjs';
import { freePort } from './lib/freePort.mjs';
import { staleBecause } from './lib/freshness.mjs';
import { browserLine, compilerLine, desktopLine, missingBuildTools, nodeTooOld, portFree } from './lib/preflight.mjs';
import { cacheDir, e2ePaths, isSetUp, npmCli, setUp } from './e2e-setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 8421;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (msg) => console.log(`start: ${msg}`);

class StartError extends Error {}

/** A path as the user would type it from the checkout: relative inside it, absolute outside. */
function shown(p) {
  const r = relative(root, p);
  return r && !r.startsWith('..') ? r : p;
}

function parseArgs(argv) {
  const o = { port: null, restricted: false, fresh: false, profile: join(root, '.vscode-test', 'start') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--restricted') o.restricted = true;
    else if (a === '--fresh') o.fresh = true;
    else if (a === '--port' || a === '--profile') {
      const v = argv[++i];
      if (v === undefined) throw new StartError(`${a} needs a value`);
      if (a === '--port') {
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new StartError(`--port ${v}: give a port number from 0 to 65535 (0: any free port)`);
        o.port = Number(v);
      } else o.profile = v;
    } else throw new StartError(`unknown option ${a} (options: --port N, --restricted, --fresh, --profile DIR)`);
  }
  if (o.port === null && process.env.PAGECOST_PORT) o.port = Number(process.env.PAGECOST_PORT);
  return o;
}

/** Runs `npm run package` quietly; its output is shown only if it fails. */
function packageVsix() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [npmCli(), 'run', 'package'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new StartError(`npm run package failed (exit ${code}):\n${out.slice(-3000)}`))));
  });
}

/** What the VSIX is built from: when any of it is newer than the VSIX, it is built again. */
const VSIX_INPUTS = ['src', 'scripts/build.mjs', 'package.json', 'package-lock.json', 'README.md', 'CHANGELOG.md', 'LICENSE',
  'media', 'docs/RULES.md', 'docs/MODEL.md', '.vscodeignore', 'node_modules/.package-lock.json'].map((p) => join(root, p));

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const alive = (pid) => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

/**
 * The profile's pid file says whether another `npm start` on it still runs. A code-server left
 * behind by one that was killed outright (it runs in its own process group) is stopped here, but
 * only if its command line names this profile: it would hold the port and the profile.
 */
async function otherStart(pidFile, profileDir) {
  if (!existsSync(pidFile)) return null;
  let recorded;
  try { recorded = JSON.parse(readFileSync(pidFile, 'utf8')); } catch { return null; }
  if (alive(recorded.pid)) return recorded;
  const cmd = (() => { try { return readFileSync(`/proc/${recorded.serverPid}/cmdline`, 'utf8'); } catch { return ''; } })();
  if (recorded.serverPid && cmd.includes(profileDir)) {
    try { process.kill(-recorded.serverPid, 'SIGTERM'); } catch { /* gone meanwhile */ }
    say(`stopped a code-server left over from an earlier npm start (pid ${recorded.serverPid}).`);
    // Wait for it to let go of the port and the profile (at most 5 s).
    const deadline = Date.now() + 5000;
    while (alive(recorded.serverPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(pidFile, { force: true });
  return null;
}

async function choosePort(wanted) {
  if (wanted === 0) return freePort();
  if (wanted !== null) {
    if (!(await portFree(wanted))) throw new StartError(`port ${wanted} on 127.0.0.1 is in use: stop what listens there, or npm start -- --port 0 for any free port.`);
    return wanted;
  }
  if (await portFree(DEFAULT_PORT)) return DEFAULT_PORT;
  const port = await freePort();
  say(`port ${DEFAULT_PORT} is in use, so serving on ${port} instead (npm start -- --port N picks one).`);
  return port;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const old = nodeTooOld();
  if (old) throw new StartError(old);

  const pidFile = join(o.profile, 'npm-start.json');
  const running = await otherStart(pidFile, o.profile);
  if (running) throw new StartError(`npm start is already running on this profile (pid ${running.pid}): open ${running.url}, or stop it (Ctrl-C in its terminal) first.`);

  // The port first: a port given and taken fails before any work.
  const port = await choosePort(o.port);

  // 1. The VSIX, when the sources are newer than it.
  const vsix = join(root, 'pagecost.vsix');
  const stale = staleBecause(vsix, VSIX_INPUTS);
  if (stale) {
    say(`building the extension (${stale.replaceAll(`${root}/`, '')})…`);
    await packageVsix();
    say(`built ${relative(root, vsix)} (${elapsed()})`);
  } else say(`${relative(root, vsix)} is up to date`);

  // 2. code-server, set up once into the shared cache.
  if (!isSetUp()) {
    const tools = missingBuildTools();
    if (tools) throw new StartError(tools);
    say(`setting up VS Code (code-server, once: a few minutes on 2 cores) in ${shown(cacheDir)}…`);
    await setUp({ report: (msg, s) => say(`  ${msg} (${s} s)`) });
  }
  const setup = e2ePaths();
  const version = JSON.parse(readFileSync(join(setup.codeServer, 'lib', 'vscode', 'package.json'), 'utf8')).version;

  // 3. The profile, and the extension in it (installed again only when the VSIX changed).
  if (o.fresh) rmSync(o.profile, { recursive: true, force: true });
  mkdirSync(o.profile, { recursive: true });
  const profile = makeProfile(o.profile, { overwrite: false });
  const gallery = await closedGallery();
  const stampFile = join(o.profile, 'installed-vsix.json');
  const hash = sha256(vsix);
  const installed = existsSync(stampFile) && JSON.parse(readFileSync(stampFile, 'utf8')).sha256 === hash;
  if (!installed) {
    await installExtension(setup, profile, vsix, gallery);
    writeFileSync(stampFile, JSON.stringify({ sha256: hash, at: new Date().toISOString() }));
    say(`installed the extension into the profile in ${shown(o.profile)} (${elapsed()})`);
  }

  // 4. Serve examples/.
  const folder = join(root, 'examples');
  let server;
  try {
    server = await startCodeServer(setup, profile, { folder, restricted: o.restricted, port, gallery });
  } catch (e) {
    if (e instanceof PortInUseError) throw new StartError(`port ${e.port} on 127.0.0.1 was taken while code-server started: npm start again, or npm start -- --port N.`);
    throw e;
  }
  writeFileSync(pidFile, JSON.stringify({ pid: process.pid, serverPid: server.child.pid, url: `${server.url}/` }));

  let stopping = false;
  const stop = async (why, code) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    rmSync(pidFile, { force: true });
    say(`${why}; stopped code-server (pid ${server.child.pid}).`);
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig === 'SIGINT' ? 'Ctrl-C' : sig, 0));
  server.child.on('exit', () => {
    if (!stopping) {
      stopping = true;
      rmSync(pidFile, { force: true });
      say(`code-server ended by itself (${server.exited()}); its log: ${server.logFile}`);
      process.exit(1);
    }
  });

  const lines = [
    '',
    `  VS Code ${version} with pagecost is serving examples/ — open in your browser:`,
    '',
    `      ${server.url}/`,
    '',
    `  No password: it listens on 127.0.0.1 only.${o.restricted ? ' The folder opens in Restricted Mode.' : ''}`,
    '  New here? The Welcome page has the walkthrough "Get started with pagecost"; examples/README.md is the tour.',
    '  Or open swap/swap.c: the hints follow each call; hover one for the breakdown.',
  ];
  for (const l of [browserLine(server.port), compilerLine().line, desktopLine(vsix, folder)]) if (l) lines.push(`  ${l}`);
  lines.push('  Ctrl-C stops it.', '');
  console.log(lines.join('\n'));
  say(`ready in ${elapsed()}`);
}

try {
  await main();
} catch (e) {
  if (e instanceof StartError) console.error(`start: ${e.message}`);
  else console.error(`start: FAILED: ${e.stack ?? e.message}`);
  process.exit(1);
}
