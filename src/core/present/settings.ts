// The editor's settings, checked. VS Code hands back whatever the user typed in settings.json
// (a string where a number belongs, a negative thread count); a bad value falls back to its
// default and is named in `problems`, so the status item can say so once. Pure: the extension
// passes a getter, tests pass a record.
import type { Severity, WrapperDef } from '../types';
import { parseConfig } from '../scan/config';
import type { Allocator } from '../model';

export type RuleLevel = 'default' | 'off' | Severity;

export interface EditorSettings {
  /** "auto", a built-in name, "this-machine", "calibrated", or the path of a calibration file. */
  profile: string;
  threads: number;
  /** Page size for sizes and the model; null = the profile's. */
  pageSize: number | null;
  target: 'lp64' | 'ilp32';
  warnRatio: number;
  allocator: Allocator;
  /** Per rule id: "default" keeps the model's verdict. */
  rules: Record<string, RuleLevel>;
  hints: { enabled: boolean; minimumNs: number; unknownSizes: boolean };
  maxFileSize: number;
  /** Files with more calls than this (counted by name before parsing) are not analysed. */
  maxCallSites: number;
  exclude: string[];
  wrappers: WrapperDef[];
  debounceMs: number;
  bench: { compilerPath: string | null };
  /** TS/JS documents: analysed at all; `*.min.js` and generated files above `maxGeneratedBytes` are skipped with a note. */
  ts: { enabled: boolean; maxGeneratedBytes: number };
  /** The workspace index: built in the background at all, and how many files it takes at most. */
  index: { enabled: boolean; maxFiles: number };
  /** Hint-severity findings go to the Problems panel (as information, since VS Code hides hints there). */
  problems: { includeHints: boolean };
}

export const DEFAULT_SETTINGS: EditorSettings = {
  profile: 'auto',
  threads: 1,
  pageSize: null,
  target: 'lp64',
  warnRatio: 2,
  allocator: 'glibc',
  rules: {},
  hints: { enabled: true, minimumNs: 0, unknownSizes: false },
  maxFileSize: 2 * 1024 * 1024,
  maxCallSites: 2000,
  exclude: [],
  wrappers: [],
  debounceMs: 150,
  bench: { compilerPath: null },
  ts: { enabled: true, maxGeneratedBytes: 1024 * 1024 },
  index: { enabled: true, maxFiles: 20_000 },
  problems: { includeHints: false },
};

/** Setting keys under the `pagecost.` prefix; package.json declares the same ones. */
export const SETTING_KEYS = [
  'profile', 'threads', 'pageSize', 'target', 'warnRatio', 'allocator', 'rules',
  'hints.enabled', 'hints.minimumCostNs', 'hints.unknownSizes', 'maxFileSize', 'maxCallSites', 'exclude', 'wrappers',
  'debounceMs', 'bench.compilerPath', 'ts.enabled', 'ts.maxGeneratedBytes', 'index.enabled', 'index.maxFiles', 'problems.includeHints',
] as const;

const LEVELS: readonly string[] = ['default', 'off', 'error', 'warning', 'info', 'hint'];
const ALLOCATORS: readonly string[] = ['glibc', 'musl', 'copying'];

export interface SettingsResult {
  settings: EditorSettings;
  /** One line per bad value: "pagecost.threads: "four" is not a whole number ≥ 1; using 1". */
  problems: string[];
}

