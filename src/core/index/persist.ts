// The index on disk (the workspace's storage folder), so a reload reuses it instead of scanning
// again. JSON lines: a header line (format, version, the settings key, stats), then one line per
// file, so writing and reading can be cut into slices that never hold the editor's thread long
// (a big project's index is a few MB). A file from another format version, or written with other
// settings or another pagecost build, is not an error, only not reusable (the index is rebuilt).
// Pure: text in and out; the extension reads and writes it through workspace.fs.
import type { FileError, WrapperDef } from '../types';
import { WorkspaceIndex, type IndexedFile, type IndexLimit, type IndexStats } from './model';

export const INDEX_FORMAT = 'pagecost-workspace-index';
/** Bump when the shape below changes. */
export const INDEX_VERSION = 3;

interface StoredFile extends Omit<IndexedFile, 'ref'> {
  path: string;
  rel: string;
  size: number;
  mtimeMs: number;
}

interface StoredHeader {
  format: typeof INDEX_FORMAT;
  version: number;
  key: string;
  builtAt: number;
  stats: IndexStats;
  limit: IndexLimit | null;
  configWrappers: WrapperDef[];
  globalErrors: FileError[];
  files: number;
}

/** Lets a long loop give the caller's event loop a turn (the extension yields every few ms). */
export type Checkpoint = () => void | Promise<void>;

/** A Checkpoint that gives the event loop a turn once `sliceMs` of work have passed since the last. */
export function turnEvery(sliceMs: number): Checkpoint {
  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
  let since = now();
  return () => {
    if (now() - since < sliceMs) return;
    return new Promise<void>((r) => setTimeout(() => {
      since = now();
      r();
    }, 0));
  };
}

/** The index as JSON lines (joined with '\n' to write), built between checkpoints. */
export async function serializeIndex(index: WorkspaceIndex, checkpoint: Checkpoint = () => {}): Promise<string> {
  const header: StoredHeader = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    key: index.key,
    builtAt: index.builtAt,
    stats: index.stats,
    limit: index.limit,
    configWrappers: index.configWrappers,
    globalErrors: index.globalErrors,
    files: index.files.size,
  };
  const lines = [JSON.stringify(header)];
  for (const f of index.files.values()) {
    const c = checkpoint();
    if (c) await c;
    const stored: StoredFile = {
      path: f.ref.path, rel: f.ref.rel, size: f.ref.stamp.size, mtimeMs: f.ref.stamp.mtimeMs,
      sites: f.sites, wrappers: f.wrappers, helpers: f.helpers, helperCalls: f.helperCalls, errors: f.errors, notes: f.notes,
    };
    lines.push(JSON.stringify(stored));
  }
  return `${lines.join('\n')}\n`;
}

export type ParsedIndex = { ok: true; index: WorkspaceIndex } | { ok: false; reason: string };

/** The stored index, or why it cannot be used (never throws). `key` is what the current settings would build. */
export async function parseIndex(text: string, key: string, checkpoint: Checkpoint = () => {}): Promise<ParsedIndex> {
  const lines = text.split('\n');
  let h: Partial<StoredHeader> | null;
  try {
    h = JSON.parse(lines[0] ?? '') as Partial<StoredHeader> | null;
  } catch (e) {
    return { ok: false, reason: `the stored index is not valid JSON lines (${(e as Error).message})` };
  }
  if (!h || typeof h !== 'object' || h.format !== INDEX_FORMAT) return { ok: false, reason: 'the stored file is not a pagecost index' };
  if (h.version !== INDEX_VERSION) return { ok: false, reason: `the stored index has format version ${String(h.version)}, this pagecost writes ${INDEX_VERSION}` };
  if (h.key !== key) return { ok: false, reason: 'the stored index was built with other settings or another pagecost build' };
  if (!Array.isArray(h.configWrappers) || !Array.isArray(h.globalErrors) || !h.stats || typeof h.builtAt !== 'number' || typeof h.files !== 'number') {
    return { ok: false, reason: 'the stored index is incomplete' };
  }
  const files = new Map<string, IndexedFile>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const c = checkpoint();
    if (c) await c;
    let f: Partial<StoredFile> | null;
    try {
      f = JSON.parse(line) as Partial<StoredFile> | null;
    } catch (e) {
      return { ok: false, reason: `line ${i + 1} of the stored index is not valid JSON (${(e as Error).message})` };
    }
    if (!f || typeof f.rel !== 'string' || typeof f.path !== 'string' || typeof f.size !== 'number' || typeof f.mtimeMs !== 'number' ||
      !Array.isArray(f.sites) || !Array.isArray(f.wrappers) || !Array.isArray(f.errors) || !Array.isArray(f.notes) ||
      !Array.isArray(f.helpers) || !f.helperCalls || typeof f.helperCalls !== 'object') {
      return { ok: false, reason: `the stored index has a malformed file entry on line ${i + 1}` };
    }
    files.set(f.rel, {
      ref: { path: f.path, rel: f.rel, stamp: { size: f.size, mtimeMs: f.mtimeMs } },
      sites: f.sites, wrappers: f.wrappers, helpers: f.helpers, helperCalls: f.helperCalls, errors: f.errors, notes: f.notes,
    });
  }
  // A write cut short (a crash, a full disk) leaves fewer lines than the header counted.
  if (files.size !== h.files) return { ok: false, reason: `the stored index is truncated (${files.size} of ${h.files} files)` };
  return { ok: true, index: new WorkspaceIndex(h.key, files, h.globalErrors, h.configWrappers, h.stats, h.limit ?? null, h.builtAt) };
}
