// Calibration: fits the cost model's parameters to measured points. Pure.
//
// Method: residuals are log(modelled) − log(measured), so a 2× miss weighs the same at 40 ns
// and at 40 ms. Parameters are fitted as logarithms inside their plausible ranges (PARAMS
// `range`; a parameter that wants to leave it stops at the edge and is reported). The solver
// is Levenberg–Marquardt with a numeric Jacobian, made robust by iteratively reweighting with
// Cauchy weights (a point off by 15% counts half, one off by 3× almost nothing, so a few
// disturbed points cannot drag a parameter), plus a weak pull towards the starting values so that parameters the sweep
// does not pin down (e.g. a_ipi vs b_ipi with one thread count) stay put instead of drifting.
// Parameters whose default sits on a range edge (terms that are 0 in the built-ins) start from a
// coarse scan of their range, and are scanned again after a first solve (see "A second pass").
import { PARAMS, type ParamId, type Params, type Profile } from '../model';
import { modelPoint } from './modelled';
import type { MeasuredPoint, PointKey } from './protocol';
import { quantile } from './quantile';

export interface FitParam {
  id: ParamId;
  start: number;
  value: number;
  /** Standard deviation of log(value) if each point were off by 10%: the fit's resolution. */
  logSd: number;
  /** The data pin this parameter down (logSd < 0.3, i.e. within ±30% even at 10% noise per point). */
  identified: boolean;
  /** Stopped at the edge of its plausible range. */
  atBound: 'low' | 'high' | null;
}

export interface FitResult {
  /** Every fitted parameter (active or not) over the start: the fit's own state. */
  params: Params;
  fitted: FitParam[];
  /**
   * What a calibration file carries (chooseWritten): the pinned parameters, and those not pinned
   * alone whose fitted value the points need. Empty when that profile predicted the points no
   * better than the start (`keptStart`).
   */
  written: Partial<Record<ParamId, number>>;
  keptStart: boolean;
  /** Robust cost of the points (Cauchy, scale 15%) with the start, the fit's and the written parameters. */
  costs: { start: number; fitted: number; written: number };
  /** Points used, and the spread of measured/modelled after the fit (as ratios). */
  points: number;
  medianAbsLogError: number;
  p90AbsLogError: number;
  iterations: number;
  /** Points left out, with why (not modelled, THP not granted, model refused). */
  excluded: { key: PointKey; reason: string }[];
}

export interface FitOptions {
  /** Parameters to fit; default: every calibratable one the data touch (n_ceil excepted). */
  ids?: ParamId[];
  maxIterations?: number;
  /** Scale of the Cauchy weights on |log error|: a point this far off counts half. */
  scale?: number;
  /** Weight of the pull towards the starting value, per parameter, in log units. */
  prior?: number;
  /** Cost of one clock read, contained once in every timed interval (the harness's hello line). */
  clockNs?: number;
  /** Passes of the coordinate scans that choose the solve's start (default 2; 0 starts from the profile). */
  scanPasses?: number;
}

/** The integer INVLPG ceiling is read (debugfs), not fitted: a step, not a slope. */
const NOT_FITTED = new Set<string>(['n_ceil']);

/** Steps of the coarse scan that picks the start of a parameter whose default sits on a range edge. */
const SCAN_STEPS = 12;

interface Usable {
  key: PointKey;
  logMeasured: number;
}

function solve(a: number[][], b: number[]): number[] | null {
  // Gaussian elimination with partial pivoting; the systems are small (≤ 30 unknowns).
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-300) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

function invertDiag(a: number[][]): number[] {
  // Diagonal of a⁻¹, column by column (a is symmetric positive definite thanks to the prior).
  return a.map((_, i) => {
    const e = a.map((__, j) => (i === j ? 1 : 0));
    const col = solve(a, e);
    return col ? col[i]! : Infinity;
  });
}