/** Reads every setting through `get` (undefined = not set). Never throws. */
export function readSettings(get: (key: string) => unknown): SettingsResult {
  const problems: string[] = [];
  const s: EditorSettings = structuredClone(DEFAULT_SETTINGS);
  const val = (key: string): unknown => {
    try {
      return get(key);
    } catch {
      return undefined;
    }
  };
  const bad = (key: string, v: unknown, what: string, fallback: unknown) =>
    problems.push(`pagecost.${key}: ${JSON.stringify(v)} is not ${what}; using ${JSON.stringify(fallback)}`);

  const profile = val('profile');
  if (profile !== undefined && profile !== null) {
    if (typeof profile === 'string' && profile.trim()) s.profile = profile.trim();
    else bad('profile', profile, 'a profile name or a file path', s.profile);
  }
  const int = (key: string, v: unknown, min: number, max: number, fallback: number): number => {
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    bad(key, v, `a whole number from ${min} to ${max}`, fallback);
    return fallback;
  };
  s.threads = int('threads', val('threads'), 1, 65536, s.threads);
  const ps = val('pageSize');
  if (ps !== undefined && ps !== null && ps !== 'profile') {
    if (ps === 4096 || ps === 16384 || ps === 65536) s.pageSize = ps;
    else bad('pageSize', ps, '4096, 16384 or 65536', 'the profile\'s');
  }
  const target = val('target');
  if (target !== undefined && target !== null) {
    if (target === 'lp64' || target === 'ilp32') s.target = target;
    else bad('target', target, '"lp64" or "ilp32"', s.target);
  }
  const ratio = val('warnRatio');
  if (ratio !== undefined && ratio !== null) {
    if (typeof ratio === 'number' && Number.isFinite(ratio) && ratio >= 1 && ratio <= 1e6) s.warnRatio = ratio;
    else bad('warnRatio', ratio, 'a number ≥ 1', s.warnRatio);
  }
  const alloc = val('allocator');
  if (alloc !== undefined && alloc !== null) {
    if (typeof alloc === 'string' && ALLOCATORS.includes(alloc)) s.allocator = alloc as Allocator;
    else bad('allocator', alloc, `one of ${ALLOCATORS.join(', ')}`, s.allocator);
  }
  const rules = val('rules');
  if (rules !== undefined && rules !== null) {
    if (typeof rules === 'object' && !Array.isArray(rules)) {
      for (const [id, level] of Object.entries(rules as Record<string, unknown>)) {
        if (typeof level === 'string' && LEVELS.includes(level)) s.rules[id] = level as RuleLevel;
        else bad(`rules.${id}`, level, `one of ${LEVELS.join(', ')}`, 'default');
      }
    } else bad('rules', rules, 'an object of rule id → level', {});
  }
  const bool = (key: string, fallback: boolean): boolean => {
    const v = val(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    bad(key, v, 'true or false', fallback);
    return fallback;
  };
  s.hints.enabled = bool('hints.enabled', s.hints.enabled);
  s.hints.unknownSizes = bool('hints.unknownSizes', s.hints.unknownSizes);
  const minNs = val('hints.minimumCostNs');
  if (minNs !== undefined && minNs !== null) {
    if (typeof minNs === 'number' && Number.isFinite(minNs) && minNs >= 0) s.hints.minimumNs = minNs;
    else bad('hints.minimumCostNs', minNs, 'a number of nanoseconds ≥ 0', 0);
  }
  s.maxFileSize = int('maxFileSize', val('maxFileSize'), 1024, 512 * 1024 * 1024, s.maxFileSize);
  s.maxCallSites = int('maxCallSites', val('maxCallSites'), 1, 1_000_000, s.maxCallSites);
  s.debounceMs = int('debounceMs', val('debounceMs'), 0, 5000, s.debounceMs);
  s.ts.enabled = bool('ts.enabled', s.ts.enabled);
  s.ts.maxGeneratedBytes = int('ts.maxGeneratedBytes', val('ts.maxGeneratedBytes'), 0, 512 * 1024 * 1024, s.ts.maxGeneratedBytes);
  s.index.enabled = bool('index.enabled', s.index.enabled);
  s.index.maxFiles = int('index.maxFiles', val('index.maxFiles'), 1, 10_000_000, s.index.maxFiles);
  s.problems.includeHints = bool('problems.includeHints', s.problems.includeHints);
  const ex = val('exclude');
  if (ex !== undefined && ex !== null) {
    if (Array.isArray(ex)) {
      ex.forEach((g, i) => {
        if (typeof g === 'string' && g.trim()) s.exclude.push(g.trim());
        else bad(`exclude[${i}]`, g, 'a glob string', 'nothing');
      });
    } else bad('exclude', ex, 'an array of glob strings', []);
  }
  const wr = val('wrappers');
  if (wr !== undefined && wr !== null) {
    if (Array.isArray(wr)) {
      const r = settingWrappers(wr);
      s.wrappers = r.wrappers;
      problems.push(...r.problems);
    } else bad('wrappers', wr, 'an array of wrapper names or {name, callee, ptr, size} objects', []);
  }
  const cc = val('bench.compilerPath');
  if (cc !== undefined && cc !== null && cc !== '') {
    if (typeof cc === 'string') s.bench.compilerPath = cc;
    else bad('bench.compilerPath', cc, 'a path', null);
  }
  return { settings: s, problems };
}

/**
 * `pagecost.wrappers`: a bare name is a realloc-shaped wrapper `name(ptr, size)`; an object
 * takes the same fields as `.pagecost.json`'s wrappers (checked by the same code, same words).
 */
export function settingWrappers(list: unknown[]): { wrappers: WrapperDef[]; problems: string[] } {
  const entries = list.map((w) => (typeof w === 'string' ? { name: w.trim(), callee: 'realloc', ptr: 0, size: 1 } : w));
  const { config, problems } = parseConfig(JSON.stringify({ wrappers: entries }), 'settings');
  return {
    wrappers: config.wrappers.map((w) => ({ ...w, file: null })),
    problems: problems.map((p) => `pagecost.${p.message}`),
  };
}
