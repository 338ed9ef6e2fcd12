// The data the panel's charts and table draw: aligned arrays for uPlot, crossovers found where
// the drawn curves cross, sortable rows, presets and the assembled view.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { builtinProfile, solveCrossover } from '../../../src/core/model';
import { CHARTS, chartData, curveCrossover, modelGrid, seriesRoles } from '../../../src/core/panel/charts';
import type { ViewPoint } from '../../../src/core/panel/messages';
import { modelValue, profileCurves } from '../../../src/core/panel/model';
import { planTotal, presetViews, quickPlan, sizesAround } from '../../../src/core/panel/presets';
import { calibrationView, modelMiss, questionVerdict, timeLeftMs } from '../../../src/core/panel/summary';
import { insertionIndex, nextSort, sortedPoints, tableRows, TABLE_COLUMNS } from '../../../src/core/panel/table';
import { buildPanelView } from '../../../src/core/panel/view';

const vm = builtinProfile('x86-64-vm');
const pt = (op: string, bytes: number, medianNs: number, threads = 1, extra: Partial<ViewPoint> = {}): ViewPoint =>
  ({ op, bytes, threads, huge: false, aligned: false, medianNs, p10Ns: medianNs * 0.9, p90Ns: medianNs * 1.2, reps: 50, modelledNs: medianNs, ...extra });

describe('panel charts: aligned data', () => {
  const chart = CHARTS.find((c) => c.id === 'move')!;
  const curves = profileCurves('a', vm, [1]);

  it('x is the sorted union of the model grid and the measured sizes; every series has its length', () => {
    fc.assert(fc.property(fc.array(fc.record({ bytes: fc.integer({ min: 1, max: 2 ** 30 }), ns: fc.double({ min: 1, max: 1e9, noNaN: true }), op: fc.constantFrom(...chart.ops) }), { maxLength: 30 }), (raw) => {
      const points = raw.map((r) => pt(r.op, r.bytes, r.ns));
      const { data, roles } = chartData({ chart, threads: 1, points, curves, profiles: ['a'] });
      const xs = data[0];
      assert.deepEqual(xs, [...new Set([...modelGrid(), ...points.map((p) => p.bytes)])].sort((a, b) => a - b));
      assert.equal(data.length, 1 + roles.length);
      for (const s of data.slice(1)) assert.equal(s.length, xs.length);
    }), { numRuns: 100 });
  });

  it('a measured point lands at its size in its op\'s median, p10 and p90 series; the model only on the grid', () => {
    const points = [pt('mremap-move', 12288, 9000), pt('memcpy-warm', 12288, 300), pt('mremap-move', 12288, 20, 2), pt('mremap-move', 8192, 5, 1, { huge: true })];
    const { data, roles } = chartData({ chart, threads: 1, points, curves, profiles: ['a'] });
    const i = data[0].indexOf(12288);
    const s = (kind: string, op: string) => data[1 + roles.findIndex((r) => r.kind === kind && r.op === op && (r.kind !== 'model' || r.profileId === 'a'))]!;
    assert.equal(s('median', 'mremap-move')[i], 9000);
    assert.equal(s('p10', 'mremap-move')[i], 8100);
    assert.equal(s('p90', 'memcpy-warm')[i], 360);
    assert.equal(s('model', 'mremap-move')[i], null, '12 KiB is not on the grid');
    // Other thread counts and THP/aligned variants are not on the 1-thread plain chart.
    assert.equal(s('median', 'mremap-move').filter((v) => v !== null).length, 1);
    const g = data[0].indexOf(4096);
    assert.equal(s('model', 'mremap-move')[g], modelValue(vm, { op: 'mremap-move', bytes: 4096, threads: 1, huge: false, aligned: false }));
  });

  it('series: three per op (median, p10, p90), then one model curve per profile and op', () => {
    for (const c of CHARTS) assert.equal(seriesRoles(c, ['a', 'b']).length, c.ops.length * 3 + 2 * c.ops.length);
  });
});

