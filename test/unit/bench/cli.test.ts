// `pagecost bench` / `calibrate` end to end, with a fake compiler that "builds" a fake harness.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, runBench, runCalibrate, type BenchDeps } from '../../../src/cli/bench';
import { forceFromEnv } from '../../../src/cli/machine';
import { nodeBenchHost } from '../../../src/cli/benchHost';
import { UsageError, type CliIO } from '../../../src/cli/io';
import { checkMeasurements } from '../../../src/core/bench/measurements';
import { loadProfile } from '../../../src/core/model';
import { BENCH_OPS, BYTE_GRANULAR_OPS, quickSweep } from '../../../src/core/bench/sweep';
import { END, HELLO, point, skipped } from './fixtures';

let dir: string;

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

function fakeToolchain(harnessLines: string[], exit = 0): string {
  const lines = harnessLines.map((l) => `printf '%s\\n' '${l}'`).join('\n');
  const harness = script('fake-harness', `${lines}\nexit ${exit}`);
  return script(
    'fakecc',
    `[ "$1" = --version ] && { echo "fakecc 1.0"; exit 0; }\n` +
      'while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done\n' +
      `cp '${harness}' "$out"`,
  );
}

function capture(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: '/',
    stderrIsTTY: false,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

function deps(over: Partial<BenchDeps> = {}): BenchDeps & { written: Map<string, string> } {
  const written = new Map<string, string>();
  const source = join(dir, 'harness.c');
  writeFileSync(source, '/* fake */');
  return {
    host: nodeBenchHost(),
    cpus: 2,
    sourcePaths: [source],
    loadModel: async () => null,
    writeFile: async (p, t) => {
      written.set(p, t);
    },
    onInterrupt: () => () => undefined,
    now: () => 1_700_000_000_000,
    written,
    ...over,
  };
}

const GOOD = [HELLO, point('memcpy-warm', 4096, { median: 40, p10: 39, p90: 42 }), skipped('fault-2m', 4096, 'huge pages need a multiple of 2 MiB'), END];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pagecost-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pagecost bench: flags', () => {
  it('takes the quick sweep and narrows it with --ops, --sizes, --threads', () => {
    const a = parseBenchArgs(['--quick', '--ops', 'munmap,syscall', '--sizes=4K,33p', '--threads', '1', '--csv'], 2, 'bench');
    assert.equal(a.quick, true);
    assert.deepEqual(a.sweep.ops, ['munmap', 'syscall']);
    assert.deepEqual(a.sweep.sizes, [4096, 33 * 4096]);
    assert.deepEqual(a.sweep.threads, [1]);
    assert.equal(a.format, 'csv');
  });

  it('takes byte counts below a page and N:M pairs; byte counts alone narrow the ops to the heap and copy ops', () => {
    const a = parseBenchArgs(['--quick', '--sizes', '228,4K,228:457'], 2, 'bench');
    assert.deepEqual(a.sweep.sizes, [4096]);
    assert.deepEqual(a.sweep.byteSizes, [228]);
    assert.deepEqual(a.sweep.pairs, [{ from: 228, to: 457 }]);
    assert.deepEqual(a.sweep.ops, quickSweep(2).ops);
    const b = parseBenchArgs(['--quick', '--sizes', '456'], 2, 'bench');
    assert.ok(b.sweep.ops.length > 0 && b.sweep.ops.every((o) => BYTE_GRANULAR_OPS.has(o)), b.sweep.ops.join());
  });

  it('defaults to the full sweep with every op', () => {
    const a = parseBenchArgs([], 4, 'bench');
    assert.deepEqual(a.sweep.ops, [...BENCH_OPS]);
    assert.deepEqual(a.sweep.threads, [1, 2, 4]);
    assert.equal(a.force, undefined);
  });

  it('--force lets --profile take a calibration from another machine or model version', () => {
    assert.equal(parseBenchArgs(['--profile', 'old.json', '--force'], 2, 'bench').force, true);
    assert.equal(forceFromEnv({ PAGECOST_FORCE_PROFILE: '1' }), true);
    for (const v of [undefined, '', '0', 'false']) assert.equal(forceFromEnv(v === undefined ? {} : { PAGECOST_FORCE_PROFILE: v }), false, String(v));
  });

  it('throws UsageError with the reason for bad flags', () => {
    const cases: [string[], RegExp][] = [
      [['--ops', 'mremap,munmap'], /unknown op mremap; known: mremap-move/],
      [['--ops', 'munmap', '--sizes', '5000'], /munmap needs whole pages/],
      [['--sizes', '456:228'], /does not grow/],
      [['--sizes', 'big'], /"big" is not a size/],
      [['--threads', '0'], /between 1 and 1024/],
      [['--reps', 'many'], /whole number/],
      [['--json', '--csv'], /one of --json and --csv/],
      [['--frobnicate'], /unknown option --frobnicate/],
      [['extra'], /unexpected argument "extra"/],
      [['--cc'], /--cc needs a value/],
      [['--out', 'x.json'], /--out is for calibrate/],
    ];
    for (const [argv, re] of cases) {
      assert.throws(() => parseBenchArgs(argv, 2, 'bench'), (e: unknown) => e instanceof UsageError && re.test(e.message), argv.join(' '));
    }
    assert.throws(() => parseBenchArgs([], 2, 'calibrate'), /calibrate needs --out FILE/);
    assert.throws(() => parseBenchArgs(['--out', 'f', '--json'], 2, 'calibrate'), /calibrate always writes JSON/);
  });
});

