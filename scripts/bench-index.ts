// The workspace index on a real project (issue #11's floors), through the code the Node extension
// host runs (src/extension/node/indexEngine.ts: listing in a helper worker, scans in the scan
// pool's workers with no shard on this thread), next to `pagecost scan` on the same folder:
//  (a) first index vs CLI scan, back to back, several rounds (ratio of medians), with the longest
//      event-loop delay of this thread (the extension host's) while indexing;
//  (b) the index's findings against the CLI's (they must be the same);
//  (c) a reload: read the stored index, list the folder, find nothing changed;
//  (d) memory the index holds (heap after a GC, with and without it);
//  (e) opening a file once indexed: its headers read, CDocument analysis with the index's wrappers
//      and headers, advice and hints — the host's work from open to hints — for the files with
//      the most call sites; their sites against the index's;
//  (f) typing: a keystroke's incremental analysis in those files, with the index's context and
//      without (the ratio says whether typing got slower);
//  (g) the in-process engine VS Code for the Web uses (8 ms slices): time and event-loop delay.
// Figures only, no assertions; every block prints /proc/loadavg (the machine is shared).
// Run: npm run bench:index -- [FOLDER ...]   (default /work/corpus/git-2.39.5); BENCH_ROUNDS=N
// rounds of (a) (default 3); BENCH_QUICK=1 stops after (b); BENCH_VERBOSE=1 details (e) per file.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { adviseSites } from '../src/core/advice';
import { CDocument } from '../src/core/analysis/c/document';
import { createCParser } from '../src/core/analysis/c/parser';
import { parseIndex, serializeIndex, turnEvery } from '../src/core/index/persist';
import { refreshIndex } from '../src/core/index/update';
import { inProcessBackend, timeSlicer } from '../src/core/index/inProcess';
import type { WorkspaceIndex } from '../src/core/index/model';
import { hintsFor } from '../src/core/present/findings';
import { DEFAULT_SETTINGS } from '../src/core/present/settings';
import { fetchHeaderTexts, HeaderResolver, parseHeaderSymbols } from '../src/core/scan/headers';
import { decodeSource } from '../src/core/scan/input';
import type { ShardOptions } from '../src/core/scan/shard';
import { NodeIndexEngine, WorkerIndexControl } from '../src/extension/node/indexEngine';
import { diskReader } from '../src/cli/reader';

const root = join(__dirname, '..');
const dist = join(root, 'dist');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

interface CliFinding { file: string; line: number; column: number; rule: string; severity: string; message: string }

function cliScan(folder: string): Promise<{ ms: number; findings: CliFinding[] }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // The index prices with the built-in x86-64 (adviseSites' default); the CLI's default `auto` would read a
    // profile this machine kept (a probe or calibration) and word every cost differently.
    execFile(process.execPath, [join(dist, 'cli.js'), 'scan', folder, '--format', 'json', '--quiet', '--profile', 'x86-64'], { maxBuffer: 1 << 28 }, (err, stdout) => {
      const took = performance.now() - t0;
      // Exit code 0 or 1 (findings at --fail-on) are both a finished scan.
      if (err && !stdout) return reject(err);
      resolve({ ms: took, findings: (JSON.parse(stdout) as { findings: CliFinding[] }).findings });
    });
  });
}

/** Long tasks of this thread: any gap in a 1 ms timer above `over` ms, plus the delay histogram. */
function watchLoop() {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let last = performance.now();
  let over10 = 0;
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const gap = now - last - 1;
    if (gap > 10) over10++;
    worst = Math.max(worst, gap);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      h.disable();
      return { max: h.max / 1e6, p99: h.percentile(99) / 1e6, worstGap: worst, over10 };
    },
  };
}

function shardOptions(folder: string): ShardOptions {
  return { maxFileSize: 2 * 1024 * 1024, size: { pageSize: 4096, target: 'lp64' }, roots: [folder], maxGeneratedBytes: 1024 * 1024 };
}

