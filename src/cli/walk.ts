// Finds the C and TS/JS files under the scan roots (`languages` narrows that). In a git work tree it asks git (`ls-files`), which
// knows every .gitignore, .git/info/exclude and global exclude exactly as git does; elsewhere,
// or when git is missing, it walks the directories itself and applies the .gitignore files it
// meets. Never throws for a bad directory: unreadable ones become errors and the walk goes on.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { FileError } from '../core/types';
import type { ScanFileRef } from '../core/scan/shard';
import { describeFsError } from './fsErrors';
import { TS_EXTENSIONS } from '../core/analysis/ts/api';

export type ScanLanguage = 'c' | 'ts';
export const scanLanguages: readonly ScanLanguage[] = ['c', 'ts'];
export const languageExtensions: Record<ScanLanguage, readonly string[]> = { c: ['.c', '.h'], ts: TS_EXTENSIONS };
/** Every extension scanned by default. */
export const sourceExtensions = [...languageExtensions.c, ...languageExtensions.ts];
// Installed packages and other tools' vendored copies are not the project's code (and a
// node_modules tree holds thousands of JS files): never walked, even outside git. `.pc` is
// quilt's: the unpatched copies of a Debian source's patched files (every finding twice).
const alwaysSkipped = new Set(['.git', 'node_modules', 'bower_components', 'jspm_packages', '.yarn', '.pnpm-store', '.pc']);

export interface WalkOptions {
  /** Paths in outputs are relative to this directory. */
  base: string;
  /** gitignore-style patterns relative to `base` (from .pagecost.json `exclude`). */
  exclude: string[];
  /** Ask git / honour .gitignore (default true). */
  gitignore?: boolean;
  /**
   * Run `git ls-files` where it can (default true). False walks and applies the .gitignore files
   * itself: a repository's own config can make git run programs (core.fsmonitor), which must
   * not happen for a folder the user has not trusted.
   */
  useGit?: boolean;
  /** Which languages' files to list (default both); a file named on the command line is listed anyway. */
  languages?: readonly ScanLanguage[];
  /** Called with files as they are found (batches), before the walk ends; for streaming to workers. */
  onFiles?: (batch: ScanFileRef[]) => void;
  /**
   * Waited for before the first file is handed out (the scan's grammar warm-up, pool.ts `ready`):
   * it runs while git answers, and the reading it must come before starts after it.
   */
  ready?: Promise<unknown>;
}

const batchSize = 256;

export interface WalkResult {
  files: ScanFileRef[];
  errors: FileError[];
  /** How each root was listed, for --verbose and tests: 'git', 'walk' or 'file'. */
  methods: string[];
}

const toSlash = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** dir + name without path.join's normalising (the walk makes ~15,000 of these). */
function childOf(dir: string, name: string): string {
  if (sep !== '/') return join(dir, name);
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function isSourceFile(name: string, extensions: readonly string[] = sourceExtensions): boolean {
  return extensions.some((ext) => name.endsWith(ext));
}

function extensionsFor(languages: readonly ScanLanguage[] | undefined): readonly string[] {
  return languages ? languages.flatMap((l) => languageExtensions[l]) : sourceExtensions;
}

export async function collectFiles(roots: string[], options: WalkOptions): Promise<WalkResult> {
  const files: ScanFileRef[] = [];
  const errors: FileError[] = [];
  const methods: string[] = [];
  const extensions = extensionsFor(options.languages);
  const excluded = ignore().add(options.exclude);
  const hasExcludes = options.exclude.length > 0;
  const seen = new Set<string>();
  let pending: ScanFileRef[] = [];
  const flush = () => {
    if (pending.length && options.onFiles) options.onFiles(pending);
    pending = [];
  };
  const basePrefix = options.base.endsWith(sep) ? options.base : options.base + sep;
  const add = (abs: string) => {
    if (seen.has(abs)) return;
    // Most paths are below the base: slicing is much cheaper than path.relative per file.
    const rel = abs.startsWith(basePrefix) ? toSlash(abs.slice(basePrefix.length)) : toSlash(relative(options.base, abs)) || toSlash(abs);
    if (hasExcludes && !rel.startsWith('../') && rel !== '..' && excluded.ignores(rel)) return;
    seen.add(abs);
    const ref = { path: toSlash(abs), rel };
    files.push(ref);
    pending.push(ref);
    if (pending.length >= batchSize) flush();
  };
  for (const root of roots) {
    const st = await stat(root).catch((e) => e as Error);
    if (st instanceof Error) {
      errors.push({ file: toSlash(relative(options.base, root)) || '.', message: `cannot read: ${describeFsError(st)}` });
      continue;
    }
    if (!st.isDirectory()) {
      await options.ready;
      // A file named on the command line is scanned whatever its extension: the user chose it.
      methods.push('file');
      add(root);
      continue;
    }
    const listed = options.gitignore === false || options.useGit === false ? null : await gitListing(root);
    await options.ready;
    if (listed) {
      methods.push('git');
      for (const rel of listed) {
        if (!isSourceFile(rel, extensions) || rel.split('/').some((part) => alwaysSkipped.has(part))) continue;
        add(join(root, rel));
      }
    } else {
      methods.push('walk');
      const inRepo = options.gitignore !== false && hasGitAbove(root);
      const real = realPathOr(root);
      walkDir(root, real, inRepo ? [] : null, add, errors, options.base, new Set(), extensions);
    }
  }
  flush();
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, errors, methods };
}

