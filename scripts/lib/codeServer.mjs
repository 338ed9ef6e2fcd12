// The launcher: a real VS Code (code-server from test/e2e's lockfile, set up by
// scripts/e2e-setup.mjs) with a VSIX installed, served on loopback. Shared by the tier-3 tests
// (scripts/test-e2e.mjs, one server per session) and `npm start` (scripts/start.mjs, one
// long-lived server on the examples). Nothing here drives a page: see chromium.mjs and
// test/e2e/workbench/.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from './freePort.mjs';
import { runTo, stopGroup } from './processes.mjs';
import { fatal, until } from './until.mjs';

/** Settings every launched VS Code gets: quiet, offline, nothing that competes with the editor. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
  'editor.inlayHints.enabled': 'on',
  'window.restoreWindows': 'none',
};

/**
 * The folders one code-server instance uses, all under `base`: user data (with settings.json),
 * extensions, its config file (else it writes ~/.config/code-server/config.yaml) and XDG folders
 * (else it writes logs and a heartbeat into $HOME). `env` is added to the server's environment.
 * `overwrite: false` keeps a settings.json that is already there.
 */
export function makeProfile(base, { settings = {}, env = {}, overwrite = true } = {}) {
  const profile = {
    base,
    userData: join(base, 'user-data'),
    ext: join(base, 'extensions'),
    config: join(base, 'config.yaml'),
    env: { ...env },
  };
  for (const [k, d] of [['XDG_DATA_HOME', 'xdg-data'], ['XDG_CONFIG_HOME', 'xdg-config'], ['XDG_CACHE_HOME', 'xdg-cache'], ['XDG_STATE_HOME', 'xdg-state']]) {
    profile.env[k] = join(base, d);
    mkdirSync(profile.env[k], { recursive: true });
  }
  mkdirSync(join(profile.userData, 'User'), { recursive: true });
  mkdirSync(profile.ext, { recursive: true });
  writeFileSync(profile.config, 'auth: none\ncert: false\ndisable-telemetry: true\ndisable-update-check: true\n');
  // A kept profile (npm start) keeps the settings its user changed.
  const settingsFile = join(profile.userData, 'User', 'settings.json');
  if (overwrite || !existsSync(settingsFile)) writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  return profile;
}

/** The server's environment: Node 24 first on PATH (code-server needs it), the profile's variables. */
function serverEnv(setup, profile, gallery) {
  return {
    ...process.env,
    PATH: `${join(setup.nodeDir, 'bin')}${delimiter}${process.env.PATH}`,
    EXTENSIONS_GALLERY: gallery,
    ...profile.env,
  };
}

/**
 * An extension gallery at a loopback port nobody listens on: code-server fetches nothing from
 * outside, and no extension of the same id can replace ours.
 */
export async function closedGallery() {
  const closed = await freePort();
  return JSON.stringify({
    serviceUrl: `http://127.0.0.1:${closed}/gallery`,
    itemUrl: `http://127.0.0.1:${closed}/items`,
    resourceUrlTemplate: `http://127.0.0.1:${closed}/{publisher}/{name}/{version}/{path}`,
  });
}

/** `--install-extension` into the profile (copying a folder is not enough: extensions.json decides what loads). */
export async function installExtension(setup, profile, vsix, gallery) {
  const out = await runTo(setup.node, [
    setup.codeServerEntry,
    '--user-data-dir', profile.userData,
    '--extensions-dir', profile.ext,
    '--config', profile.config,
    '--install-extension', vsix,
    '--force',
  ], { env: serverEnv(setup, profile, gallery), timeoutMs: 180_000 });
  if (!/successfully installed/i.test(out)) throw new Error(`--install-extension ${vsix} did not report success:\n${out.slice(-2000)}`);
  return out;
}

/** Thrown when the port asked for is taken; `npm start` turns it into one line. */
export class PortInUseError extends Error {
  constructor(host, port) {
    super(`port ${port} on ${host} is in use`);
    this.port = port;
  }
}

/**
 * Starts code-server on `folder` and resolves once it answers /healthz. `restricted`: workspace
 * trust on, so that the folder opens in Restricted Mode (otherwise trust is off and everything is
 * trusted). `port` 0 or unset: a free one. Resolves with { url, port, child, logFile, stop() }.
 */
export async function startCodeServer(setup, profile, { folder, restricted = false, port = 0, host = '127.0.0.1', gallery, logDir = profile.base }) {
  const listenPort = port || await freePort();
  const args = [
    setup.codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `${host}:${listenPort}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(restricted ? [] : ['--disable-workspace-trust']),
    '--user-data-dir', profile.userData,
    '--extensions-dir', profile.ext,
    '--config', profile.config,
    folder,
  ];
  const logFile = join(logDir, `code-server-${listenPort}.log`);
  const logStream = createWriteStream(logFile);
  // Its own process group, so that stopping it stops the extension host and everything it started.
  const child = spawn(setup.node, args, { env: serverEnv(setup, profile, gallery), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal ?? `exit ${code}`; });
  const logTail = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '');
  const stop = () => stopGroup(child);
  const url = `http://${host}:${listenPort}`;
  try {
    await until('code-server to answer /healthz', async () => {
      if (exited) {
        if (/EADDRINUSE/.test(logTail())) throw Object.assign(new PortInUseError(host, listenPort), { fatal: true });
        throw fatal(`code-server ended (${exited}) before it served; log:\n${logTail()}`);
      }
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      return r.ok;
    }, 60_000, 200);
  } catch (e) {
    await stop();
    if (e.fatal) throw e;
    throw new Error(`${e.message}; log:\n${logTail()}`);
  }
  return { url, port: listenPort, child, logFile, stop, exited: () => exited };
}