async function buildIndex(engine: NodeIndexEngine, folder: string) {
  const t0 = performance.now();
  const listing = await engine.list({ root: folder, projectExclude: [], excludeGlobs: [], languages: ['c', 'ts'], maxFiles: 20_000, useGit: true });
  const listed = performance.now() - t0;
  const r = await refreshIndex(null, listing.files, engine.backend(shardOptions(folder), new WorkerIndexControl()), { key: 'bench', configWrappers: [] });
  return { index: r.index, ms: performance.now() - t0, listMs: listed, files: listing.files };
}

const keyOf = (f: { file: string; line: number; column: number; rule: string; severity: string; message: string }) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`;

async function benchFolder(folder: string): Promise<void> {
  console.log(`\n== ${folder}`);
  const engine = new NodeIndexEngine(dist);
  try {
    // (a) back to back, alternating which goes first.
    const cliTimes: number[] = [];
    const indexTimes: number[] = [];
    let index: WorkspaceIndex | null = null;
    let files: Awaited<ReturnType<typeof buildIndex>>['files'] = [];
    let cli: CliFinding[] = [];
    const loops: ReturnType<ReturnType<typeof watchLoop>['stop']>[] = [];
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    for (let i = 0; i < rounds; i++) {
      const doCli = async () => {
        const c = await cliScan(folder);
        cliTimes.push(c.ms);
        cli = c.findings;
      };
      const doIndex = async () => {
        const w = watchLoop();
        const b = await buildIndex(engine, folder);
        loops.push(w.stop());
        indexTimes.push(b.ms);
        index = b.index;
        files = b.files;
      };
      if (i % 2) {
        await doIndex();
        await doCli();
      } else {
        await doCli();
        await doIndex();
      }
    }
    const idx = index as unknown as WorkspaceIndex;
    // The same watch while this thread only waits, as long as an index build: the machine's own noise.
    const idle = watchLoop();
    await new Promise((r) => setTimeout(r, median(indexTimes)));
    const baseline = idle.stop();
    console.log(`(a) first index vs \`pagecost scan\` (${rounds} rounds, alternating; load ${load()})`);
    console.log(`    CLI scan:      median ${ms(median(cliTimes))}  [${cliTimes.map((t) => t.toFixed(0)).join(', ')}]`);
    console.log(`    first index:   median ${ms(median(indexTimes))}  [${indexTimes.map((t) => t.toFixed(0)).join(', ')}]  (${files.length} files)`);
    console.log(`    ratio index/CLI: ${(median(indexTimes) / median(cliTimes)).toFixed(2)}× (floor: ≤ 2×)`);
    console.log(`    this thread while indexing: longest stall ${ms(Math.max(...loops.map((l) => l.worstGap)))}, p99 delay ${ms(Math.max(...loops.map((l) => l.p99)))}, stalls over 10 ms: ${loops.map((l) => l.over10).join(', ')} (floor: each task < 10 ms)`);
    console.log(`    the same thread idle for as long (the machine's noise): longest stall ${ms(baseline.worstGap)}, p99 delay ${ms(baseline.p99)}, stalls over 10 ms: ${baseline.over10}`);

    // (b) the same findings as the CLI.
    const base = folder.replace(/\/$/, '');
    const mine = adviseSites(idx.sites()).map((f) => ({
      file: f.site.file.startsWith(`${base}/`) ? f.site.file.slice(base.length + 1) : f.site.file,
      line: f.site.nameRange.start.line, column: f.site.nameRange.start.column, rule: f.rule, severity: f.severity, message: f.message,
    }));
    const a = new Set(mine.map(keyOf));
    const b = new Set(cli.map(keyOf));
    const onlyIndex = [...a].filter((k) => !b.has(k));
    const onlyCli = [...b].filter((k) => !a.has(k));
    console.log(`(b) findings: index ${mine.length}, CLI ${cli.length}; only in the index ${onlyIndex.length}, only in the CLI ${onlyCli.length}${onlyIndex.length + onlyCli.length ? ` — e.g. ${[...onlyIndex, ...onlyCli][0]}` : ' (identical)'}`);
    // BENCH_QUICK=1: only (a) and (b), e.g. to check held-out projects.
    if (process.env.BENCH_QUICK) return;

    // (c) a reload: the stored index read and parsed, the folder listed, nothing to rescan.
    const dir = mkdtempSync(join(tmpdir(), 'pagecost-bench-index-'));
    const stored = join(dir, 'index.json');
    // Sliced as the extension does it: a turn of the event loop after every ~5 ms.
    let t0 = performance.now();
    const text = await serializeIndex(idx, turnEvery(5));
    const serializeMs = performance.now() - t0;
    writeFileSync(stored, text);
    const reloads: number[] = [];
    const parseTimes: number[] = [];
    let reloadLoop = { max: 0, p99: 0, worstGap: 0, over10: 0 };
    for (let i = 0; i < 3; i++) {
      const w = watchLoop();
      t0 = performance.now();
      const raw = readFileSync(stored, 'utf8');
      const p0 = performance.now();
      const parsed = await parseIndex(raw, 'bench', turnEvery(5));
      parseTimes.push(performance.now() - p0);
      if (!parsed.ok) throw new Error(parsed.reason);
      const listing = await engine.list({ root: folder, projectExclude: [], excludeGlobs: [], languages: ['c', 'ts'], maxFiles: 20_000, useGit: true });
      const r = await refreshIndex(parsed.index, listing.files, engine.backend(shardOptions(folder), new WorkerIndexControl()), { key: 'bench', configWrappers: [] });
      reloads.push(performance.now() - t0);
      const l = w.stop();
      if (l.worstGap > reloadLoop.worstGap) reloadLoop = l;
      if (r.kind !== 'reused') console.log(`    (reload ${i}: ${r.kind}: ${r.why ?? ''})`);
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(`(c) reload (load ${load()}): median ${ms(median(reloads))} [${reloads.map((t) => t.toFixed(0)).join(', ')}] (floor: < 2 s); stored ${(text.length / 1024).toFixed(0)} KiB, serialised in ${ms(serializeMs)}, parsed in ${ms(median(parseTimes))}; longest stall meanwhile ${ms(reloadLoop.worstGap)}`);

    // (d) memory held by the index.
    gc();
    const before = process.memoryUsage().heapUsed;
    const held = await parseIndex(text, 'bench');
    gc();
    const after = process.memoryUsage().heapUsed;
    console.log(`(d) memory of the index: ${((after - before) / 1024 / 1024).toFixed(1)} MiB of heap (${idx.files.size} files, ${idx.sites().length} sites, ${idx.wrappers().length} wrappers) (floor: < 50 MB)`);
    void held;

    // (e) + (f) opening the files with the most sites, as the editor does.
    const parser = await createCParser({ runtime: join(dist, 'tree-sitter.wasm'), c: join(dist, 'tree-sitter-c.wasm') });
    const top = [...idx.files.values()].filter((f) => f.ref.rel.endsWith('.c')).sort((x, y) => y.sites.length - x.sites.length).slice(0, 20);
    const openTimes: number[] = [];
    const keyWith: number[] = [];
    const keyWithout: number[] = [];
    let sameSites = 0;
    const read = async (p: string) => {
      try {
        const d = decodeSource(readFileSync(p), 2 * 1024 * 1024);
        return d.ok ? d.text : null;
      } catch {
        return null;
      }
    };
    const texts = new Map<string, string | null>();
    const resolver = new HeaderResolver({ roots: [folder] }, (p) => texts.get(p) ?? null, (p, t) => parseHeaderSymbols(parser, p, t));
    const fromIndex: number[] = [];
    for (const f of top) {
      const text = readFileSync(f.ref.path, 'utf8');
      // What the editor does for a file opened unchanged since the index read it: the index's sites, advised.
      t0 = performance.now();
      hintsFor(adviseSites(f.sites), DEFAULT_SETTINGS);
      fromIndex.push(performance.now() - t0);
      t0 = performance.now();
      await fetchHeaderTexts(f.ref.path, text, { roots: [folder] }, read, texts);
      const t1 = performance.now();
      const headers = resolver.headersOf(f.ref.path, text);
      const wrappers = idx.wrappers().filter((w) => w.file !== f.ref.rel && !w.fileLocal);
      const doc = CDocument.open(parser, f.ref.rel, text, { wrappers, headers, sizeOptions: { pageSize: 4096, target: 'lp64' } });
      const t2 = performance.now();
      hintsFor(adviseSites(doc.sites), DEFAULT_SETTINGS);
      openTimes.push(performance.now() - t0);
      if (process.env.BENCH_VERBOSE) console.log(`    ${f.ref.rel}: ${text.length} chars, ${f.sites.length} sites, ${headers.length} headers; read ${ms(t1 - t0)}, analyse ${ms(t2 - t1)}, advise ${ms(performance.now() - t2)}`);
      const norm = (s: typeof doc.sites) => JSON.stringify(s.map((x) => [x.nameRange.start.line, x.nameRange.start.column, x.kind, x.via, x.newSize?.bytes ?? null, x.oldSize?.bytes ?? null]));
      if (norm(doc.sites) === norm(f.sites)) sameSites++;
      else if (process.env.BENCH_VERBOSE) console.log(`    differs: ${f.ref.rel}`);
      // A keystroke inside the last function: the incremental path, with the index's context and without.
      const at = text.lastIndexOf('}');
      const edited = `${text.slice(0, at)} ;${text.slice(at)}`;
      for (const [list, opts] of [[keyWith, { wrappers, headers }], [keyWithout, {}]] as const) {
        const d = CDocument.open(parser, f.ref.rel, text, { ...opts, sizeOptions: { pageSize: 4096, target: 'lp64' } });
        const each: number[] = [];
        for (let k = 0; k < 5; k++) {
          const k0 = performance.now();
          d.update(edited);
          d.update(text);
          each.push((performance.now() - k0) / 2);
        }
        list.push(median(each));
        d.dispose();
      }
      doc.dispose();
    }
    console.log(`(e) open → hints for the ${top.length} files with the most sites (load ${load()}): from the index (the editor's path for a file unchanged since indexed) median ${ms(median(fromIndex))}, max ${ms(Math.max(...fromIndex))} (floor: < 500 ms);`);
    console.log(`    the full analysis that follows when idle (headers read, CDocument with the index's wrappers and headers): median ${ms(median(openTimes))}, p90 ${ms(quantile(openTimes, 0.9))}, max ${ms(Math.max(...openTimes))}; its sites equal the index's in ${sameSites}/${top.length}`);
    console.log(`(f) a keystroke's analysis in those files: median ${ms(median(keyWith))} with the index's wrappers and headers, ${ms(median(keyWithout))} without (ratio ${(median(keyWith) / median(keyWithout)).toFixed(2)})`);

    // (g) the engine VS Code for the Web runs: on this thread, in 8 ms slices.
    const never = { paused: () => false, stopped: () => false, resumed: () => Promise.resolve() };
    const w = watchLoop();
    t0 = performance.now();
    const inproc = await refreshIndex(null, files, inProcessBackend(diskReader, { runtime: join(dist, 'tree-sitter.wasm'), c: join(dist, 'tree-sitter-c.wasm') }, shardOptions(folder), timeSlicer(8, never)), { key: 'bench', configWrappers: [] });
    const inprocMs = performance.now() - t0;
    const l = w.stop();
    console.log(`(g) in-process engine (the web's), 8 ms slices (load ${load()}): ${ms(inprocMs)} (${(inprocMs / median(cliTimes)).toFixed(2)}× the CLI), longest stall ${ms(l.worstGap)}, stalls over 10 ms: ${l.over10}; same sites as the worker index: ${JSON.stringify(inproc.index.sites()) === JSON.stringify(idx.sites())}`);
  } finally {
    engine.dispose();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'index-worker.js')) || !existsSync(join(dist, 'scanWorker.js'))) throw new Error('run `npm run build` first');
  const folders = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  console.log(`machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} CPUs; node ${process.version}; load ${load()}`);
  for (const f of folders.length ? folders : ['/work/corpus/git-2.39.5']) await benchFolder(f.replace(/\/$/, ''));
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
