#!/usr/bin/env node
// `npm run bench:scan`: how long `pagecost scan` (wrapper rounds included) takes on large real C
// trees, against `grep -rnE '\b(realloc|mremap)\b'` over the same trees, and how much memory it
// needs. Targets (issue #10): at most 10× grep (goal 5×) and at most 256 MB peak RSS on the
// call-site-dense corpus. Not part of `npm test`: it downloads sources once and takes minutes.
//
// Two corpora, fetched once into .bench-corpus/ (gitignored), .c/.h files only:
// - `glibc`: the GNU C Library (glibc 2.36, ~1.5 million lines in ~14,000 files), from Debian's
//   `glibc-source` package (`apt-get download`: no deb-src lines needed). Call sites are sparse.
// - `dense`: nine projects where resizes are everywhere (curl, git, jq, libgit2, zstd, Lua 5.4,
//   nginx, Redis, tmux: wrappers of wrappers, allocator pointers, macros), the upstream tarballs
//   of their Debian source packages (`apt-get source --download-only`, which needs a `deb-src`
//   line in apt's sources; the script says how to add one when it is missing).
//
// Figures: wall time (median of runs, grep and the scan taking turns so a busy machine hits both
// alike) and CPU time (user + system, the scan's workers and processes included) of each, their
// ratios, and the scan's peak RSS. On a shared machine the CPU ratio is the steadier figure.
//
// Options: --corpus glibc|dense|all|DIR (default all), --runs N (scan runs, default 3; grep gets
//          N+2), --jobs N (passed to the scan).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.bench-corpus');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const runs = Math.max(1, Number(opt('runs', 3)));
const jobs = opt('jobs', null);
const which = opt('corpus', 'all');

/** The dense corpus: Debian source packages whose upstream tarballs are unpacked. */
const DENSE = ['curl', 'git', 'jq', 'libgit2', 'libzstd', 'lua5.4', 'nginx', 'redis', 'tmux'];
const TARGET_RSS_MB = 256;

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

/** Runs an apt-get command; a fresh machine may have no package lists yet (they need root to fetch). */
function apt(argv, cwd) {
  try {
    run('apt-get', argv, { cwd });
  } catch (first) {
    if (process.getuid?.() !== 0) fail(`${first.message}\nrun \`sudo apt-get update\` once, then retry`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', argv, { cwd });
  }
}

function prepareGlibc() {
  const dest = join(cacheDir, 'glibc');
  if (existsSync(join(dest, '.complete'))) return dest;
  const dl = join(cacheDir, 'download');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dl, { recursive: true });
  mkdirSync(dest, { recursive: true });
  process.stderr.write('bench:scan: fetching the glibc corpus (Debian package glibc-source, ~20 MB) once…\n');
  const downloaded = () => readdirSync(dl).find((f) => /^glibc-source_.*\.deb$/.test(f));
  if (!downloaded()) apt(['download', 'glibc-source'], dl);
  const deb = downloaded();
  if (!deb) fail(`apt-get download left no glibc-source_*.deb in ${dl}`);
  const unpacked = join(dl, 'unpacked');
  rmSync(unpacked, { recursive: true, force: true });
  run('dpkg-deb', ['-x', join(dl, deb), unpacked]);
  const srcDir = join(unpacked, 'usr', 'src', 'glibc');
  const tarball = readdirSync(srcDir).find((f) => /^glibc-.*\.tar\.xz$/.test(f));
  if (!tarball) fail(`no glibc-*.tar.xz inside ${deb}`);
  run('tar', ['-xJf', join(srcDir, tarball), '-C', dest, '--strip-components=1', '--wildcards', '*.c', '*.h']);
  rmSync(unpacked, { recursive: true, force: true });
  writeFileSync(join(dest, '.complete'), '');
  return dest;
}

