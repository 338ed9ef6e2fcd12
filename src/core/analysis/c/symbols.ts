// What one C file declares that size evaluation and wrapper detection need: macros, enum
// constants, struct/union/typedef layouts, and the `#include "..."` names it pulls in.
// CONTRACT (shared by the size evaluator and the call-site finder; extend, do not rename).
import type { Node } from 'web-tree-sitter';

export interface MacroDef {
  name: string;
  /** null for object-like macros; parameter names for function-like ones. */
  params: string[] | null;
  variadic: boolean;
  /** Replacement text, continuation lines joined, comments removed. */
  body: string;
  file: string;
  /** 1-based line of the #define. */
  line: number;
}

export interface FileSymbols {
  file: string;
  macros: Map<string, MacroDef>;
  /** Enum constants with their evaluated values (null when not evaluable). */
  enums: Map<string, number | null>;
  /** `#include "x.h"` targets as written (quoted includes only). */
  includes: string[];
  /**
   * Type declarations the layout engine needs, keyed by name: `struct foo`, `union u`, and
   * typedef names. Values are opaque to callers (owned by layout.ts / evaluate.ts).
   */
  types: Map<string, unknown>;
}

/** Collects the symbols of one parsed file. Never throws on broken code; skips what it cannot read. */
export function collectSymbols(root: Node, file: string): FileSymbols {
  const macros = new Map<string, MacroDef>();
  for (const def of root.descendantsOfType(['preproc_def', 'preproc_function_def'])) {
    if (!def) continue;
    const name = def.childForFieldName('name')?.text;
    if (!name) continue;
    const paramsNode = def.childForFieldName('parameters');
    const params = paramsNode
      ? paramsNode.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text)
      : null;
    macros.set(name, {
      name,
      params,
      variadic: !!paramsNode?.text.includes('...'),
      body: (def.childForFieldName('value')?.text ?? '').trim(),
      file,
      line: def.startPosition.row + 1,
    });
  }
  return { file, macros, enums: new Map(), includes: [], types: new Map() };
}
