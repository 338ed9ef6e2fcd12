// The messages between the benchmark panel's webview and the extension host, and the check every
// message from the webview passes before the host acts on it: the webview is a web page, so what
// it posts is input like any other (unknown or malformed messages are refused with a reason the
// host logs). Host → webview messages are built by the host and trusted by the page. Pure.
import type { FailedPoint, MachineFacts, MeasuredPoint, SkippedPoint } from '../bench/protocol';
import type { JsEngine } from '../bench/js/protocol';
import type { ChartId, Curve } from './charts';
import type { ProfileCrossover } from './model';

export const PRESET_IDS = ['quick', 'full', 'cursor', 'question', 'js'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export type ExportFormat = 'csv' | 'json';

/** What the webview may ask for. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'run'; preset: PresetId }
  | { type: 'cancel' }
  | { type: 'calibrate' }
  | { type: 'useCalibration' }
  | { type: 'export'; format: ExportFormat }
  | { type: 'importResults' }
  | { type: 'compareMachines' }
  | { type: 'removeProfile'; id: string }
  /** The webview's own drawing time for one appended point (performance.now, coarse): for the log and the benchmark. */
  | { type: 'drawTime'; ms: number; points: number }
  /**
   * The first view's charts on the page, `charts` of `of` so far (the host times the panel's
   * opening); `pageMs`: since the page's document started (its share of that time).
   */
  | { type: 'drawn'; charts: number; of: number; pageMs: number };

/** A point as the panel shows it: measured, and modelled by the profile the hints use. */
export interface ViewPoint extends MeasuredPoint {
  modelledNs: number | null;
}

export interface PresetView {
  id: PresetId;
  label: string;
  /** What it measures, in one line (the button's tooltip). */
  detail: string;
  /** Null when it can run now; otherwise why not. */
  disabled: string | null;
}

export interface ProfileView {
  id: string;
  label: string;
  kind: 'default' | 'calibrated' | 'other';
  /** "built-in x86-64-vm", "file server.json (2026-11-30)". */
  source: string;
  /** Shown beside the profile: another model version, refused facts, … Null when none. */
  warning: string | null;
  crossovers: ProfileCrossover[];
}

/** Measured before and after a calibration, per op: how far the model was off. */
export interface CalibrationView {
  rows: { op: string; points: number; before: number; after: number }[];
  /** Median |log error| as a factor, over all points: 1.0 is perfect. */
  beforeAll: number;
  afterAll: number;
  /** Whether the hints already use it. */
  inUse: boolean;
  summary: string;
}

export interface RunResults {
  /** "quick", "call at grow.c:18", "imported results.json". */
  label: string;
  measuredAt: string;
  machine: MachineFacts | null;
  engine: JsEngine | null;
  modelVersion: number;
  points: ViewPoint[];
  skipped: SkippedPoint[];
  failed: FailedPoint[];
  elapsedMs: number | null;
}

export interface PanelView {
  /** 'model-only' where benchmarks cannot run (Restricted Mode, the web, no compiler). */
  mode: 'measure' | 'model-only';
  /** One sentence: why measuring is off and what would turn it on. */
  blockedReason: string | null;
  hintProfileId: string;
  profiles: ProfileView[];
  curves: Curve[];
  threads: number[];
  presets: PresetView[];
  results: RunResults | null;
  calibration: CalibrationView | null;
  /** The original question's verdict, in one sentence (measured when there are points, else modelled). */
  verdict: string;
  running: { label: string; startedAt: number } | null;
  /** Charts to show first (the call at the cursor's), in order. */
  focus: ChartId[];
}

/** What the host sends. */
export type HostMessage =
  | { type: 'view'; view: PanelView }
  | { type: 'point'; point: ViewPoint }
  | { type: 'progress'; done: number; total: number; etaMs: number | null; message: string }
  | { type: 'log'; text: string; level: 'info' | 'warning' | 'error' };

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_ID = 200;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function keysExactly(o: Record<string, unknown>, keys: string[]): string | null {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  return extra.length ? `unexpected field${extra.length > 1 ? 's' : ''} ${extra.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` : null;
}

/** Checks a message posted by the webview. Never throws. */
export function checkWebviewMessage(raw: unknown): Checked<WebviewMessage> {
  if (!isPlainObject(raw)) return { ok: false, error: 'not an object' };
  const type = raw.type;
  if (typeof type !== 'string') return { ok: false, error: 'no "type"' };
  const exact = (keys: string[]): string | null => keysExactly(raw, ['type', ...keys]);
  const bad = (error: string): Checked<WebviewMessage> => ({ ok: false, error: `${type.slice(0, 40)}: ${error}` });
  switch (type) {
    case 'ready': case 'cancel': case 'calibrate': case 'useCalibration': case 'importResults': case 'compareMachines': {
      const e = exact([]);
      return e ? bad(e) : { ok: true, value: { type } };
    }
    case 'run': {
      const e = exact(['preset']);
      if (e) return bad(e);
      if (typeof raw.preset !== 'string' || !(PRESET_IDS as readonly string[]).includes(raw.preset)) return bad(`unknown preset ${JSON.stringify(String(raw.preset).slice(0, 40))}`);
      return { ok: true, value: { type, preset: raw.preset as PresetId } };
    }
    case 'export': {
      const e = exact(['format']);
      if (e) return bad(e);
      if (raw.format !== 'csv' && raw.format !== 'json') return bad('format must be "csv" or "json"');
      return { ok: true, value: { type, format: raw.format } };
    }
    case 'removeProfile': {
      const e = exact(['id']);
      if (e) return bad(e);
      if (typeof raw.id !== 'string' || raw.id.length === 0 || raw.id.length > MAX_ID) return bad('id must be a short string');
      return { ok: true, value: { type, id: raw.id } };
    }
    case 'drawTime': {
      const e = exact(['ms', 'points']);
      if (e) return bad(e);
      if (typeof raw.ms !== 'number' || !Number.isFinite(raw.ms) || raw.ms < 0 || raw.ms > 600_000) return bad('ms must be a duration');
      if (typeof raw.points !== 'number' || !Number.isInteger(raw.points) || raw.points < 0 || raw.points > 1_000_000) return bad('points must be a count');
      return { ok: true, value: { type, ms: raw.ms, points: raw.points } };
    }
    case 'drawn': {
      const e = exact(['charts', 'of', 'pageMs']);
      if (e) return bad(e);
      const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 64;
      if (!count(raw.charts) || !count(raw.of) || (raw.charts as number) > (raw.of as number)) return bad('charts and of must be counts, charts ≤ of');
      if (typeof raw.pageMs !== 'number' || !Number.isFinite(raw.pageMs) || raw.pageMs < 0 || raw.pageMs > 3_600_000) return bad('pageMs must be a duration');
      return { ok: true, value: { type, charts: raw.charts as number, of: raw.of as number, pageMs: raw.pageMs } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(type.slice(0, 40))}` };
  }
}
