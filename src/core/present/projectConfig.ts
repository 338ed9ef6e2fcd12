// What a project's `.pagecost.json` changes in the editor, decided without an editor: the same
// file the CLI reads (src/core/scan/config.ts), so a wrapper or an exclude written once applies in
// both places. Settings the user set explicitly win, as command-line options win in the CLI.
import ignore, { type Ignore } from 'ignore';
import { parseConfig, ConfigSyntaxError, type ProjectConfig } from '../scan/config';
import type { EditorSettings } from './settings';

/** A folder's config as the editor keeps it: parsed once per change of the file. */
export interface LoadedProjectConfig {
  config: ProjectConfig;
  /** One line per problem, `file: where: what`, for the status item and the log. */
  problems: string[];
  matcher: Ignore;
}

/** Above this a `.pagecost.json` is not a config someone wrote; it is refused, not parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export function loadProjectConfig(text: string, file: string): LoadedProjectConfig {
  const empty: ProjectConfig = { wrappers: [], exclude: [] };
  if (text.length > MAX_CONFIG_BYTES) {
    return { config: empty, problems: [`${file}: larger than ${MAX_CONFIG_BYTES / 1024} KiB; ignored (is it really a config?)`], matcher: ignore() };
  }
  try {
    const { config, problems } = parseConfig(text, file);
    return { config, problems: problems.map((p) => `${p.file}: ${p.message}`), matcher: ignore().add(config.exclude) };
  } catch (e) {
    if (e instanceof ConfigSyntaxError) return { config: empty, problems: [e.message], matcher: ignore() };
    throw e;
  }
}

/** Settings with the project's config applied: its wrappers added, its target/page size/file size where the user set none. */
export function withProjectConfig(s: EditorSettings, loaded: LoadedProjectConfig | undefined, explicit: (key: 'target' | 'pageSize' | 'maxFileSize') => boolean): EditorSettings {
  if (!loaded) return s;
  const c = loaded.config;
  const named = new Set(s.wrappers.map((w) => w.name));
  return {
    ...s,
    wrappers: [...s.wrappers, ...c.wrappers.filter((w) => !named.has(w.name))],
    target: c.target !== undefined && !explicit('target') ? c.target : s.target,
    pageSize: c.pageSize !== undefined && !explicit('pageSize') ? c.pageSize : s.pageSize,
    maxFileSize: c.maxFileSize !== undefined && !explicit('maxFileSize') ? c.maxFileSize : s.maxFileSize,
  };
}

/** The `exclude` pattern of the config that drops `relativePath` (gitignore semantics, as in the CLI), or undefined. */
export function excludedBy(loaded: LoadedProjectConfig | undefined, relativePath: string): string | undefined {
  if (!loaded || !loaded.config.exclude.length || !relativePath || relativePath.startsWith('..')) return undefined;
  if (!loaded.matcher.ignores(relativePath)) return undefined;
  // Name the first pattern that matches on its own, so the message says which line to change.
  return loaded.config.exclude.find((p) => ignore().add(p).ignores(relativePath)) ?? loaded.config.exclude[0];
}
