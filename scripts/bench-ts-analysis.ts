// Times the TS/JS analysis (src/core/analysis/ts): loading ts-morph, the first analysis, and
// repeated analyses of a generated ~5,000-line TypeScript file that mixes the reallocating forms
// with a lot of ordinary code. The budget is 100 ms per analysis after the load.
// Run: npx tsx scripts/bench-ts-analysis.ts [runs]
import { performance } from 'node:perf_hooks';
import { analyzeTsFile } from '../src/core/analysis/ts';
import { withSourceFile } from '../src/core/analysis/ts/project';

function ordinary(i: number): string {
  return `
/** Record ${i}. */
export interface Row${i} { id: number; name: string; tags: string[] }

export class Service${i} {
  private cache = new Map<number, Row${i}>();
  constructor(private readonly base: string) {}

  async fetch(id: number): Promise<Row${i} | undefined> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const res = await fetch(\`\${this.base}/rows/\${id}\`);
    if (!res.ok) throw new Error(\`row \${id}: \${res.status}\`);
    const row = (await res.json()) as Row${i};
    this.cache.set(id, row);
    return row;
  }

  names(rows: Row${i}[]): string[] {
    return rows.filter((r) => r.tags.includes('x')).map((r) => r.name.toUpperCase());
  }
}
`;
}

function forms(i: number): string {
  return `
export function grow${i}(instance: WebAssembly.Instance, p: number, n: number) {
  p = (instance.exports as any).realloc(p, PAGE * ${i % 7 + 1});
  let buf = new Uint8Array(256);
  for (let k = 0; k < n; k++) {
    const next = new Uint8Array(buf.length + 1024);
    next.set(buf);
    buf = next;
  }
  const ab = new ArrayBuffer(4096, { maxByteLength: 1 << 20 });
  ab.resize(8192);
  return ab.transfer(buf.length);
}
`;
}

function source(targetLines: number): string {
  const parts = ['const PAGE = 4096;\n'];
  let lines = 1;
  for (let i = 0; lines < targetLines; i++) {
    const chunk = i % 8 === 0 ? forms(i) : ordinary(i);
    parts.push(chunk);
    lines += chunk.split('\n').length - 1;
  }
  return parts.join('');
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const runs = Number(process.argv[2] ?? 30);
const text = source(5000);
const t0 = performance.now();
// Loading happens inside the first analysis (lazy require); `loadMs` measures it alone.
const first = analyzeTsFile(text, 'bench.ts');
const firstMs = performance.now() - t0;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadMs } = require('../src/core/analysis/ts/project') as { loadMs: number };
const times: number[] = [];
const parseTimes: number[] = [];
// Interleaved, so a busy machine slows both alike: the parse alone (no parent links) is the floor.
const cpuTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  let t = performance.now();
  const c = process.cpuUsage();
  analyzeTsFile(text, 'bench.ts');
  times.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cpuTimes.push((d.user + d.system) / 1000);
  t = performance.now();
  withSourceFile(text, 'bench.ts', (sf) => sf.statements.length);
  parseTimes.push(performance.now() - t);
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
parseTimes.sort((a, b) => a - b);
const skipT = performance.now();
for (let i = 0; i < 100; i++) analyzeTsFile(text.replace(/realloc|Uint8Array|ArrayBuffer|\.resize|\.transfer/g, 'other'), 'plain.ts');
const prefilterMs = (performance.now() - skipT) / 100;

console.log(`file: ${text.split('\n').length} lines, ${(text.length / 1024).toFixed(0)} KiB, ${first.sites.length} sites`);
console.log(`load ts-morph:        ${loadMs.toFixed(0)} ms`);
console.log(`first analysis:       ${firstMs.toFixed(1)} ms (includes the load)`);
console.log(`repeated (${runs} runs):  median ${quantile(times, 0.5).toFixed(1)} ms, p90 ${quantile(times, 0.9).toFixed(1)} ms (budget 100 ms)`);
// On a busy machine the wall clock includes waiting for a core; CPU time does not.
console.log(`  CPU time:           median ${quantile(cpuTimes, 0.5).toFixed(1)} ms, p90 ${quantile(cpuTimes, 0.9).toFixed(1)} ms`);
console.log(`parse alone:          median ${quantile(parseTimes, 0.5).toFixed(1)} ms, p90 ${quantile(parseTimes, 0.9).toFixed(1)} ms`);
console.log(`no relevant name:     ${prefilterMs.toFixed(2)} ms (prefilter, no parse)`);
