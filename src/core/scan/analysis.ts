// The one place where the project scan calls the per-file C analysis (src/core/analysis/c).
// Everything else in src/core/scan speaks WrapperDef/ResizeHelper/CallSite only.
//
// Sites are built from the analysis' parts (index → name uses → sites) rather than through
// analyzeCFile, so that the Scope handed to the size evaluator can be lazy: most call sites
// have literal or runtime sizes and never look up a macro, so most headers are never parsed.
import type { Node } from 'web-tree-sitter';
import type { CallSite, Primitive, ResizeHelper, WrapperDef } from '../types';
import type { Scope } from '../analysis/c/evaluate';
import { PRIMITIVES, buildCalleeIndex, findNameUses } from '../analysis/c/callSites';
import { buildSites } from '../analysis/c/siteBuilder';
import { findResizers, type FileResizers } from '../analysis/c/wrappers';
import { typeLookup, type ArgumentPass } from '../analysis/c/functionPointers';
import type { NameMatches } from '../analysis/c/nameMatches';
export { NameMatches } from '../analysis/c/nameMatches';

export const primitives: readonly Primitive[] = PRIMITIVES;
export type { ArgumentPass, PointerFact } from '../analysis/c/functionPointers';

/** A helper's key: its name, or file and name for a `static` one (as wrappers are keyed). */
export function helperKey(h: Pick<ResizeHelper, 'name' | 'file' | 'fileLocal'>): string {
  return h.fileLocal ? `${h.file}\u0000${h.name}` : h.name;
}

/**
 * Wrappers, helpers and function-pointer stores this file defines, given every wrapper known so
 * far (wrappers of wrappers in the same file included).
 */
export function resizersIn(
  root: Node,
  text: string,
  file: string,
  known: readonly WrapperDef[],
  extra: { passes?: readonly ArgumentPass[]; scope?: Scope; news?: ReadonlySet<string>; mayName?: (name: string) => boolean; matches?: NameMatches } = {},
): FileResizers {
  return findResizers(root, text, file, known, {
    ...(extra.matches ? { matches: extra.matches } : {}),
    ...(extra.mayName ? { mayName: extra.mayName } : {}),
    ...(extra.passes ? { passes: extra.passes } : {}),
    ...(extra.news ? { news: extra.news } : {}),
    ...(extra.scope ? { types: typeLookup(extra.scope) } : {}),
  });
}

/**
 * Call sites and references in this file of the primitives and of every wrapper visible from it,
 * and the loops' calls of constant-step helpers (`helpers`).
 */
export function sitesIn(
  root: Node,
  text: string,
  file: string,
  known: readonly WrapperDef[],
  scope: Scope,
  helpers: readonly ResizeHelper[] = [],
  mayName?: (name: string) => boolean,
  /** The text's name occurrences found by the wrapper rounds. */
  matches?: NameMatches,
): CallSite[] {
  const index = buildCalleeIndex(known, file, helpers.filter((h) => h.linearStep), mayName);
  return buildSites(findNameUses(root, text, index, matches ? { matches } : {}), root, text, file, scope);
}
