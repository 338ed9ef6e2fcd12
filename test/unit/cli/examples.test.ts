// examples/ is the tour `npm start` opens (examples/README.md): every rule of docs/RULES.md must
// fire somewhere in it, every file must show something, and the answer written in swap.c's
// comment must be what the model says today.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBuilt, repoRoot, runCli } from '../../support/cli';

interface Report {
  findings: Array<{ file: string; line: number; rule: string }>;
  errors: Array<{ file: string; message: string }>;
}

const examples = join(repoRoot, 'examples');

/** The rule ids: the `## id` headings of docs/RULES.md. */
function documentedRules(): string[] {
  return [...readFileSync(join(repoRoot, 'docs', 'RULES.md'), 'utf8').matchAll(/^## ([a-z0-9-]+)\s*$/gm)].map((m) => m[1]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'build' || name.startsWith('.') ? [] : sourceFiles(p);
    return /\.(c|ts)$/.test(name) ? [relative(examples, p)] : [];
  });
}

describe('examples/: the tour covers every rule', function () {
  this.timeout(120_000);
  let report: Report;
  before(async () => {
    ensureBuilt();
    // From inside examples/, as the editor sees the folder npm start opens (its .pagecost.json applies).
    const r = await runCli(['scan', '.', '--format', 'json', '--quiet'], examples);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as Report;
  });

  it('scans cleanly: no file errors', () => {
    assert.deepEqual(report.errors, []);
  });

  it('every rule in docs/RULES.md fires at least once', () => {
    const rules = documentedRules();
    assert.ok(rules.length >= 18, `rules read from docs/RULES.md: ${rules.join(', ')}`);
    const fired = new Set(report.findings.map((f) => f.rule));
    const missing = rules.filter((r) => !fired.has(r));
    assert.deepEqual(missing, [], `rules that fire nowhere in examples/: ${missing.join(', ')} (add a case to the file of examples/README.md that fits)`);
  });

  it('every example file shows at least one finding', () => {
    const quiet = sourceFiles(examples).filter((f) => !report.findings.some((x) => x.file === f));
    assert.deepEqual(quiet, []);
  });

  it('the library wrapper of .pagecost.json is applied (lib_buf_grow in wrappers/)', () => {
    const src = readFileSync(join(examples, 'wrappers', 'buffers.c'), 'utf8').split('\n');
    const line = src.findIndex((l) => l.includes('lib_buf_grow(b,')) + 1;
    assert.ok(report.findings.some((f) => f.file === 'wrappers/buffers.c' && f.line === line && f.rule === 'realloc-cost'), `no realloc-cost on wrappers/buffers.c:${line}`);
  });

  it("swap.c's written answer matches the model (update the comment when the model changes)", async () => {
    const comment = readFileSync(join(examples, 'swap', 'swap.c'), 'utf8');
    const explain = await runCli(['explain', '--op', 'mremap-move', '--bytes', '4K', '--profile', 'x86-64']);
    assert.equal(explain.code, 0, explain.stderr);
    const m = /costs about ([\d.]+ µs)\. .* costs about ([\d.]+ ns): memcpy is (\d+)× cheaper\.\s+mremap beats memcpy above ([\d.]+ KiB)/s.exec(explain.stdout);
    assert.ok(m, explain.stdout);
    const [, move, copy, ratio, crossover] = m;
    const expected = `one 4 KiB move about ${move}, one 4 KiB copy about ${copy}: memcpy is ${ratio}x cheaper;\n *     mremap only beats memcpy for a move above about ${crossover}`;
    assert.ok(comment.includes(expected), `swap.c should say:\n${expected}`);
  });
});
