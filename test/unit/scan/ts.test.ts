// The TS/JS road through the project scan (shard.ts, orchestrate.ts, tsAnalyzer.ts): which files
// reach the analysis, what becomes a note or an error, and that C-only work never loads it. The
// analysis is injected: a recording stand-in here (the plumbing must not depend on its findings),
// the real engine in the last block.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallSite } from '../../../src/core/types';
import type { TsAnalysisOptions, TsAnalysisResult } from '../../../src/core/analysis/ts/api';
import { ScanShard, type SourceReader } from '../../../src/core/scan/shard';
import { scanProject } from '../../../src/core/scan/orchestrate';
import { isDeclarationFile, isTsFile, onceLoader, tsMayHaveSites, tsSkipNote, type TsAnalyzerLoader } from '../../../src/core/scan/tsAnalyzer';
import { analyzeTsFile } from '../../../src/core/analysis/ts/index';
import { grammarFiles } from '../../support/grammar';

function reader(files: Record<string, string>): SourceReader {
  return {
    read(path: string, maxBytes?: number) {
      const f = files[path];
      if (f === undefined) throw new Error('no such file');
      const bytes = new TextEncoder().encode(f);
      return maxBytes !== undefined && bytes.length > maxBytes ? { size: bytes.length } : bytes;
    },
  };
}

/** A stand-in analysis: one site per line containing `MARK`, a note when the text says `NOTE`, a throw on `BOOM`. */
function fakeAnalysis() {
  const calls: Array<{ file: string; options: TsAnalysisOptions | undefined }> = [];
  let loads = 0;
  const analyze = (text: string, file: string, options?: TsAnalysisOptions): TsAnalysisResult => {
    calls.push({ file, options });
    if (text.includes('BOOM')) throw new Error('engine exploded');
    const sites: CallSite[] = [];
    text.split('\n').forEach((line, i) => {
      const col = line.indexOf('MARK');
      if (col < 0) return;
      const pos = { line: i + 1, column: col + 1 };
      const range = { start: pos, end: { line: i + 1, column: col + 5 }, startOffset: 0, endOffset: 4 };
      sites.push({
        file, language: 'ts', callee: 'wasm-realloc', kind: 'direct-call', via: [], name: '__wbindgen_realloc', nameRange: range, range,
        oldSize: null, newSize: null, flags: null, growth: null, inLoop: false, assignedBackTo: null, conditions: [], enclosingFunction: null,
      });
    });
    return { sites, notes: text.includes('NOTE') ? ['syntax errors at 1:1; analysed what parsed'] : [] };
  };
  const loader: TsAnalyzerLoader = () => {
    loads++;
    return analyze;
  };
  return { loader, calls, loads: () => loads };
}