/**
 * Tracked plus untracked-but-not-ignored files under `root`, relative to it; null when `root`
 * is not in a git work tree, git is not installed, or `root` is itself ignored (then the user
 * named an ignored folder on purpose, e.g. a vendored tree, and gets all of it).
 *
 * One git process where one is enough (each costs the main thread ~1.5 ms to start, and the
 * scan waits for its answer): a root holding `.git` is the top of its work tree, where nothing
 * can ignore it, so ls-files answers alone; elsewhere `check-ignore .` run in the root tells
 * both whether it is in a work tree (exit 128 outside) and whether it is ignored (0) or not (1),
 * which took `rev-parse --show-toplevel` and then `check-ignore` before.
 */
async function gitListing(root: string): Promise<string[] | null> {
  if (!existsSync(join(root, '.git'))) {
    const ignored = await gitExit(root, ['check-ignore', '-q', '--', '.']);
    if (ignored !== 1) return null;
  }
  const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (out === null) return null;
  return out.split('\0').filter(Boolean);
}

function git(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, maxBuffer: 1 << 30, encoding: 'utf8', windowsHide: true }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
}

/** git's exit code, or null when it did not run (not installed) or was killed. */
function gitExit(cwd: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, encoding: 'utf8', windowsHide: true }, (err) =>
      resolve(!err ? 0 : typeof err.code === 'number' ? err.code : null),
    );
  });
}

/**
 * The real path of `path`, or `path` when it has none. Synchronous on purpose: the promise
 * version waited ~70 ms here on the dense bench corpus with the main thread idle (the event loop
 * picks its answer up late while the grammar loads), and the walk after it is synchronous anyway.
 */
function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function hasGitAbove(dir: string): boolean {
  for (let d = dir; ; ) {
    if (existsSync(join(d, '.git'))) return true;
    const parent = join(d, '..');
    if (parent === d) return false;
    d = parent;
  }
}

interface IgnoreLevel {
  dir: string;
  rules: Ignore;
}

/**
 * Depth-first walk. `ignores` is null outside a repo (no .gitignore handling). Synchronous on
 * purpose: on a tree of 15,000 files the promise API costs several times more than the calls.
 * `real` is the directory's real path, built by string for plain directories and asked of the
 * file system only behind a symlink, so loops are caught without a realpath call per directory.
 */
function walkDir(
  dir: string,
  real: string,
  ignores: IgnoreLevel[] | null,
  add: (abs: string) => void,
  errors: FileError[],
  base: string,
  visited: Set<string>,
  extensions: readonly string[],
): void {
  if (visited.has(real)) return;
  visited.add(real);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    errors.push({ file: toSlash(relative(base, dir)) || '.', message: `cannot list directory: ${describeFsError(e)}` });
    return;
  }
  let levels = ignores;
  if (ignores && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
    let text = '';
    try {
      text = readFileSync(join(dir, '.gitignore'), 'utf8');
    } catch {
      // an unreadable .gitignore ignores nothing
    }
    levels = [...ignores, { dir, rules: ignore().add(text) }];
  }
  const isIgnored = (abs: string, isDir: boolean) =>
    !!levels?.some((l) => {
      const rel = toSlash(relative(l.dir, abs));
      return l.rules.ignores(isDir ? `${rel}/` : rel);
    });
  for (const entry of entries) {
    if (alwaysSkipped.has(entry.name)) continue;
    const abs = childOf(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let childReal = childOf(real, entry.name);
    if (entry.isSymbolicLink()) {
      let target;
      try {
        target = statSync(abs);
        childReal = realpathSync(abs);
      } catch {
        // A broken link named like a source file is worth a word (the reader will say why).
        if (isSourceFile(entry.name, extensions)) add(abs);
        continue;
      }
      isDir = target.isDirectory();
      isFile = !isDir;
    } else if (!isDir && !isFile && isSourceFile(entry.name, extensions)) {
      // FIFOs, sockets, devices: listed so the reader reports them instead of silently skipping.
      isFile = true;
    }
    if (levels && isIgnored(abs, isDir)) continue;
    if (isDir) walkDir(abs, childReal, levels, add, errors, base, visited, extensions);
    else if (isFile && isSourceFile(entry.name, extensions)) add(abs);
  }
}
