// Shared by the rule and fix tests: analyse a C snippet, advise with the correctness rules on,
// apply a fix, and compile C with the system compiler (argument arrays, temp files, no shell).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adviseSites, type AdviceOptions } from '../../../src/core/advice/index';
import { applyEdits, fixesFor, type Fix } from '../../../src/core/fixes/index';
import type { Finding } from '../../../src/core/types';
import { analyze } from '../c-sites/helpers';

export async function findingsOf(text: string, options: AdviceOptions = {}): Promise<Finding[]> {
  const { sites } = await analyze(text, 'snippet.c');
  return adviseSites(sites, { correctness: true, ...options });
}

export async function rulesOf(text: string, options: AdviceOptions = {}): Promise<string[]> {
  return (await findingsOf(text, options)).map((f) => `${f.site.nameRange.start.line} ${f.rule}`);
}

/** The one finding of `rule` (fails the test when there is not exactly one). */
export async function oneFinding(text: string, rule: string): Promise<Finding> {
  const fs = (await findingsOf(text)).filter((f) => f.rule === rule);
  assert.equal(fs.length, 1, `expected one ${rule}, got ${fs.length}`);
  return fs[0]!;
}

/** The fixes of the one `rule` finding, minus the suppression comment. */
export async function fixesOf(text: string, rule: string): Promise<Fix[]> {
  return fixesFor(await oneFinding(text, rule), text).filter((f) => !f.title.startsWith('Ignore '));
}

export function apply(text: string, fix: Fix): string {
  return applyEdits(text, fix.edits);
}

const compiler = process.env.CC || 'cc';

/** Compiles `code` with `-fsyntax-only -Wall` (and -Werror unless `werror` is false); resolves to the diagnostics, rejects never. */
export function compile(code: string, werror = true, includeDirs: string[] = []): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pagecost-fix-'));
  const file = join(dir, 'fixed.c');
  writeFileSync(file, code);
  const args = ['-std=gnu11', '-fsyntax-only', '-Wall', ...(werror ? ['-Werror'] : []), ...includeDirs.map((d) => `-I${d}`), file];
  return new Promise((resolve) => {
    execFile(compiler, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ ok: !err, output: `${stdout}${stderr}` });
    });
  });
}

export async function assertCompiles(code: string, werror = true, includeDirs: string[] = []): Promise<void> {
  const r = await compile(code, werror, includeDirs);
  assert.ok(r.ok, `does not compile:\n${r.output}\n--- code ---\n${code}`);
}
