// Hand-built TS/JS call sites, shaped like those src/core/analysis/ts produces, so the advice,
// model and fixes can be tested without the analysis.
import type { CallSite, JsFacts, Primitive, Range, SizeValue } from '../../../src/core/types';

const pos = { line: 1, column: 1 };
export const NO_RANGE: Range = { start: pos, end: pos, startOffset: 0, endOffset: 0 };

export function size(bytes: number | null, text = bytes === null ? 'n' : String(bytes)): SizeValue {
  return { bytes, text, note: bytes === null ? `\`${text}\` is a runtime value` : `literal ${text}` };
}

export function jsSite(callee: Primitive, over: Partial<CallSite> = {}, js: Partial<JsFacts> = {}): CallSite {
  return {
    file: 'a.ts', language: 'ts', callee, kind: 'direct-call', via: [], name: callee,
    nameRange: NO_RANGE, range: NO_RANGE, oldSize: null, newSize: null, flags: null, growth: null, inLoop: false,
    assignedBackTo: null, conditions: [], enclosingFunction: 'f',
    js: { route: 'builtin', ...js },
    ...over,
  };
}

/** A range over `needle` (its first occurrence from offset `from`) in `text`, 1-based like the analysis gives. */
export function rangeOf(text: string, needle: string, from = 0): Range {
  const s = text.indexOf(needle, from);
  if (s < 0) throw new Error(`"${needle}" is not in the test text`);
  const at = (o: number) => {
    const before = text.slice(0, o);
    const line = before.split('\n').length;
    return { line, column: o - before.lastIndexOf('\n') };
  };
  return { start: at(s), end: at(s + needle.length), startOffset: s, endOffset: s + needle.length };
}
