// The JS/TS benchmark harness: a Node program (bundled to dist/js-harness.js) that the extension
// host or the CLI starts as a child process, never the webview. It times the JavaScript resize
// primitives the TS/JS analysis reports, one JSON line per point, in the C harness's protocol
// (src/core/bench/protocol.ts) plus the engine that measured them in its hello line:
//
// Each grow ends by writing one byte per page of the new tail (see touch()).
//   js-concat         Buffer.concat([old N, chunk N])            → 2N
//   js-copy-grow      new Uint8Array(2N) + set(old N)            → 2N
//   js-transfer       arrayBuffer(N).transfer(2N)                → 2N
//   js-transfer-same  arrayBuffer(N).transfer()                  → N (does the engine move the pages?)
//   js-resize         resizable arrayBuffer(N, max 2N).resize(2N) → 2N
//   wasm-memory-grow  WebAssembly.Memory of N bytes .grow(N / 64 KiB pages) → 2N
//
// Node-only by design (process, Buffer, node:fs): nothing in src/core imports this file.
// Only the operation is timed (process.hrtime.bigint around it); buffers are made and written
// before the clock starts. SIGTERM ends the run after the current point with an `end` line.
import { readFileSync } from 'node:fs';
import { arch, cpus, release } from 'node:os';
import { HARNESS_PROTOCOL } from '../protocol';

export const JS_HARNESS_PROTOCOL = 1;
const WASM_PAGE = 65536;

interface Args {
  ops: string[];
  sizes: number[];
  reps: number;
  minReps: number;
  timeBudgetMs: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { ops: [], sizes: [], reps: 100, minReps: 5, timeBudgetMs: 250 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1] ?? '';
    switch (argv[i]) {
      case '--ops': a.ops = v.split(',').filter(Boolean); break;
      case '--sizes': a.sizes = v.split(',').map(Number); break;
      case '--reps': a.reps = Number(v); break;
      case '--min-reps': a.minReps = Number(v); break;
      case '--time-budget-ms': a.timeBudgetMs = Number(v); break;
      case '--threads': break; // the JS primitives are measured on one thread; accepted for symmetry
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function cacheSize(index: number): number {
  const t = read(`/sys/devices/system/cpu/cpu0/cache/index${index}/size`);
  const m = /^(\d+)([KMG]?)/.exec(t);
  if (!m) return 0;
  return Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]!]!;
}

const now = () => process.hrtime.bigint();

function clockNs(): number {
  const d: number[] = [];
  for (let i = 0; i < 2001; i++) {
    const a = now();
    const b = now();
    d.push(Number(b - a));
  }
  d.sort((x, y) => x - y);
  return d[1000]!;
}

