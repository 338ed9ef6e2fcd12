// Evaluates C size expressions to bytes, or says honestly why it cannot.
// CONTRACT (shared by the size evaluator and the call-site finder; extend, do not rename).
import type { Node } from 'web-tree-sitter';
import type { Bytes, Growth, SizeValue } from '../../types';
import type { FileSymbols } from './symbols';

export type DataModel = 'lp64' | 'ilp32';

export interface SizeOptions {
  /** Page size that PAGE_SIZE, getpagesize() and sysconf(_SC_PAGESIZE) evaluate to. */
  pageSize: Bytes;
  target: DataModel;
}

export const defaultSizeOptions: SizeOptions = { pageSize: 4096, target: 'lp64' };

/** Everything visible at a call site: this file's symbols, then its included headers'. */
export interface Scope {
  file: FileSymbols;
  /** Symbols of headers reachable through `#include "..."` (nearest first). */
  headers: FileSymbols[];
  options: SizeOptions;
}

/** Bytes of a size expression (an argument node). Local variable types are found from the node's enclosing function. */
export function evaluateSize(node: Node, scope: Scope): SizeValue {
  void scope;
  if (node.type === 'number_literal' && /^\d+$/.test(node.text)) {
    return { bytes: Number(node.text), text: node.text, note: `literal ${node.text}` };
  }
  return { bytes: null, text: node.text, note: `\`${node.text}\` could not be evaluated` };
}

/** Names of the mremap flags set by a flags argument, or null when they cannot be recovered. */
export function evaluateMremapFlags(node: Node, scope: Scope): string[] | null {
  void scope;
  if (node.type === 'number_literal' && node.text === '0') return [];
  if (node.type === 'identifier' && node.text.startsWith('MREMAP_')) return [node.text];
  return null;
}

/** Growth shape of a realloc size relative to the resized pointer, where the code shows it. */
export function classifyGrowth(sizeNode: Node, scope: Scope): Growth | null {
  void sizeNode;
  void scope;
  return null;
}