describe('pagecost bench: help', () => {
  it('prints the options on --help without measuring', async () => {
    for (const run of [runBench, runCalibrate]) {
      const io = capture();
      assert.equal(await run(['--help'], io, deps()), 0);
      assert.match(io.out, /^usage: pagecost bench/);
      assert.match(io.out, /--time-limit SECONDS/);
      assert.equal(io.err, '');
    }
  });
});

describe('pagecost bench: output', () => {
  it('prints the measured-vs-modelled table, with the model column when there is a model', async () => {
    const cc = fakeToolchain(GOOD);
    const io = capture();
    const code = await runBench(['--quick', '--cc', cc, '--cache-dir', join(dir, 'c')], io, deps({ loadModel: async () => ({ fn: () => 20, name: 'test-profile' }) }));
    assert.equal(code, 0, io.err);
    // Modelled = the model's 20 ns plus the one clock read (16 ns, hello line) every timed interval holds.
    assert.match(io.out, /memcpy-warm\s+4 KiB\s+1\s+40\.0 ns \(39\.0 ns–42\.0 ns\)\s+20\s+36\.0 ns\s+1\.11×/);
    assert.match(io.out, /skipped 1 point:\n  huge pages need a multiple of 2 MiB: fault-2m/);
    assert.match(io.out, /machine: Test CPU, 2 CPUs, Linux 6\.18\.0/);
    assert.match(io.out, /modelled with profile test-profile/);
    assert.match(io.err, /built the benchmark harness with .*fakecc \(fakecc 1\.0\)/);
  });

  it('reports progress by quarters when stderr is not a terminal, and per point on a terminal', async () => {
    const lines = [HELLO, ...[4096, 8192, 12288, 16384].map((b) => point('munmap', b)), END];
    const argv = ['--quick', '--ops', 'munmap', '--sizes', '4K,8K,12K,16K', '--threads', '1', '--cc', fakeToolchain(lines), '--cache-dir', join(dir, 'c')];
    const plain = capture();
    assert.equal(await runBench(argv, plain, deps()), 0);
    assert.match(plain.err, /  25% \(1\/4 points\)\n  50% \(2\/4 points\)\n  75% \(3\/4 points\)\n/);
    const tty = { ...capture(), stderrIsTTY: true };
    let err = '';
    tty.stderr = (t: string) => {
      err += t;
    };
    assert.equal(await runBench(argv, tty, deps()), 0);
    assert.match(err, /\[4\/4\] munmap 16 KiB 1T: 1\.00 µs/);
  });

  it('says the modelled column is empty when there is no model', async () => {
    const io = capture();
    assert.equal(await runBench(['--quick', '--cc', fakeToolchain(GOOD), '--cache-dir', join(dir, 'c')], io, deps()), 0);
    assert.match(io.out, /modelled: — \(no cost model to compare with\)/);
  });

  it('refuses an unknown profile before measuring anything', async () => {
    const io = capture();
    const code = await runBench(['--quick', '--profile', 'no-such', '--cc', fakeToolchain(GOOD), '--cache-dir', join(dir, 'c')], io, deps({
      loadModel: async (p) => {
        throw new Error(`no profile named "${p}"`);
      },
    }));
    assert.equal(code, 2);
    assert.match(io.err, /no profile named "no-such"/);
    assert.doesNotMatch(io.err, /built the benchmark harness/);
  });

  it('--json and --csv are machine-readable', async () => {
    const cc = fakeToolchain(GOOD);
    const j = capture();
    assert.equal(await runBench(['--quick', '--json', '--cc', cc, '--cache-dir', join(dir, 'c')], j, deps()), 0);
    const doc = JSON.parse(j.out);
    assert.equal(doc.format, 'pagecost-bench');
    assert.equal(doc.complete, true);
    assert.equal(doc.points[0].medianNs, 40);
    assert.equal(doc.points[0].modelledNs, null);
    assert.equal(doc.skipped.length, 1);
    const c = capture();
    assert.equal(await runBench(['--quick', '--csv', '--cc', cc, '--cache-dir', join(dir, 'c')], c, deps()), 0);
    assert.equal(c.out.trim().split('\n').length, 3);
  });

  it('prints what was measured before a failure, the error, and exits 1', async () => {
    const cc = fakeToolchain([HELLO, point('munmap', 4096)], 3);
    const io = capture();
    assert.equal(await runBench(['--quick', '--cc', cc, '--cache-dir', join(dir, 'c')], io, deps()), 1);
    assert.match(io.out, /munmap/);
    assert.match(io.err, /exited with status 3 after 1 points/);
    assert.match(io.err, /\(incomplete\)/);
  });

  it('exits 1 with the compiler problem when there is no compiler', async () => {
    const io = capture();
    assert.equal(await runBench(['--quick', '--cc', join(dir, 'none'), '--cache-dir', join(dir, 'c')], io, deps()), 1);
    assert.match(io.err, /No working C compiler found/);
    assert.equal(io.out, '');
  });
});