describe('panel charts: crossovers', () => {
  it('the last size where the mover is not cheaper, refined to the byte', () => {
    const grid = [1, 2, 4, 8, 16];
    assert.deepEqual(curveCrossover(grid, [5, 5, 5, 5, 5], [1, 2, 4, 8, 16], (b) => b > 5), { kind: 'at', bytes: 6 });
    assert.deepEqual(curveCrossover(grid, [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]), { kind: 'always' });
    assert.deepEqual(curveCrossover(grid, [2, 2, 2, 2, 2], [1, 1, 1, 1, 1]), { kind: 'never' });
    assert.deepEqual(curveCrossover(grid, [null, null, null, null, null], [1, 1, 1, 1, 1]), { kind: 'unknown' });
  });

  it('under a built-in profile the mremap move crossover is where the model itself puts it (harness setup aside: within 2×)', () => {
    const view = buildPanelView({ mode: 'model-only', blockedReason: 'x', profiles: [{ id: 'h', label: 'x86-64', kind: 'default', profile: builtinProfile('x86-64') }], hintProfileId: 'h', presets: [], results: null, calibration: null, running: null, focus: [], threads: [1] });
    const c = view.profiles[0]!.crossovers.find((x) => x.chart === 'move' && x.threads === 1)!.crossover;
    const model = solveCrossover(builtinProfile('x86-64'), 'mremap-move', 'memcpy-warm');
    assert.equal(c.kind, 'at');
    assert.equal(model.kind, 'at');
    // The panel's curves are the harness's setup (slot offsets), the solver's the default scenario: same region.
    const ratio = (c as { bytes: number }).bytes / (model as { bytes: number }).bytes;
    assert.ok(ratio > 0.5 && ratio < 2, `${ratio}`);
  });

  it('two machines, two crossovers: each profile gets its own', () => {
    const view = buildPanelView({
      mode: 'measure', blockedReason: null,
      profiles: [{ id: 'here', label: 'here', kind: 'default', profile: builtinProfile('x86-64-vm') }, { id: 'arm', label: 'arm server', kind: 'other', profile: builtinProfile('arm64') }],
      hintProfileId: 'here', presets: [], results: null, calibration: null, running: null, focus: [], threads: [1, 2],
    });
    const at = (id: string, t: number) => view.profiles.find((p) => p.id === id)!.crossovers.find((c) => c.chart === 'move' && c.threads === t)!.crossover;
    assert.notDeepEqual(at('here', 2), at('arm', 2));
    assert.equal(view.curves.filter((c) => c.profileId === 'arm').length, 2 * new Set(CHARTS.flatMap((c) => c.ops)).size);
  });
});

describe('panel table', () => {
  const points = [pt('memcpy-warm', 65536, 3000, 1, { modelledNs: 1000 }), pt('mremap-move', 4096, 9000, 1, { modelledNs: 8000 }), pt('mremap-move', 1 << 20, 30000, 2, { modelledNs: null })];

  it('sorts by any column, both ways, and a click on the same header flips it', () => {
    const bySize = tableRows(points, { column: 'bytes', descending: false }).map((r) => r.cells.bytes);
    assert.deepEqual(bySize, ['4 KiB', '64 KiB', '1 MiB']);
    const byRatio = tableRows(points, { column: 'ratio', descending: true }).map((r) => r.cells.ratio);
    assert.deepEqual(byRatio, ['3.00×', '1.13×', '—']);
    assert.deepEqual(nextSort({ column: 'ratio', descending: true }, 'ratio'), { column: 'ratio', descending: false });
    assert.deepEqual(nextSort({ column: 'ratio', descending: true }, 'op'), { column: 'op', descending: false });
    for (const c of TABLE_COLUMNS) assert.equal(tableRows(points, { column: c, descending: false }).length, 3);
  });

  it('colours the ratio by agreement, and shows every figure as text', () => {
    const rows = tableRows(points, { column: 'op', descending: false });
    assert.deepEqual(rows.map((r) => r.agreement), ['poor', 'good', null]);
    assert.equal(rows[1]!.cells.range, '8.10 µs – 10.8 µs');
  });

  it('points put in place one by one as they arrive give the order a full sort gives (any column, both ways)', () => {
    const ops = ['mremap-move', 'memcpy-warm', 'js-resize', 'realloc-grow'];
    const arbPoint = fc.record({
      op: fc.constantFrom(...ops), bytes: fc.constantFrom(4096, 65536, 1 << 20), threads: fc.constantFrom(1, 2), huge: fc.boolean(), aligned: fc.boolean(),
      medianNs: fc.integer({ min: 1, max: 1e6 }), spread: fc.integer({ min: 0, max: 1000 }), reps: fc.integer({ min: 1, max: 500 }), modelledNs: fc.option(fc.integer({ min: 1, max: 1e6 })),
    }).map(({ spread, ...p }): ViewPoint => ({ ...p, p10Ns: p.medianNs, p90Ns: p.medianNs + spread }));
    fc.assert(fc.property(fc.array(arbPoint, { maxLength: 40 }), fc.constantFrom(...TABLE_COLUMNS), fc.boolean(), (pts, column, descending) => {
      const sort = { column, descending };
      const shown: ViewPoint[] = [];
      for (const p of pts) shown.splice(insertionIndex(shown, p, sort), 0, p);
      assert.deepEqual(shown.map((p) => tableRows([p], sort)[0]!.cells), tableRows(pts, sort).map((r) => r.cells));
      assert.equal(sortedPoints(pts, sort).length, pts.length);
    }));
  });
});

