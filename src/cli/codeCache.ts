// The subcommand bundles are compiled from a V8 code cache kept in the user's cache folder, as
// Node 22's module.enableCompileCache() does (Node 20 has no such switch). V8 compiles a
// function's bytecode the first time it runs; a cache written after a run holds every function
// that run compiled, so the next run skips compiling the 830 KB scan bundle and the functions
// it uses: on the dense bench corpus ~85 ms less CPU on the scan's thread (1.28 → 1.19 s, lower
// quartiles of 8 alternating runs, AMD EPYC 2-vCPU, 2026-12-07); the bundle then loads in
// ~14 ms. The cache is written when missing, refused or outgrown (below), and is named by a
// hash of the bundle's text and the node version: V8 itself checks only the source's length.
// Any failure (no cache folder, a read-only one, a refused cache) falls back to compiling as
// `require` does. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node 22's.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { defaultCacheDir } from '../core/bench/cacheDir';

/** Where the caches go: code-cache/ in pagecost's cache folder ($XDG_CACHE_HOME/pagecost, else ~/.cache/pagecost). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultCacheDir({ env, homedir, join }), 'code-cache');
}

/**
 * `require(file)` for a CommonJS bundle of ours, compiled from the code cache in `dir` when it
 * holds one for this text and this node, which is written at exit otherwise.
 */
export function requireBundle(file: string, dir: string = codeCacheDir()): unknown {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return require(file);
  const text = readFileSync(file, 'utf8');
  const name = basename(file);
  const key = createHash('sha256').update(text).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 20);
  const cacheFile = join(dir, `${name}-${key}.bin`);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cacheFile);
  } catch {
    // none yet
  }
  // The wrapper Node puts around a CommonJS module, on one line: line numbers stay the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, { filename: file, ...(cached ? { cachedData: cached } : {}) });
  const mod = { exports: {} as unknown };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(file), mod, file, dirname(file));
  const used = cached && !script.cachedDataRejected ? cached.length : 0;
  process.once('exit', () => {
    // A cache holds what the run that wrote it compiled: one written by a scan of a single file
    // lacks most of what a tree scan runs. A long run (where ~4 ms to serialise is nothing)
    // replaces a cache it outgrew by 5%.
    if (used && process.uptime() < 1) return;
    const data = script.createCachedData();
    if (!used || data.length > used * 1.05) keep(data, dir, name, cacheFile);
  });
  return mod.exports;
}

/** Caches kept per bundle: two installs of pagecost (or two node versions) each keep theirs. */
const KEPT_PER_BUNDLE = 4;

/** Writes the cache (whole or not at all: another pagecost may read it meanwhile) and drops this bundle's oldest ones. */
function keep(data: Buffer, dir: string, name: string, cacheFile: string): void {
  // Scan workers are threads of one process: the thread is part of the name.
  const tmp = `${cacheFile}.${process.pid}-${threadId}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, cacheFile);
    const mine = readdirSync(dir)
      .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.bin'))
      .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const old of mine.slice(KEPT_PER_BUNDLE)) rmSync(old.path, { force: true });
  } catch {
    // A cache folder we cannot write (or a full disk): the next run compiles again.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // no folder, no file
    }
  }
}
