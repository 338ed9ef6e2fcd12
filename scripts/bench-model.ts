// Speed of the cost model: µs per estimate (with breakdown, and total only), ms per crossover
// solve, and — when dist/cli.js exists — the wall time of a whole `pagecost explain` process.
// Budgets (issue 3): one estimate < 10 µs; `pagecost explain` < 50 ms after the first run.
//   npx tsx scripts/bench-model.ts
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  OP_NAMES, builtinProfile, estimateNamed, makeContext, namedNs, solveCrossover, type OpName,
} from '../src/core/model';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeUs(fn: (i: number) => void, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / 1e3 / n;
}

const p = builtinProfile('x86-64');
const sizes = [4096, 64 << 10, 136 << 10, 1 << 20, 16 << 20, 1 << 30];
let sink = 0;

// Warm up the JIT, then take the median of several rounds.
for (let r = 0; r < 3; r++) for (const op of OP_NAMES) for (const n of sizes) sink += estimateNamed(p, op, n, { threads: 1 + (r % 4) }).ns;

console.log('estimate (with breakdown), µs per call, median of 7 rounds:');
let worst = 0;
for (const op of OP_NAMES) {
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) rounds.push(timeUs((i) => (sink += estimateNamed(p, op, sizes[i % sizes.length]!, { threads: 1 + (i % 4) }).ns), 2000));
  const m = median(rounds);
  worst = Math.max(worst, m);
  console.log(`  ${op.padEnd(20)} ${m.toFixed(2)} µs`);
}
console.log(`  worst op: ${worst.toFixed(2)} µs (budget 10 µs) ${worst < 10 ? 'OK' : 'OVER BUDGET'}`);

const ctx = makeContext(p);
const fast = median(Array.from({ length: 7 }, () => timeUs((i) => (sink += namedNs(p, ctx, OP_NAMES[i % OP_NAMES.length] as OpName, sizes[i % sizes.length]!)), 5000)));
console.log(`total only (crossover search path): ${fast.toFixed(2)} µs per call`);

const pairs: [OpName, OpName][] = [['mremap-move', 'memcpy-warm'], ['mremap-move', 'memcpy-cold'], ['mremap-grow', 'malloc-copy-free'], ['realloc-grow', 'malloc-copy-free']];
console.log('crossover solve, ms per call (median of 7):');
for (const [a, b] of pairs) {
  for (const threads of [1, 8]) {
    const rounds: number[] = [];
    let last = '';
    for (let r = 0; r < 7; r++) {
      const t0 = process.hrtime.bigint();
      const c = solveCrossover(p, a, b, { threads });
      rounds.push(Number(process.hrtime.bigint() - t0) / 1e6);
      last = c.kind === 'at' ? `${c.bytes} bytes` : c.kind;
    }
    console.log(`  ${`${a} vs ${b}`.padEnd(34)} threads=${threads}  ${median(rounds).toFixed(2)} ms  → ${last}`);
  }
}

const cli = join(__dirname, '..', 'dist', 'cli.js');
if (existsSync(cli)) {
  const args = [cli, 'explain', '--op', 'mremap-move', '--bytes', '4096', '--threads', '4'];
  execFileSync(process.execPath, args, { stdio: 'ignore' }); // first run: disk cache
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const empty: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    empty.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const m = median(rounds);
  console.log(`whole process: node dist/cli.js explain --op mremap-move --bytes 4096 --threads 4: ${m.toFixed(1)} ms median (budget 50 ms) ${m < 50 ? 'OK' : 'OVER BUDGET'}`);
  console.log(`  for scale, an empty \`node -e 0\` on this machine: ${median(empty).toFixed(1)} ms`);
} else {
  console.log('dist/cli.js not built: run `npm run build` to time a whole `pagecost explain` process');
}
if (sink === 42) console.log(''); // keep the results alive
