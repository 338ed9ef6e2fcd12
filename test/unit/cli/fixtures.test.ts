// `pagecost scan test/fixtures/c` must report what the call-site fixtures expect, file by file:
// the project scan (rounds, workers, headers) reaches the same sites as analysing the fixture
// project directly (test/unit/c-sites/fixtures.test.ts).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBuilt, repoRoot, runCli } from '../../support/cli';

interface Site {
  line: number; column: number; callee: string; kind: string; via: string[];
  oldBytes: number | null; newBytes: number | null; flags: string[] | null; growth: string | null;
}
const fixtureRoot = join(repoRoot, 'test', 'fixtures', 'c');

function expectedFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...expectedFiles(p));
    else if (e.name.endsWith('.expected.json')) out.push(relative(fixtureRoot, p).replace(/\.expected\.json$/, '').split('\\').join('/'));
  }
  return out.sort();
}

// Where and what, then the evaluated values: partial parsing must not lose a macro, a type or an
// inline helper the evaluator needs. JSON gives realloc-family calls `flags: []` where the
// fixtures (CallSite level) say null.
const key = (s: Site) =>
  JSON.stringify([s.line, s.column, s.callee, s.kind, s.via, s.oldBytes, s.newBytes, s.callee === 'mremap' ? s.flags : null, s.growth]);

describe('pagecost scan of the call-site fixtures', function () {
  this.timeout(120_000);
  before(() => ensureBuilt());

  for (const jobs of ['1', '2']) {
    it(`reports every expected site of every fixture (--jobs ${jobs})`, async () => {
      const files = expectedFiles(fixtureRoot);
      assert.ok(files.length >= 15, `only ${files.length} fixtures with expected files`);
      const r = await runCli(['scan', fixtureRoot, '--format', 'json', '--jobs', jobs]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { findings: (Site & { file: string })[] };
      for (const file of files) {
        const expected = (JSON.parse(readFileSync(join(fixtureRoot, `${file}.expected.json`), 'utf8')) as Site[]).map(key);
        // A site may carry several findings (cost, growth...): compare the distinct sites.
        const actual = [...new Set(report.findings.filter((f) => f.file === file).map(key))];
        assert.deepEqual(actual, expected, file);
      }
      const unexpected = report.findings.filter((f) => !files.includes(f.file));
      assert.deepEqual(unexpected.map((f) => f.file), [], 'findings in files without an expected list');
      // A resize inside a helper says how many calls reach it; a loop's call of a constant-step helper has only the growth rule.
      const inPush = report.findings.filter((f) => f.file === 'helpers.c' && f.line === 32);
      assert.deepEqual([...new Set(inPush.map((f) => (f as { callers?: number }).callers))], [1]);
      const loopCall = report.findings.filter((f) => f.file === 'helpers.c' && f.line === 128);
      assert.deepEqual(loopCall.map((f) => [f.kind, (f as { rule?: string }).rule]), [['helper-call', 'realloc-linear-growth']]);
    });
  }
});
