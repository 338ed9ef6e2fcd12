// pagecost record against an independent count: heaptrack (Debian package `heaptrack`, which
// .ci/run installs) records every realloc with its backtrace. On the same deterministic run the
// total, the calls per immediate caller and the calls per caller of the wrapper must be equal.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { nodeSymbolizerHost, readRawDir } from '../../../src/cli/recordHost';
import { mergeProcesses } from '../../../src/core/record/merge';
import { addressKey, symbolize } from '../../../src/core/record/symbolize';
import { compile, copyFixture, markers, record, scratch, siteAt } from './support';

interface HeaptrackCounts {
  /** `file:line` of the immediate caller → reallocs. */
  byCaller: Map<string, number>;
  /** `file:line of the caller's caller` for calls whose immediate caller is `inner` → reallocs. */
  byParent: (inner: string) => Map<string, number>;
}

/** Reads heaptrack's own interpreted output (the .zst it writes, decompressed with zstd). */
function parseHeaptrack(text: string, program: string): HeaptrackCounts {
  const strings: string[] = [''];
  const ips: { module: string; file: string | null; line: number | null }[] = [{ module: '', file: null, line: null }];
  const traces: { ip: number; parent: number }[] = [{ ip: 0, parent: 0 }];
  const allocs: number[] = [];
  const plus = new Map<number, number>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const h = (i: number) => parseInt(f[i]!, 16);
    switch (f[0]) {
      case 's':
        strings.push(line.slice(line.indexOf(' ', 2) + 1));
        break;
      case 'i':
        // i IP MODULE [FUNCTION FILE LINE]...: the first triple is the frame itself (no inlining at -O0).
        ips.push({ module: strings[h(2)] ?? '', file: f.length >= 6 ? strings[h(4)] ?? null : null, line: f.length >= 6 ? h(5) : null });
        break;
      case 't':
        traces.push({ ip: h(1), parent: h(2) });
        break;
      case 'a':
        allocs.push(h(2));
        break;
      case '+':
        plus.set(h(1), (plus.get(h(1)) ?? 0) + 1);
        break;
    }
  }
  const where = (ipIndex: number) => {
    const ip = ips[ipIndex];
    return ip && ip.file ? `${basename(ip.file)}:${ip.line}` : null;
  };
  const ours = (ipIndex: number) => ips[ipIndex]?.module === program;
  const byCaller = new Map<string, number>();
  const pairs: { inner: string; outer: string | null; n: number }[] = [];
  for (const [alloc, n] of plus) {
    const trace = traces[allocs[alloc]!];
    if (!trace || !ours(trace.ip)) continue;
    const w = where(trace.ip);
    if (!w) continue;
    byCaller.set(w, (byCaller.get(w) ?? 0) + n);
    pairs.push({ inner: w, outer: where(traces[trace.parent]?.ip ?? 0), n });
  }
  return {
    byCaller,
    byParent(inner) {
      const m = new Map<string, number>();
      for (const p of pairs) if (p.inner === inner && p.outer) m.set(p.outer, (m.get(p.outer) ?? 0) + p.n);
      return m;
    },
  };
}

function run(file: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, maxBuffer: 256 << 20, timeout: 300_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('pagecost record against heaptrack (integration)', function () {
  this.timeout(300_000);
  let s: ReturnType<typeof scratch>;
  before(() => (s = scratch()));
  after(() => s.remove());

  it('same total, same calls per immediate caller, same calls per caller of the wrapper', async () => {
    const src = copyFixture('compare.c', s.dir);
    const bin = await compile('cc', src, join(s.dir, 'compare'), ['-g', '-O0']);

    const ht = await run('heaptrack', ['-o', join(s.dir, 'ht'), bin], s.dir);
    assert.equal(ht.code, 0, `heaptrack (Debian: apt-get install heaptrack): ${ht.stderr}`);
    const data = ['ht.zst', 'ht.gz'].map((n) => join(s.dir, n)).find(existsSync);
    assert.ok(data, 'heaptrack wrote its data file');
    const text = data!.endsWith('.zst') ? (await run('zstd', ['-dc', data!], s.dir)).stdout : (await import('node:zlib')).gunzipSync(readFileSync(data!)).toString('utf8');
    const counts = parseHeaptrack(text, bin);

    const raw = join(s.dir, 'raw');
    const r = await record(s.dir, ['--cache-dir', s.cache, '--raw-dir', raw, '--', bin]);
    assert.equal(r.code, 0);

    // Ours per immediate caller, from the files the recorder wrote.
    const merged = mergeProcesses(readRawDir(raw).processes);
    const frames = merged.callers.flatMap((c) => (c.frame ? [c.frame] : []));
    const sym = await symbolize(nodeSymbolizerHost(), frames);
    const oursByCaller = new Map<string, number>();
    for (const c of merged.callers) {
      if (!c.frame || c.frame.module !== bin) continue;
      const f = sym.byAddress.get(addressKey(c.frame))?.frames[0];
      const k = `${basename(f?.file ?? '?')}:${f?.line}`;
      oursByCaller.set(k, (oursByCaller.get(k) ?? 0) + c.calls);
    }
    const sorted = (m: Map<string, number>) => [...m.entries()].sort();
    assert.deepEqual(sorted(oursByCaller), sorted(counts.byCaller), 'calls per immediate caller');
    const total = [...counts.byCaller.values()].reduce((a, b) => a + b, 0);
    assert.equal(r.run.totals.calls, total);
    assert.equal(total, 1 + 3000 + 1200 + 450 + 77 + 2500);

    // Through the wrapper: heaptrack's second frame against the sites the record placed them on.
    const m = markers(src);
    const viaGrow = counts.byParent(`compare.c:${m.get('grow-body')}`);
    for (const k of ['grow-a', 'grow-b', 'grow-c']) {
      const line = m.get(k)!;
      assert.equal(siteAt(r.run, 'compare.c', line)?.calls, viaGrow.get(`compare.c:${line}`), k);
      assert.equal(siteAt(r.run, 'compare.c', line)?.sampled, false, `${k} is exact, not sampled`);
    }
  });
});
