// Everything the panel shows, assembled from plain inputs: the profiles to draw (this machine's
// default, its calibration, other machines' files), the current results, the presets, the run in
// progress. The extension host calls this and posts the result; the webview only draws it. Pure.
import type { Profile } from '../model';
import { MODEL_VERSION } from '../model';
import type { PointKey } from '../bench/protocol';
import type { ChartId } from './charts';
import type { CalibrationView, PanelView, PresetView, ProfileView, RunResults, ViewPoint } from './messages';
import { modelValue, profileCrossovers, profileCurves } from './model';
import { questionVerdict } from './summary';

export interface PanelProfile {
  id: string;
  label: string;
  kind: ProfileView['kind'];
  profile: Profile;
  /** Extra words shown beside it (another model version, another machine). */
  warning?: string | null;
}

export interface ViewInput {
  mode: PanelView['mode'];
  blockedReason: string | null;
  /** Drawn in this order; the first of kind 'default' or 'calibrated' that `hintProfileId` names fills the table's modelled column. */
  profiles: PanelProfile[];
  hintProfileId: string;
  presets: PresetView[];
  results: RunResults | null;
  calibration: CalibrationView | null;
  running: PanelView['running'];
  focus: ChartId[];
  /** Thread counts to draw model curves for (the results' own are added). */
  threads: number[];
}

function profileSource(p: Profile): string {
  const at = p.calibrated?.at ? ` (${p.calibrated.at.slice(0, 10)})` : '';
  return `${p.source}${at}`;
}

/** Curves and crossovers are pure functions of a profile and thread counts: keep the last ones. */
const cache = new WeakMap<Profile, Map<string, Pick<PanelView, 'curves'> & { crossovers: ProfileView['crossovers'] }>>();

function drawn(id: string, profile: Profile, threads: number[]): { curves: PanelView['curves']; crossovers: ProfileView['crossovers'] } {
  let byKey = cache.get(profile);
  if (!byKey) cache.set(profile, (byKey = new Map()));
  const k = `${id}|${threads.join(',')}`;
  let hit = byKey.get(k);
  if (!hit) {
    const curves = profileCurves(id, profile, threads);
    hit = { curves, crossovers: profileCrossovers(profile, curves, threads) };
    byKey.set(k, hit);
  }
  return hit;
}

export function buildPanelView(input: ViewInput): PanelView {
  const threads = [...new Set([...input.threads, ...(input.results?.points.map((p) => p.threads) ?? [])])].sort((a, b) => a - b).slice(0, 8);
  const curves: PanelView['curves'] = [];
  const profiles: ProfileView[] = input.profiles.map((p) => {
    const d = drawn(p.id, p.profile, threads);
    curves.push(...d.curves);
    const warnings = [p.warning ?? null, ...p.profile.warnings.filter((w) => /model v|another machine|--force/.test(w))].filter((w): w is string => !!w);
    return { id: p.id, label: p.label, kind: p.kind, source: profileSource(p.profile), warning: warnings.length ? [...new Set(warnings)].join(' ') : null, crossovers: d.crossovers };
  });
  const hint = input.profiles.find((p) => p.id === input.hintProfileId) ?? input.profiles[0];
  return {
    mode: input.mode,
    blockedReason: input.blockedReason,
    hintProfileId: hint?.id ?? '',
    profiles,
    curves,
    threads,
    presets: input.presets,
    results: input.results,
    calibration: input.calibration,
    verdict: hint ? questionVerdict(input.results?.points ?? [], hint.profile, hint.label) : '',
    running: input.running,
    focus: input.focus,
  };
}

/** A measured point with the hint profile's modelled figure. */
export function viewPoint(p: PointKey & Omit<ViewPoint, 'modelledNs' | keyof PointKey>, hint: Profile): ViewPoint {
  return { ...p, modelledNs: modelValue(hint, p) };
}

/** Results re-modelled with another profile (after the hints' profile changed). */
export function remodel(results: RunResults, hint: Profile): RunResults {
  return { ...results, points: results.points.map((p) => ({ ...p, modelledNs: modelValue(hint, p) })) };
}

export function emptyResults(label: string, now: Date): RunResults {
  return { label, measuredAt: now.toISOString(), machine: null, engine: null, modelVersion: MODEL_VERSION, points: [], skipped: [], failed: [], elapsedMs: null };
}