describe('panel presets and sentences', () => {
  it('the quick preset measures the charts\' ops in well under a minute of budget', () => {
    const p = quickPlan();
    assert.ok(planTotal(p) > 40);
    const budgetMs = planTotal(p) * 200;
    assert.ok(budgetMs < 50_000, `${budgetMs}`);
  });

  it('sizes around a call: ½×, 2×, 4×, whole pages for the C harness', () => {
    assert.deepEqual(sizesAround([16384], true), [8192, 16384, 32768, 65536]);
    assert.deepEqual(sizesAround([228], false), [114, 228, 456, 912]);
    assert.deepEqual(sizesAround([100], true), [4096]);
  });

  it('disabled presets say why; the original question always has a verdict', () => {
    const blocked = presetViews('Measuring is off in Restricted Mode …', null, null);
    assert.ok(blocked.every((p) => p.disabled));
    const noCc = presetViews(null, null, 'no compiler');
    assert.equal(noCc.find((p) => p.id === 'js')!.disabled, null);
    assert.equal(noCc.find((p) => p.id === 'question')!.disabled, 'no compiler');
    assert.match(questionVerdict([], vm, 'x86-64-vm'), /^Swapping two 4 KiB pages: three mremap calls take .*, three memcpy calls .* — memcpy is \d+× faster \(modelled with x86-64-vm\)\.$/);
    const measured = [pt('swap-pages-mremap', 4096, 30000), pt('swap-pages-memcpy', 4096, 300)];
    assert.match(questionVerdict(measured, vm, 'x'), /30\.0 µs.*300 ns — memcpy is 100× faster \(measured here\)/);
  });

  it('time left: the budget first, then the measured pace', () => {
    assert.equal(timeLeftMs(0, 10, 0, 200), 2000);
    assert.equal(timeLeftMs(5, 10, 1000, 200), 1000);
    assert.equal(timeLeftMs(10, 10, 1000, 200), 0);
  });

  it('a miss above 2× offers calibration and names the op missed most; within 2× nothing', () => {
    const key = (op: string, bytes: number) => ({ op, bytes, threads: 1, huge: false, aligned: false });
    const at = (op: string, bytes: number, factor: number) => pt(op, bytes, factor * (modelValue(vm, key(op, bytes)) ?? 0));
    assert.equal(modelMiss([at('mremap-move', 4096, 1.5), at('memcpy-warm', 65536, 1 / 1.8)], vm), null);
    assert.equal(modelMiss([], vm), null);
    const miss = modelMiss([at('mremap-move', 4096, 12), at('mremap-move', 8192, 10), at('mremap-move', 16384, 11), at('memcpy-warm', 4096, 2.5)], vm)!;
    assert.match(miss, /^The model is 10\.0× off this machine's measurements \(mremap-move 11\.0×\): calibrating/);
    // Too slow or too fast both count.
    assert.ok(modelMiss([at('memcpy-warm', 4096, 1 / 3)], vm));
  });

  it('calibration: error per op before and after, from the same points', () => {
    const points = [pt('mremap-move', 4096, 2 * (modelValue(vm, { op: 'mremap-move', bytes: 4096, threads: 1, huge: false, aligned: false }) ?? 0))];
    const faster = { ...vm, params: { ...vm.params, t_vma_move: vm.params.t_vma_move * 3 } };
    const v = calibrationView(points, vm, faster, false, 'fit');
    assert.equal(v.rows.length, 1);
    assert.ok(Math.abs(v.rows[0]!.before - 2) < 1e-9);
    assert.ok(v.rows[0]!.after < v.rows[0]!.before);
  });
});
