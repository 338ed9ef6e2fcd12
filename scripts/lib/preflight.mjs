// What `npm start` checks before and while it starts, each answered with one line a newcomer can
// act on. Pure of side effects except reading the file system and binding a port for a moment,
// so that tests can run every branch with a made-up environment.
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The first executable called `name` on `env.PATH` (or `name` itself when it is a path), else null. */
export function onPath(name, env = process.env) {
  if (!name) return null;
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

function isExecutable(file) {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Node at least `min` ("20.19")? Returns a line saying what to do, or null. */
export function nodeTooOld(version = process.versions.node, min = '20.19') {
  const [a, b] = version.split('.').map(Number);
  const [x, y] = min.split('.').map(Number);
  if (a > x || (a === x && b >= y)) return null;
  return `Node ${version} is too old: pagecost needs Node ${min} or newer (https://nodejs.org, or your distribution's nodejs package).`;
}

/**
 * The C compiler the benchmark harness would use ($CC, else cc, gcc, clang: the runner's order),
 * or a line saying that hints work without one and benchmarks will say why not.
 */
export function compilerLine(env = process.env) {
  const cc = [env.CC, 'cc', 'gcc', 'clang'].map((c) => onPath(c, env)).find(Boolean);
  if (cc) return { compiler: cc, line: null };
  return {
    compiler: null,
    line: 'No C compiler on PATH (tried $CC, cc, gcc, clang): hints, hovers and fixes work; Benchmark and Calibrate will say they need one (Debian/Ubuntu: sudo apt-get install gcc).',
  };
}

/** What code-server's native modules need to compile the first time (scripts/e2e-setup.mjs). */
export function missingBuildTools(env = process.env, exists = existsSync) {
  const missing = ['g++', 'make', 'python3'].filter((t) => !onPath(t, env));
  // kerberos includes <gssapi/gssapi.h> from libkrb5-dev.
  if (!['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi.h'].some((f) => exists(f))) missing.push('libkrb5-dev');
  if (!missing.length) return null;
  return `The first start compiles code-server's native modules and needs ${missing.join(', ')}: sudo apt-get install -y g++ make python3 libkrb5-dev (then npm start again).`;
}

/** Whether `host:port` can be listened on now. */
export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/**
 * How to reach the printed URL from a browser: nothing to add on a desktop, an SSH tunnel from an
 * SSH session, a browser elsewhere when there is no display. One line or null.
 */
export function browserLine(port, env = process.env) {
  const desktop = env.DISPLAY || env.WAYLAND_DISPLAY || process.platform === 'darwin';
  if (env.SSH_CONNECTION || env.SSH_CLIENT) {
    return `Over SSH: on your own machine run \`ssh -L ${port}:127.0.0.1:${port} <this host>\` and open the URL there (any browser).`;
  }
  if (!desktop) {
    return `No display here: open the URL in a browser on a machine that reaches this one's loopback (e.g. \`ssh -L ${port}:127.0.0.1:${port} <this host>\`).`;
  }
  return null;
}

/** Desktop VS Code instead, where the `code` command exists. */
export function desktopLine(vsix, folder, env = process.env) {
  if (!onPath('code', env)) return null;
  return `Desktop VS Code instead: code --install-extension ${vsix} && code ${folder}`;
}