function prepareDense() {
  const dest = join(cacheDir, 'dense');
  if (existsSync(join(dest, '.complete'))) return dest;
  const dl = join(cacheDir, 'download', 'dense');
  mkdirSync(dl, { recursive: true });
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  process.stderr.write(`bench:scan: fetching the dense corpus (${DENSE.length} Debian source packages, ~30 MB) once…\n`);
  for (const pkg of DENSE) {
    const orig = () => readdirSync(dl).find((f) => f.startsWith(`${pkg}_`) && /\.orig\.tar\.(?:gz|xz|bz2)$/.test(f));
    if (!orig()) {
      try {
        apt(['source', '--download-only', pkg], dl);
      } catch (e) {
        fail(`${e.message}\n\`apt-get source\` needs a deb-src line: add "Types: deb-src" beside "Types: deb" in /etc/apt/sources.list.d/debian.sources (or a "deb-src …" line in /etc/apt/sources.list), run \`sudo apt-get update\`, then retry`);
      }
    }
    const tarball = orig();
    if (!tarball) fail(`apt-get source ${pkg} left no ${pkg}_*.orig.tar.* in ${dl}`);
    const out = join(dest, pkg);
    mkdirSync(out, { recursive: true });
    run('tar', ['-xf', join(dl, tarball), '-C', out, '--strip-components=1', '--wildcards', '*.c', '*.h']);
  }
  writeFileSync(join(dest, '.complete'), '');
  return dest;
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

/** Runs a command, consuming its output; returns wall ms, stdout and stderr. */
function timed(cmd, argv, env = process.env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${Buffer.concat(err).toString().trim().split('\n').slice(-3).join(' | ')}`));
      else resolve({ ms, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/**
 * grep through a shell whose `times` reports its children's CPU time. Its output goes to `wc`,
 * so grep cannot take the shortcut it takes when writing to /dev/null.
 */
async function grepRun(corpus) {
  const script = 'grep -rnE "\\b(realloc|mremap)\\b" "$1" | wc -l; times';
  const r = await timed('sh', ['-c', script, 'sh', corpus]);
  const lines = r.stdout.trim().split('\n');
  const matches = Number(lines[0]);
  const child = (lines[2] ?? '').trim().split(/\s+/).map(parseShTime);
  return { ms: r.ms, cpuMs: child.reduce((a, b) => a + b, 0), matches };
}

/** `0m0.250s` → 250 */
function parseShTime(t) {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : 0;
}

async function scanRun(corpus) {
  const argv = [process.execPath, join(root, 'dist', 'cli.js'), 'scan', corpus, '--format', 'json', '--quiet', ...(jobs ? ['--jobs', jobs] : [])];
  // Through a shell whose `times` (on stderr) holds the CPU time of every process of the run: on
  // one or two cores pagecost scans in a second node it starts (src/cli/relaunch.ts).
  const script = '"$@"; s=$?; times >&2; exit $s';
  const r = await timed('sh', ['-c', script, 'sh', ...argv], { ...process.env, PAGECOST_TIMING: '1' });
  const times = r.stderr.trim().split('\n').slice(-1)[0].trim().split(/\s+/).map(parseShTime);
  // The last timing line holds the scanning process's peak RSS.
  const last = [...r.stderr.matchAll(/\(cpu (\d+) ms, peak rss (\d+) MiB\)/g)].pop();
  return { ms: r.ms, cpuMs: times.reduce((a, b) => a + b, 0), rssMb: last ? Number(last[2]) : NaN, report: JSON.parse(r.stdout) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function bench(name, corpus, dense) {
  if (!existsSync(corpus) || !statSync(corpus).isDirectory()) fail(`corpus ${corpus} is not a directory`);
  const size = countTree(corpus);
  process.stderr.write(`bench:scan: ${name}: ${size.lines} lines in ${size.files} files; timing grep ×${runs + 2} and the scan ×${runs} (after one untimed run of each)…\n`);
  // One untimed run of each first: the page cache, the first start of node and its workers, and
  // the CLI's code cache (src/cli/codeCache.ts), as a user's second run finds them.
  await grepRun(corpus);
  await scanRun(corpus);
  const g = [];
  const s = [];
  const loadBefore = loadavg()[0];
  for (let i = 0; i < runs + 2; i++) {
    g.push(await grepRun(corpus));
    if (i < runs) s.push(await scanRun(corpus));
  }
  const loadAfter = loadavg()[0];
  const report = s[s.length - 1].report;
  const grepMs = median(g.map((x) => x.ms));
  const grepCpu = median(g.map((x) => x.cpuMs));
  const scanMs = median(s.map((x) => x.ms));
  const scanCpu = median(s.map((x) => x.cpuMs));
  const rss = Math.max(...s.map((x) => x.rssMb));
  const ratio = scanMs / grepMs;
  const cpuRatio = scanCpu / grepCpu;
  const kinds = {};
  for (const f of report.findings) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
  const rows = [
    ['corpus', `${name}  (${corpus.startsWith(root) ? corpus.slice(root.length + 1) : corpus})`],
    ['lines', size.lines.toLocaleString('en')],
    ['files (.c/.h)', size.files.toLocaleString('en')],
    ['bytes', size.bytes.toLocaleString('en')],
    ['grep matches', g[0].matches],
    ['grep ms (median)', `${grepMs.toFixed(0)}  [${g.map((x) => x.ms.toFixed(0)).join(', ')}]  cpu ${grepCpu.toFixed(0)}`],
    ['scan ms (median)', `${scanMs.toFixed(0)}  [${s.map((x) => x.ms.toFixed(0)).join(', ')}]  cpu ${scanCpu.toFixed(0)}`],
    ['ratio scan/grep', `${ratio.toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× cpu  (target ≤ 10×, goal 5×)`],
    ['peak RSS', `${rss} MiB${dense ? `  (target ≤ ${TARGET_RSS_MB} MB)` : ''}`],
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
    process.stdout.write('note: the machine was busy; the scan uses every core and grep one, so the wall ratio is pessimistic — rerun when idle, or read the cpu ratio\n');
  }
  const fast = ratio <= 10;
  const small = !dense || rss * 1048576 <= TARGET_RSS_MB * 1e6;
  process.stdout.write(`${fast ? 'PASS' : 'FAIL'}: ${fast ? 'within' : 'slower than'} 10× grep${dense ? `; ${small ? 'PASS' : 'FAIL'}: peak RSS ${small ? 'within' : 'above'} ${TARGET_RSS_MB} MB` : ''}\n\n`);
  return fast && small;
}

if (!existsSync(join(root, 'dist', 'cli.js')) || !existsSync(join(root, 'dist', 'scanWorker.js'))) {
  run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
}
const corpora = which === 'all' ? ['glibc', 'dense'] : [which];
let ok = true;
for (const c of corpora) {
  if (c === 'glibc') ok = (await bench('glibc', prepareGlibc(), false)) && ok;
  else if (c === 'dense') ok = (await bench('dense', prepareDense(), true)) && ok;
  else ok = (await bench(c, c, false)) && ok;
}
process.exitCode = ok ? 0 : 1;