function emit(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

function hello(): void {
  const info = read('/proc/cpuinfo');
  const flags = (/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/).filter((f) => ['pcid', 'invlpgb', 'erms', 'fsrm', 'hypervisor', 'avx512f'].includes(f));
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime ?? '';
  const v = process.versions as Record<string, string | undefined>;
  emit({
    type: 'hello', harness: HARNESS_PROTOCOL, js_harness: JS_HARNESS_PROTOCOL,
    kernel: release(), arch: arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : arch(),
    cpu_model: cpus()[0]?.model ?? '', cpus: cpus().length, online_cpus: cpus().length, page_size: 4096,
    thp: read('/sys/kernel/mm/transparent_hugepage/enabled'), meltdown: read('/sys/devices/system/cpu/vulnerabilities/meltdown'),
    tlb_flush_ceiling: null, glibc, flags, l1d: cacheSize(0), l2: cacheSize(2), l3: cacheSize(3),
    clock_ns: clockNs(), mmap_threshold: 0,
    engine: 'V8', engine_version: v.v8 ?? '', runtime: v.electron ? 'electron' : 'node', runtime_version: process.version,
    ...(v.electron ? { electron: v.electron } : {}),
  });
}

/** One timed repetition: `setup` untimed, returns the thunk whose call is timed. */
type Rep = () => () => unknown;

interface OpDef {
  /** Why this op cannot run at this size on this engine, or null. */
  unavailable(bytes: number): string | null;
  rep(bytes: number): Rep;
}

type ResizableCtor = new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
type Transferable = ArrayBuffer & { transfer(n?: number): ArrayBuffer };

// lib ES2022 has no WebAssembly types; the two calls used here, typed by hand.
interface WasmMemory { buffer: ArrayBuffer; grow(pages: number): number }
const Wasm = (globalThis as unknown as { WebAssembly?: { Memory: new (d: { initial: number }) => WasmMemory } }).WebAssembly;

const written = (n: number, v = 1): Uint8Array => new Uint8Array(n).fill(v);

/**
 * Writes one byte in each page of [from, to): code that grows a buffer goes on to fill it, and the
 * model prices that first touch of the new tail (src/core/model/js.ts), so the timed call does too.
 */
function touch(bytes: Uint8Array, from: number, to: number): Uint8Array {
  for (let i = from; i < to; i += 4096) bytes[i] = 1;
  return bytes;
}
let sink: unknown = null;

const OPS: Record<string, OpDef> = {
  'js-concat': {
    unavailable: () => (typeof Buffer === 'undefined' ? 'this runtime has no Buffer' : null),
    rep: (n) => () => {
      const old = Buffer.alloc(n, 1);
      const chunk = Buffer.alloc(n, 2);
      return () => Buffer.concat([old, chunk]);
    },
  },
  'js-copy-grow': {
    unavailable: () => null,
    rep: (n) => () => {
      const old = written(n);
      return () => {
        const grown = new Uint8Array(2 * n);
        grown.set(old);
        return touch(grown, n, 2 * n);
      };
    },
  },
  'js-transfer': {
    unavailable: () => (typeof (ArrayBuffer.prototype as Partial<Transferable>).transfer === 'function' ? null : `${process.version} (V8 ${process.versions.v8}) has no ArrayBuffer.prototype.transfer`),
    rep: (n) => () => {
      const ab = written(n).buffer as Transferable;
      return () => touch(new Uint8Array(ab.transfer(2 * n)), n, 2 * n);
    },
  },
  'js-transfer-same': {
    unavailable: (n) => OPS['js-transfer']!.unavailable(n),
    rep: (n) => () => {
      const ab = written(n).buffer as Transferable;
      return () => ab.transfer();
    },
  },
  'js-resize': {
    unavailable: () => (typeof (ArrayBuffer.prototype as { resize?: unknown }).resize === 'function' ? null : `${process.version} has no resizable ArrayBuffer`),
    rep: (n) => () => {
      const ab = new (ArrayBuffer as unknown as ResizableCtor)(n, { maxByteLength: 2 * n });
      new Uint8Array(ab).fill(1);
      return () => {
        ab.resize(2 * n);
        return touch(new Uint8Array(ab), n, 2 * n);
      };
    },
  },
  'wasm-memory-grow': {
    unavailable: (n) => (!Wasm ? 'this runtime has no WebAssembly' : n % WASM_PAGE !== 0 ? 'a WebAssembly memory grows by 64 KiB pages: the size must be a multiple of 64 KiB' : 2 * n > 2 ** 31 ? 'above 2 GiB a 32-bit memory cannot double' : null),
    rep: (n) => () => {
      const mem = new Wasm!.Memory({ initial: n / WASM_PAGE });
      new Uint8Array(mem.buffer).fill(1);
      return () => {
        mem.grow(n / WASM_PAGE);
        return touch(new Uint8Array(mem.buffer), n, 2 * n);
      };
    },
  },
};

export const JS_HARNESS_OPS = Object.keys(OPS);

let stopping = false;

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

const gc = (globalThis as { gc?: () => void }).gc;
const tick = () => new Promise<void>((r) => setImmediate(r));

async function measure(op: string, def: OpDef, bytes: number, a: Args): Promise<boolean> {
  const key = { op, bytes, threads: 1, huge: false, aligned: false };
  const why = def.unavailable(bytes);
  if (why) {
    emit({ type: 'skipped', ...key, reason: why });
    return false;
  }
  const times: number[] = [];
  const started = Date.now();
  try {
    const make = def.rep(bytes);
    // One untimed warm-up: the first call compiles the code path.
    sink = make()();
    while (times.length < a.reps && !stopping) {
      if (times.length >= a.minReps && Date.now() - started > a.timeBudgetMs) break;
      // Large buffers: collect the garbage of the last repetitions before the clock starts, so a
      // collection does not land inside the timed call.
      if (gc && bytes >= 1 << 20) gc();
      const run = make();
      const t0 = now();
      sink = run();
      const t1 = now();
      times.push(Number(t1 - t0));
      sink = null;
      if (times.length % 16 === 0) await tick();
    }
  } catch (e) {
    emit({ type: 'error', ...key, message: (e as Error).message.slice(0, 200) });
    return false;
  }
  if (times.length === 0) return false;
  times.sort((x, y) => x - y);
  emit({ type: 'point', ...key, median: quantile(times, 0.5), p10: quantile(times, 0.1), p90: quantile(times, 0.9), reps: times.length });
  return true;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  process.on('SIGTERM', () => {
    stopping = true;
  });
  process.on('SIGINT', () => {
    stopping = true;
  });
  const t0 = Date.now();
  hello();
  let points = 0;
  for (const op of a.ops) {
    const def = OPS[op];
    for (const bytes of a.sizes) {
      if (stopping) break;
      if (!def) {
        emit({ type: 'error', op, bytes, threads: 1, huge: false, aligned: false, message: `unknown operation ${op}` });
        continue;
      }
      if (await measure(op, def, bytes, a)) points++;
      await tick();
    }
  }
  emit({ type: 'end', points, interrupted: stopping, elapsed_ms: Date.now() - t0 });
  void sink;
}

// Run only as the program (dist/js-harness.js), never when a test imports the op list.
if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      process.stderr.write(`js harness: ${e.message}\n`);
      process.exit(2);
    },
  );
}
