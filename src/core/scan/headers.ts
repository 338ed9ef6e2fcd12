// Which headers' symbols a file sees: the `#include "..."` chain followed breadth-first (nearest
// first, each header once), each name tried beside the including file and then under each scan
// root. One implementation for the project scan (shard.ts, texts from its SourceReader) and the
// editor (texts from open documents and workspace.fs), so an open file evaluates its sizes with
// exactly the headers the CLI gives it.
//
// Pure: texts come through `source` (null: no such file, or not readable as C), symbols through
// `parse`, which runs only when a looked-up name could be in the header (lazySymbols.ts).
import type { Parser } from 'web-tree-sitter';
import { collectSymbols, type FileSymbols } from '../analysis/c/symbols';
import { lazyHeaderSymbols } from './lazySymbols';
import { functionBodies, includedRanges, toTreeSitterRanges, type TextRange } from './regions';
import { dirnameOf, joinPath, projectIncludes } from './paths';
import { parseCText, PreparedText } from '../analysis/c/treeText';
import type { NameFilter } from './prefilter';

export interface HeaderOptions {
  /** Scan roots (reader paths): `#include "x.h"` falls back to `<root>/x.h`. */
  roots: readonly string[];
  /** How deep `#include "..."` chains are followed (default 3). */
  includeDepth?: number;
}

/** At most this many headers per file: a file that reaches more sees the nearest ones. */
export const maxHeadersPerFile = 48;
export const defaultIncludeDepth = 3;

interface Resolved {
  path: string;
  symbols: FileSymbols;
  text: string;
}

/** Where an include resolves when nothing is in the way: the first candidate there (null: none), and the candidates before it. */
interface There {
  hit: Resolved | null;
  before: string[];
}

export class HeaderResolver {
  /** Per candidate path: its symbols, or null when it is not there (asked once). */
  private readonly cache = new Map<string, Resolved | null>();
  /** Per header path: the `#include "..."` names it has (read once, not once per includer). */
  private readonly includes = new Map<string, string[]>();
  /** Per folder and include name: the paths it may be at (candidatesFor). */
  private readonly candidates = new Map<string, string[]>();
  /** The same per including file, found without making a key string (byFrom). */
  private readonly candidatesByFrom = new Map<string, Map<string, string[]>>();
  /** Per including file and include name: the first candidate there is (firstThere); forgotten with any text. */
  private readonly there = new Map<string, Map<string, There>>();

  constructor(
    private readonly options: HeaderOptions,
    private readonly source: (path: string) => string | null,
    private readonly parse: (path: string, text: string) => FileSymbols,
    /** Symbols of just these ranges of a header (lazySymbols.ts parses only the items a lookup needs); absent: whole headers. */
    private readonly parseRanges?: (path: string, text: PreparedText, ranges: TextRange[]) => FileSymbols,
    /** The words of the text `source` gives for a path, when the caller has them (lazyHeaderSymbols's `textWords`). */
    private readonly wordsOf?: (path: string) => NameFilter | undefined,
  ) {}

  /** Symbols of the headers reachable from `path` (whose text is `text`), nearest first, each once. */
  headersOf(path: string, text: string): FileSymbols[] {
    return this.closure(path, text).map((r) => r.symbols);
  }

  /** The header paths `headersOf` reads, in the same order. */
  headerPaths(path: string, text: string): string[] {
    return this.closure(path, text).map((r) => r.path);
  }

  /** The text of `path` if it was read as a header (kept with its symbols): a caller need not read it again. */
  textOf(path: string): string | undefined {
    return this.cache.get(path)?.text;
  }

  /** Forgets what is known about `path` (its text changed, or it appeared or went away). */
  forget(path: string): void {
    this.cache.delete(path);
    this.includes.delete(path);
    // A header that appears or goes away changes which candidate is the first there, for any includer.
    this.there.clear();
  }

  private closure(path: string, text: string): Resolved[] {
    const out: Resolved[] = [];
    const seen = new Set<string>([path]);
    let frontier: Array<{ from: string; text: string }> = [{ from: path, text }];
    for (let depth = 0; depth < (this.options.includeDepth ?? defaultIncludeDepth) && frontier.length; depth++) {
      const next: typeof frontier = [];
      for (const { from, text: src } of frontier) {
        let names = from === path ? undefined : this.includes.get(from);
        if (!names) {
          names = projectIncludes(src);
          if (from !== path) this.includes.set(from, names);
        }
        for (const name of names) {
          const resolved = this.resolve(from, name, seen, path);
          if (!resolved) continue;
          seen.add(resolved.path);
          out.push(resolved);
          next.push({ from: resolved.path, text: resolved.text });
          if (out.length >= maxHeadersPerFile) return out;
        }
      }
      frontier = next;
    }
    return out;
  }

  /**
   * Where `#include name` in `from` may be, nearest first. Kept by folder and name: every file's
   * closure resolves the same includes of the same headers again. Found first by the including
   * file and the name as they are (strings that know their hash): the folder's key, made again
   * for each of the dense corpus's 6,548 includes resolved, cost more than the lookup.
   */
  private candidatesFor(from: string, name: string): string[] {
    let byName = this.candidatesByFrom.get(from);
    if (!byName) this.candidatesByFrom.set(from, (byName = new Map()));
    let out = byName.get(name);
    if (!out) byName.set(name, (out = this.candidatesInFolder(from, name)));
    return out;
  }

