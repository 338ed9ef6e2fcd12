// The one place where the project scan calls the per-file C analysis (src/core/analysis/c).
// Everything else in src/core/scan speaks WrapperDef/CallSite only.
//
// Sites are built from the analysis' parts (index → name uses → sites) rather than through
// analyzeCFile, so that the Scope handed to the size evaluator can be lazy: most call sites
// have literal or runtime sizes and never look up a macro, so most headers are never parsed.
import type { Node } from 'web-tree-sitter';
import type { CallSite, Primitive, WrapperDef } from '../types';
import type { Scope } from '../analysis/c/evaluate';
import { PRIMITIVES, buildCalleeIndex, findNameUses } from '../analysis/c/callSites';
import { buildSites } from '../analysis/c/siteBuilder';
import { findWrappers } from '../analysis/c/wrappers';

export const primitives: readonly Primitive[] = PRIMITIVES;

/** Wrappers this file defines that are not in `known` (wrappers of wrappers in the same file included). */
export function wrappersIn(root: Node, text: string, file: string, known: readonly WrapperDef[]): WrapperDef[] {
  return findWrappers(root, text, file, known);
}

/** Call sites and references in this file of the primitives and of every wrapper visible from it. */
export function sitesIn(root: Node, text: string, file: string, known: readonly WrapperDef[], scope: Scope): CallSite[] {
  const index = buildCalleeIndex(known, file);
  return buildSites(findNameUses(root, text, index), root, text, file, scope);
}