export function fitProfile(profile: Profile, measured: MeasuredPoint[], opts: FitOptions = {}): FitResult {
  const scale = opts.scale ?? 0.15;
  const priorW = opts.prior ?? 0.01;
  const maxIter = opts.maxIterations ?? 20;
  const clockNs = opts.clockNs ?? 0;
  const start: Params = { ...profile.params };

  // Points the model can speak about.
  const excluded: FitResult['excluded'] = [];
  const usable: Usable[] = [];
  for (const p of measured) {
    const key: PointKey = { op: p.op, bytes: p.bytes, threads: p.threads, huge: p.huge, aligned: p.aligned };
    if (!(p.medianNs > 0)) {
      excluded.push({ key, reason: 'no positive median' });
      continue;
    }
    if (p.note) {
      // Notes flag points that did not measure what they say (no huge pages granted).
      excluded.push({ key, reason: p.note });
      continue;
    }
    let v: number | null;
    try {
      v = modelPoint(profile, start, key, clockNs);
    } catch (e) {
      excluded.push({ key, reason: `the model refuses it: ${(e as Error).message}` });
      continue;
    }
    if (v === null || !(v > 0)) {
      excluded.push({ key, reason: 'not modelled' });
      continue;
    }
    usable.push({ key, logMeasured: Math.log(p.medianNs) });
  }

  // A shootdown costs a_ipi + b_ipi·k for k other CPUs: with a single k in the sweep (a
  // 2-CPU machine) only the sum is measurable, so b_ipi keeps its default and a_ipi absorbs it.
  const ks = new Set(usable.filter((u) => u.key.threads > 1).map((u) => Math.min(u.key.threads - 1, profile.machine.cpus - 1)));
  const skip = new Set<string>(NOT_FITTED);
  if (ks.size < 2) skip.add('b_ipi');

  // Parameters in log space, boxed by their plausible range (a zero lower edge becomes 1e-3).
  const defs = PARAMS.filter((d) => d.calibratable && !skip.has(d.id) && (!opts.ids || opts.ids.includes(d.id)));
  const lo = defs.map((d) => Math.log(Math.max(d.range[0], 1e-3)));
  const hi = defs.map((d) => Math.log(Math.max(d.range[1], 1e-3)));
  // A copy never gets faster from a bigger working set (loadProfile refuses such a profile):
  // each bandwidth stays at or below the one of the cache level before it.
  const bwIdx = (['B_L1', 'B_L2', 'B_L3', 'B_mem'] as const).map((id) => defs.findIndex((d) => d.id === id));
  const clamp = (u: number[]) => {
    const x = u.map((v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v)));
    let above = Infinity;
    for (const [k, j] of bwIdx.entries()) {
      const id = (['B_L1', 'B_L2', 'B_L3', 'B_mem'] as const)[k]!;
      const v = j >= 0 ? x[j]! : Math.log(start[id]);
      const capped = Math.min(v, above);
      if (j >= 0) x[j] = capped;
      above = capped;
    }
    return x;
  };
  /** The scan interval of parameter j: its range, and for a bandwidth its neighbours' values. */
  const scanBounds = (j: number, u: number[]): [number, number] => {
    const k = bwIdx.indexOf(j);
    if (k < 0) return [lo[j]!, hi[j]!];
    const ids = ['B_L1', 'B_L2', 'B_L3', 'B_mem'] as const;
    const at = (m: number) => (bwIdx[m]! >= 0 ? u[bwIdx[m]!]! : Math.log(start[ids[m]!]));
    const upper = k > 0 ? Math.min(hi[j]!, at(k - 1)) : hi[j]!;
    const lower = k < 3 ? Math.max(lo[j]!, at(k + 1)) : lo[j]!;
    return lower <= upper ? [lower, upper] : [upper, upper];
  };
  // Where the search starts. A default at the edge of its range (0 for terms the built-ins
  // leave out, such as t_ptfree or a VM's host faults on bare metal; f_l3 = 1) is a poor place
  // to start in log space: the model barely changes there (a term of 0.001 ns, a cache boundary
  // no point comes near), so the gradient cannot say which way to go. For each such parameter
  // a coarse scan over its range (the others at their start) picks the start of the search;
  // the reported `start` stays the default.
  const u0 = clamp(defs.map((d) => Math.log(Math.max(start[d.id], 1e-3))));
  const robustCost = (p: Params, pts: readonly Usable[] = usable): number => {
    let c = 0;
    for (const pt of pts) {
      const v = modelPoint(profile, p, pt.key, clockNs);
      const x = v !== null && v > 0 ? Math.log(v) - pt.logMeasured : 10;
      c += Math.log1p((x / scale) ** 2);
    }
    return c;
  };
  // Scans parameter j over its range with the others as in `base`; returns the best log value
  // and the cost of the points it moves (the others add the same at every step), with the cost
  // of those points at `base`. The default's own edge value is tried as the first (last) step.
  const edgeScan = (j: number, base: Params): { u: number; cost: number; costAtBase: number } => {
    const d = defs[j]!;
    const v = start[d.id];
    const at = (k: number) => (k === 0 && v <= d.range[0] ? v : k === SCAN_STEPS && v >= d.range[1] ? v : Math.exp(lo[j]! + ((hi[j]! - lo[j]!) * k) / SCAN_STEPS));
    // Only the points this parameter moves matter: found by comparing its two range ends.
    const pLo = { ...base, [d.id]: at(0) };
    const pHi = { ...base, [d.id]: at(SCAN_STEPS) };
    const moved = usable.filter((pt) => modelPoint(profile, pLo, pt.key, clockNs) !== modelPoint(profile, pHi, pt.key, clockNs));
    let best = lo[j]!;
    let bestCost = Infinity;
    // 12 steps over the range (t_fault2M_host's 1e-3 … 5·10⁵ ns: a factor of ≈5 apart); the
    // solve refines from the best.
    for (let k = 0; k <= SCAN_STEPS; k++) {
      const c = robustCost({ ...base, [d.id]: at(k) }, moved);
      if (c < bestCost - 1e-9) {
        bestCost = c;
        best = lo[j]! + ((hi[j]! - lo[j]!) * k) / SCAN_STEPS;
      }
    }
    return { u: best, cost: bestCost, costAtBase: robustCost(base, moved) };
  };
  const atEdge = defs.map((d) => !(start[d.id] > d.range[0] && start[d.id] < d.range[1]));
  // Parameters no point depends on keep their exact start value (set once the touches are known).
  let active = defs.map(() => true);
  // The points each parameter moves between the two ends of its range (the others at the start):
  // what its scans look at, and part of what the solve's Jacobian covers.
  const endTouches: number[][] = defs.map((_, j) => touchesAtEdgeScan(j, start));
  // Where the search starts: coordinate scans over each parameter's whole range. The ranges span
  // real machines (a system call from 50 ns to 3 µs, a fault from 0.2 to 30 µs, a shootdown from
  // 0.5 to 100 µs), and a machine unlike the built-in it starts from (a guest with page-table
  // isolation: system calls 10× and faults 5× the built-in's) puts the least-squares solve in a
  // valley far from the answer, where a parameter pinned by few points (c_split, B_L2) runs to
  // the edge of its range to make up for others (issue 12: 23.7% of the points within 1.5×
  // after calibration). Each parameter in turn, the most specific first (fewest points moved),
  // takes the value on a log grid over its range that fits the points it moves best, with the
  // others as they stand; two passes let the broad terms (t_sys in every system call) and
  // the specific ones settle together. A weak pull to the start breaks ties where the points do
  // not care (a term the sweep cannot see stays where it was).
  const SCAN_GRID = 20;
  const SCAN_NEAR = 2;
  const GOLDEN_STEPS = 6;
  const SCAN_PRIOR = 0.02;
  const startU = [...u0];
  // The first pass scans each whole range; the second only the grid steps either side of where
  // the first left each parameter (a broad term moves by less than that once the specific ones
  // have settled), which halves the fit's time.
  const scanOne = (j: number, u: number[], pass: number): number => {
    const pts = endTouches[j]!.map((i) => usable[i]!);
    if (pts.length === 0) return u[j]!;
    const costAt = (x: number): number => {
      const trial = [...u];
      trial[j] = x;
      return robustCost(toParamsAll(trial), pts) + SCAN_PRIOR * (x - startU[j]!) ** 2;
    };
    const [from, to] = scanBounds(j, u);
    const step = (to - from) / SCAN_GRID;
    let best = Math.min(to, Math.max(from, u[j]!));
    let bestCost = costAt(best);
    if (step <= 0) return best;
    const near = pass > 0 ? Math.round((best - from) / step) : 0;
    const [k0, k1] = pass > 0 ? [Math.max(0, near - SCAN_NEAR), Math.min(SCAN_GRID, near + SCAN_NEAR)] : [0, SCAN_GRID];
    for (let k = k0; k <= k1; k++) {
      const x = from + k * step;
      const c = costAt(x);
      if (c < bestCost - 1e-9) {
        bestCost = c;
        best = x;
      }
    }
    // Golden-section refinement within one grid step either side.
    let a = Math.max(from, best - step);
    let b = Math.min(to, best + step);
    const g = (Math.sqrt(5) - 1) / 2;
    let x1 = b - g * (b - a);
    let x2 = a + g * (b - a);
    let c1 = costAt(x1);
    let c2 = costAt(x2);
    for (let it = 0; it < GOLDEN_STEPS; it++) {
      if (c1 < c2) {
        b = x2;
        x2 = x1;
        c2 = c1;
        x1 = b - g * (b - a);
        c1 = costAt(x1);
      } else {
        a = x1;
        x1 = x2;
        c1 = c2;
        x2 = a + g * (b - a);
        c2 = costAt(x2);
      }
    }
    const xr = c1 < c2 ? x1 : x2;
    return Math.min(c1, c2) < bestCost ? xr : best;
  };
  const order = defs.map((_, j) => j).sort((a, b) => endTouches[a]!.length - endTouches[b]!.length);
  for (let pass = 0; pass < (opts.scanPasses ?? 2); pass++) {
    for (const j of order) u0[j] = scanOne(j, u0, pass);
  }
  const toParams = (u: number[]): Params => {
    const p = { ...start };
    defs.forEach((d, i) => {
      if (active[i]) p[d.id] = Math.exp(u[i]!);
    });
    return p;
  };
  // Every parameter from u, whatever is active (the scans run before activity is known).
  function toParamsAll(u: number[]): Params {
    const p = { ...start };
    defs.forEach((d, i) => {
      p[d.id] = Math.exp(u[i]!);
    });
    return p;
  }
  const logModel = (p: Params, pt: Usable): number => {
    const v = modelPoint(profile, p, pt.key, clockNs);
    return v !== null && v > 0 ? Math.log(v) : pt.logMeasured + 10; // a hole in the model: far off
  };

  // Which points each parameter moves (found once): the Jacobian is then cheap to refresh.
  const base0 = usable.map((pt) => logModel(toParams(u0), pt));
  const touches: number[][] = defs.map((_, j) => {
    const u = [...u0];
    u[j] = u[j]! + (u[j]! + 0.05 <= hi[j]! ? 0.05 : -0.05);
    const p = toParams(u);
    const idx = new Set<number>(endTouches[j]);
    usable.forEach((pt, i) => {
      if (Math.abs(logModel(p, pt) - base0[i]!) > 1e-12) idx.add(i);
    });
    return [...idx].sort((a, b) => a - b);
  });
  active = defs.map((_, j) => touches[j]!.length > 0);

  const residuals = (u: number[]): number[] => {
    const p = toParams(u);
    return usable.map((pt) => logModel(p, pt) - pt.logMeasured);
  };
  const weightsFor = (r: number[]) => r.map((x) => 1 / (1 + (x / scale) ** 2));
  const cost = (r: number[], w: number[], u: number[]) => {
    let c = 0;
    r.forEach((x, i) => {
      c += w[i]! * x * x;
    });
    u.forEach((x, j) => {
      if (active[j]) c += priorW * priorW * (x - u0[j]!) ** 2;
    });
    return c;
  };

  let u = [...u0];
  let r = residuals(u);
  let w = weightsFor(r);
  let lambda = 1e-2;
  let iterations = 0;
  const n = defs.length;
  let normal: number[][] = [];
  let converged = false;
  // A second pass: an edge parameter whose scan ran with every other parameter at its default
  // can miss what it explains (with the built-in 300 µs per huge-page fault the 64–256 MiB
  // huge-page points looked overpriced already, so no host term seemed wanted; once t_fault2M
  // is fitted to ≈80 µs they want ≈200 µs more per huge page beyond the pool). After the first
  // solve, such parameters still at their edge are scanned again around the fitted values and
  // the solve resumes from the better start.
  //
  // Scanned alone, an edge term can still look unwanted when a per-unit term of the same points
  // has absorbed it in the first solve: one flat t_fault2M fitted to 2–256 MiB huge-page faults
  // of 75 µs per page up to ≈32 MiB and ≈230 µs beyond (a VM guest's host faults, our run of
  // 2026-11-25) overprices the small ones 3× and leaves no room for t_fault2M_host, though
  // t_fault2M ≈ 75 µs plus the host term fits all of them. So when the scan alone finds no gain,
  // the term is scanned together with its partner: the active parameter, not at an edge, that
  // moves the most of the same points (ties: the one moving fewest points overall, the most
  // specific), over ×1/8 … ×8 of its fitted value. The pair is taken only for a clear gain over
  // all points, and the solve then refines everything (s_fault_pool included) from there.
  const PAIR_STEPS = 24;
  const pairScan = (j: number, uNow: number[]): { u: number; partner: number; uPartner: number; cost: number } | null => {
    const moves = new Set(touchesAtEdgeScan(j, toParams(uNow)));
    if (moves.size === 0) return null;
    let partner = -1;
    let bestOverlap = 0;
    defs.forEach((_, k) => {
      if (k === j || !active[k] || atEdge[k]) return;
      const overlap = touches[k]!.filter((i) => moves.has(i)).length;
      if (overlap > bestOverlap || (overlap === bestOverlap && overlap > 0 && touches[k]!.length < touches[partner]!.length)) {
        bestOverlap = overlap;
        partner = k;
      }
    });
    if (partner < 0) return null;
    const pts = usable.filter((_, i) => moves.has(i) || touches[partner]!.includes(i));
    const trial = (uj: number, uk: number) => {
      const x = [...uNow];
      x[j] = uj;
      x[partner] = uk;
      return clamp(x);
    };
    const costAtBase = robustCost(toParams(uNow), pts);
    let best: { uj: number; uk: number; cost: number } | null = null;
    for (let a = 0; a <= SCAN_STEPS; a++) {
      const uj = lo[j]! + ((hi[j]! - lo[j]!) * a) / SCAN_STEPS;
      for (let b = 0; b <= PAIR_STEPS; b++) {
        const uk = uNow[partner]! + Math.log(8) * ((2 * b) / PAIR_STEPS - 1);
        const x = trial(uj, uk);
        const c = robustCost(toParams(x), pts);
        if (!best || c < best.cost - 1e-9) best = { uj: x[j]!, uk: x[partner]!, cost: c };
      }
    }
    if (!best || !(best.cost < costAtBase - 1) || Math.abs(best.uj - uNow[j]!) <= 1e-6) return null;
    // The partner's other points move too: the gain must hold over all of them.
    const total = robustCost(toParams(trial(best.uj, best.uk)));
    if (!(total < robustCost(toParams(uNow)) - 1)) return null;
    return { u: best.uj, partner, uPartner: best.uk, cost: total };
  };
  // The points a parameter moves between the two ends of its range, the others as given.
  function touchesAtEdgeScan(j: number, base: Params): number[] {
    const d = defs[j]!;
    const pLo = { ...base, [d.id]: Math.exp(lo[j]!) };
    const pHi = { ...base, [d.id]: Math.exp(hi[j]!) };
    const idx: number[] = [];
    usable.forEach((pt, i) => {
      if (modelPoint(profile, pLo, pt.key, clockNs) !== modelPoint(profile, pHi, pt.key, clockNs)) idx.push(i);
    });
    return idx;
  }
  let rescanned = false;
  let budget = maxIter;
  for (;;) {
    while (iterations < budget && !converged) {
      iterations++;
      // Numeric Jacobian, one forward difference per parameter over the points it touches; one
      // dense row per parameter (zero where it touches nothing), so products need no lookups.
      const J: Float64Array[] = defs.map(() => new Float64Array(usable.length));
      const h = 1e-4;
      defs.forEach((_, j) => {
        if (!active[j]) return;
        const uj = [...u];
        const step = u[j]! + h <= hi[j]! ? h : -h;
        uj[j] = u[j]! + step;
        const pj = toParams(uj);
        // r[i] + logMeasured is the model at u already: no need to evaluate it again.
        const row = J[j]!;
        for (const i of touches[j]!) row[i] = (logModel(pj, usable[i]!) - (r[i]! + usable[i]!.logMeasured)) / step;
      });
      // Normal equations of the weighted problem plus the prior.
      normal = defs.map(() => new Array<number>(n).fill(0));
      const g = new Array<number>(n).fill(0);
      for (let a = 0; a < n; a++) {
        const ja = J[a]!;
        for (const i of touches[a]!) g[a]! += w[i]! * ja[i]! * r[i]!;
        for (let b = a; b < n; b++) {
          // Over the shorter of the two touch lists: elsewhere one of the factors is zero.
          const jb = J[b]!;
          const idx = touches[a]!.length <= touches[b]!.length ? touches[a]! : touches[b]!;
          let s = 0;
          for (const i of idx) s += w[i]! * ja[i]! * jb[i]!;
          normal[a]![b] = s;
          normal[b]![a] = s;
        }
        if (active[a]) {
          normal[a]![a]! += priorW * priorW;
          g[a]! += priorW * priorW * (u[a]! - u0[a]!);
        } else normal[a]![a] = 1; // untouched: keep it where it is
      }
      const before = cost(r, w, u);
      let improved = false;
      for (let tries = 0; tries < 8 && !improved; tries++) {
        const damped = normal.map((row, a) => row.map((x, b) => (a === b ? x * (1 + lambda) + 1e-12 : x)));
        const delta = solve(damped, g.map((x) => -x));
        if (!delta) {
          lambda *= 10;
          continue;
        }
        const un = clamp(u.map((x, j) => (active[j] ? x + delta[j]! : x)));
        const rn = residuals(un);
        const after = cost(rn, w, un);
        if (after < before) {
          const stepSize = Math.max(...un.map((x, j) => Math.abs(x - u[j]!)));
          u = un;
          r = rn;
          lambda = Math.max(lambda / 3, 1e-7);
          improved = true;
          converged = stepSize < 1e-7;
        } else lambda *= 4;
      }
      const newW = weightsFor(r);
      const sameWeights = newW.every((x, i) => Math.abs(x - w[i]!) < 1e-9);
      if (!improved && sameWeights) break;
      if (!sameWeights) converged = false; // new weights: the minimum moved
      w = newW;
    }
    if (rescanned) break;
    rescanned = true;
    let moved = false;
    const fittedNow = toParams(u);
    defs.forEach((_, j) => {
      // "Still at the edge": within 1% of it (the solve nudges a parameter the points barely feel).
      if (!atEdge[j] || !active[j] || !(u[j]! <= lo[j]! + 0.01 || u[j]! >= hi[j]! - 0.01)) return;
      const s = edgeScan(j, fittedNow);
      // Only a clear gain (a point brought from 2× to 1.2× is worth ≈2 in this cost) moves it.
      const single = s.cost < s.costAtBase - 1 && Math.abs(s.u - u[j]!) > 1e-6;
      // The pair scan too, and the better of the two over all points: a small host term alone
      // can be a clear gain and still a worse start than the pair (our v3b run: alone, 27 µs
      // per huge page and the solve shrank the pool to 3 MiB, leaving 128–256 MiB 2× off).
      const pair = pairScan(j, u);
      if (pair && (!single || pair.cost < robustCost({ ...fittedNow, [defs[j]!.id]: Math.exp(s.u) }))) {
        u[j] = pair.u;
        u0[j] = pair.u;
        u[pair.partner] = pair.uPartner;
        moved = true;
      } else if (single) {
        u[j] = s.u;
        u0[j] = s.u;
        moved = true;
      }
    });
    if (!moved) break;
    r = residuals(u);
    w = weightsFor(r);
    lambda = 1e-2;
    converged = false;
    budget = iterations + Math.ceil(maxIter / 2);
  }

  // Resolution of each parameter if the points were off by 10% each.
  const diag = invertDiag(normal);
  const params = toParams(u);
  const fitted: FitParam[] = defs.map((d, j) => {
    const logSd = active[j] ? 0.1 * Math.sqrt(Math.max(0, diag[j]!)) : Infinity;
    return {
      id: d.id,
      start: start[d.id],
      value: params[d.id],
      logSd,
      identified: active[j]! && logSd < 0.3,
      atBound: u[j]! <= lo[j]! + 1e-9 ? 'low' : u[j]! >= hi[j]! - 1e-9 ? 'high' : null,
    };
  });
  const abs = r.map(Math.abs).sort((a, b) => a - b);
  const { written, kept } = chooseWritten(fitted);
  return {
    params,
    fitted,
    written,
    keptStart: kept,
    costs: { start: robustCost(start), fitted: robustCost(params), written: robustCost({ ...start, ...written }) },
    points: usable.length,
    medianAbsLogError: quantile(abs, 0.5),
    p90AbsLogError: quantile(abs, 0.9),
    iterations,
    excluded,
  };

  /**
   * What a calibration file carries. Every parameter the points pin down, as fitted; one they do
   * not pin down alone only where the points need it: the points may pin its sum with another
   * (t_pti with t_sys in every system call and with t_fault4k in every fault: writing only the
   * pinned ones dropped a guest's 9.5 µs faults back to the built-in 1.5 µs, issue 12's "not
   * pinned down, default kept"), and then putting it back to the start costs a clear loss of fit;
   * where it costs none (t_grow_cap without a grow large enough to reach the cap), the start's
   * value stays. Last, the whole is compared with the start on the same points: a profile that
   * predicts them worse than the one it started from is never written (kept = true).
   */
  function chooseWritten(fit: FitParam[]): { written: Partial<Record<ParamId, number>>; kept: boolean } {
    const out: Partial<Record<ParamId, number>> = {};
    const round = (v: number) => +v.toPrecision(4);
    for (const f of fit) if (Number.isFinite(f.logSd)) out[f.id] = round(f.value);
    const loose = fit.filter((f) => Number.isFinite(f.logSd) && !f.identified).sort((a, b) => b.logSd - a.logSd);
    for (const f of loose) {
      const withIt = robustCost({ ...start, ...out });
      const trial = { ...out };
      delete trial[f.id];
      if (robustCost({ ...start, ...trial }) - withIt < 1) delete out[f.id];
    }
    if (!(robustCost({ ...start, ...out }) < robustCost(start))) return { written: {}, kept: true };
    return { written: out, kept: false };
  }
}
