// Hand-built call sites for advice tests (the analysis layer is not involved).
import type { CallSite, Primitive, SizeValue } from '../../../src/core/types';

const pos = { line: 1, column: 1 };
const range = { start: pos, end: pos, startOffset: 0, endOffset: 0 };

export function size(bytes: number | null, text = bytes === null ? 'n' : String(bytes)): SizeValue {
  return { bytes, text, note: bytes === null ? `\`${text}\` is a runtime value` : `literal ${text}` };
}

export function site(over: Partial<CallSite> & { callee?: Primitive } = {}): CallSite {
  return {
    file: 'a.c', language: 'c', callee: 'realloc', kind: 'direct-call', via: [], name: over.callee ?? 'realloc',
    nameRange: range, range, oldSize: null, newSize: null, flags: null, growth: null, inLoop: false,
    assignedBackTo: null, conditions: [], enclosingFunction: 'f', ...over,
  };
}
