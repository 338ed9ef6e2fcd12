// The real bundle, run as users run it: node dist/cli.js scan ...
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossFileTree, ensureBuilt, repoRoot, runCli, suiteTrees } from '../../support/cli';
import { assertValidSarif } from '../../support/sarif';

interface JsonFinding {
  file: string; line: number; column: number; callee: string; kind: string; via: string[];
  severity: string; rule: string; newBytes: number | null; oldBytes: number | null; sizeText: string; flags: string[] | null;
}
interface JsonReport { version: number; findings: JsonFinding[]; errors: { file: string; message: string }[]; stats: Record<string, number> }

/** One entry per call site: a site may carry more than one finding (a cost and a correctness rule). */
const perSite = <T extends { file: string; line: number }>(fs: T[]): T[] => fs.filter((f, i) => fs.findIndex((g) => g.file === f.file && g.line === f.line) === i);

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+\(.*:\d+:\d+\)/, `stack trace in:\n${text}`);

describe('pagecost scan (CLI bundle)', function () {
  this.timeout(120_000);
  const tree = suiteTrees();
  before(() => ensureBuilt());

  it('text: compiler-style lines on stdout, summary on stderr', async () => {
    const dir = tree(crossFileTree);
    const r = await runCli(['scan', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    // wrapper.c's realloc(p, n) has a size known only at run time: its cost hint is counted, not listed.
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0]!, /^src\/user\.c:7:11: (hint|info|warning|error): .*xrealloc.* \[[a-z-]+\]$/);
    assert.match(r.stderr, /^pagecost: 2 findings .* in 4 files \(2 parsed\), \d+ ms\npagecost: 1 cost hint for a size known only at run time not listed \(--verbose lists it; `pagecost record` measures sizes\)\n$/);
    const verbose = await runCli(['scan', '.', '--verbose'], dir);
    const all = verbose.stdout.trimEnd().split('\n');
    assert.equal(all.length, 2, verbose.stdout);
    assert.match(all[0]!, /^lib\/wrapper\.c:4:15: hint: `realloc`: size not known statically \(`n` is a runtime value\).* \[realloc-cost\]$/);
    assert.doesNotMatch(verbose.stderr, /not listed/);
    // JSON and SARIF hold every finding, whatever --verbose says.
    const json = JSON.parse((await runCli(['scan', '.', '--format', 'json'], dir)).stdout) as JsonReport;
    assert.deepEqual(json.findings.map((f) => `${f.file}:${f.line} ${f.rule}`), ['lib/wrapper.c:4 realloc-cost', 'src/user.c:7 realloc-cost']);
  });

  it('json: cross-file wrapper found with workers, sizes from a header macro', async () => {
    const dir = tree(crossFileTree);
    for (const jobs of ['1', '2']) {
      const r = await runCli(['scan', dir, '--format', 'json', '--jobs', jobs]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as JsonReport;
      assert.equal(report.version, 1);
      assert.deepEqual(
        report.findings.map((f) => [f.file, f.line, f.column, f.callee, f.kind, f.via.join('>')]),
        [
          ['lib/wrapper.c', 4, 15, 'realloc', 'direct-call', ''],
          ['src/user.c', 7, 11, 'realloc', 'wrapper-call', 'xrealloc'],
        ],
        `jobs=${jobs}`,
      );
      assert.equal(report.findings[1]!.newBytes, 65536);
      assert.equal(report.findings[1]!.sizeText, 'CHUNK');
      assert.deepEqual(report.errors, []);
      assert.equal(report.stats.files, 4);
      assert.equal(report.stats.parsedFiles, 2);
      assert.equal(typeof report.stats.ms, 'number');
    }
  });

  it('sarif: the scan of test/fixtures validates against the SARIF 2.1.0 schema', async () => {
    const r = await runCli(['scan', 'test/fixtures', '--format', 'sarif'], repoRoot);
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout);
    assertValidSarif(log);
    assert.equal(log.runs[0].tool.driver.name, 'pagecost');
  });

  it('sarif: findings and file problems of a tree with both validate', async () => {
    const dir = tree({ ...crossFileTree, 'bin.c': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0]) });
    const r = await runCli(['scan', dir, '--format', 'sarif']);
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout);
    assertValidSarif(log);
    assert.equal(log.runs[0].results.length, 2);
    assert.equal(log.runs[0].invocations[0].toolExecutionNotifications.length, 1);
    assert.equal(log.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri, 'src/user.c');
  });

  it('--fail-on sets the exit code from the findings severities', async () => {
    const dir = tree({
      'm.c': '#include <sys/mman.h>\nstatic void *m;\nvoid f(void) { m = mremap(m, 4096, 8192, MREMAP_MAYMOVE); }\n',
    });
    const json = JSON.parse((await runCli(['scan', dir, '--format', 'json'])).stdout) as JsonReport;
    assert.equal(perSite(json.findings).length, 1);
    const rank = { hint: 0, info: 1, warning: 2, error: 3 } as const;
    const worst = Math.max(...json.findings.map((f) => rank[f.severity as keyof typeof rank]));
    for (const level of ['hint', 'warning', 'error'] as const) {
      const r = await runCli(['scan', dir, '--fail-on', level, '--quiet']);
      assert.equal(r.code, worst >= rank[level] ? 1 : 0, `--fail-on ${level} with worst ${worst}`);
    }
    // Without --fail-on, findings never fail the run.
    assert.equal((await runCli(['scan', dir, '--quiet'])).code, 0);
    const bad = await runCli(['scan', dir, '--fail-on', 'loud']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^pagecost: scan: --fail-on must be one of warning, error, info, hint \(got 'loud'\)\n/);
  });

  it('an unknown flag is one line plus the usage line, exit 2, no stack', async () => {
    const r = await runCli(['scan', '.', '--frobnicate']);
    assert.equal(r.code, 2);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      "pagecost: scan: unknown option '--frobnicate'",
      'usage: pagecost scan [options] PATH...  (see pagecost scan --help)',
    ]);
    assert.equal(r.stdout, '');
  });

  it('a missing path, or none, is a usage error, exit 2, no stack', async () => {
    const r = await runCli(['scan', 'does/not/exist']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split('\n')[0], "pagecost: scan: no such file or directory: 'does/not/exist'");
    assert.equal(r.stderr.trimEnd().split('\n').length, 2);
    noStack(r.stderr);
    const none = await runCli(['scan']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^pagecost: scan: missing PATH/);
  });

  it('binary, non-UTF-8, too large, unreadable and broken files: the scan goes on and lists them', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const dir = tree({
      'bin.c': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]),
      'latin1.c': new Uint8Array([...enc('/* Fran'), 0xe7, ...enc('ois */\nstatic char *b;\nvoid l(void) { b = realloc(b, 64); }\n')]),
      'big.c': `static char *b;\nvoid g(void) { b = realloc(b, 1); }\n/*${'x'.repeat(5000)}*/\n`,
      'broken.c': 'static char *b;\nvoid k(void) { b = realloc(b, 32) }\n',
      'hidden.c': 'static char *b;\nvoid h(void) { int x = 1 2 realloc(b, 8) 3; }\n',
      'good.c': 'static char *b;\nvoid g(void) { b = realloc(b, 16); }\n',
      'plain.c': new Uint8Array([...enc('/* Gr'), 0xfc, ...enc('sse */\nint one(void) { return 1; }\n')]),
    });
    symlinkSync(join(dir, 'nowhere.c'), join(dir, 'dangling.c'));
    execFileSync('mkfifo', [join(dir, 'pipe.c')]);
    const r = await runCli(['scan', dir, '--format', 'json', '--max-file-size', '4K']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as JsonReport;
    const problems = Object.fromEntries(report.errors.map((e) => [e.file, e.message]));
    assert.match(problems['bin.c'] ?? '', /^skipped: binary file/);
    assert.match(problems['latin1.c'] ?? '', /^not valid UTF-8 \(first bad byte on line 1\)/);
    assert.match(problems['big.c'] ?? '', /^skipped: too large \(\d+ bytes > limit 4096\)/);
    // The missing `;` hides nothing (the call on that line was found); the other line's call is lost.
    assert.equal(problems['broken.c'], undefined);
    assert.equal(report.stats.unparsedRegions, 1);
    assert.equal(report.stats.unparsedFiles, 1);
    assert.match(problems['hidden.c'] ?? '', /^line 2 \(`realloc`\) did not parse \(tree-sitter\): a call there may be missed — does the file compile\?$/);
    assert.match(problems['dangling.c'] ?? '', /^cannot read: no such file/);
    assert.match(problems['pipe.c'] ?? '', /^cannot read: not a regular file \(a FIFO\)/);
    assert.equal(problems['good.c'], undefined);
    // A non-UTF-8 file naming no resize function is counted, not a problem; --verbose lists it.
    assert.equal(problems['plain.c'], undefined);
    assert.equal(report.stats.nonUtf8Files, 1);
    assert.deepEqual((report as JsonReport & { notes: { file: string }[] }).notes.filter((n) => n.file === 'plain.c'), []);
    const verbose = JSON.parse((await runCli(['scan', dir, '--format', 'json', '--max-file-size', '4K', '--verbose'])).stdout) as JsonReport & { notes: { file: string; message: string }[] };
    assert.match(verbose.notes.find((n) => n.file === 'plain.c')?.message ?? '', /^not valid UTF-8 .*no call can be missed$/);
    assert.deepEqual(perSite(report.findings).map((f) => [f.file, f.newBytes]), [['broken.c', 32], ['good.c', 16], ['latin1.c', 64]]);
    // Asked for, file problems give their own exit code.
    const strict = await runCli(['scan', dir, '--max-file-size', '4K', '--fail-on-file-errors', '--quiet']);
    assert.equal(strict.code, 3);
    noStack(strict.stderr);
  });

  it('respects .gitignore in a git work tree, and --no-gitignore turns that off', async () => {
    const dir = tree({
      '.gitignore': 'build/\n*.gen.c\n',
      'src/kept.c': 'static char *b;\nvoid k(void) { b = realloc(b, 8); }\n',
      'src/untracked.c': 'static char *b;\nvoid u(void) { b = realloc(b, 8); }\n',
      'build/out.c': 'static char *b;\nvoid o(void) { b = realloc(b, 8); }\n',
      'src/x.gen.c': 'static char *b;\nvoid x(void) { b = realloc(b, 8); }\n',
      'node_modules/dep/d.c': 'static char *b;\nvoid d(void) { b = realloc(b, 8); }\n',
      // quilt's unpatched copy of a patched file, untracked like Debian leaves it
      '.pc/01-fix.patch/src/kept.c': 'static char *b;\nvoid k(void) { b = realloc(b, 8); }\n',
    });
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', 'src/kept.c', '.gitignore');
    git('commit', '-q', '-m', 'x');
    const files = async (...extra: string[]) =>
      perSite((JSON.parse((await runCli(['scan', dir, '--format', 'json', ...extra])).stdout) as JsonReport).findings).map((f) => f.file).sort();
    assert.deepEqual(await files(), ['src/kept.c', 'src/untracked.c']);
    assert.deepEqual(await files('--no-gitignore'), ['build/out.c', 'src/kept.c', 'src/untracked.c', 'src/x.gen.c']);
    // The same tree without git: .gitignore files are read by the walker itself.
    const sub = join(dir, 'src');
    writeFileSync(join(sub, '.gitignore'), 'untracked.c\n');
    assert.deepEqual(await files(), ['src/kept.c']);
  });

  it('config file: wrappers without a definition in the tree, and bad entries reported', async () => {
    const dir = tree({
      '.pagecost.json': JSON.stringify({
        wrappers: [
          { name: 'pool_grow', callee: 'realloc', ptr: 0, size: 1 },
          { name: 'nope', callee: 'malloc', ptr: 0, size: 1 },
        ],
        exclude: ['vendor/**'],
      }),
      'a.c': 'void *pool_grow(void *, unsigned long);\nstatic void *p;\nvoid a(void) { p = pool_grow(p, 1024); }\n',
      'vendor/v.c': 'static char *b;\nvoid v(void) { b = realloc(b, 8); }\n',
    });
    const r = await runCli(['scan', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(perSite(report.findings).map((f) => [f.file, f.kind, f.via.join('>'), f.newBytes]), [['a.c', 'wrapper-call', 'pool_grow', 1024]]);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.file, '.pagecost.json');
    assert.match(report.errors[0]!.message, /^config: wrappers\[1\]\.callee: "malloc" is not one of realloc, reallocarray, reallocf, mremap; the entry is ignored$/);

    const broken = tree({ '.pagecost.json': '{ "wrappers": [ }', 'a.c': 'int a;\n' });
    const b = await runCli(['scan', broken]);
    assert.equal(b.code, 2);
    assert.equal(b.stderr.trimEnd().split('\n').length, 1);
    assert.match(b.stderr, /\.pagecost\.json: not valid JSON .*fix the syntax or remove the file\n$/);

    const missing = await runCli(['scan', dir, '--config', 'nope.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^pagecost: scan: config file not found: 'nope\.json'/);
  });

  it('--page-size and --target reach the size evaluator, and the config sets them too', async () => {
    const dir = tree({
      'p.c': '#include <unistd.h>\nstatic char *b;\nvoid p(void) { b = realloc(b, 4 * getpagesize()); }\nvoid q(void) { b = realloc(b, 16 * sizeof(long)); }\n',
    });
    // One value per call site (a site may carry more than one finding).
    const sizes = async (...extra: string[]) => {
      const report = JSON.parse((await runCli(['scan', dir, '--format', 'json', ...extra])).stdout) as JsonReport;
      return [...new Map(report.findings.map((f) => [f.line, f.newBytes])).values()];
    };
    assert.deepEqual(await sizes(), [16384, 128]);
    assert.deepEqual(await sizes('--page-size', '64K', '--target', 'ilp32'), [262144, 64]);
    writeFileSync(join(dir, '.pagecost.json'), JSON.stringify({ pageSize: 16384, target: 'ilp32' }));
    assert.deepEqual(await sizes(), [65536, 64]);
    assert.deepEqual(await sizes('--target', 'lp64'), [65536, 128], 'the command line wins over the config');
  });

  it('a symlink loop in the tree does not hang or crash the walk', async () => {
    const dir = tree({ 'd/a.c': 'static char *b;\nvoid a(void) { b = realloc(b, 8); }\n' });
    symlinkSync('..', join(dir, 'd', 'up'));
    mkdirSync(join(dir, 'e'));
    symlinkSync(join(dir, 'd'), join(dir, 'e', 'd2'));
    const r = await runCli(['scan', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(perSite((JSON.parse(r.stdout) as JsonReport).findings).map((f) => f.file), ['d/a.c']);
  });
});
