// Helpers for the record tests: compile a fixture program, record it with the real recording
// library (built once per test process into a temporary cache), and read what the program
// itself says it did ("expect SITE CALLS" lines) and where each site is ("@site SITE" markers).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBenchHost } from '../../../src/cli/benchHost';
import type { CliIO } from '../../../src/cli/io';
import { preloadSourcePaths, runRecord, type RecordDeps } from '../../../src/cli/record';
import type { ProgramExit } from '../../../src/cli/recordHost';
import { nodeSymbolizerHost } from '../../../src/cli/recordHost';
import { parseRunFile, type RunFile, type RunSite } from '../../../src/core/record/runFile';

export const fixtureDir = join(__dirname, '..', '..', 'fixtures', 'record');

/** A scratch tree per suite: the fixture sources (the scan root) and the binaries. */
export function scratch(): { dir: string; cache: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pagecost-record-test-'));
  const cache = join(dir, '.cache');
  mkdirSync(cache);
  return { dir, cache, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function copyFixture(name: string, into: string): string {
  const to = join(into, name);
  copyFileSync(join(fixtureDir, name), to);
  return to;
}

const host = nodeBenchHost();

/**
 * Compiles with an argument array; throws with the compiler's words on failure. `libs` (`-lfoo`)
 * go after the source: the linker resolves a library only for objects named before it.
 */
export async function compile(cc: string, source: string, out: string, flags: string[], libs: string[] = []): Promise<string> {
  const r = await host.execFile(cc, [...flags, '-o', out, source, ...libs, '-pthread'], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${cc} ${flags.join(' ')} ${source}: ${r.stderr || r.spawnError}`);
  return out;
}

export interface Recorded {
  code: number;
  run: RunFile;
  stdout: string;
  stderr: string;
  /** What the program says it did, per site. */
  expect: Map<string, number>;
}

/** Runs the program with piped stdio (to read its own counts) instead of the terminal. */
function capturingRun(sink: { stdout: string; stderr?: string }, input?: string): RecordDeps['run'] {
  return (file, args, env, argv0) =>
    new Promise<ProgramExit>((resolve) => {
      const startedAt = new Date();
      const t0 = process.hrtime.bigint();
      const child = spawn(file, args, { env, argv0, stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => (sink.stdout += d));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => (sink.stderr = (sink.stderr ?? '') + d));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
      child.on('error', (e: NodeJS.ErrnoException) => resolve({ code: null, signal: null, spawnError: e.code ?? e.message, startedAt, durationMs: 0 }));
      child.on('close', (code, signal) => resolve({ code, signal, startedAt, durationMs: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
}

export function testDeps(sink: { stdout: string }, env: NodeJS.ProcessEnv = process.env): RecordDeps {
  return {
    host: nodeBenchHost(),
    symbolizer: nodeSymbolizerHost(),
    preloadSources: preloadSourcePaths(),
    run: capturingRun(sink),
    env,
    arch: process.arch,
    jobs: 1,
  };
}

export function fakeIO(cwd: string): CliIO & { out: string; err: string } {
  const io = { cwd, stderrIsTTY: false, out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

/** `pagecost record` in-process on a program; the record is read back through the parser. */
export async function record(cwd: string, args: string[], deps?: RecordDeps): Promise<Recorded> {
  const sink = { stdout: '' };
  const io = fakeIO(cwd);
  const out = join(cwd, `.pagecost/run-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const code = await runRecord(['--out', out, '--quiet', ...args], io, deps ?? testDeps(sink));
  const parsed = parseRunFile(readFileSync(out, 'utf8'), out);
  if (!parsed.run) throw new Error(`no record: ${parsed.problems.join('; ')}\n${io.err}`);
  if (parsed.problems.length) throw new Error(`record problems: ${parsed.problems.join('; ')}`);
  const expect = new Map<string, number>();
  for (const m of sink.stdout.matchAll(/^expect (\S+) (\d+)$/gm)) expect.set(m[1]!, (expect.get(m[1]!) ?? 0) + Number(m[2]));
  return { code, run: parsed.run, stdout: sink.stdout, stderr: io.err, expect };
}

/** Line of each `@site NAME` marker in a source file. */
export function markers(source: string): Map<string, number> {
  const out = new Map<string, number>();
  readFileSync(source, 'utf8').split('\n').forEach((l, i) => {
    const m = /@site (\S+)/.exec(l);
    if (m) out.set(m[1]!, i + 1);
  });
  return out;
}

export function siteAt(run: RunFile, file: string, line: number): RunSite | undefined {
  return run.sites.find((s) => s.file === file && s.line === line);
}

/**
 * Every site the program counted has exactly its count on its marked line, and no other line of
 * the file has calls. Returns the differences as text (empty when all agree).
 */
export function compareSites(r: Recorded, file: string, source: string): string[] {
  const lines = markers(source);
  const problems: string[] = [];
  const expectedLines = new Set<number>();
  for (const [name, calls] of r.expect) {
    const line = lines.get(name);
    if (line === undefined) {
      problems.push(`no marker for ${name}`);
      continue;
    }
    expectedLines.add(line);
    const got = siteAt(r.run, file, line)?.calls ?? 0;
    if (got !== calls) problems.push(`${name} (${file}:${line}): recorded ${got}, the program made ${calls}`);
  }
  for (const s of r.run.sites) {
    if (s.file === file && !expectedLines.has(s.line)) problems.push(`unexpected site ${file}:${s.line} with ${s.calls} calls`);
  }
  if (r.run.unattributed.calls) problems.push(`unattributed: ${JSON.stringify(r.run.unattributed.reasons)}`);
  return problems;
}
