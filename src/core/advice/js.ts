// Findings for TypeScript/JavaScript resize sites (CallSite.callee a JsPrimitive; the FFI calls of
// C realloc/mremap are C primitives and go through the C rules). Cost findings take their severity
// from the model's ratio against the cheaper way the code could do the same (src/core/model/js.ts);
// the correctness rules (a resize that throws, views a transfer detaches) are fixed-severity.
import type { CallSite, EstimateSummary, Finding, JsPrimitive, Severity, SizeValue } from '../types';
import {
  estimateJs, formatBytes, formatNs, formatRatio, growthTotals, isCopyingJs, jsAlternative, jsOpShort,
  LINEAR_GROWTH_ILLUSTRATION_BYTES,
  type Estimate, type GrowthTotals, type JsGrow, type ModelContext, type Profile,
} from '../model';

export const JS_RULES = {
  jsGrowCost: 'js-grow-cost',
  jsLinearGrowth: 'js-linear-growth',
  resizeNotResizable: 'resize-not-resizable',
  resizeOutOfRange: 'resize-out-of-range',
  transferDetachedView: 'transfer-detached-view',
} as const;

/** Default severity of each JS rule; for the model-driven two, the strongest they reach. */
export const JS_SEVERITY: Record<string, Severity> = {
  'js-grow-cost': 'hint',
  'js-linear-growth': 'warning',
  'resize-not-resizable': 'error',
  'resize-out-of-range': 'error',
  'transfer-detached-view': 'warning',
};

/** What the JS rules need from adviseSites. */
export interface JsAdvice {
  profile: Profile;
  ctx: ModelContext;
  ratio: number;
  /** "single-threaded, x86-64 profile". */
  where: string;
  verdict: (estimateNs: number, alternativeNs: number, warnRatio: number) => Severity;
}

function summary(e: Estimate): EstimateSummary {
  return { op: e.op, ns: e.ns, breakdown: e.breakdown, assumptions: e.assumptions };
}

/** A size the model can use: a whole number of bytes from 0 (lengths may be zero) to 2^48. */
function bytesOf(v: SizeValue | null | undefined): number | null {
  const b = v?.bytes;
  return typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 2 ** 48 ? b : null;
}

function positive(v: SizeValue | null | undefined): number | null {
  const b = bytesOf(v);
  return b !== null && b >= 1 ? b : null;
}

function make(site: CallSite, rule: string, severity: Severity, message: string, est: Estimate | null = null, alt: Estimate | null = null, inputs: string[] = []): Finding {
  const estimate = est ? summary(est) : null;
  if (estimate) estimate.assumptions = [...inputs, ...(estimate.assumptions ?? [])];
  return { site, rule, severity, message, estimate, alternative: alt ? summary(alt) : null };
}

function name(site: CallSite): string {
  return `\`${site.name}\``;
}

function sizeWords(label: string, v: SizeValue, b: number): string {
  return `${label} \`${v.text}\` = ${formatBytes(b)} (${v.note})`;
}

/** The sizes of one call as far as the site says, and how each was found. */
interface Sizes {
  grow: JsGrow;
  /** Plain words for the estimate's assumptions (the inputs first). */
  inputs: string[];
  /** Words for the message when the old size was assumed. */
  assumedOld: string | null;
  /** Why an estimate cannot be made (a size is missing). */
  missing: string | null;
}