describe('pagecost calibrate', () => {
  it('writes a profile the model loads, with the measurements and the fit inside', async () => {
    const d = deps();
    const io = { ...capture(), cwd: dir };
    const code = await runCalibrate(['--quick', '--out', 'm.json', '--cc', fakeToolchain(GOOD), '--cache-dir', join(dir, 'c')], io, d);
    assert.equal(code, 0, io.err);
    const text = d.written.get(join(dir, 'm.json'));
    assert.ok(text);
    const json = JSON.parse(text);
    const profile = loadProfile(json, 'm.json');
    assert.equal(profile.name, 'm');
    assert.equal(profile.machine.kernel, '6.18.0');
    assert.equal(profile.machine.hypervisor, true);
    assert.equal(json.base, 'x86-64-vm');
    const checked = checkMeasurements(json.measurements);
    assert.ok(checked.ok);
    if (!checked.ok) return;
    // The quick sweep's run and the calibration's 64 MiB and 256 MiB runs: the fake harness prints its point each time.
    assert.equal(checked.file.points.length, 3);
    assert.equal(checked.file.harness.compilerVersion, 'fakecc 1.0');
    assert.equal(checked.file.measuredAt, '2023-11-14T22:13:20.000Z');
    assert.equal(json.fit.points, 3);
  });

  it('writes nothing when the run fails', async () => {
    const d = deps();
    const io = { ...capture(), cwd: dir };
    const code = await runCalibrate(['--quick', '--out', 'm.json', '--cc', fakeToolchain([HELLO, 'garbage']), '--cache-dir', join(dir, 'c')], io, d);
    assert.equal(code, 1);
    assert.equal(d.written.size, 0);
  });
});
