#!/usr/bin/env node
// How long `npm start` takes to be ready (its URL printed, code-server answering): the first
// start (code-server set up from scratch into a temporary cache, the VSIX built, the extension
// installed into a new profile) and a second one on the same cache and profile. Prints the
// figures with the machine and its load; a benchmark, not a test (issue #15: first under 5
// minutes on 2 cores, second under 30 s).
//
//   node scripts/bench-start.mjs            first and second start
//   node scripts/bench-start.mjs --warm     only starts on the shared cache (PAGECOST_E2E_CACHE or
//                                           .vscode-test/e2e), with a fresh profile, then again
//
// The first start reinstalls code-server (about 620 MB: from npm's cache if it holds the
// tarballs, else the registry) and compiles its native modules. Temporary folders are removed.
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const warm = process.argv.includes('--warm');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Runs npm start until it says it is ready, then Ctrl-C; resolves with seconds to ready and its output. */
function startOnce(env, profile) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), '--port', '0', '--profile', profile], {
      cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let readyS = null;
    const onData = (d) => {
      out += d;
      if (readyS === null && /start: ready in/.test(out)) {
        readyS = Number(process.hrtime.bigint() - t0) / 1e9;
        process.kill(-child.pid, 'SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => (readyS !== null ? resolve({ readyS, out }) : reject(new Error(`npm start ended (${code}) before it was ready:\n${out.slice(-2000)}`))));
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'pagecost-bench-start-'));
try {
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown CPU';
  console.log(`bench-start: ${cpu}, ${cpus().length} CPUs; load ${load()}`);
  const env = warm ? {} : { PAGECOST_E2E_CACHE: join(tmp, 'e2e-cache') };
  const profile = join(tmp, 'profile');
  if (!warm) {
    // As after a fresh clone: the VSIX older than its sources, so it is built again.
    utimesSync(join(root, 'package.json'), new Date(), new Date());
  }
  const first = await startOnce(env, profile);
  console.log(`bench-start: first start ${warm ? '(shared code-server, new profile)' : '(code-server set up from scratch, VSIX built, new profile)'}: ready in ${first.readyS.toFixed(1)} s; load ${load()}`);
  const second = await startOnce(env, profile);
  console.log(`bench-start: second start (same cache and profile): ready in ${second.readyS.toFixed(1)} s; load ${load()}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