function sizes(site: CallSite): Sizes {
  const js = site.js;
  const callee = site.callee as JsPrimitive;
  const inputs: string[] = [];
  let oldB = bytesOf(site.oldSize);
  let newB = bytesOf(site.newSize);
  const step = positive(js?.step);
  const delta = positive(js?.delta);
  if (oldB !== null) inputs.push(sizeWords('old size', site.oldSize!, oldB));
  if (newB !== null) inputs.push(sizeWords('new size', site.newSize!, newB));
  if (step !== null) inputs.push(sizeWords('step', js!.step!, step));
  if (delta !== null) inputs.push(sizeWords('bytes added', js!.delta!, delta));
  let assumedOld: string | null = null;
  if (oldB === null && newB !== null && step !== null && newB > step) {
    oldB = newB - step;
    inputs.push(`old size ${formatBytes(oldB)}: the new size less the step`);
  }
  if (newB === null && oldB !== null && step !== null) {
    newB = oldB + step;
    inputs.push(`new size ${formatBytes(newB)}: the old size plus the step`);
  }
  if (oldB === null && newB !== null && newB >= 2 && callee !== 'buffer-resize' && callee !== 'memory-grow') {
    // As realloc-cost does: the old size is no argument here, so the estimate says what it assumed.
    oldB = Math.floor(newB / 2);
    assumedOld = 'the old size is not known: half the new size assumed';
    inputs.push(`old size ${formatBytes(oldB)} assumed (half the new size): the code does not say it`);
  }
  const grow: JsGrow = { primitive: callee, oldBytes: oldB, newBytes: newB, deltaBytes: delta, shared: js?.shared ?? null };
  let missing: string | null = null;
  if (callee === 'memory-grow') {
    if (delta === null && (oldB === null || newB === null)) missing = js?.delta ? whyUnknown(js.delta) : 'the number of pages added is not known';
  } else if (newB === null) missing = site.newSize ? whyUnknown(site.newSize) : 'the length after the call is not known';
  else if (oldB === null) missing = site.oldSize ? whyUnknown(site.oldSize) : 'the length before the call is not known';
  return { grow, inputs, assumedOld, missing };
}

function whyUnknown(v: SizeValue): string {
  if (v.bytes === null) return v.note;
  return `${v.text} = ${v.bytes} bytes is not a size a process can allocate (0 … 2^48)`;
}

/** What the call does, in the message's words: the subject before "costs about", and what follows it. */
function what(g: JsGrow, assumed: string | null): [string, string] {
  const A = g.oldBytes !== null ? formatBytes(g.oldBytes) : '?';
  const B = g.newBytes !== null ? formatBytes(g.newBytes) : '?';
  const from = assumed ? ` (${assumed})` : '';
  switch (g.primitive) {
    case 'wasm-realloc':
      return g.newBytes! <= g.oldBytes!
        ? [`shrinking a block of WebAssembly linear memory from ${A} to ${B}`, ' (in place)']
        : [`growing a block of WebAssembly linear memory from ${A} to ${B}${from}`, `: the module's allocator allocates, copies ${A} and frees, since linear memory has no mremap; the block grows in place only when free space follows it, which is not known here`];
    case 'memory-grow': {
      const added = `adding ${formatBytes(g.deltaBytes ?? g.newBytes! - g.oldBytes!)} of linear memory`;
      return [g.oldBytes !== null && g.newBytes !== null ? `${added} (${A} → ${B})` : added, ', mostly first-touch faults as the new pages are written'];
    }
    case 'buffer-resize':
      return g.newBytes! >= g.oldBytes!
        ? [`growing the buffer in place from ${A} to ${B}`, ': pages are committed, then fault in when written; no copy on V8 and SpiderMonkey, which reserve maxByteLength up front (other engines: not known)']
        : [`shrinking the buffer in place from ${A} to ${B}`, ''];
    case 'buffer-transfer':
      return [`transferring ${A} into ${B}${from}`, ', modelled as a copy into new memory (engine behaviour not known: an engine may move the pages instead, which costs less)'];
    case 'copy-grow':
      return [`a new ${B} array filled from the old ${A}${from}`, ' (a copy on every engine)'];
    case 'concat-grow':
      return [`appending ${formatBytes(g.newBytes! - g.oldBytes!)} to ${A}${from}`, `: concat allocates ${B} and copies all of it`];
  }
}

