// Measures the TS/JS road the way the editor and the CLI use it (issue #6):
//  (a) the worker thread of the Node extension host (dist/ts-worker.js) starting and loading
//      ts-morph (dist/ts-analysis.js): its load time, and the longest the host's event loop was
//      held meanwhile (perf_hooks.monitorEventLoopDelay) — next to what loading it on the host
//      thread itself would block;
//  (b) analyses of a 5,000-line TS file through the worker once loaded: median/p90 round trip
//      (post, analyse, answer) and the longest event-loop delay during them;
//  (c) `pagecost scan` (dist/cli.js) of a generated 1,000-file TS project, wall time.
// Figures only, no assertions: times vary with the machine's load.
// Run: npm run bench:ts   (builds dist/ first when it is missing; about 30 s on 2 cores)
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { WorkerTsService } from '../src/extension/node/tsWorkerClient';

/** The worker's warm-up text (src/extension/node/tsWorker.ts): it passes the analysis' prefilter, so ts-morph really loads. */
const WARM_UP_TEXT = 'const warm = new Uint8Array(1);\n';

const root = join(__dirname, '..');
const dist = join(root, 'dist');

/** Ordinary application code: interfaces, a class with methods, helpers, no resizing. */
function plainBlock(i: number, seed: number): string[] {
  // Varied but deterministic, so every run generates the same files.
  const n = 10 + ((i * 37 + seed * 11) % 90);
  return [
    `export interface Item${i} { id: number; name: string; tags: string[]; weight?: number }`,
    '',
    `export class Store${i} {`,
    `  private readonly items = new Map<number, Item${i}>();`,
    `  add(item: Item${i}): void {`,
    '    if (this.items.has(item.id)) throw new Error(`duplicate ${item.id}`);',
    '    this.items.set(item.id, item);',
    '  }',
    `  heaviest(limit = ${n}): Item${i}[] {`,
    '    return [...this.items.values()].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0)).slice(0, limit);',
    '  }',
    '  byTag(tag: string): number {',
    '    let count = 0;',
    '    for (const it of this.items.values()) if (it.tags.includes(tag)) count++;',
    '    return count;',
    '  }',
    '}',
    '',
    `export function format${i}(x: Item${i}): string {`,
    `  const label = x.name.trim().toLowerCase().replace(/\\s+/g, '-');`,
    `  return \`\${label}#\${x.id}:\${(x.weight ?? 0).toFixed(${(i % 3) + 1})}\`;`,
    '}',
    '',
  ];
}

/** The resizes the analysis looks for, as real code writes them. */
function siteBlock(i: number): string[] {
  return [
    `export function append${i}(buf: Uint8Array, used: number, chunk: Uint8Array): Uint8Array {`,
    '  let out = buf;',
    '  while (used + chunk.length > out.length) {',
    '    const next = new Uint8Array(out.length + 4096);',
    '    next.set(out);',
    '    out = next;',
    '  }',
    '  out.set(chunk, used);',
    '  return out;',
    '}',
    '',
    `export function grow${i}(wasm: { __wbindgen_realloc(p: number, o: number, n: number, a: number): number }, p: number, len: number): number {`,
    '  return wasm.__wbindgen_realloc(p, len, len * 2, 1);',
    '}',
    '',
    `export function memory${i}(m: WebAssembly.Memory): void {`,
    '  m.grow(16);',
    '}',
    '',
  ];
}

