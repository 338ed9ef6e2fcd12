// `pagecost scan` over a mixed C + TS/JS tree through the real bundles (dist/cli.js requiring
// dist/ts-analysis.js at run time), as users run it.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, runCli, suiteTrees } from '../../support/cli';
import { assertValidSarif } from '../../support/sarif';

interface Report {
  version: number;
  findings: Array<{ file: string; line: number; language: string; callee: string; rule: string }>;
  errors: Array<{ file: string; message: string }>;
  notes: Array<{ file: string; message: string }>;
  stats: Record<string, number>;
}

const cSource = '#include <stdlib.h>\nstatic char *buf;\nvoid f(void) { buf = realloc(buf, 1 << 20); }\n';
const tsSource = [
  'export function grow(wasm: any, ptr: number, len: number): number {',
  '  return wasm.__wbindgen_realloc(ptr, len, len + 1024, 1);',
  '}',
  '',
].join('\n');

const mixedTree = {
  'src/a.c': cSource,
  'web/grow.ts': tsSource,
  'web/plain.js': 'export const add = (a, b) => a + b;\n',
  'web/types.d.ts': 'export declare function grow(p: number): number;\n',
  // Dependencies are not the project's code, even outside git.
  'node_modules/dep/index.js': 'module.exports = (w, p) => w.__wbindgen_realloc(p, 1, 2, 1);\n',
  'bower_components/old/x.js': 'Module._realloc(p, 8);\n',
};

/** A preload that reports on stderr whether the TS analysis bundle was required, in any thread. */
function loadProbe(dir: string): string {
  const probe = join(dir, 'probe.cjs');
  writeFileSync(
    probe,
    // Required, or read to be compiled from the code cache (src/cli/codeCache.ts).
    "const M = require('module'); const load = M._load; const fs = require('fs'); const read = fs.readFileSync;\n" +
      "const seen = (p) => { if (/ts-analysis\\.js$/.test(String(p))) process.stderr.write('PROBE: ts-analysis loaded\\n'); };\n" +
      "M._load = function (request) { seen(request); return load.apply(this, arguments); };\n" +
      "fs.readFileSync = function (p) { seen(p); return read.apply(this, arguments); };\n",
  );
  return probe;
}