const ALTERNATIVE_WORDS: Partial<Record<string, string>> = {
  'buffer-resize': 'a resizable buffer (`new ArrayBuffer(n, { maxByteLength })`) grown in place with resize()',
  'concat-once': 'collecting the chunks in an array and concatenating once at the end (each chunk copied once)',
};

function costFinding(site: CallSite, a: JsAdvice): Finding {
  const s = sizes(site);
  const callee = site.callee as JsPrimitive;
  if (s.missing !== null) return unknownCost(site, a, s.missing);
  if (s.grow.oldBytes === 0 && isCopyingJs(callee)) {
    return make(site, JS_RULES.jsGrowCost, 'hint', `${name(site)}: the buffer is empty before this call, so nothing is copied; the new ${formatBytes(s.grow.newBytes!)} cost first-touch page faults as they are written (${a.where}).`);
  }
  const est = estimateJs(a.profile.params, a.ctx, s.grow);
  const alt = jsAlternative(a.profile.params, a.ctx, s.grow, site.inLoop);
  const [subject, detail] = what(s.grow, s.assumedOld);
  const head = `${name(site)}: ${subject} costs about ${formatNs(est.ns)}${detail}`;
  if (!alt) {
    const memory = callee === 'memory-grow' && site.js?.shared !== true ? movedMemory(s.grow, a) : '';
    return make(site, JS_RULES.jsGrowCost, 'hint', `${head} (${a.where}).${memory}`, est, null, s.inputs);
  }
  const sev = a.verdict(est.ns, alt.ns, a.ratio);
  const altShort = jsOpShort(alt.op) ?? alt.op;
  const cmp = Math.max(est.ns, alt.ns) < 1.05 * Math.min(est.ns, alt.ns)
    ? 'about the same'
    : alt.ns < est.ns
      ? `${altShort} is ${formatRatio(est.ns / alt.ns)} cheaper${sev === 'warning' ? '' : `, within the ${a.ratio}× warning ratio`}`
      : `${jsOpShort(est.op) ?? est.op} is ${formatRatio(alt.ns / est.ns)} cheaper`;
  return make(site, JS_RULES.jsGrowCost, sev,
    `${head}; ${ALTERNATIVE_WORDS[alt.op] ?? altShort} would cost about ${formatNs(alt.ns)} (${cmp}; ${a.where}).`, est, alt, s.inputs);
}

/** Memory.grow of a memory that may move: said as not known, with the copy it would be when the old size is known. */
function movedMemory(g: JsGrow, a: JsAdvice): string {
  const A = g.oldBytes;
  const copy = A !== null && A >= 1 && g.newBytes !== null && g.newBytes > A
    ? `: about ${formatNs(estimateJs(a.profile.params, a.ctx, { primitive: 'copy-grow', oldBytes: A, newBytes: g.newBytes }).ns)} in all for these ${formatBytes(A)}`
    : '';
  return ` Whether the engine grows this memory without copying it is not known: 64-bit V8 and SpiderMonkey reserve its address space up front and do; otherwise grow copies the whole memory${copy}.`;
}

const SCALE_FROM = 1024 * 1024;

/** No size: the cost of one illustrative growth (1 MiB → 2 MiB) for scale, said as such. */
function unknownCost(site: CallSite, a: JsAdvice, why: string): Finding {
  const callee = site.callee as JsPrimitive;
  const g: JsGrow = callee === 'memory-grow'
    ? { primitive: callee, oldBytes: null, newBytes: null, deltaBytes: SCALE_FROM, shared: site.js?.shared ?? null }
    : { primitive: callee, oldBytes: SCALE_FROM, newBytes: 2 * SCALE_FROM, shared: site.js?.shared ?? null };
  const e = estimateJs(a.profile.params, a.ctx, g);
  const scale = callee === 'memory-grow' ? `adding ${formatBytes(SCALE_FROM)}` : `${formatBytes(SCALE_FROM)} → ${formatBytes(2 * SCALE_FROM)}`;
  const engine = callee === 'buffer-transfer' ? ' (engine behaviour not known: modelled as a copy)' : '';
  return {
    ...make(site, JS_RULES.jsGrowCost, 'hint',
      `${name(site)}: size not known statically (${why}). For scale: ${scale} costs about ${formatNs(e.ns)} here${engine} (${a.where}).`),
    unsized: true,
  };
}

