// What each preset of the panel measures: a C sweep, a JS sweep, or both, run one after the
// other. The call at the cursor measures its own sizes plus a sweep around them (½×, 2×, 4×), so
// the chart shows where the call sits on the curve. Pure.
import { benchOpsFor, benchSweepFor } from '../present/bench';
import { benchSizes } from '../present/findings';
import { expectedLines, fullSweep, quickSweep, type BenchOp, type Sweep } from '../bench/sweep';
import { expectedJsLines, jsOpsFor, quickJsSweep, type JsSweep } from '../bench/js/ops';
import { isJsPrimitive, type CallSite } from '../types';
import { chartOf, type ChartId } from './charts';
import type { PresetId, PresetView } from './messages';

export interface RunPlan {
  label: string;
  c: Sweep | null;
  js: JsSweep | null;
  /** Charts to put first. */
  focus: ChartId[];
}

const KiB = 1024;
const MiB = 1024 * KiB;
const PAGE = 4096;

/** The ops the C charts draw: the quick preset measures these, not every op of `bench --quick`. */
export const CHART_C_OPS: BenchOp[] = ['mremap-move', 'memcpy-warm', 'mremap-grow', 'malloc-copy-free', 'realloc-grow', 'swap-pages-mremap', 'swap-pages-memcpy'];

export function planTotal(plan: RunPlan): number {
  return (plan.c ? expectedLines(plan.c) : 0) + (plan.js ? expectedJsLines(plan.js) : 0);
}

/** The quick preset: the charts' ops at the quick sizes, one thread; then the JS ops. Well under a minute on 2 cores. */
export function quickPlan(): RunPlan {
  const q = quickSweep(1);
  return {
    label: 'quick',
    c: { ...q, ops: CHART_C_OPS, sizes: [4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 16 * MiB], threads: [1], timeBudgetMs: 200, timeLimitMs: 60_000 },
    js: quickJsSweep(),
    focus: [],
  };
}

export function fullPlan(cpus: number): RunPlan {
  return { label: 'full', c: fullSweep(cpus), js: { ...quickJsSweep(), sizes: [4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 16 * MiB, 64 * MiB], timeBudgetMs: 300, timeLimitMs: 180_000 }, focus: [] };
}

/** "The original question": swapping two 4 KiB pages, three mremap calls against three memcpy calls (and a few sizes above). */
export function questionPlan(): RunPlan {
  const q = quickSweep(1);
  return {
    label: 'the original question',
    c: { ...q, ops: ['swap-pages-mremap', 'swap-pages-memcpy'], sizes: [4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB], threads: [1], timeLimitMs: 60_000 },
    js: null,
    focus: ['swap'],
  };
}

export function jsPlan(): RunPlan {
  return { label: 'JS and wasm', c: null, js: quickJsSweep(), focus: ['js', 'wasm'] };
}

/** The sizes around a call's own: ½×, 1×, 2×, 4× (rounded up to whole pages for the C harness). */
export function sizesAround(sizes: readonly number[], pageMultiple: boolean): number[] {
  const out = new Set<number>();
  for (const b of sizes) {
    for (const f of [0.5, 1, 2, 4]) {
      let v = Math.round(b * f);
      if (pageMultiple) v = Math.max(PAGE, Math.ceil(v / PAGE) * PAGE);
      if (v > 0 && v <= 1024 * MiB) out.add(v);
    }
  }
  return [...out].sort((a, b) => a - b).slice(0, 24);
}

/** The call at the cursor: its ops at its sizes and around them, at the user's thread count; null with a reason when it cannot be measured. */
export function cursorPlan(site: CallSite, where: string, threads: number, cpus: number): RunPlan | { reason: string } {
  if (isJsPrimitive(site.callee)) {
    const ops = jsOpsFor(site);
    if (!ops) return { reason: `${site.callee} (a WebAssembly module's own allocator) is not measured: its figures come from the model.` };
    const known = benchSizes(site);
    const sizes = sizesAround(known.length ? known : [64 * KiB, 1 * MiB], false);
    return { label: `call at ${where}`, c: null, js: { ...quickJsSweep(), ops, sizes }, focus: ops.flatMap((o) => chartOf(o).map((c) => c.id)).filter((c, i, a) => a.indexOf(c) === i) };
  }
  const { sweep } = benchSweepFor(site, threads, cpus);
  const known = benchSizes(site);
  const sizes = known.length ? sizesAround(sweep.sizes, true) : sweep.sizes;
  const ops = benchOpsFor(site);
  return {
    label: `call at ${where}`,
    c: { ...sweep, sizes },
    js: null,
    focus: ops.flatMap((o) => chartOf(o).map((c) => c.id)).filter((c, i, a) => a.indexOf(c) === i),
  };
}

/** The presets as buttons: disabled with a reason where they cannot run. */
export function presetViews(blocked: string | null, cursor: RunPlan | { reason: string } | null, cCompilerReason: string | null): PresetView[] {
  const c = blocked ?? cCompilerReason;
  const views: PresetView[] = [
    { id: 'quick', label: 'Quick', detail: 'The charts\' operations at 7 sizes, one thread, then the JS primitives (under a minute).', disabled: blocked },
    { id: 'full', label: 'Full', detail: 'Every operation, 4 KiB … 256 MiB, every thread count (several minutes).', disabled: c },
    {
      id: 'cursor', label: 'Call at the cursor', detail: cursor && !('reason' in cursor) ? `The ${cursor.label}: its sizes and a sweep around them.` : 'Run "Benchmark the call at the cursor" from a call in the editor.',
      disabled: blocked ?? (cursor === null ? 'No call chosen: run "pagecost: Benchmark the call at the cursor" with the cursor on a call.' : 'reason' in cursor ? cursor.reason : null),
    },
    { id: 'question', label: 'The original question', detail: 'Swap two 4 KiB pages: three mremap calls against three memcpy calls.', disabled: c },
    { id: 'js', label: 'JS and wasm', detail: 'Buffer.concat, new array + set(), transfer(), resize(), Memory.grow at 4 KiB … 16 MiB.', disabled: blocked },
  ];
  return views;
}

export function planFor(preset: Exclude<PresetId, 'cursor'>, cpus: number): RunPlan {
  switch (preset) {
    case 'quick': return quickPlan();
    case 'full': return fullPlan(cpus);
    case 'question': return questionPlan();
    case 'js': return jsPlan();
  }
}
