// The default profile must reproduce published and measured figures within their stated ranges.
// Sources are MODEL-FACTS.md sections; [S] = named source, [M] = our Appendix A measurements.
import { strict as assert } from 'node:assert';
import { builtinProfile, estimateNamed, solveCrossover } from '../../../src/core/model';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const x86 = builtinProfile('x86-64');
const ns = (op: string, bytes: number, o = {}): number => estimateNamed(x86, op, bytes, o).ns;

describe('model: published figures (default x86-64 profile)', () => {
  it('1 GiB PTE-by-PTE move takes 3.4–3.6 ms [S] commit 2c91bd4a4e2e (Joel Fernandes), MODEL-FACTS §1.3', () => {
    const t = ns('mremap-move', GiB);
    assert.ok(t >= 3.4e6 && t <= 3.6e6, `got ${t} ns`);
  });

  it('per-PTE slope is ≈13 ns (12.8 ns [M], 13 ns [S] 2c91bd4a4e2e), MODEL-FACTS §1.3', () => {
    const slope = (ns('mremap-move', GiB) - ns('mremap-move', 512 * MiB)) / ((512 * MiB) / 4096);
    assert.ok(slope >= 11 && slope <= 16, `slope ${slope} ns/page`);
  });

  it('1 GiB mutually PMD-aligned move takes 144–160 µs [S] commit 2c91bd4a4e2e, MODEL-FACTS §1.4', () => {
    const t = ns('mremap-move', GiB, { alignment: 'pmd' });
    assert.ok(t >= 144e3 && t <= 160e3, `got ${t} ns`);
  });

  it('a 1 GiB PUD-aligned move is far cheaper than PMD moves (x86 ~13× [S] Kalesh Singh 2020), MODEL-FACTS §1.4', () => {
    const ratio = ns('mremap-move', GiB, { alignment: 'pmd' }) / ns('mremap-move', GiB, { alignment: 'pud' });
    assert.ok(ratio >= 5 && ratio <= 30, `ratio ${ratio}`);
  });

  it('≤33-page moves pay per-page invalidation; a 34-page move is cheaper than a 33-page one [S] arch/x86/mm/tlb.c ceiling 33, [M] 7.9 vs 3.5 µs', () => {
    const e33 = estimateNamed(x86, 'mremap-move', 33 * 4096);
    const e34 = estimateNamed(x86, 'mremap-move', 34 * 4096);
    const inv33 = e33.breakdown.find((t) => t.term === 'c_invlpg');
    assert.equal(inv33?.count, 33);
    assert.equal(e34.breakdown.find((t) => t.term === 'c_invlpg'), undefined);
    assert.ok(e34.breakdown.some((t) => t.term === 'c_flush_full'));
    assert.ok(e34.ns < e33.ns, `${e34.ns} !< ${e33.ns}`);
    for (let p = 1; p <= 33; p++) {
      assert.equal(estimateNamed(x86, 'mremap-move', p * 4096).breakdown.find((t) => t.term === 'c_invlpg')?.count, p);
    }
  });

  it('a single-threaded 4 KiB move costs tens of times a 4 KiB memcpy (S7: ~30–100× [M]; SO "Faster way to move memory page than mremap()?")', () => {
    const ratio = ns('mremap-move', 4096) / ns('memcpy-warm', 4096);
    assert.ok(ratio >= 20 && ratio < 100, `ratio ${ratio}`);
  });

  it('single-threaded crossover against a warm memcpy is 128–140 KiB (MODEL-FACTS §3 S1, SO answer "~100k")', () => {
    const c = solveCrossover(x86, 'mremap-move', 'memcpy-warm');
    assert.equal(c.kind, 'at');
    if (c.kind === 'at') assert.ok(c.bytes >= 128 * KiB && c.bytes <= 140 * KiB, `crossover ${c.bytes}`);
  });

  it('single-threaded crossover against a copy into fresh memory is 12–16 KiB (MODEL-FACTS §3 S1\')', () => {
    const c = solveCrossover(x86, 'mremap-move', 'memcpy-cold');
    assert.equal(c.kind, 'at');
    if (c.kind === 'at') assert.ok(c.bytes >= 12 * KiB && c.bytes <= 16 * KiB, `crossover ${c.bytes}`);
  });

  it('glibc realloc of an mmapped 1→2 MiB chunk is far cheaper than malloc+copy+free ([M] 4.1–7.6 vs 294 µs, MODEL-FACTS §1.10 / §3 S8)', () => {
    const r = estimateNamed(x86, 'realloc-grow', MiB);
    const m = ns('malloc-copy-free', MiB);
    assert.match(r.path, /mremap/);
    assert.ok(m / r.ns >= 10, `realloc ${r.ns} vs manual ${m}`);
  });

  it('glibc realloc 200→400 KiB (mmapped) beats the manual copy by >5× ([M] 1.9–5.0 vs 56 µs, MODEL-FACTS §1.10)', () => {
    const x = estimateNamed(x86, 'realloc-grow', 200 * KiB);
    assert.ok(ns('malloc-copy-free', 200 * KiB) / x.ns > 5);
  });

  it('more busy threads push the crossover up: 3 siblings ≈256–400 KiB (S2; the model also counts the page-table-freeing flush, so allow up to 512 KiB), 63 siblings ≈1 MiB (S3)', () => {
    const c4 = solveCrossover(x86, 'mremap-move', 'memcpy-warm', { threads: 4 });
    const c64 = solveCrossover(x86, 'mremap-move', 'memcpy-warm', { threads: 64 });
    assert.ok(c4.kind === 'at' && c4.bytes >= 256 * KiB && c4.bytes <= 512 * KiB, JSON.stringify(c4));
    assert.ok(c64.kind === 'at' && c64.bytes >= 0.75 * MiB && c64.bytes <= 2 * MiB, JSON.stringify(c64));
  });

  it('VM guest with one sibling thread: crossover ≈1 MiB (S4 [M]: 1 MiB 35 vs 32 µs; 2 MiB 76 vs 138 µs)', () => {
    const vm = builtinProfile('x86-64-vm');
    const c = solveCrossover(vm, 'mremap-move', 'memcpy-warm', { threads: 2 });
    assert.ok(c.kind === 'at' && c.bytes >= 512 * KiB && c.bytes <= 2 * MiB, JSON.stringify(c));
  });

  it('VM guest, 1 GiB with a spinning sibling: 18.6–19.6 ms misaligned, ≈7.3–7.8 ms aligned ([M] Appendix A, ±5%)', () => {
    const vm = builtinProfile('x86-64-vm');
    const mis = estimateNamed(vm, 'mremap-move', GiB, { threads: 2 }).ns;
    const al = estimateNamed(vm, 'mremap-move', GiB, { threads: 2, alignment: 'pmd' }).ns;
    assert.ok(mis >= 18.6e6 * 0.95 && mis <= 19.6e6 * 1.05, `misaligned ${mis}`);
    assert.ok(al >= 7.3e6 * 0.95 && al <= 7.8e6 * 1.05, `aligned ${al}`);
  });

  it('munmap of one populated page 1.6–1.8 µs; in-place grow 0.45–0.9 µs ([M] MODEL-FACTS §1.8, §1.2)', () => {
    const u = ns('munmap', 4096);
    const g = ns('mremap-grow-inplace', 4096);
    assert.ok(u >= 1600 && u <= 1800, `munmap ${u}`);
    assert.ok(g >= 450 && g <= 900, `grow ${g}`);
  });

  it('memcpy of 1 GiB ≈107 ms, 16 MiB ≈1 ms (MODEL-FACTS §3 S1 and §1.9 [M] 5–11 GB/s, ≈15 GB/s)', () => {
    const big = ns('memcpy-warm', GiB);
    const mid = ns('memcpy-warm', 16 * MiB);
    assert.ok(big >= 70e6 && big <= 200e6, `1 GiB ${big}`);
    assert.ok(mid >= 0.6e6 && mid <= 1.7e6, `16 MiB ${mid}`);
  });
});
