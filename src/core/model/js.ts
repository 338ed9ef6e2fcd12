// What the TypeScript/JavaScript resize primitives cost (CallSite.callee a JsPrimitive), composed
// from the C model's own operations (estimateOp): a JS engine or a WebAssembly module ends up in
// the same allocator, copy and page-fault work the C model already prices, so every term here is
// a term of ./estimate.ts and traces to one row of ./params.ts. This file adds no number of its
// own except the illustration size below. MODEL-FACTS §1.11: treat JS growth as a copy unless the
// engine is known, and say so.
import type { BreakdownTerm, JsPrimitive } from '../types';
import { formatBytes, formatNs } from './describe';
import { ModelInputError, checkBytes } from './errors';
import { estimateOp, type Estimate, type ModelContext, type Operation } from './estimate';
import type { Params } from './params';

/**
 * Final size used to illustrate constant-step growth when the code does not say where the buffer
 * ends (no `maxByteLength`, no known final size): 16 MiB, bytes. Our choice, not a measurement; the
 * message names it as an illustration. At least 16 steps are always shown (see growthTotals).
 */
export const LINEAR_GROWTH_ILLUSTRATION_BYTES = 16 * 1024 * 1024;

/** Steps of a constant-step growth estimated one by one; above this, evenly spaced groups are sampled. */
const EXACT_STEPS = 256;

/** Names of the JS operations in estimates (`EstimateSummary.op`), stable like the C ones. */
export type JsOpName = JsPrimitive | 'grow-by-step' | 'grow-doubling' | 'concat-once';

const JS_OP_SHORT: Record<JsOpName, string> = {
  'wasm-realloc': 'wasm realloc',
  'memory-grow': 'Memory.grow()',
  'buffer-transfer': 'transfer()',
  'buffer-resize': 'resize() in place',
  'copy-grow': 'new array + set()',
  'concat-grow': 'concat()',
  'grow-by-step': 'growing by a constant step',
  'grow-doubling': 'doubling',
  'concat-once': 'one concat at the end',
};

/** Short words for a JS op in "X is N× cheaper" sentences; null for an op that is not a JS one. */
export function jsOpShort(op: string): string | null {
  return Object.prototype.hasOwnProperty.call(JS_OP_SHORT, op) ? JS_OP_SHORT[op as JsOpName] : null;
}

/** One growth (or shrink) of a JS buffer or wasm block. */
export interface JsGrow {
  primitive: JsPrimitive;
  /** Size before the call, bytes (memory-grow: the memory's size before, when known). */
  oldBytes: number | null;
  /** Size after the call, bytes (memory-grow: may be null when only the delta is known). */
  newBytes: number | null;
  /** memory-grow: bytes added (delta pages × 64 KiB). */
  deltaBytes?: number | null;
  /** memory-grow / SharedArrayBuffer.grow: the memory is shared (never moves). */
  shared?: boolean | null;
}

// ---------------------------------------------------------------------------------------------
// Composition: estimates of the C model's operations, added term by term.

interface Part {
  e: Estimate;
  /** Multiplies counts and times (groups of identical steps). */
  scale?: number;
  /** New labels for some term ids: the same work described in JS words. */
  relabel?: Readonly<Record<string, string>>;
  /** Keep only these terms (by id). */
  only?: (t: BreakdownTerm) => boolean;
}

