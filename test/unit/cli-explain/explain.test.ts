// `pagecost explain`, driven through its Subcommand export with an in-memory CliIO.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain, parseBytes } from '../../../src/cli/explain';
import { UsageError, type CliIO } from '../../../src/cli/io';
import { MODEL_VERSION, OP_NAMES, builtinProfile, estimateNamed } from '../../../src/core/model';

interface Run { code: number; out: string; err: string }

async function run(argv: string[], cwd = process.cwd()): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, stderrIsTTY: false };
  const code = await explain(argv, io);
  return { code, out, err };
}

async function usageError(argv: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(run(argv), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
}

describe('cli: pagecost explain', () => {
  it('--json has op, bytes, threads, ns, breakdown, profile {name, source}, modelVersion, alternative and crossover', async () => {
    const r = await run(['--op', 'mremap-move', '--bytes', '4096', '--threads', '4', '--json']);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.op, 'mremap-move');
    assert.equal(j.bytes, 4096);
    assert.equal(j.threads, 4);
    assert.equal(j.modelVersion, MODEL_VERSION);
    assert.deepEqual([j.profile.name, j.profile.source], ['x86-64', 'built-in']);
    const sum = j.breakdown.reduce((s: number, t: { ns: number }) => s + t.ns, 0);
    assert.ok(Math.abs(sum - j.ns) < 1e-6 * j.ns);
    assert.equal(j.ns, estimateNamed(builtinProfile('x86-64'), 'mremap-move', 4096, { threads: 4 }).ns);
    assert.equal(j.alternative.op, 'memcpy-warm');
    assert.ok(j.alternative.ns > 0 && Array.isArray(j.alternative.breakdown));
    assert.equal(j.crossover.mover, 'mremap-move');
    assert.equal(j.crossover.kind, 'at');
    assert.ok(j.crossover.bytes > 4096);
  });

  it('every op answers, in text and JSON', async () => {
    for (const op of OP_NAMES) {
      const t = await run(['--op', op, '--bytes', '1MiB']);
      assert.equal(t.code, 0, op);
      assert.match(t.out, /costs about/);
      const j = JSON.parse((await run(['--op', op, '--bytes', '1MiB', '--json'])).out);
      assert.ok(j.ns > 0 && Number.isFinite(j.ns), op);
    }
  });

  it('text: plain words first, then the breakdown with term ids', async () => {
    const r = await run(['--op', 'mremap-move', '--bytes', '4096']);
    const [first] = r.out.split('\n');
    assert.match(first!, /^Moving 4 KiB .* mremap costs about .*memcpy is \d+× cheaper/);
    assert.doesNotMatch(first!, /PMD|PTE|c_pte|\[/);
    assert.match(r.out, /mremap beats memcpy above \d+(\.\d)? KiB/);
    const table = r.out.indexOf('Where the');
    assert.ok(table > 0 && r.out.indexOf('[t_vma_move]') > table);
    assert.match(r.out, /model v\d/);
  });

  it('more threads cost more for mremap-move', async () => {
    const one = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '4096', '--json'])).out);
    const four = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '4096', '--threads', '4', '--json'])).out);
    assert.ok(four.ns > one.ns);
  });

  it('--profile takes built-in names and calibration files (relative to cwd)', async () => {
    const vm = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '4096', '--threads', '2', '--profile', 'x86-64-vm', '--json'])).out);
    const bare = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '4096', '--threads', '2', '--json'])).out);
    assert.ok(vm.ns > bare.ns);
    const dir = mkdtempSync(join(tmpdir(), 'pagecost-explain-'));
    writeFileSync(join(dir, 'cal.json'), JSON.stringify({ pagecostProfile: 1, modelVersion: MODEL_VERSION, name: 'lab', base: 'x86-64', params: { t_vma_move: 3000 } }));
    const cal = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '4096', '--profile', 'cal.json', '--json'], dir)).out);
    assert.equal(cal.profile.name, 'lab');
    assert.match(cal.profile.source, /cal\.json/);
    // The file raised t_vma_move by 1000 ns over the default; a single 4 KiB move pays it once.
    const base = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '4096', '--json'])).out);
    assert.equal(cal.ns - base.ns, 3000 - builtinProfile('x86-64').params.t_vma_move);
  });

  it('--profile this-machine reads the live system and says where each fact came from', async () => {
    const j = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '4096', '--profile', 'this-machine', '--json'])).out);
    assert.equal(j.profile.name, 'this-machine');
    // The live facts, with this machine's probe when it could run (src/cli/probe.ts).
    assert.match(j.profile.source, /^live system/);
    assert.ok(['x86-64', 'arm64'].includes(j.profile.machine.arch));
    for (const fact of ['arch', 'pageSize', 'cpus', 'thp', 'pti', 'kernel', 'hypervisor', 'caches']) {
      assert.ok(typeof j.profile.origins[`machine.${fact}`] === 'string', fact);
    }
    assert.ok(j.ns > 0);
  });

  it('a bad or unknown profile is an error on stderr with exit code 2', async () => {
    const r = await run(['--op', 'mremap-move', '--bytes', '4096', '--profile', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.err, /no profile named "nope".*x86-64-vm/);
    const dir = mkdtempSync(join(tmpdir(), 'pagecost-explain-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ pagecostProfile: 1, modelVersion: 0, params: {} }));
    const o = await run(['--op', 'mremap-move', '--bytes', '4096', '--profile', 'old.json'], dir);
    assert.equal(o.code, 2);
    assert.match(o.err, /model v0.*calibrate/);
  });

  it('bad flags are usage errors that say what to give instead', async () => {
    await usageError(['--bytes', '4096'], /--op is required/);
    await usageError(['--op', 'mremap-teleport', '--bytes', '4096'], /unknown --op.*mremap-move/);
    await usageError(['--op', 'mremap-move'], /--bytes is required/);
    await usageError(['--op', 'mremap-move', '--bytes', '-5'], /not a size/);
    await usageError(['--op', 'mremap-move', '--bytes', '0'], /at least 1/);
    await usageError(['--op', 'mremap-move', '--bytes', 'NaN'], /not a size/);
    await usageError(['--op', 'mremap-move', '--bytes', String(2 ** 49)], /2\^48/);
    await usageError(['--op', 'mremap-move', '--bytes', '1.5'], /whole number/);
    await usageError(['--op', 'mremap-move', '--bytes', '4096', '--threads', '0'], /--threads/);
    await usageError(['--op', 'mremap-move', '--bytes', '4096', '--frobnicate'], /unknown argument/);
    await usageError(['--op', 'mremap-move', '--bytes', '4096', '--allocator', 'tcmalloc'], /allocator.*glibc/);
    await usageError(['--op', 'realloc-grow', '--bytes', String(2 ** 48)], /2\^47/);
    await usageError(['--op', 'mremap-move', '--bytes'], /needs a value/);
  });

  it('--mmap-threshold moves glibc realloc between copying and mremap (dynamic threshold, malloc.c)', async () => {
    const low = JSON.parse((await run(['--op', 'realloc-grow', '--bytes', '1M', '--json'])).out);
    const high = JSON.parse((await run(['--op', 'realloc-grow', '--bytes', '1M', '--mmap-threshold', '32M', '--json'])).out);
    assert.match(low.path, /mremap/);
    assert.doesNotMatch(high.path, /mremap/);
    assert.ok(high.ns > low.ns);
    assert.equal(high.crossover.bytes, 32 * 1024 * 1024);
    await usageError(['--op', 'realloc-grow', '--bytes', '1M', '--mmap-threshold', '64M'], /32 MiB/);
  });

  it('--untouched: a never-written buffer moves for almost nothing', async () => {
    const w = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '1G', '--json'])).out);
    const u = JSON.parse((await run(['--op', 'mremap-move', '--bytes', '1G', '--untouched', '--json'])).out);
    assert.ok(u.ns * 100 < w.ns);
    assert.ok(u.assumptions.some((a: string) => /never written/.test(a)));
  });

  it('refuses a calibration from another machine or model version, naming the difference; --force uses it with a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagecost-explain-'));
    // No machine has 4093 CPUs in this test run's affinity mask.
    writeFileSync(join(dir, 'far.json'), JSON.stringify({
      pagecostProfile: 1, modelVersion: MODEL_VERSION, name: 'far', base: 'x86-64', machine: { cpus: 4093 }, params: { c_pte: 20 },
    }));
    const r = await run(['--op', 'mremap-move', '--bytes', '1M', '--profile', 'far.json'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /another machine \(cpus 4093 there, \d+ here\).*--force/);
    const f = await run(['--op', 'mremap-move', '--bytes', '1M', '--profile', 'far.json', '--force', '--json'], dir);
    assert.equal(f.code, 0);
    const j = JSON.parse(f.out);
    assert.ok(j.profile.warnings.some((w: string) => /another machine/.test(w)));
    assert.match(j.profile.origins.c_pte, /calibrated/);

    writeFileSync(join(dir, 'v1.json'), JSON.stringify({ pagecostProfile: 1, modelVersion: MODEL_VERSION - 1, name: 'v1', base: 'x86-64', params: { c_pte: 20 } }));
    const o = await run(['--op', 'mremap-move', '--bytes', '1M', '--profile', 'v1.json'], dir);
    assert.equal(o.code, 2);
    assert.match(o.err, new RegExp(`model v${MODEL_VERSION - 1}, this is model v${MODEL_VERSION}.*--force`));
    const t = await run(['--op', 'mremap-move', '--bytes', '1M', '--profile', 'v1.json', '--force'], dir);
    assert.equal(t.code, 0);
    assert.match(t.out, /note: .*model v/);
  });

  it('--help lists every op and exits 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const op of OP_NAMES) assert.ok(r.out.includes(op), op);
  });

  it('parseBytes understands binary suffixes and --flag=value works', async () => {
    assert.equal(parseBytes('128K'), 128 * 1024);
    assert.equal(parseBytes('1MiB'), 1024 * 1024);
    assert.equal(parseBytes('2g'), 2 * 1024 ** 3);
    assert.equal(parseBytes('0.5K'), 512);
    const j = JSON.parse((await run(['--op=memcpy-warm', '--bytes=64K', '--json'])).out);
    assert.equal(j.bytes, 65536);
  });
});
