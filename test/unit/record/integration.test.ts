// `pagecost record` on real programs built with this machine's compilers: every site of every
// fixture checked against the counts the program keeps itself, at -O0 and at -O2 (inlined
// wrappers), through a function-pointer allocator, with threads, forks and exec, signal handlers,
// musl, and programs that end abruptly.
import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareSites, compile, copyFixture, markers, record, scratch, siteAt, type Recorded } from './support';

describe('pagecost record on real programs (integration)', function () {
  this.timeout(300_000);
  let s: ReturnType<typeof scratch>;
  const cc = process.env.CC && !/\s/.test(process.env.CC) ? process.env.CC : 'cc';
  let rec: (binary: string, args?: string[], extra?: string[]) => Promise<Recorded>;

  before(() => {
    s = scratch();
    rec = (binary, args = [], extra = []) => record(s.dir, ['--cache-dir', s.cache, ...extra, '--', binary, ...args]);
  });
  after(() => s.remove());

  for (const opt of ['-O0', '-O2']) {
    it(`${opt}: every site exact, through a wrapper function, an inline wrapper and an ALLOC_GROW macro`, async () => {
      const src = copyFixture('wrappers.c', s.dir);
      const bin = await compile(cc, src, join(s.dir, `wrappers${opt}`), ['-g', opt]);
      const r = await rec(bin, ['3']);
      assert.equal(r.code, 0);
      assert.deepEqual(compareSites(r, 'wrappers.c', src), []);
      const m = markers(src);
      // Calls through wrappers are placed on the wrapper's call, never in its body.
      assert.equal(siteAt(r.run, 'wrappers.c', m.get('xrealloc-body')!), undefined);
      assert.equal(siteAt(r.run, 'wrappers.c', m.get('inline-body')!), undefined);
      assert.deepEqual(siteAt(r.run, 'wrappers.c', m.get('alloc-grow')!)!.via, ['ALLOC_GROW', 'xrealloc']);
      // The special calls are counted as what they are.
      const at = (k: string) => siteAt(r.run, 'wrappers.c', m.get(k)!)!;
      assert.equal(at('from-null').fromNull, 3);
      assert.equal(at('to-zero').toZero, 3);
      assert.equal(at('failed').failed, 3);
      assert.equal(at('mremap-failed').failed, 3);
      assert.equal(at('mremap').callee, 'mremap');
      assert.equal(at('mremap').mmapped, 24);
      assert.equal(at('mremap').oldBytes.min, 64 * 1024);
      assert.equal(at('mremap').newBytes.max, 9 * 64 * 1024);
      assert.equal(at('reallocarray').callee, 'reallocarray');
      assert.equal(at('xrealloc-a').newBytes.max, 200 * 32);
      assert.equal(at('xrealloc-a').newBytes.min, 32);
      assert.equal(r.run.sites.reduce((n, x) => n + x.calls, 0), r.run.totals.calls, 'nothing counted twice or lost');
    });
  }

  it('a function-pointer allocator: calls through the pointer placed on those calls', async () => {
    const src = copyFixture('fnptr.c', s.dir);
    for (const opt of ['-O0', '-O2']) {
      const bin = await compile(cc, src, join(s.dir, `fnptr${opt}`), ['-g', opt]);
      const r = await rec(bin);
      assert.deepEqual(compareSites(r, 'fnptr.c', src), [], opt);
      assert.deepEqual(siteAt(r.run, 'fnptr.c', markers(src).get('names')!)!.via, ['heap.resize = heap_resize']);
    }
  });

  it('a library resizing in its constructor (before the recorder may be set up), and reallocf', async () => {
    const lib = copyFixture('early-lib.c', s.dir);
    const src = copyFixture('early.c', s.dir);
    await compile(cc, lib, join(s.dir, 'libearly.so'), ['-g', '-shared', '-fPIC']);
    const bin = await compile(cc, src, join(s.dir, 'early'), ['-g', `-L${s.dir}`, `-Wl,-rpath,${s.dir}`], ['-learly']);
    const r = await rec(bin);
    assert.equal(r.code, 0);
    const m = markers(lib);
    const inLib = siteAt(r.run, 'early-lib.c', m.get('constructor')!)?.calls ?? 0;
    // Every constructor call is either counted on its line or said to have come before the set-up.
    const early = /(\d+) calls made before the recording library was set up/.exec(r.run.notes.join(' '));
    assert.equal(inLib + (early ? Number(early[1]) : 0), 10, `on the line: ${inLib}; notes: ${r.run.notes.join(' | ')}`);
    const ms = markers(src);
    assert.equal(siteAt(r.run, 'early.c', ms.get('reallocf')!)?.calls, 25);
    assert.equal(siteAt(r.run, 'early.c', ms.get('reallocf')!)?.callee, 'reallocf');
    assert.equal(siteAt(r.run, 'early.c', ms.get('reallocf-failed')!)?.failed, 1);
  });

  it('threads resizing at once: no call lost, exact per site, threads seen', async () => {
    const src = copyFixture('threads.c', s.dir);
    const bin = await compile(cc, src, join(s.dir, 'threads'), ['-g', '-O2']);
    const r = await rec(bin);
    assert.deepEqual(compareSites(r, 'threads.c', src), []);
    const direct = siteAt(r.run, 'threads.c', markers(src).get('direct')!)!;
    assert.ok(direct.threadsMax >= 2, `threads alive at the calls: ${direct.threadsMax}`);
  });

  it('fork children and an exec\'d image each write their own file, merged at the end', async () => {
    const src = copyFixture('forks.c', s.dir);
    const bin = await compile(cc, src, join(s.dir, 'forks'), ['-g', '-O0']);
    const r = await rec(bin);
    assert.deepEqual(compareSites(r, 'forks.c', src), []);
    assert.equal(r.run.processes.length, 4, JSON.stringify(r.run.processes));
    assert.equal(r.run.processes.filter((p) => p.end === 'exec').length, 1);
    assert.ok(r.run.processes.every((p) => p.end !== 'stopped'));
  });

  it('signal handlers that resize, also while the recorder is inside realloc', async () => {
    const src = copyFixture('signals.c', s.dir);
    const bin = await compile(cc, src, join(s.dir, 'signals'), ['-g', '-O1']);
    const r = await rec(bin);
    assert.equal(r.code, 0);
    assert.deepEqual(compareSites(r, 'signals.c', src), []);
  });

  it('a musl-linked program gets a library built with musl-gcc', async () => {
    const src = copyFixture('wrappers.c', s.dir);
    // A native musl toolchain links with --eh-frame-hdr; Debian's musl-gcc wrapper needs asking.
    const bin = await compile('musl-gcc', src, join(s.dir, 'wrappers-musl'), ['-g', '-O1', '-Wl,--eh-frame-hdr']);
    const r = await rec(bin, ['2']);
    assert.equal(r.code, 0);
    assert.deepEqual(compareSites(r, 'wrappers.c', src), []);
    // musl does not say whether a block was mmapped: the record says it does not know.
    assert.equal(siteAt(r.run, 'wrappers.c', markers(src).get('direct')!)!.mmapped, null);
  });

  it('without an unwind table index, calls are still all counted, placed by their immediate caller, and the note says why', async () => {
    const src = copyFixture('wrappers.c', s.dir);
    const bin = await compile('musl-gcc', src, join(s.dir, 'wrappers-musl-nohdr'), ['-g', '-O1']);
    const r = await rec(bin, ['1']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /no unwind table index \(\.eh_frame_hdr\)/);
    const total = [...r.expect.values()].reduce((a, b) => a + b, 0);
    assert.equal(r.run.totals.calls, total);
    assert.equal(r.run.totals.attributedCalls, total);
    const body = siteAt(r.run, 'wrappers.c', markers(src).get('xrealloc-body')!);
    assert.equal(body?.calls, 200 + 70 + 12, 'the calls through xrealloc stay in its body');
  });

  for (const [how, signal, code] of [['term', 'SIGTERM', 143], ['segv', 'SIGSEGV', 139], ['exit', null, 3]] as const) {
    it(`a program that ends with ${how}: what it did is kept, its exit code passes through`, async () => {
      const src = copyFixture('stopped.c', s.dir);
      const bin = await compile(cc, src, join(s.dir, 'stopped'), ['-g', '-O0']);
      const r = await rec(bin, [how]);
      assert.equal(r.code, code);
      assert.equal(r.run.signal, signal);
      assert.deepEqual(compareSites(r, 'stopped.c', src), []);
      assert.equal(r.run.processes[0]!.end, 'stopped');
      assert.match(r.run.notes.join('\n'), /killed or crashed, or left with _exit: the 500 calls it made until then are kept/);
    });
  }

  it('a program without debug info: counted, and the reason says to build with -g', async () => {
    const src = copyFixture('stopped.c', s.dir);
    const bin = await compile(cc, src, join(s.dir, 'nodebug'), ['-O2', '-g0', '-s']);
    const r = await rec(bin, ['exit']);
    assert.equal(r.run.totals.calls, 500);
    assert.equal(r.run.sites.length, 0);
    assert.equal(r.run.unattributed.calls, 500);
    assert.match(r.run.unattributed.reasons[0]!.reason, /no (symbols or )?debug info in nodebug: build it with -g/);
    assert.match(r.stderr, /has no debug info/);
  });

  it('ten million calls in bounded memory: the per-process file stays small and every call counts', async () => {
    const src = copyFixture('many.c', s.dir);
    const bin = await compile(cc, src, join(s.dir, 'many'), ['-g', '-O2']);
    const raw = join(s.dir, 'raw-many');
    const r = await rec(bin, ['10000000'], ['--raw-dir', raw]);
    assert.equal(r.run.totals.calls, 10_000_000);
    assert.deepEqual(compareSites(r, 'many.c', src), []);
    for (const f of readdirSync(raw)) {
      const st = statSync(join(raw, f));
      // Blocks actually written: the tables are fixed in size and mostly untouched.
      assert.ok(st.blocks * 512 < 2 * 1024 * 1024, `${f}: ${st.blocks * 512} bytes on disk`);
    }
  });
});