/** At least `lines` lines of TS, whole blocks only (valid syntax); one block in `siteEvery` (0: none) holds resize sites. */
function makeTsFile(lines: number, seed: number, siteEvery: number): string {
  const out = [`// generated for scripts/bench-ts.ts (seed ${seed})`, "import { strict as assert } from 'node:assert';", ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(...plainBlock(i, seed));
    if (siteEvery && i % siteEvery === 0) out.push(...siteBlock(i));
  }
  return out.join('\n') + '\n';
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'ts-worker.js')) || !existsSync(join(dist, 'ts-analysis.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  const big = makeTsFile(5000, 1, 8);
  const file = 'file:///bench/big.ts';

  // (a) worker start + ts-morph load, with the host's event loop watched at 1 ms resolution.
  const service = new WorkerTsService(join(dist, 'ts-worker.js'), 120_000);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t0 = performance.now();
  const first = await service.analyze({ key: 'warm', text: 'export const x = new Uint8Array(8);\n', file: 'file:///bench/warm.ts', options: {} });
  const firstMs = performance.now() - t0;
  loop.disable();
  if (!first) throw new Error('the first request was dropped');
  console.log('(a) loading the TS analysis in the worker thread');
  console.log(`    ts-morph load (in the worker): ${ms(service.loadMs ?? NaN)}; first answer after ${ms(firstMs)} (worker start + load + a small file)`);
  console.log(`    max event-loop delay on the host thread meanwhile: ${ms(loop.max / 1e6)} (mean ${ms(loop.mean / 1e6)})`);

  // (b) the 5,000-line file, 25 times once loaded (the first of them warms the JIT and is dropped).
  const times: number[] = [];
  loop.reset();
  loop.enable();
  let sites = 0;
  for (let i = 0; i < 26; i++) {
    const t = performance.now();
    const r = await service.analyze({ key: file, text: big, file, options: {} });
    if (i > 0) times.push(performance.now() - t);
    sites = r?.sites.length ?? -1;
  }
  loop.disable();
  times.sort((a, b) => a - b);
  console.log(`(b) a ${big.split("\n").length - 1}-line TS file (${(big.length / 1024).toFixed(0)} KiB, ${sites} sites) through the worker, ${times.length} runs`);
  console.log(`    median ${ms(quantile(times, 0.5))}, p90 ${ms(quantile(times, 0.9))}, max ${ms(times[times.length - 1]!)} (goal: under 100 ms)`);
  console.log(`    max event-loop delay on the host thread meanwhile: ${ms(loop.max / 1e6)}`);
  service.dispose();

  // What the worker spares the editor: the same load on the host thread blocks it for this long.
  const tl = performance.now();
  const { analyzeTsFile } = require(join(dist, 'ts-analysis.js')) as { analyzeTsFile: (t: string, f: string, o: object) => unknown };
  analyzeTsFile(WARM_UP_TEXT, 'warm-up.ts', {});
  console.log(`    for comparison, loading dist/ts-analysis.js and its first parse on the host thread block it for ${ms(performance.now() - tl)}`);

  // (c) a 1,000-file project: one file in ten resizes something.
  const dir = mkdtempSync(join(tmpdir(), 'pagecost-bench-ts-'));
  try {
    for (let i = 0; i < 1000; i++) {
      const sub = join(dir, 'src', `mod${Math.floor(i / 50)}`);
      mkdirSync(sub, { recursive: true });
      const lines = 80 + ((i * 131) % 400);
      writeFileSync(join(sub, `file${i}.${i % 5 === 0 ? 'tsx' : 'ts'}`), makeTsFile(lines, i + 100, i % 10 === 0 ? 3 : 0));
    }
    writeFileSync(join(dir, 'src', 'types.d.ts'), 'export declare function grow(p: number): number;\n');
    const t = performance.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(dist, 'cli.js'), 'scan', dir, '--format', 'json', '--quiet'], { maxBuffer: 256 << 20 }, (err, stdout, stderr) =>
        err && !stdout ? reject(new Error(`pagecost scan failed: ${stderr}`)) : resolve(stdout),
      ),
    );
    const wall = performance.now() - t;
    const report = JSON.parse(out) as { findings: unknown[]; errors: unknown[]; notes?: unknown[]; stats: { files: number; parsedFiles: number; tsFiles?: number } };
    console.log(`(c) pagecost scan of a generated TS project: ${report.stats.files} files (${report.stats.tsFiles ?? '?'} TS/JS), ${report.stats.parsedFiles} analysed`);
    console.log(`    ${report.findings.length} findings, ${report.errors.length} errors, ${report.notes?.length ?? 0} notes; wall ${(wall / 1000).toFixed(2)} s (goal: under 30 s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench-ts: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