/** The finding's word on the quick fix: offered, or why not. */
function fixNote(site: CallSite): string {
  const g = site.js?.growthExpr;
  if (!g) return '';
  if (g.safeToRewrite) return ` Quick fix: grow geometrically (at least double) instead of \`${g.text}\`.`;
  return ` No quick fix is offered for \`${g.text}\`: ${g.whyNot ?? 'rewriting it could change what the code does'}.`;
}

function linearFinding(site: CallSite, a: JsAdvice): Finding | null {
  const callee = site.callee as JsPrimitive;
  if (!isCopyingJs(callee) || !site.inLoop) return null;
  const step = positive(site.js?.step);
  if (step === null && site.growth !== 'linear') return null;
  const concat = callee === 'concat-grow';
  const does = concat ? 'appends to the buffer inside a loop' : 'grows the buffer by a constant step inside a loop';
  const cost = ': every call copies the whole buffer so far, so the total copying grows with the square of the final size.';
  const advice = concat
    ? ' Collect the chunks in an array and concatenate once at the end (or copy them into a buffer grown geometrically), which makes the total linear.'
    : ' Grow the capacity geometrically (×1.5 or ×2) and keep the used length apart, which makes the total linear.';
  const head = `${name(site)} ${does}${cost}`;
  if (step === null) {
    const why = site.js?.step ? ` (the step \`${site.js.step.text}\` is not known: ${site.js.step.note})` : '';
    return make(site, JS_RULES.jsLinearGrowth, 'warning', `${name(site)} ${does}${why}${cost}${advice}${fixNote(site)}`);
  }
  const start = positive(site.oldSize) ?? step;
  const max = positive(site.js?.maxBytes);
  const final = max !== null && max > start ? max : Math.max(LINEAR_GROWTH_ILLUSTRATION_BYTES, 16 * step, 16 * start);
  const endWords = max !== null && max > start ? 'its maxByteLength' : 'an illustration: where it ends is not known statically';
  const t = cachedTotals(a, callee, start, step, final);
  const L = t.linear.estimate;
  const D = t.doubling.estimate;
  const sev = a.verdict(L.ns, D.ns, a.ratio);
  const cmp = D.ns < L.ns ? `${formatRatio(L.ns / D.ns)} cheaper` : 'no cheaper here';
  return make(site, JS_RULES.jsLinearGrowth, sev,
    `${head} Growing from ${formatBytes(start)} to ${formatBytes(final)} (${endWords}) by ${formatBytes(step)} takes ${t.linear.calls} calls copying ${formatBytes(t.linear.copied)} in all, about ${formatNs(L.ns)}; doubling takes ${t.doubling.calls} calls copying ${formatBytes(t.doubling.copied)}, about ${formatNs(D.ns)} (${cmp}; ${a.where}).${advice}${fixNote(site)}`,
    L, D);
}

// One adviseSites call shares one context: loops with the same step and sizes (common in a
// project) are summed once (≈13 ms each for 256 groups of calls).
const totalsCache = new WeakMap<ModelContext, Map<string, GrowthTotals>>();

function cachedTotals(a: JsAdvice, callee: Parameters<typeof growthTotals>[2], start: number, step: number, final: number): GrowthTotals {
  let m = totalsCache.get(a.ctx);
  if (!m) totalsCache.set(a.ctx, (m = new Map()));
  const key = `${callee}|${start}|${step}|${final}`;
  let t = m.get(key);
  if (!t) m.set(key, (t = growthTotals(a.profile.params, a.ctx, callee, start, step, final)));
  return t;
}

