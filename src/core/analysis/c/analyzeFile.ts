// One entry point for a parsed C file: its symbols, the wrappers it defines, and its call sites
// (direct calls, wrapper calls, references). Used by the CLI (per file, in workers) and by the
// editor's incremental document (document.ts).
import type { Node, Parser } from 'web-tree-sitter';
import type { CallSite, WrapperDef } from '../../types';
import { buildCalleeIndex, findNameUses } from './callSites';
import type { DirectiveTable } from './conditions';
import { defaultSizeOptions, type Scope, type SizeOptions } from './evaluate';
import { buildSites } from './siteBuilder';
import { collectSymbols, type FileSymbols } from './symbols';
import { findWrappers } from './wrappers';

export interface AnalyzeCOptions {
  /**
   * Wrappers known before this file: other files' (from earlier rounds) and the config's. Defs
   * marked `fileLocal` from other files are ignored here.
   */
  wrappers?: readonly WrapperDef[];
  /** The whole evaluator scope when the caller built it (a lazy one, say); overrides symbols/headers/sizeOptions. */
  scope?: Scope;
  /** This file's symbols when the caller already has them (else collected here). */
  symbols?: FileSymbols;
  /** Symbols of the headers this file includes, nearest first. */
  headers?: FileSymbols[];
  sizeOptions?: SizeOptions;
  /** Look for wrappers defined in this file too (default true). */
  detectWrappers?: boolean;
  /** The file's directiveTable when the caller keeps one (the incremental document does). */
  directives?: DirectiveTable;
  /** Parser for side parses (macro bodies, spliced sizes); default: one per language. */
  parser?: Parser;
}

export interface CFileAnalysis {
  /** Every call site and reference, in source order. */
  sites: CallSite[];
  /** Wrappers this file defines that were not in `options.wrappers` (plain data). */
  wrappers: WrapperDef[];
  symbols: FileSymbols;
}

/** Never throws on broken C: error nodes are skipped, what is recognisable is reported. */
export function analyzeCFile(root: Node, text: string, file: string, options: AnalyzeCOptions = {}): CFileAnalysis {
  const known = options.wrappers ?? [];
  const symbols = options.scope?.file ?? options.symbols ?? collectSymbols(root, file);
  const scope: Scope = options.scope ?? {
    file: symbols,
    headers: options.headers ?? [],
    options: options.sizeOptions ?? defaultSizeOptions,
  };
  const own =
    options.detectWrappers === false ? [] : findWrappers(root, text, file, known, options.parser ? { parser: options.parser } : {});
  const index = buildCalleeIndex([...own, ...known], file);
  const uses = findNameUses(root, text, index);
  // Source order of the names: the order the incremental document keeps too.
  const sites = buildSites(uses, root, text, file, scope, options.directives).sort((a, b) => a.nameRange.startOffset - b.nameRange.startOffset);
  return { sites, wrappers: own, symbols };
}

/** Cheap pre-check for a CLI round: does `text` mention any of `names` as a whole word? */
export function mentionsAny(text: string, names: Iterable<string>): boolean {
  const list = [...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!list.length) return false;
  return new RegExp(`\\b(?:${list.join('|')})\\b`).test(text);
}