// Sentences of the C operations that would mislead for a JS primitive (they describe mremap or a
// C allocator); the JS assumptions below say what holds instead.
const FOREIGN = /mremap|MREMAP|address range after the mapping|jemalloc|mimalloc|grows in place \(new pages/;

// The C operations' words for work a JS engine or wasm allocator does too, said without C names.
const JS_LABELS: Readonly<Record<string, string>> = {
  t_heap_alloc: 'allocating the new block',
  t_heap_free: 'freeing the old block',
  t_call: 'starting a copy',
  t_libc: 'allocator bookkeeping of one resize',
};

function combine(op: JsOpName, path: string, parts: readonly Part[], own: readonly string[]): Estimate {
  const terms: BreakdownTerm[] = [];
  const assumptions: string[] = [];
  for (const { e, scale = 1, relabel = {}, only } of parts) {
    for (const t of e.breakdown) {
      if (only && !only(t)) continue;
      const label = relabel[t.term] ?? JS_LABELS[t.term] ?? t.label;
      const prev = terms.find((x) => x.term === t.term && x.label === label && x.unitNs === t.unitNs);
      if (prev) {
        prev.count += t.count * scale;
        prev.ns += t.ns * scale;
      } else terms.push({ term: t.term, label, count: t.count * scale, unitNs: t.unitNs, ns: t.ns * scale, share: 0 });
    }
    for (const a of e.assumptions) if (!FOREIGN.test(a)) assumptions.push(a);
  }
  const ns = terms.reduce((s, t) => s + t.ns, 0);
  if (!(ns > 0) || !Number.isFinite(ns)) throw new ModelInputError(`the model produced no finite cost for ${op}; check the profile's parameters`);
  for (const t of terms) t.share = t.ns / ns;
  return { op, ns, breakdown: terms, assumptions: [...new Set([...assumptions, ...own])], path };
}

/** The JS engines' allocations behave like a copying allocator: never mremap (MODEL-FACTS §1.11). */
function jsContext(ctx: ModelContext): ModelContext {
  return { ...ctx, allocator: 'copying' };
}

function est(p: Params, ctx: ModelContext, op: Operation): Estimate {
  return estimateOp(p, jsContext(ctx), op);
}

/** First-touch faults of `bytes` of fresh memory: the fault terms of a copy into fresh memory. */
function faults(p: Params, ctx: ModelContext, bytes: number, label: string): Part {
  const cold = est(p, ctx, { kind: 'memcpy', bytes, destination: 'fresh' });
  const warm = new Set(est(p, ctx, { kind: 'memcpy', bytes, destination: 'warm' }).breakdown.map((t) => t.term));
  const ids = new Set(cold.breakdown.filter((t) => !warm.has(t.term)).map((t) => t.term));
  return { e: { ...cold, assumptions: [] }, only: (t) => ids.has(t.term), relabel: Object.fromEntries([...ids].filter((id) => id.startsWith('t_fault')).map((id) => [id, label])) };
}

/**
 * Making reserved address space usable (mprotect of pages the engine reserved up front): a system
 * call and one change of the mapping, which the model has as an in-place mapping grow of an
 * untouched range. The pages themselves fault in when first written (`faults`).
 */
function commit(p: Params, ctx: ModelContext, bytes: number, what: string): Part {
  const e = est(p, ctx, { kind: 'mremap', oldBytes: ctx.machine.pageSize, newBytes: ctx.machine.pageSize + bytes, mode: 'grow-inplace', untouched: true });
  return { e, relabel: { t_vma_grow: `${what} (priced as enlarging a mapping in place)` } };
}

/** Allocate `newBytes`, copy `min(old, new)` into it (fresh pages fault), free the old block. */
function copyInto(p: Params, ctx: ModelContext, oldBytes: number, newBytes: number): Part {
  return { e: est(p, ctx, { kind: 'malloc-copy-free', oldBytes, newBytes }) };
}

const TAIL = 'first touch of the zero-filled new tail (paid when it is written)';
const NOT_KNOWN = 'engine behaviour not known: modelled as a copy into new memory';

function need(v: number | null | undefined, what: string): number {
  if (v === null || v === undefined) throw new ModelInputError(`${what} is not known: give it to estimate this call`);
  return checkBytes(v, what);
}

/** resize(0) is allowed: a length may be zero where a block size may not. */
function needLength(v: number | null | undefined): number {
  return v === 0 ? 0 : need(v, 'new size');
}

/** What one JS growth costs. Throws ModelInputError when a size it needs is not known. */
export function estimateJs(p: Params, ctx: ModelContext, g: JsGrow): Estimate {
  switch (g.primitive) {
    case 'wasm-realloc': return wasmRealloc(p, ctx, need(g.oldBytes, 'old size'), need(g.newBytes, 'new size'));
    case 'memory-grow': return withEngineWork(p, memoryGrow(p, ctx, g));
    case 'buffer-resize': return withEngineWork(p, resize(p, ctx, need(g.oldBytes, 'old size'), needLength(g.newBytes), g.shared ?? null));
    case 'buffer-transfer': return withEngineWork(p, copyGrow(p, ctx, 'buffer-transfer', need(g.oldBytes, 'old size'), need(g.newBytes, 'new size')));
    case 'copy-grow': return withEngineWork(p, copyGrow(p, ctx, 'copy-grow', need(g.oldBytes, 'old size'), need(g.newBytes, 'new size')));
    case 'concat-grow': return withEngineWork(p, concat(p, ctx, need(g.oldBytes, 'old size'), need(g.newBytes, 'new size')));
  }
}

function wasmRealloc(p: Params, ctx: ModelContext, A: number, B: number): Estimate {
  const inPlace = est(p, ctx, { kind: 'realloc', oldBytes: A, newBytes: B, inPlace: true });
  const own = [
    "the module's own allocator (dlmalloc, emmalloc, Rust's or Go's) runs inside linear memory, which has no mremap",
  ];
  if (B <= A) {
    return combine('wasm-realloc', 'wasm allocator: shrinks in place', [{ e: { ...inPlace, assumptions: [] } }],
      [...own, 'a shrinking realloc keeps the block and splits off the tail']);
  }
  return combine('wasm-realloc', 'wasm allocator: malloc + copy + free in linear memory', [copyInto(p, ctx, A, B)], [
    ...own,
    `a growing realloc that cannot extend the block allocates, copies ${formatBytes(A)} and frees (the copying-allocator path); where free space follows the block it grows in place instead, for about ${formatNs(inPlace.ns)}: which happens is not known statically, so it is modelled as a copy`,
    'if linear memory itself must grow for the new block, a Memory.grow comes on top (not included)',
  ]);
}

function memoryGrow(p: Params, ctx: ModelContext, g: JsGrow): Estimate {
  const delta = g.deltaBytes ?? (g.oldBytes !== null && g.newBytes !== null ? g.newBytes - g.oldBytes : null);
  const D = need(delta, 'bytes added (delta pages × 64 KiB)');
  const own = [
    'Memory.grow commits pages of the address space the engine reserved for the memory; they fault in when first written',
  ];
  if (g.shared === true) own.push('a shared memory never moves: engines reserve its maximum up front');
  else {
    own.push(`${g.shared === false ? 'a non-shared memory' : 'a memory not known to be shared'}: 64-bit V8 and SpiderMonkey reserve a 32-bit memory's whole address space up front, so grow commits in place; without that reservation (32-bit hosts, some memory64 memories, other engines) grow copies the whole memory: engine behaviour not known`);
    own.push('memory.buffer is detached by grow: views made over it before must be made again');
  }
  return combine('memory-grow', 'Memory.grow: commit of new pages', [
    commit(p, ctx, D, 'committing the new pages'),
    faults(p, ctx, D, 'first touch of a new page (paid when it is written)'),
  ], own);
}

function resize(p: Params, ctx: ModelContext, A: number, B: number, shared: boolean | null): Estimate {
  const own = [
    'V8 and SpiderMonkey reserve maxByteLength of address space when a resizable buffer is created, so resize() commits or releases pages in place and never copies; other engines: not known',
  ];
  if (B === A) {
    const same = est(p, ctx, { kind: 'realloc', oldBytes: A, newBytes: A, inPlace: true });
    return combine('buffer-resize', 'resize to the same length', [{ e: { ...same, assumptions: [] }, relabel: { t_libc: 'bookkeeping of a resize to the same length' } }], own);
  }
  if (B < A) {
    if (shared === true) throw new ModelInputError('SharedArrayBuffer.grow() cannot shrink a buffer (RangeError): the new length must be at least the old one');
    return combine('buffer-resize', 'resize: the tail is released', [{ e: est(p, ctx, { kind: 'munmap', bytes: A - B }), relabel: { t_unmap0: 'releasing the tail (fixed part; priced as an unmap)' } }],
      [...own, 'a shrink is priced as unmapping the tail; an engine may keep the pages and zero them on the next grow instead']);
  }
  return combine('buffer-resize', 'resize: commit of new pages in place', [
    commit(p, ctx, B - A, 'committing the new pages'),
    faults(p, ctx, B - A, TAIL),
  ], own);
}

function copyGrow(p: Params, ctx: ModelContext, op: 'buffer-transfer' | 'copy-grow', A: number, B: number): Estimate {
  const parts = [copyInto(p, ctx, A, B)];
  if (B > A) parts.push(faults(p, ctx, B - A, TAIL));
  const f = p.f_js_transfer_move;
  if (op === 'buffer-transfer' && f > 0) return transferMeasured(p, ctx, A, B, parts, f);
  const own = op === 'buffer-transfer'
    ? [
        `${NOT_KNOWN} (the spec copies, then detaches the old buffer; an engine may move the pages or realloc in place instead, which costs less)`,
        'views over the old buffer are detached by transfer()',
      ]
    : ['a new typed array (zero-filled) and set() copy the old bytes on every engine; the old buffer is freed by the garbage collector later (priced as a free now)'];
  return combine(op, op === 'buffer-transfer' ? 'transfer: copy into new memory' : 'new array + set(): copy into new memory', parts, own);
}

/**
 * transfer() on an engine whose behaviour the JS calibration measured: the share f that
 * reallocates the backing store (glibc realloc: in place, or the pages moved for a large block),
 * the rest copied; the new tail is written either way.
 */
function transferMeasured(p: Params, ctx: ModelContext, A: number, B: number, copy: Part[], f: number): Estimate {
  const moved: Part[] = [{ e: estimateOp(p, { ...ctx, allocator: 'glibc' }, { kind: 'realloc', oldBytes: A, newBytes: B }), scale: f }];
  if (B > A) moved.push({ ...faults(p, ctx, B - A, TAIL), scale: f });
  return combine('buffer-transfer', 'transfer: realloc or copy, as measured on this engine', [...moved, ...copy.map((c) => ({ ...c, scale: 1 - f }))], [
    `measured on this engine: ${Math.round(100 * f)}% of transfer() reallocates the backing store (in place, or moving the pages of a large block), the rest copies (f_js_transfer_move)`,
    'views over the old buffer are detached by transfer()',
  ]);
}

/** The engine's own work per resize (t_js_buffer), once a JS calibration measured it: one more term. */
function withEngineWork(p: Params, e: Estimate): Estimate {
  if (!(p.t_js_buffer > 0)) return e;
  const term: BreakdownTerm = { term: 't_js_buffer', label: "the JS engine's own work (buffer object, bookkeeping)", count: 1, unitNs: p.t_js_buffer, ns: p.t_js_buffer, share: 0 };
  const breakdown = [...e.breakdown.map((t) => ({ ...t })), term];
  const ns = e.ns + p.t_js_buffer;
  for (const t of breakdown) t.share = t.ns / ns;
  return { ...e, ns, breakdown, assumptions: [...e.assumptions, "the engine's own work per resize was measured by a JS calibration (t_js_buffer)"] };
}

function concat(p: Params, ctx: ModelContext, A: number, B: number): Estimate {
  if (B <= A) throw new ModelInputError(`a concat makes the buffer longer: the new size (${B} bytes) must exceed the old one (${A} bytes)`);
  return combine('concat-grow', 'concat: allocate old + chunk, copy both', [
    copyInto(p, ctx, A, B),
    { e: est(p, ctx, { kind: 'memcpy', bytes: B - A, destination: 'fresh' }) },
  ], ['concat allocates a buffer for everything and copies the old bytes and the chunk into it, on every call']);
}

// ---------------------------------------------------------------------------------------------
// Alternatives the code can switch to.

/**
 * The cheaper way to do the same growth, when there is one the code can choose:
 * - transfer() / new array + set(): a resizable buffer grown in place with resize();
 * - concat() inside a loop: collecting the chunks and concatenating once (each chunk copied once).
 * Null for the others (wasm realloc, Memory.grow, resize: nothing cheaper to switch to at the call).
 */
export function jsAlternative(p: Params, ctx: ModelContext, g: JsGrow, inLoop: boolean): Estimate | null {
  const A = g.oldBytes;
  const B = g.newBytes;
  if (A === null || B === null || !(B > A)) return null;
  if (g.primitive === 'buffer-transfer' || g.primitive === 'copy-grow') return resize(p, ctx, A, B, null);
  if (g.primitive === 'concat-grow' && inLoop) {
    return combine('concat-once', 'collect the chunks, concat once', [{ e: est(p, ctx, { kind: 'memcpy', bytes: B - A, destination: 'fresh' }) }],
      ['the chunks are kept in an array and concatenated once at the end: each chunk is copied once, into memory that faults in once']);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Constant-step growth versus doubling (MODEL-FACTS §4 item 13).

export type CopyingJsPrimitive = 'wasm-realloc' | 'buffer-transfer' | 'copy-grow' | 'concat-grow';

export function isCopyingJs(p: JsPrimitive): p is CopyingJsPrimitive {
  return p === 'wasm-realloc' || p === 'buffer-transfer' || p === 'copy-grow' || p === 'concat-grow';
}

export interface GrowthTotals {
  start: number;
  final: number;
  step: number;
  /** Growing by `step` each time: calls, bytes copied, total cost. */
  linear: { calls: number; copied: number; estimate: Estimate };
  /** Doubling from the same start to the same final size. */
  doubling: { calls: number; copied: number; estimate: Estimate };
}

/**
 * Total cost of growing a buffer from `start` to `final` bytes by `step` each call, against
 * doubling it (each call the primitive's own estimate). The sum is exact up to EXACT_STEPS calls;
 * beyond, the calls are split into EXACT_STEPS equal groups and each group is priced at its middle
 * call (the cost of one call is close to linear in its size, so the error is small and the terms
 * still add up to the total).
 */
export function growthTotals(p: Params, ctx: ModelContext, primitive: CopyingJsPrimitive, start: number, step: number, final: number): GrowthTotals {
  checkBytes(start, 'start size');
  checkBytes(step, 'step');
  checkBytes(final, 'final size');
  if (final <= start) throw new ModelInputError(`the final size (${final} bytes) must exceed the start size (${start} bytes)`);
  const calls = Math.ceil((final - start) / step);
  const one = (from: number): Estimate => estimateJs(p, ctx, { primitive, oldBytes: from, newBytes: Math.min(from + step, final) });
  const linearParts: Part[] = [];
  if (calls <= EXACT_STEPS) {
    for (let i = 0; i < calls; i++) linearParts.push({ e: one(start + i * step) });
  } else {
    for (let g = 0; g < EXACT_STEPS; g++) {
      const lo = Math.floor((g * calls) / EXACT_STEPS);
      const hi = Math.floor(((g + 1) * calls) / EXACT_STEPS);
      if (hi <= lo) continue;
      linearParts.push({ e: one(start + Math.floor((lo + hi - 1) / 2) * step), scale: hi - lo });
    }
  }
  const doublingParts: Part[] = [];
  let doublingCopied = 0;
  for (let s = start; s < final; s = Math.min(2 * s, final)) {
    doublingParts.push({ e: estimateJs(p, ctx, { primitive, oldBytes: s, newBytes: Math.min(2 * s, final) }) });
    doublingCopied += copiedPerCall(primitive, s, Math.min(2 * s, final));
  }
  // Closed form of Σ copied over the linear calls (the last call may be a partial step).
  let linearCopied = 0;
  if (primitive === 'concat-grow') linearCopied = final - start + (calls * start + (step * calls * (calls - 1)) / 2);
  else linearCopied = calls * start + (step * calls * (calls - 1)) / 2;
  const what = `${formatBytes(start)} → ${formatBytes(final)}`;
  return {
    start, final, step,
    linear: {
      calls, copied: linearCopied,
      estimate: combine('grow-by-step', `${calls} calls of ${JS_OP_SHORT[primitive]}, +${formatBytes(step)} each (${what})`, linearParts,
        [`${calls} calls, each adding ${formatBytes(step)}: every call copies the whole buffer so far, so the copying adds up to ${formatBytes(linearCopied)}`]),
    },
    doubling: {
      calls: doublingParts.length, copied: doublingCopied,
      estimate: combine('grow-doubling', `${doublingParts.length} calls of ${JS_OP_SHORT[primitive]}, doubling (${what})`, doublingParts,
        [`${doublingParts.length} calls, each doubling the size: the copying adds up to ${formatBytes(doublingCopied)}`]),
    },
  };
}

/** Bytes one call copies: concat copies the chunk too; the others copy the old contents. */
function copiedPerCall(primitive: CopyingJsPrimitive, from: number, to: number): number {
  return primitive === 'concat-grow' ? to : Math.min(from, to);
}