  private candidatesInFolder(from: string, name: string): string[] {
    const angled = name.startsWith('<');
    const key = angled ? name : `${dirnameOf(from)}\0${name}`;
    let out = this.candidates.get(key);
    if (!out) {
      out = angled
        ? this.options.roots.flatMap((r) => [joinPath(r, name.slice(1)), joinPath(r, `include/${name.slice(1)}`)])
        : [joinPath(dirnameOf(from), name), ...this.options.roots.map((r) => joinPath(r, name))];
      this.candidates.set(key, out);
    }
    return out;
  }

  /**
   * The header `#include name` in `from` reads, unless it is already in the chain (`seen`): the
   * nearest candidate already there wins, as it did where it was first met. The first candidate
   * there is kept per includer and name: every file's closure resolves the same includes of the
   * same headers again (6,548 on the dense bench corpus, in code run too rarely to be optimised).
   */
  private resolve(from: string, name: string, seen: Set<string>, start: string): Resolved | null {
    let byName = this.there.get(from);
    if (!byName) this.there.set(from, (byName = new Map()));
    let t = byName.get(name);
    if (!t) byName.set(name, (t = this.firstThere(this.candidatesFor(from, name))));
    // Before the first candidate there, only the file the closure started from can be in the
    // chain (every other member is a header that was there): its own path, when no source has it.
    for (let k = 0; k < t.before.length; k++) if (t.before[k] === start) return null;
    return t.hit && !seen.has(t.hit.path) ? t.hit : null;
  }

  /** The first of `candidates` that `source` has, and those before it. */
  private firstThere(candidates: string[]): There {
    for (let k = 0; k < candidates.length; k++) {
      const hit = this.read(candidates[k]!);
      if (hit) return { hit, before: candidates.slice(0, k) };
    }
    return { hit: null, before: candidates };
  }

  private read(candidate: string): Resolved | null {
    let hit = this.cache.get(candidate);
    if (hit === undefined) {
      const text = this.source(candidate);
      const ranges = this.parseRanges;
      hit = text === null ? null : {
        path: candidate, text,
        symbols: lazyHeaderSymbols(candidate, text, () => this.parse(candidate, text), ranges && ((p, r) => ranges(candidate, p, r)), undefined, undefined, this.wordsOf?.(candidate)),
      };
      this.cache.set(candidate, hit);
    }
    return hit;
  }
}

/**
 * The header texts `path` would read, fetched with an asynchronous `fetch` (the editor's
 * workspace.fs): the resolver is run over what has been fetched so far, and every candidate it
 * asked for and did not have is fetched, until it asks for nothing new. Returns every text
 * fetched (null: not there), ready to be the `source` of a HeaderResolver.
 */
export async function fetchHeaderTexts(
  path: string,
  text: string,
  options: HeaderOptions,
  fetch: (path: string) => Promise<string | null>,
  known: Map<string, string | null> = new Map(),
): Promise<Map<string, string | null>> {
  for (let pass = 0; pass < 64; pass++) {
    const missing = new Set<string>();
    const probe = new HeaderResolver(
      options,
      (p) => {
        if (known.has(p)) return known.get(p)!;
        missing.add(p);
        return null;
      },
      emptySymbols,
    );
    probe.headerPaths(path, text);
    if (!missing.size) break;
    const fetched = await Promise.all([...missing].map(async (p) => [p, await fetch(p).catch(() => null)] as const));
    for (const [p, t] of fetched) known.set(p, t);
  }
  return known;
}

function emptySymbols(file: string): FileSymbols {
  return { file, macros: new Map(), enums: new Map(), includes: [], types: new Map() };
}

/**
 * Symbols of `ranges` of a header's text (the items a lookup needs, lazySymbols.ts). Without
 * `noReturn`: lazySymbols reads that from the whole text, and these maps are asked only for
 * one name.
 */
export function parseSymbolsIn(parser: Parser, path: string, text: PreparedText, ranges: TextRange[]): FileSymbols {
  const tree = ranges.length ? text.parseRanges(parser, ranges) : null;
  if (!tree) return emptySymbols(path);
  try {
    return collectSymbols(tree.rootNode, path, { noReturn: false });
  } finally {
    tree.delete();
  }
}

/**
 * A header's symbols. Only declarations matter, and the inline helpers the evaluator reads: with
 * `partial`, other function bodies are left out of the parse (regions.ts), which gives the same
 * symbols faster.
 */
export function parseHeaderSymbols(parser: Parser, path: string, text: string, partial = true): FileSymbols {
  const bodies = partial ? functionBodies(text) : null;
  const ranges = bodies ? includedRanges(text, bodies.filter((b) => !b.inline)) : null;
  const tree = parseCText(parser, text, ranges ? { includedRanges: toTreeSitterRanges(text, ranges) } : undefined);
  if (!tree) return emptySymbols(path);
  try {
    return collectSymbols(tree.rootNode, path);
  } finally {
    tree.delete();
  }
}