describe('pagecost scan: TS/JS files (CLI bundle)', function () {
  this.timeout(120_000);
  const tree = suiteTrees();
  before(() => ensureBuilt());

  it('json: C and TS findings, the declaration file as a note, node_modules and bower_components skipped', async () => {
    const dir = tree(mixedTree);
    for (const jobs of ['1', '2']) {
      const r = await runCli(['scan', '.', '--format', 'json', '--jobs', jobs], dir);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report.errors, [], `jobs=${jobs}`);
      assert.deepEqual([...new Set(report.findings.map((f) => `${f.file}:${f.language}`))], ['src/a.c:c', 'web/grow.ts:ts'], `jobs=${jobs}`);
      const ts = report.findings.find((f) => f.language === 'ts')!;
      assert.equal(ts.callee, 'wasm-realloc');
      assert.equal(ts.line, 2);
      assert.deepEqual(report.notes.map((n) => n.file), ['web/types.d.ts']);
      assert.match(report.notes[0]!.message, /declaration file/);
      assert.equal(report.stats.files, 4, 'a.c, grow.ts, plain.js, types.d.ts');
      assert.equal(report.stats.tsFiles, 3);
    }
  });

  it('text: notes on stderr in the problems\' shape, and they do not count as file problems', async () => {
    const dir = tree(mixedTree);
    const r = await runCli(['scan', '.', '--fail-on-file-errors'], dir);
    assert.equal(r.code, 0, r.stderr);
    // grow.ts's wasm realloc has a size known only at run time: counted, and listed with --verbose.
    assert.doesNotMatch(r.stdout, /^web\/grow\.ts/m);
    assert.match(r.stderr, /^pagecost: 1 cost hint for a size known only at run time not listed/m);
    assert.match((await runCli(['scan', '.', '--verbose'], dir)).stdout, /^web\/grow\.ts:2:\d+: hint: .+ \[js-grow-cost\]$/m);
    assert.match(r.stderr, /^web\/types\.d\.ts: note: declaration file/m);
    assert.doesNotMatch(r.stderr, /problem/);
  });

  it('sarif: notes as tool notifications of level note; the log validates', async () => {
    const dir = tree(mixedTree);
    const r = await runCli(['scan', '.', '--format', 'sarif'], dir);
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout);
    assertValidSarif(log);
    const notes = log.runs[0].invocations[0].toolExecutionNotifications.filter((n: { level: string }) => n.level === 'note');
    assert.equal(notes.length, 1);
    assert.equal(notes[0].locations[0].physicalLocation.artifactLocation.uri, 'web/types.d.ts');
    assert.ok(log.runs[0].results.some((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri === 'web/grow.ts'));
  });

  it('--lang picks the languages; a bad one is a usage error', async () => {
    const dir = tree(mixedTree);
    const c = JSON.parse((await runCli(['scan', '.', '--format', 'json', '--lang', 'c'], dir)).stdout) as Report;
    assert.equal(c.stats.files, 1);
    assert.equal(c.stats.tsFiles, 0);
    assert.deepEqual(c.notes, []);
    const ts = JSON.parse((await runCli(['scan', '.', '--format', 'json', '--lang', 'ts'], dir)).stdout) as Report;
    assert.equal(ts.stats.files, 3);
    assert.ok(ts.findings.every((f) => f.language === 'ts'));
    const bad = await runCli(['scan', '.', '--lang', 'rust'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--lang must list c and\/or ts \(got 'rust'\)/);
  });

  it('a big *.min.js is skipped with a note; --max-generated-size raises the limit', async () => {
    const dir = tree({ 'dist/app.min.js': `var b=new Uint8Array(8);${';'.repeat(4096)}\n` });
    const skipped = JSON.parse((await runCli(['scan', '.', '--format', 'json', '--max-generated-size', '1K'], dir)).stdout) as Report;
    assert.equal(skipped.notes.length, 1);
    assert.match(skipped.notes[0]!.message, /generated bundle .* skipped/);
    const read = JSON.parse((await runCli(['scan', '.', '--format', 'json', '--max-generated-size', '1M'], dir)).stdout) as Report;
    assert.ok(!read.notes.some((n) => /generated bundle .* > 1048576/.test(n.message)));
    assert.deepEqual(read.errors, []);
  });

  it('a C-only scan never loads the TS analysis bundle; a TS file does', async () => {
    const dir = tree({ 'a.c': cSource, 'b.ts': tsSource });
    const probe = loadProbe(dir);
    const env = { NODE_OPTIONS: `--require ${probe}` };
    for (const jobs of ['1', '2']) {
      const c = await runCli(['scan', 'a.c', '--jobs', jobs], dir, env);
      assert.equal(c.code, 0, c.stderr);
      assert.doesNotMatch(c.stderr, /PROBE/, `jobs=${jobs}`);
      const cOnlyLang = await runCli(['scan', '.', '--lang', 'c', '--jobs', jobs], dir, env);
      assert.doesNotMatch(cOnlyLang.stderr, /PROBE/, `--lang c, jobs=${jobs}`);
    }
    const both = await runCli(['scan', '.', '--jobs', '1'], dir, env);
    assert.match(both.stderr, /PROBE: ts-analysis loaded/);
  });

  it('BEGIN/END suppression regions hold in the scan, in C and in TS, with any number of jobs', async () => {
    const dir = tree({
      'a.c': `// NOLINTBEGIN(pagecost-*)\n${cSource}// NOLINTEND(pagecost-*)\n${cSource.replace('void f', 'void g')}`,
      'b.ts': `// pagecost-ignore-begin js-grow-cost\n${tsSource}// pagecost-ignore-end\n${tsSource.replace('grow(', 'grow2(')}`,
    });
    for (const jobs of ['1', '2']) {
      const r = JSON.parse((await runCli(['scan', '.', '--format', 'json', '--jobs', jobs], dir)).stdout) as Report;
      const where = r.findings.map((f) => `${f.file}:${f.line}`);
      assert.ok(where.every((w) => w === 'a.c:8' || w === 'b.ts:7'), `only the calls after the regions: ${where.join(' ')} (jobs=${jobs})`);
      assert.ok(where.includes('a.c:8') && where.includes('b.ts:7'), `the calls after the regions are reported: ${where.join(' ')}`);
    }
  });
});

