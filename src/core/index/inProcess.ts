// An IndexBackend on the calling thread: one ScanShard, reading through a SourceReader. VS Code
// for the Web uses it (its extension host is itself a web worker, and there are no worker threads
// to hand files to); tests use it with files in memory. Between files it gives the event loop a
// turn every `sliceMs`, so the host keeps answering while it indexes; a stop request ends the
// pass at the next file.
import type { GrammarFiles } from '../analysis/c/parser';
import { FileDealer, scanProject } from '../scan/orchestrate';
import { HeaderResolver } from '../scan/headers';
import { decodeSource } from '../scan/input';
import { ScanShard, type ShardOptions, type SourceReader } from '../scan/shard';
import type { TsAnalyzerLoader } from '../scan/tsAnalyzer';
import type { ListedFile } from './model';
import { ProgressCounter, type IndexBackend } from './update';

export class IndexStopped extends Error {
  constructor() {
    super('indexing was stopped');
  }
}

export interface Slicer {
  /** Resolves when the caller may go on: after a turn of the event loop, or later while paused. Throws IndexStopped when stopped. */
  checkpoint(): void | Promise<void>;
}

/** A Slicer that yields every `sliceMs` of work, waits while `paused()`, and throws once `stopped()`. */
export function timeSlicer(sliceMs: number, state: { paused(): boolean; stopped(): boolean; resumed(): Promise<void> }): Slicer {
  let since = performanceNow();
  return {
    checkpoint() {
      if (state.stopped()) throw new IndexStopped();
      if (!state.paused() && performanceNow() - since < sliceMs) return;
      return (async () => {
        await new Promise<void>((r) => setTimeout(r, 0));
        while (state.paused() && !state.stopped()) await state.resumed();
        if (state.stopped()) throw new IndexStopped();
        since = performanceNow();
      })();
    },
  };
}

function performanceNow(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export function inProcessBackend(
  reader: SourceReader,
  grammar: GrammarFiles,
  options: ShardOptions,
  slicer: Slicer,
  tsLoader?: TsAnalyzerLoader,
): IndexBackend {
  return {
    async scan(files: ListedFile[], seeds, onProgress, seedHelpers) {
      const shard = new ScanShard(reader, grammar, options, tsLoader);
      const counter = new ProgressCounter(files.length);
      let last = 0;
      shard.onFile = (phase) => {
        counter.add(phase, 1);
        const now = performanceNow();
        if (now - last > 100) {
          last = now;
          onProgress({ phase: counter.phase, done: counter.done, total: files.length });
        }
        // Reading is synchronous (its hook's promise would go unheeded): it is sliced by batches below.
        return phase === 'load' ? undefined : slicer.checkpoint();
      };
      try {
        const dealer = new FileDealer([shard]);
        // Read in small batches, so reading is sliced too (load itself is synchronous).
        for (let i = 0; i < files.length; i += 16) {
          await slicer.checkpoint();
          dealer.deal(files.slice(i, i + 16));
        }
        return await scanProject(dealer, [shard], { configWrappers: seeds, ...(seedHelpers ? { seedHelpers } : {}) });
      } finally {
        shard.dispose();
      }
    },
    async dependents(headers, candidates, gone) {
      return dependentsOf(headers, candidates, gone, options.roots, (path) => {
        const data = reader.read(path, options.maxFileSize);
        if (!(data instanceof Uint8Array)) return null;
        const d = decodeSource(data, options.maxFileSize);
        return d.ok ? d.text : null;
      }, () => slicer.checkpoint());
    },
  };
}

/**
 * Files among `candidates` whose include chain reaches one of `headers`, resolved exactly as the
 * scan resolves it (HeaderResolver). `gone` headers read as empty files, so their includers count.
 */
export async function dependentsOf(
  headers: readonly string[],
  candidates: readonly ListedFile[],
  gone: readonly string[],
  roots: readonly string[],
  read: (path: string) => string | null,
  checkpoint: () => void | Promise<void> = () => {},
): Promise<string[]> {
  const wanted = new Set(headers);
  const ghosts = new Set(gone);
  const source = (path: string) => {
    if (ghosts.has(path)) return '';
    try {
      return read(path);
    } catch {
      return null;
    }
  };
  const resolver = new HeaderResolver({ roots }, source, (file) => ({ file, macros: new Map(), enums: new Map(), includes: [], types: new Map() }));
  const out: string[] = [];
  for (const f of candidates) {
    const c = checkpoint();
    if (c) await c;
    if (wanted.has(f.path)) continue;
    const text = source(f.path);
    if (text === null || !text.includes('#')) continue;
    if (resolver.headerPaths(f.path, text).some((p) => wanted.has(p))) out.push(f.path);
  }
  return out;
}
