#!/usr/bin/env node
// `npm run bench:scan`: how long `pagecost scan` (wrapper rounds included) takes on a large real
// C tree, against `grep -rnE '\b(realloc|mremap)\b'` over the same tree. Target: at most 10×
// grep (goal 5×). Not part of `npm test`: it needs a ~20 MB download and a minute of CPU.
//
// Corpus: the GNU C Library sources (glibc 2.36, ~1.5 million lines of C in ~14,000 .c/.h files),
// taken from Debian's `glibc-source` package, which ships the upstream tarball. It is fetched
// with `apt-get download` (no deb-src lines or root needed once the package lists exist) and
// only the .c/.h files are unpacked into .bench-corpus/ (gitignored), once.
//
// Options: --runs N (scan runs, default 3; grep gets N+2), --jobs N (passed to the scan),
//          --corpus DIR (use another tree instead).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.bench-corpus');
const defaultCorpus = join(cacheDir, 'glibc');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const runs = Math.max(1, Number(opt('runs', 3)));
const jobs = opt('jobs', null);
const corpus = opt('corpus', defaultCorpus);

function fail(message) {
  process.stderr.write(`bench:scan: ${message}\n`);
  process.exit(2);
}

function run(cmd, argv, options = {}) {
  try {
    return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...options });
  } catch (e) {
    const err = e.stderr?.toString().trim().split('\n').slice(-3).join(' | ') ?? e.message;
    throw new Error(`${cmd} ${argv.join(' ')} failed: ${err}`);
  }
}

function prepareCorpus() {
  if (existsSync(join(defaultCorpus, '.complete'))) return;
  const dl = join(cacheDir, 'download');
  rmSync(defaultCorpus, { recursive: true, force: true });
  mkdirSync(dl, { recursive: true });
  mkdirSync(defaultCorpus, { recursive: true });
  process.stderr.write('bench:scan: fetching the corpus (Debian package glibc-source, ~20 MB) once…\n');
  const downloaded = () => readdirSync(dl).find((f) => /^glibc-source_.*\.deb$/.test(f));
  if (!downloaded()) {
    try {
      run('apt-get', ['download', 'glibc-source'], { cwd: dl });
    } catch (first) {
      // A fresh machine may have no package lists yet; they need root to fetch.
      if (process.getuid?.() !== 0) fail(`${first.message}\nrun \`sudo apt-get update\` once, then retry`);
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['download', 'glibc-source'], { cwd: dl });
    }
  }
  const deb = downloaded();
  if (!deb) fail(`apt-get download left no glibc-source_*.deb in ${dl}`);
  const unpacked = join(dl, 'unpacked');
  rmSync(unpacked, { recursive: true, force: true });
  run('dpkg-deb', ['-x', join(dl, deb), unpacked]);
  const srcDir = join(unpacked, 'usr', 'src', 'glibc');
  const tarball = readdirSync(srcDir).find((f) => /^glibc-.*\.tar\.xz$/.test(f));
  if (!tarball) fail(`no glibc-*.tar.xz inside ${deb}`);
  run('tar', ['-xJf', join(srcDir, tarball), '-C', defaultCorpus, '--strip-components=1', '--wildcards', '*.c', '*.h']);
  rmSync(unpacked, { recursive: true, force: true });
  execFileSync('touch', [join(defaultCorpus, '.complete')]);
}

function countTree(dir) {
  let files = 0;
  let lines = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.[ch]$/.test(e.name)) {
        const buf = readFileSync(p);
        files++;
        bytes += buf.length;
        for (let i = 0; i < buf.length; i++) if (buf[i] === 10) lines++;
      }
    }
  };
  walk(dir);
  return { files, lines, bytes };
}

/** Runs a command, consuming its stdout (so grep cannot take the /dev/null shortcut); returns ms and output. */
function timed(cmd, argv) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      // grep exits 1 when nothing matched; the scan 0 (no --fail-on).
      if (code !== 0 && !(cmd === 'grep' && code === 1)) {
        reject(new Error(`${cmd} exited ${code}: ${Buffer.concat(err).toString().trim().split('\n').slice(-3).join(' | ')}`));
      } else resolve({ ms, stdout: Buffer.concat(out).toString() });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (corpus === defaultCorpus) prepareCorpus();
if (!existsSync(corpus) || !statSync(corpus).isDirectory()) fail(`corpus ${corpus} is not a directory`);
if (!existsSync(join(root, 'dist', 'cli.js')) || !existsSync(join(root, 'dist', 'scanWorker.js'))) {
  run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
}

const size = countTree(corpus);
process.stderr.write(`bench:scan: ${size.lines} lines in ${size.files} files; timing grep ×${runs + 2} and the scan ×${runs} (after one untimed run of each)…\n`);

// grep and the scan take turns, so a change in the machine's load (other jobs on a shared
// 2-core box) hits both alike; grep gets two extra runs (it is short and noisier).
const grepArgs = ['-rnE', '\\b(realloc|mremap)\\b', corpus];
const scanArgs = [join(root, 'dist', 'cli.js'), 'scan', corpus, '--format', 'json', '--quiet', ...(jobs ? ['--jobs', jobs] : [])];
const grepTimes = [];
const scanTimes = [];
let grepLines = 0;
let report = null;
// One untimed run of each first: the page cache, and the first start of node and its workers.
await timed('grep', grepArgs);
await timed(process.execPath, scanArgs);
const loadBefore = loadavg()[0];
for (let i = 0; i < runs + 2; i++) {
  const g = await timed('grep', grepArgs);
  grepTimes.push(g.ms);
  grepLines = g.stdout.split('\n').filter(Boolean).length;
  if (i >= runs) continue;
  const r = await timed(process.execPath, scanArgs);
  scanTimes.push(r.ms);
  report = JSON.parse(r.stdout);
}
const loadAfter = loadavg()[0];

const grepMs = median(grepTimes);
const scanMs = median(scanTimes);
const ratio = scanMs / grepMs;
const kinds = {};
for (const f of report.findings) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
const rows = [
  ['corpus', corpus.startsWith(root) ? corpus.slice(root.length + 1) : corpus],
  ['lines', size.lines.toLocaleString('en')],
  ['files (.c/.h)', size.files.toLocaleString('en')],
  ['bytes', size.bytes.toLocaleString('en')],
  ['grep matches', grepLines],
  ['grep ms (median)', `${grepMs.toFixed(0)}  [${grepTimes.map((t) => t.toFixed(0)).join(', ')}]`],
  ['scan ms (median)', `${scanMs.toFixed(0)}  [${scanTimes.map((t) => t.toFixed(0)).join(', ')}]`],
  ['ratio scan/grep', `${ratio.toFixed(2)}×  (target ≤ 10×, goal 5×)`],
  ['files parsed', `${report.stats.parsedFiles} of ${report.stats.files}`],
  ['wrappers found', report.stats.wrappers ?? '?'],
  ['wrapper rounds', report.stats.rounds ?? '?'],
  ['findings', `${report.findings.length}  ${JSON.stringify(kinds)}`],
  ['file problems', report.errors.length],
  ['load average', `${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (${cpus().length} cores)`],
];
const w = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
// Only the load before counts: the load after includes these runs themselves.
if (loadBefore > cpus().length / 2) {
  process.stdout.write('note: the machine was busy; the scan uses every core and grep one, so the ratio is pessimistic — rerun when idle\n');
}
process.stdout.write(ratio <= 10 ? 'PASS: within 10× grep\n' : 'FAIL: slower than 10× grep\n');
process.exitCode = ratio <= 10 ? 0 : 1;
