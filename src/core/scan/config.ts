// `.pagecost.json`: project settings for the scan. Validated here (pure: text in, settings and
// problems out) so the CLI and the editor report the same mistakes in the same words.
import type { Primitive, WrapperDef } from '../types';
import type { DataModel } from '../analysis/c/evaluate';

export const configFileName = '.pagecost.json';

export interface ProjectConfig {
  wrappers: WrapperDef[];
  target?: DataModel;
  pageSize?: number;
  maxFileSize?: number;
  /** gitignore-style patterns, relative to the scan root. */
  exclude: string[];
}

export interface ConfigProblem {
  file: string;
  message: string;
}

export class ConfigSyntaxError extends Error {}

const primitives: readonly Primitive[] = ['realloc', 'reallocarray', 'reallocf', 'mremap'];
const knownKeys = new Set(['$schema', 'wrappers', 'target', 'pageSize', 'maxFileSize', 'exclude']);
const wrapperKeys = new Set(['name', 'callee', 'ptr', 'size', 'oldSize', 'count', 'flags', 'diesOnFailure']);

/**
 * Parses and checks a config file. A file that is not JSON throws ConfigSyntaxError (the scan
 * cannot guess what was meant); a bad entry is reported and left out, the rest still applies.
 */
export function parseConfig(text: string, file: string): { config: ProjectConfig; problems: ConfigProblem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigSyntaxError(`${file}: not valid JSON (${(e as Error).message}); fix the syntax or remove the file`);
  }
  const problems: ConfigProblem[] = [];
  const bad = (where: string, what: string) => problems.push({ file, message: `${where}: ${what}` });
  const config: ProjectConfig = { wrappers: [], exclude: [] };
  if (!isObject(raw)) {
    bad('top level', 'expected an object like {"wrappers": [...]}; the file is ignored');
    return { config, problems };
  }
  for (const key of Object.keys(raw)) {
    if (!knownKeys.has(key)) bad(key, `unknown setting, ignored (known: ${[...knownKeys].filter((k) => k !== '$schema').join(', ')})`);
  }
  if (raw.target !== undefined) {
    if (raw.target === 'lp64' || raw.target === 'ilp32') config.target = raw.target;
    else bad('target', `${JSON.stringify(raw.target)} is not "lp64" or "ilp32"; using the default`);
  }
  if (raw.pageSize !== undefined) {
    const n = raw.pageSize;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 512 && (n & (n - 1)) === 0) config.pageSize = n;
    else bad('pageSize', `${JSON.stringify(n)} is not a power of two of at least 512 bytes; using the default`);
  }
  if (raw.maxFileSize !== undefined) {
    const n = raw.maxFileSize;
    if (typeof n === 'number' && Number.isInteger(n) && n > 0) config.maxFileSize = n;
    else bad('maxFileSize', `${JSON.stringify(n)} is not a positive whole number of bytes; using the default`);
  }
  if (raw.exclude !== undefined) {
    if (Array.isArray(raw.exclude)) {
      raw.exclude.forEach((g, i) => {
        if (typeof g === 'string' && g.trim()) config.exclude.push(g);
        else bad(`exclude[${i}]`, 'expected a glob string like "third_party/**"; ignored');
      });
    } else bad('exclude', 'expected an array of glob strings; ignored');
  }
  if (raw.wrappers !== undefined) {
    if (!Array.isArray(raw.wrappers)) bad('wrappers', 'expected an array of {"name", "callee", "ptr", "size"} objects; ignored');
    else raw.wrappers.forEach((w, i) => {
      const def = checkWrapper(w, `wrappers[${i}]`, file, bad);
      if (def) config.wrappers.push(def);
    });
  }
  return { config, problems };
}

function checkWrapper(
  w: unknown,
  where: string,
  file: string,
  bad: (where: string, what: string) => void,
): WrapperDef | null {
  const skip = 'the entry is ignored';
  if (!isObject(w)) {
    bad(where, `expected {"name": "xrealloc", "callee": "realloc", "ptr": 0, "size": 1}; ${skip}`);
    return null;
  }
  for (const key of Object.keys(w)) if (!wrapperKeys.has(key)) bad(`${where}.${key}`, 'unknown field, ignored');
  if (typeof w.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(w.name)) {
    bad(`${where}.name`, `${JSON.stringify(w.name)} is not a C identifier; ${skip}`);
    return null;
  }
  if (typeof w.callee !== 'string' || !(primitives as readonly string[]).includes(w.callee)) {
    bad(`${where}.callee`, `${JSON.stringify(w.callee)} is not one of ${primitives.join(', ')}; ${skip}`);
    return null;
  }
  const callee = w.callee as Primitive;
  const index = (key: string, required: boolean): number | undefined | null => {
    const v = w[key];
    if (v === undefined) {
      if (required) bad(`${where}.${key}`, `missing: give the 0-based index of the wrapper's parameter that is passed as ${key}; ${skip}`);
      return required ? null : undefined;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= -1 && v < 64) return v;
    bad(`${where}.${key}`, `${JSON.stringify(v)} is not a parameter index (0-based, or -1 for "computed inside"); ${skip}`);
    return null;
  };
  const ptr = index('ptr', true);
  const size = index('size', true);
  const oldSize = index('oldSize', false);
  const count = index('count', false);
  const flags = index('flags', false);
  if (ptr === null || size === null || oldSize === null || count === null || flags === null) return null;
  if (w.diesOnFailure !== undefined && typeof w.diesOnFailure !== 'boolean') {
    bad(`${where}.diesOnFailure`, `${JSON.stringify(w.diesOnFailure)} is not true or false; ${skip}`);
    return null;
  }
  const params: WrapperDef['params'] = { ptr: ptr!, size: size! };
  if (oldSize !== undefined) params.oldSize = oldSize;
  if (count !== undefined) params.count = count;
  if (flags !== undefined) params.flags = flags;
  return {
    name: w.name,
    kind: 'config',
    callee,
    via: [],
    params,
    diesOnFailure: w.diesOnFailure === true,
    file,
    line: null,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