async function scan(files: Record<string, string>, loader?: TsAnalyzerLoader, opts: { shards?: number; maxGeneratedBytes?: number } = {}) {
  const r = reader(files);
  const shards = Array.from({ length: opts.shards ?? 1 }, () =>
    new ScanShard(r, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/p'], ...(opts.maxGeneratedBytes !== undefined ? { maxGeneratedBytes: opts.maxGeneratedBytes } : {}) }, loader),
  );
  const refs = Object.keys(files).map((p) => ({ path: p, rel: p.slice('/p/'.length) }));
  try {
    return await scanProject(refs, shards, {});
  } finally {
    for (const s of shards) s.dispose();
  }
}

const cFile = '#include <stdlib.h>\nstatic char *buf;\nvoid f(void) { buf = realloc(buf, 4096); }\n';

describe('project scan: TS/JS files', () => {
  it('a C-only tree never loads the TS analysis', async () => {
    const fake = fakeAnalysis();
    const r = await scan({ '/p/a.c': cFile, '/p/b.h': '#define N 4\n' }, fake.loader);
    assert.equal(fake.loads(), 0);
    assert.equal(r.stats.tsFiles, 0);
    assert.ok(r.sites.length > 0);
    assert.deepEqual(r.notes, []);
  });

  it('a mixed tree: C and TS sites together, sorted by file; TS files skip the wrapper rounds', async () => {
    for (const shards of [1, 2]) {
      const fake = fakeAnalysis();
      const r = await scan(
        {
          '/p/a.c': cFile,
          // `realloc` in a TS file names no C wrapper: it must not be parsed as C in the wrapper rounds.
          '/p/glue.ts': 'export function realloc(p: number) {\n  return wasm.__wbindgen_realloc(p, 1, 2, 1); // MARK\n}\n',
          '/p/util.js': 'export const add = (a, b) => a + b;\n',
          '/p/z.mjs': 'const grown = new Uint8Array(n); // MARK\n',
        },
        fake.loader,
        { shards },
      );
      assert.deepEqual(r.sites.map((s) => [s.file, s.language, s.nameRange.start.line]), [
        ['a.c', 'c', 3],
        ['glue.ts', 'ts', 2],
        ['z.mjs', 'ts', 1],
      ], `shards=${shards}`);
      // util.js spells nothing the TS prefilter looks for: never handed to the analysis.
      assert.deepEqual(fake.calls.map((c) => c.file).sort(), ['glue.ts', 'z.mjs']);
      assert.equal(r.stats.tsFiles, 3);
      assert.equal(r.stats.files, 4);
      assert.ok(r.stats.parsedFiles >= 3, `parsedFiles ${r.stats.parsedFiles}`);
      assert.deepEqual(r.wrappers, [], 'a TS function named realloc is no C wrapper');
      assert.ok(fake.loads() >= 1 && fake.loads() <= shards, `loaded ${fake.loads()} times for ${shards} shard(s)`);
    }
  });

  it('declaration files and big minified bundles become notes without loading the analysis', async () => {
    const fake = fakeAnalysis();
    const big = `var a=new Uint8Array(8);${'x'.repeat(2000)}`;
    const r = await scan({ '/p/types.d.ts': 'declare function realloc(p: number): number;\n', '/p/app.min.js': big, '/p/small.min.js': 'new Uint8Array(1) // MARK\n' }, fake.loader, { maxGeneratedBytes: 1000 });
    assert.deepEqual(r.notes.map((n) => n.file), ['app.min.js', 'types.d.ts']);
    assert.match(r.notes[0]!.message, /generated bundle \(\d+ bytes > 1000.*skipped/);
    assert.match(r.notes[1]!.message, /declaration file/);
    // The small bundle is under the limit: analysed like any file, with the limit passed on.
    assert.deepEqual(fake.calls.map((c) => [c.file, c.options?.maxGeneratedBytes]), [['small.min.js', 1000]]);
    assert.deepEqual(r.errors, []);
  });

  it('the analysis\' notes reach the result; a throw on one file is an error and the scan goes on', async () => {
    const fake = fakeAnalysis();
    const r = await scan({ '/p/a.ts': 'realloc NOTE // MARK\n', '/p/b.ts': 'realloc BOOM\n', '/p/c.ts': 'realloc // MARK\n' }, fake.loader);
    assert.deepEqual(r.sites.map((s) => s.file), ['a.ts', 'c.ts']);
    assert.deepEqual(r.notes, [{ file: 'a.ts', message: 'syntax errors at 1:1; analysed what parsed' }]);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.file, 'b.ts');
    assert.match(r.errors[0]!.message, /TS\/JS analysis failed \(engine exploded\); the file was skipped/);
  });

  it('an analysis that cannot be loaded: one error per TS/JS file saying why, C still scanned, loaded once', async () => {
    let tries = 0;
    const broken: TsAnalyzerLoader = () => {
      tries++;
      throw new Error('the TS/JS analysis bundle /x/ts-analysis.js is missing; run `npm run build`');
    };
    const r = await scan({ '/p/a.c': cFile, '/p/a.ts': 'x.grow(1)\n', '/p/b.tsx': 'realloc\n' }, broken);
    assert.equal(tries, 1);
    assert.deepEqual(r.errors.map((e) => e.file), ['a.ts', 'b.tsx']);
    for (const e of r.errors) assert.match(e.message, /ts-analysis\.js is missing; run `npm run build`/);
    assert.ok(r.sites.some((s) => s.file === 'a.c'));
  });

  it('onceLoader remembers a failure and a success', () => {
    let n = 0;
    const ok = onceLoader(() => {
      n++;
      return analyzeTsFile;
    });
    assert.equal(ok(), analyzeTsFile);
    assert.equal(ok(), analyzeTsFile);
    assert.equal(n, 1);
    const bad = onceLoader(() => {
      n++;
      throw new Error('nope');
    });
    assert.throws(bad, /nope/);
    assert.throws(bad, /nope/);
    assert.equal(n, 2);
  });

  it('names: declaration files, bundles over the limit, the prefilter', () => {
    for (const p of ['a.d.ts', 'x/b.d.mts', 'c.d.cts', 'styles.d.css.ts']) assert.ok(isDeclarationFile(p), p);
    for (const p of ['a.ts', 'd.ts.js', 'add.ts', 'mod.tsx']) assert.ok(!isDeclarationFile(p), p);
    assert.equal(tsSkipNote('a.min.js', 10, 100), null);
    assert.match(tsSkipNote('a.min.cjs', 101, 100) ?? '', /generated bundle/);
    assert.equal(tsSkipNote('a.js', 10_000, 100), null, 'only *.min.js is judged by name; the analysis judges the rest');
    assert.ok(tsMayHaveSites('memory.grow(1)'));
    assert.ok(tsMayHaveSites('const b = Buffer.concat([a, c]);'));
    assert.ok(tsMayHaveSites('buf.transfer(n)'));
    assert.ok(tsMayHaveSites('Module._realloc(p, n)'));
    assert.ok(!tsMayHaveSites('export const add = (a: number, b: number) => a + b;\n'));
    assert.ok(!tsMayHaveSites('export function size(b: Buffer, ab: ArrayBuffer): number { return b.length + ab.byteLength; }\n'), 'naming a type is not resizing');
  });
});

describe('project scan: TS/JS with the real analysis', () => {
  const source = [
    'export function grow(wasm: any, ptr: number, len: number): number {',
    '  return wasm.__wbindgen_realloc(ptr, len, len + 1024, 1);',
    '}',
    'export function append(old: Uint8Array, extra: number): Uint8Array {',
    '  let buf = old;',
    '  for (let i = 0; i < extra; i++) {',
    '    const next = new Uint8Array(buf.length + 1024);',
    '    next.set(buf);',
    '    buf = next;',
    '  }',
    '  return buf;',
    '}',
    '',
  ].join('\n');

  it('finds the sites of a mixed tree (engine from source, as tests import it)', async () => {
    const r = await scan({ '/p/a.c': cFile, '/p/grow.ts': source, '/p/none.ts': 'export const x = 1;\n' }, () => analyzeTsFile);
    assert.deepEqual(r.errors, []);
    const ts = r.sites.filter((s) => s.language === 'ts');
    assert.ok(ts.some((s) => s.callee === 'wasm-realloc' && s.nameRange.start.line === 2), JSON.stringify(ts.map((s) => [s.callee, s.nameRange.start])));
    assert.ok(ts.every((s) => s.file === 'grow.ts'));
    assert.ok(r.sites.some((s) => s.language === 'c'));
  });

  it('the prefilter never drops a file the analysis finds sites in', () => {
    const samples = [
      source,
      'const m = new WebAssembly.Memory({ initial: 1 });\nm.grow(2);\n',
      'const ab = new ArrayBuffer(8, { maxByteLength: 64 });\nab.resize(16);\n',
      'let b = Buffer.alloc(0);\nfor (const c of chunks) b = Buffer.concat([b, c]);\n',
      'const moved = buf.transfer(1 << 20);\n',
      'Module._realloc(p, 4096);\n',
      'export const add = (a: number, b: number) => a + b;\n',
    ];
    // The analysis' own fixtures (test/fixtures/ts), each line on its own too: a site found in
    // any of them must pass the prefilter.
    const dir = join(__dirname, '..', '..', 'fixtures', 'ts');
    const fixtures = existsSync(dir) ? readdirSync(dir).filter((f) => isTsFile(f)).map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') })) : [];
    assert.ok(fixtures.length >= 10, `the analysis' fixtures are not in ${dir} any more: point this test at them`);
    const cases = [...samples.map((text, i) => ({ name: `sample ${i}`, text })), ...fixtures];
    let withSites = 0;
    for (const c of cases) {
      const found = analyzeTsFile(c.text, c.name, {}).sites.length;
      if (found === 0) continue;
      withSites++;
      assert.ok(tsMayHaveSites(c.text), `the prefilter drops ${c.name}`);
      for (const line of c.text.split('\n')) {
        if (analyzeTsFile(line, c.name, {}).sites.length) assert.ok(tsMayHaveSites(line), `the prefilter drops a line of ${c.name}: ${line}`);
      }
    }
    assert.ok(withSites >= fixtures.length / 2, `only ${withSites} cases with sites`);
  });
});
