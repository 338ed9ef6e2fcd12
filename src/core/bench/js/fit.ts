// Calibration of the TS/JS model's own parameters from the JS harness's points: how much of
// ArrayBuffer.transfer() reallocates rather than copies on this engine (f_js_transfer_move, from
// the transfer points), then the engine's fixed work per resize (t_js_buffer, from every JS
// point). The C parameters the JS estimates share with C stay as the C calibration left them.
// Robust: least squares of log(measured / modelled) over a grid of each parameter's range. Pure.
import type { Params, Profile } from '../../model';
import type { MeasuredPoint } from '../protocol';
import { isJsBenchOp, jsModelPoint } from './ops';
import type { JsEngine } from './protocol';

export interface JsFit {
  params: { f_js_transfer_move: number; t_js_buffer: number };
  /** Median factor off (max(r, 1/r)) over the JS points, with the start's values and the fitted ones. */
  before: number;
  after: number;
  points: number;
  /** What the transfer points say about this engine, in one sentence. */
  transfer: string;
  engine: JsEngine | null;
}

function cost(profile: Profile, params: Params, points: readonly MeasuredPoint[]): number {
  let sum = 0;
  for (const p of points) {
    const m = jsModelPoint(profile, params, p);
    if (m === null || !(m > 0) || !(p.medianNs > 0)) continue;
    const e = Math.log(p.medianNs / m);
    sum += e * e;
  }
  return sum;
}

function medianFactor(profile: Profile, params: Params, points: readonly MeasuredPoint[]): number {
  const f: number[] = [];
  for (const p of points) {
    const m = jsModelPoint(profile, params, p);
    if (m === null || !(m > 0) || !(p.medianNs > 0)) continue;
    f.push(Math.exp(Math.abs(Math.log(p.medianNs / m))));
  }
  f.sort((a, b) => a - b);
  return f.length ? f[Math.floor((f.length - 1) / 2)]! : NaN;
}

/** The value on `grid` that minimises `score` (the first of equals: the smallest change). */
function best(grid: number[], score: (v: number) => number): number {
  let arg = grid[0]!;
  let min = Infinity;
  for (const v of grid) {
    const s = score(v);
    if (s < min - 1e-12) {
      min = s;
      arg = v;
    }
  }
  return arg;
}

export function fitJs(profile: Profile, all: readonly MeasuredPoint[], engine: JsEngine | null = null): JsFit | null {
  const points = all.filter((p) => isJsBenchOp(p.op) && !p.note && p.medianNs > 0);
  if (points.length === 0) return null;
  const start = profile.params;
  const transfers = points.filter((p) => p.op === 'js-transfer' || p.op === 'js-transfer-same');
  let params: Params = { ...start };
  const shares = Array.from({ length: 101 }, (_, i) => i / 100);
  const fixed = [0, ...Array.from({ length: 41 }, (_, i) => Math.round(10 * 10 ** (i / 16)))].filter((v) => v <= 5000);
  // Two rounds: the share first (transfer points), then the fixed work (all points), then again.
  for (let round = 0; round < 2; round++) {
    if (transfers.length) params = { ...params, f_js_transfer_move: best(shares, (f) => cost(profile, { ...params, f_js_transfer_move: f }, transfers)) };
    params = { ...params, t_js_buffer: best(fixed, (t) => cost(profile, { ...params, t_js_buffer: t }, points)) };
  }
  const f = params.f_js_transfer_move;
  const transfer = !transfers.length
    ? `${engine ? `${engine.engine} ${engine.engineVersion}` : 'this engine'} has no ArrayBuffer.prototype.transfer (or it was not measured): transfer() stays priced as a copy`
    : `${engine ? `${engine.engine} ${engine.engineVersion} (${engine.runtime} ${engine.runtimeVersion})` : 'this engine'}: transfer() behaves like ${f >= 0.9 ? 'a realloc of the backing store (it moves or grows in place rather than copying)' : f <= 0.1 ? 'a copy into new memory' : `${Math.round(100 * f)}% realloc, ${Math.round(100 * (1 - f))}% copy`}`;
  return {
    params: { f_js_transfer_move: f, t_js_buffer: params.t_js_buffer },
    before: medianFactor(profile, start, points),
    after: medianFactor(profile, params, points),
    points: points.length,
    transfer,
    engine,
  };
}
