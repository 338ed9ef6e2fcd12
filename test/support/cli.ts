// Runs the real CLI bundle (dist/cli.js) the way users do, and makes throwaway C trees.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIO } from '../../src/cli/io';

export const repoRoot = join(__dirname, '..', '..');
export const cliBundle = join(repoRoot, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ (npm test builds first anyway). */
export function ensureBuilt(): void {
  const stale = !existsSync(cliBundle) || !existsSync(join(repoRoot, 'dist', 'scanWorker.js')) || statSync(cliBundle).mtimeMs < newestMtime(join(repoRoot, 'src'));
  if (stale) execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'pipe' });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string = repoRoot, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBundle, ...args],
      { cwd, env: { ...process.env, PAGECOST_DEBUG: '', ...env }, maxBuffer: 64 << 20, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh directory under the OS temp dir (outside any git repo) with the given files. */
export function makeTree(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pagecost-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `makeTree` for one mocha suite: every tree it makes is removed after the suite. */
export function suiteTrees(): (files: Record<string, string | Uint8Array>) => string {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));
  return (files) => {
    const d = makeTree(files);
    dirs.push(d);
    return d;
  };
}

/** A wrapper in one file, used in another; a header macro for the size. */
export const crossFileTree: Record<string, string> = {
  'lib/wrapper.c': `#include <stdlib.h>
void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q)
        abort();
    return q;
}
`,
  'lib/sizes.h': '#define CHUNK (16 * 4096)\n',
  'src/user.c': `#include <stddef.h>
#include "../lib/sizes.h"
void *xrealloc(void *p, size_t n);

char *grow(char *buf)
{
    buf = xrealloc(buf, CHUNK);
    return buf;
}
`,
  'src/unrelated.c': 'int add(int a, int b) { return a + b; }\n',
};

/** A CliIO that collects stdout and stderr, for running subcommands in-process. */
export function fakeIO(cwd = process.cwd()): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    stderrIsTTY: false,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}
