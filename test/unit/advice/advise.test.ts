// Advice: findings come from the model (severity from the cost ratio, messages with the
// cheaper alternative and the ratio), for hand-built call sites.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, adviseSites, verdict } from '../../../src/core/advice';
import { builtinProfile, formatBytes, solveCrossover } from '../../../src/core/model';
import { site, size } from './sites';

const move = (bytes: number | null) =>
  site({ callee: 'mremap', name: 'mremap', oldSize: size(bytes, 'len'), newSize: size(bytes, 'len'), flags: ['MREMAP_MAYMOVE', 'MREMAP_FIXED'] });

function noJunk(text: string): void {
  assert.doesNotMatch(text, /NaN|undefined|Infinity|\[object/);
}

describe('advice: adviseSites', () => {
  it('warns on a 4 KiB mremap move: memcpy is cheaper by more than 2×, and the message names memcpy and the ratio', () => {
    const [f] = adviseSites([move(4096)]);
    assert.equal(f!.rule, RULES.mremapSlowerThanMemcpy);
    assert.equal(f!.severity, 'warning');
    assert.ok(f!.estimate && f!.alternative);
    const ratio = f!.estimate.ns / f!.alternative.ns;
    assert.ok(ratio > 2);
    assert.match(f!.message, new RegExp(`memcpy is ${Math.round(ratio)}× cheaper`));
    assert.equal(f!.alternative.op, 'memcpy-warm');
    noJunk(f!.message);
  });

  it('a loop’s call of a constant-step helper gets realloc-linear-growth naming the helper, and no cost hint', () => {
    const out = adviseSites([site({ kind: 'helper-call', name: 'vec_push', via: ['vec_push', 'xrealloc'], growth: 'linear', inLoop: true, newSize: size(null, 'vec_push(v, x)') })]);
    assert.deepEqual(out.map((f) => f.rule), [RULES.reallocLinearGrowth]);
    assert.match(out[0]!.message, /^`vec_push` \(→ xrealloc → realloc\) grows its buffer by a constant step at each call, and this loop calls it again and again/);
    assert.equal(out[0]!.estimate, null);
  });

  it('a reference says where calls through it are reported when it is stored or handed on', () => {
    const [stored] = adviseSites([site({ kind: 'reference', storedInto: 'g->frealloc' })]);
    assert.match(stored!.message, /`realloc` is stored in `g->frealloc` here, not called: the calls made through `g->frealloc` are resize sites/);
    const [passed] = adviseSites([site({ kind: 'reference', name: 'l_alloc', passedTo: 'lua_newstate' })]);
    assert.match(passed!.message, /`l_alloc` is passed to `lua_newstate` here/);
    const [plain] = adviseSites([site({ kind: 'reference' })]);
    assert.match(plain!.message, /cannot see the sizes of the calls made through it/);
  });

  it('the warning ratio is an option: above the modelled ratio the same call is only a hint', () => {
    const [f] = adviseSites([move(4096)]);
    const ratio = f!.estimate!.ns / f!.alternative!.ns;
    const [g] = adviseSites([move(4096)], { warnRatio: ratio * 1.5 });
    assert.equal(g!.severity, 'hint');
    assert.equal(g!.rule, RULES.mremapCost);
    assert.match(g!.message, /memcpy is .*× cheaper, within the/);
  });

  it('an estimate starts its assumptions with where the size came from', () => {
    const [f] = adviseSites([site({ newSize: { bytes: 8192, text: '2 * PAGE', note: '2 * PAGE = 8192' } })]);
    assert.match(f!.estimate!.assumptions![0]!, /^size `2 \* PAGE` = 8 KiB \(2 \* PAGE = 8192\)$/);
  });

  it('a 1 MiB move is a hint saying mremap is cheaper', () => {
    const [f] = adviseSites([move(1 << 20)]);
    assert.equal(f!.rule, RULES.mremapCost);
    assert.equal(f!.severity, 'hint');
    assert.ok(f!.estimate!.ns < f!.alternative!.ns);
    assert.match(f!.message, /mremap is .*× cheaper/);
  });

  it('threads change the verdict: a 512 KiB move is fine single-threaded, not with 64 threads', () => {
    const one = adviseSites([move(512 * 1024)])[0]!;
    const many = adviseSites([move(512 * 1024)], { threads: 64 })[0]!;
    assert.ok(many.estimate!.ns > one.estimate!.ns);
    assert.match(many.message, /64 threads/);
  });

  it('unknown sizes: the message gives the crossover from the solver for this profile and thread count', () => {
    for (const threads of [1, 4]) {
      const [f] = adviseSites([move(null)], { threads });
      const c = solveCrossover(builtinProfile('x86-64'), 'mremap-move', 'memcpy-warm', { threads });
      assert.equal(c.kind, 'at');
      assert.equal(f!.rule, RULES.mremapCost);
      assert.equal(f!.estimate, null);
      if (c.kind === 'at') assert.ok(f!.message.includes(`mremap wins above ${formatBytes(c.bytes)} here`), f!.message);
      assert.match(f!.message, /`len` is a runtime value/);
    }
  });

  it('a growing mremap is compared with allocate + copy + free', () => {
    const s = site({ callee: 'mremap', name: 'mremap', oldSize: size(1 << 20), newSize: size(2 << 20), flags: ['MREMAP_MAYMOVE'] });
    const [f] = adviseSites([s]);
    assert.equal(f!.alternative!.op, 'malloc-copy-free');
    assert.ok(f!.estimate!.ns < f!.alternative!.ns);
  });

  it('shrinks and in-place grows get an estimate without an alternative', () => {
    const shrink = site({ callee: 'mremap', name: 'mremap', oldSize: size(1 << 20), newSize: size(4096), flags: [] });
    const grow = site({ callee: 'mremap', name: 'mremap', oldSize: size(4096), newSize: size(8192), flags: [] });
    // The model's findings only (the growing call without MREMAP_MAYMOVE is also a correctness finding).
    const fs = adviseSites([shrink, grow], { correctness: false });
    for (const f of fs) {
      assert.equal(f.rule, RULES.mremapCost);
      assert.ok(f.estimate && f.estimate.ns > 0);
      assert.equal(f.alternative, null);
    }
    assert.match(fs[1]!.message, /in place .*ENOMEM/);
  });

  it('realloc-cost per allocator: glibc moves a 2 MiB block with mremap, a copying allocator copies', () => {
    const s = site({ newSize: size(2 << 20) });
    const g = adviseSites([s])[0]!;
    const c = adviseSites([s], { allocator: 'copying' })[0]!;
    assert.equal(g.rule, RULES.reallocCost);
    assert.ok(g.alternative!.ns / g.estimate!.ns > 10);
    assert.match(g.message, /realloc is \d+× cheaper/);
    assert.match(g.message, /glibc/);
    assert.ok(c.estimate!.ns >= c.alternative!.ns);
    assert.match(c.message, /jemalloc\/mimalloc/);
  });

  it('realloc with an unknown size gives the size above which realloc beats the manual copy', () => {
    const [f] = adviseSites([site({ newSize: size(null) })]);
    assert.match(f!.message, /realloc beats malloc \+ memcpy \+ free above 128 KiB/);
    const [m] = adviseSites([site({ newSize: size(null) })], { glibcMmapThreshold: 32 << 20 });
    assert.match(m!.message, /above 32 MiB/);
  });

  it('linear growth in a loop is a warning; outside a loop or geometric it is not', () => {
    const rules = (over: Parameters<typeof site>[0]) => adviseSites([site(over)]).map((f) => f.rule);
    assert.ok(rules({ growth: 'linear', inLoop: true, newSize: size(null) }).includes(RULES.reallocLinearGrowth));
    assert.ok(!rules({ growth: 'linear', inLoop: false, newSize: size(null) }).includes(RULES.reallocLinearGrowth));
    assert.ok(!rules({ growth: 'geometric', inLoop: true, newSize: size(null) }).includes(RULES.reallocLinearGrowth));
    const w = adviseSites([site({ growth: 'linear', inLoop: true })]).find((f) => f.rule === RULES.reallocLinearGrowth)!;
    assert.equal(w.severity, 'warning');
  });

  it('a reference is informational and has no estimate', () => {
    const [f] = adviseSites([site({ kind: 'reference' })]);
    assert.equal(f!.rule, RULES.reference);
    assert.equal(f!.severity, 'info');
    assert.equal(f!.estimate, null);
  });

  it('wrappers are named with the chain to the primitive', () => {
    const [f] = adviseSites([site({ name: 'xrealloc', kind: 'wrapper-call', via: ['xrealloc'], newSize: size(4096) })]);
    assert.match(f!.message, /`xrealloc` \(→ realloc\)/);
  });

  it('impossible sizes give a finding that says so, never a NaN', () => {
    const fs = adviseSites([
      site({ newSize: size(2 ** 50) }),
      site({ newSize: size(-1) }),
      site({ callee: 'mremap', name: 'mremap', oldSize: size(0), newSize: size(4096), flags: null }),
    ]);
    assert.equal(fs.length, 3);
    for (const f of fs) {
      noJunk(f.message);
      assert.match(f.message, /not a size a process can allocate/);
    }
  });

  it('every message is free of NaN/undefined and every estimate is finite, over many shapes of site', () => {
    const sizes = [null, 1, 4096, 100_000, 131072, 1 << 20, 3 << 20, 1 << 30];
    const sites = [];
    for (const a of sizes) for (const b of sizes) {
      for (const flags of [null, [], ['MREMAP_MAYMOVE'], ['MREMAP_MAYMOVE', 'MREMAP_FIXED'], ['MREMAP_MAYMOVE', 'MREMAP_DONTUNMAP']]) {
        sites.push(site({ callee: 'mremap', name: 'mremap', oldSize: size(a), newSize: size(b), flags }));
      }
      sites.push(site({ newSize: size(b) }));
    }
    for (const f of adviseSites(sites, { threads: 3 })) {
      noJunk(f.message);
      for (const e of [f.estimate, f.alternative]) if (e) assert.ok(Number.isFinite(e.ns) && e.ns > 0);
    }
  });

  it('verdict: warning only when the alternative is cheaper by more than the ratio', () => {
    assert.equal(verdict(300, 100, 2), 'warning');
    assert.equal(verdict(200, 100, 2), 'hint');
    assert.equal(verdict(100, 300, 2), 'hint');
  });

  it('every rule id is documented in docs/RULES.md', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/RULES.md'), 'utf8');
    for (const id of Object.values(RULES)) assert.match(doc, new RegExp(`^## ${id}$`, 'm'), id);
  });
});