const EVIDENCE: Record<string, string> = {
  type: 'its declared type',
  syntax: 'the constructor call in this file',
};

function correctness(site: CallSite): Finding[] {
  const js = site.js;
  if (!js) return [];
  const out: Finding[] = [];
  const sab = site.name === 'grow' || /\.grow$/.test(site.name);
  if (site.callee === 'buffer-resize' && js.resizable === false && (js.evidence === 'type' || js.evidence === 'syntax')) {
    out.push(make(site, JS_RULES.resizeNotResizable, JS_SEVERITY['resize-not-resizable']!, sab
      ? `${name(site)} throws a TypeError: the SharedArrayBuffer was created without \`maxByteLength\` (so says ${EVIDENCE[js.evidence]}), so it cannot grow. Create it with \`new SharedArrayBuffer(length, { maxByteLength: max })\`.`
      : `${name(site)} throws a TypeError: the ArrayBuffer was created without \`maxByteLength\` (so says ${EVIDENCE[js.evidence]}), so it is not resizable. Create it with \`new ArrayBuffer(length, { maxByteLength: max })\` to resize it in place, or use \`transfer(n)\`, which copies.`));
  }
  if (site.callee === 'buffer-resize') {
    const n = bytesOf(site.newSize);
    const max = bytesOf(js.maxBytes);
    const old = bytesOf(site.oldSize);
    if (n !== null && max !== null && n > max) {
      out.push(make(site, JS_RULES.resizeOutOfRange, JS_SEVERITY['resize-out-of-range']!,
        `${name(site)} throws a RangeError: the new length ${formatBytes(n)} (\`${site.newSize!.text}\`) is above the buffer's maxByteLength of ${formatBytes(max)} (\`${js.maxBytes!.text}\`). Create the buffer with a larger maxByteLength, or cap the length.`));
    } else if (sab && js.shared === true && n !== null && old !== null && n < old) {
      out.push(make(site, JS_RULES.resizeOutOfRange, JS_SEVERITY['resize-out-of-range']!,
        `${name(site)} throws a RangeError: SharedArrayBuffer.grow() cannot shrink (${formatBytes(old)} → ${formatBytes(n)}). Keep the length and track the used part apart.`));
    }
  }
  const stale = js.staleViews ?? [];
  if (stale.length) {
    const list = stale.map((v) => `\`${v}\``).join(', ');
    const by = site.callee === 'memory-grow' ? 'Memory.grow() detaches the old `memory.buffer`' : site.callee === 'buffer-transfer' ? 'transfer() detaches the old buffer' : 'this call detaches the old buffer';
    out.push(make(site, JS_RULES.transferDetachedView, JS_SEVERITY['transfer-detached-view']!,
      `${by}, but ${list} ${stale.length === 1 ? 'is a view' : 'are views'} over it still used after this call: a detached view has length 0, reads give undefined and writes are lost (methods throw a TypeError). Make the view${stale.length === 1 ? '' : 's'} again over the new buffer after the call.`));
  }
  return out;
}

/** Findings for one JS-primitive site. Never throws: a model refusal becomes a hint saying why. */
export function adviseJsSite(site: CallSite, a: JsAdvice): Finding[] {
  const out: Finding[] = [];
  try {
    out.push(costFinding(site, a));
  } catch (e) {
    out.push(make(site, JS_RULES.jsGrowCost, 'hint', `${name(site)}: no estimate (${(e as Error).message}).`));
  }
  try {
    const l = linearFinding(site, a);
    if (l) out.push(l);
  } catch (e) {
    out.push(make(site, JS_RULES.jsLinearGrowth, 'warning', `${name(site)} grows the buffer by a constant step inside a loop (quadratic copying); no estimate (${(e as Error).message}).`));
  }
  out.push(...correctness(site));
  return out;
}
