// Shared vocabulary of the engine. Every layer (analysis, model, advice, CLI, editor) speaks in
// these types, so a value's unit and meaning travel with it.

/** A byte count. Always a non-negative integer when known. */
export type Bytes = number;
/** A duration in nanoseconds. */
export type Nanoseconds = number;

export type Language = 'c' | 'ts';

/** The C function that finally moves memory. */
export type CPrimitive = 'realloc' | 'reallocarray' | 'reallocf' | 'mremap';

/**
 * What finally resizes memory in TypeScript/JavaScript (src/core/analysis/ts). FFI calls of the C
 * functions (koffi, ffi-napi, bun:ffi) are C primitives (`realloc`, `mremap`) with `language: 'ts'`.
 * - `wasm-realloc`: a WebAssembly module's allocator export (`__wbindgen_realloc`, `_realloc`,
 *   `Module._realloc`, `instance.exports.realloc`): the module's own allocator in linear memory.
 * - `memory-grow`: `WebAssembly.Memory.prototype.grow(deltaPages)`.
 * - `buffer-transfer`: `ArrayBuffer.prototype.transfer(n)` / `transferToFixedLength(n)`.
 * - `buffer-resize`: `ArrayBuffer.prototype.resize(n)`, `SharedArrayBuffer.prototype.grow(n)`.
 * - `copy-grow`: a new, larger typed array / Buffer filled from the old one
 *   (`const b = new Uint8Array(n); b.set(old)`).
 * - `concat-grow`: `buf = Buffer.concat([buf, chunk])` (or a typed-array concat) assigned back.
 */
export type JsPrimitive = 'wasm-realloc' | 'memory-grow' | 'buffer-transfer' | 'buffer-resize' | 'copy-grow' | 'concat-grow';

/** The operation that finally moves memory. */
export type Primitive = CPrimitive | JsPrimitive;

export const JS_PRIMITIVES: readonly JsPrimitive[] = ['wasm-realloc', 'memory-grow', 'buffer-transfer', 'buffer-resize', 'copy-grow', 'concat-grow'];

export function isJsPrimitive(p: Primitive): p is JsPrimitive {
  return (JS_PRIMITIVES as readonly string[]).includes(p);
}

/**
 * - `direct-call`: the primitive itself is called here.
 * - `wrapper-call`: a resize wrapper (a function or macro whose parameters decide the pointer and
 *   the new size), or a function pointer set to one, is called here.
 * - `reference`: the primitive's name is used as a value (`cb = realloc;`), not called.
 * - `helper-call`: inside a loop, a call of a helper that grows memory it owns by a constant step
 *   (append one element, reserve n more bytes; see `ResizeHelper`). Not a resize site of its own
 *   (the helper's inner call is); reported only because the loop makes the total copying quadratic.
 */
export type CallKind = 'direct-call' | 'wrapper-call' | 'reference' | 'helper-call';

export type Growth = 'linear' | 'geometric';

/** 1-based line and column, as editors and compilers print them. Column counts UTF-16 units. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
  /** Offsets into the JavaScript string (UTF-16 code units), as web-tree-sitter reports them. */
  startOffset: number;
  endOffset: number;
}

/** The outcome of evaluating a size expression: a number of bytes, or an honest "unknown". */
export interface SizeValue {
  /** Bytes when the expression could be evaluated, otherwise null. */
  bytes: Bytes | null;
  /** The source text of the argument as written. */
  text: string;
  /** How it was evaluated ("4 * PAGE_SIZE = 4 × 4096"), or why it is unknown ("`n` is a runtime value"). */
  note: string;
}

/** One place in the source where memory may be moved. */
export interface CallSite {
  file: string;
  language: Language;
  /** The primitive at the end of the chain. */
  callee: Primitive;
  kind: CallKind;
  /** Wrapper chain from the call site to the primitive, outermost first; empty for direct calls. */
  via: string[];
  /** The name as written at the site (`xrealloc`, `REALLOC_ARRAY`, `realloc`). */
  name: string;
  /** Range of the name at the call site (findings point here). */
  nameRange: Range;
  /** Range of the whole call expression (or of the reference). */
  range: Range;
  /** mremap: old_size. realloc: null (the old size is not an argument). */
  oldSize: SizeValue | null;
  /** mremap: new_size. realloc: size. reallocarray: nmemb * size. */
  newSize: SizeValue | null;
  /** mremap flags by name when recoverable; null when the flag argument could not be evaluated. */
  flags: string[] | null;
  growth: Growth | null;
  /** True when the call sits inside a for/while/do loop of its function. */
  inLoop: boolean;
  /** `p = realloc(p, n)`: the text of the left-hand side when it equals the first argument. */
  assignedBackTo: string | null;
  /** Enclosing preprocessor condition(s), e.g. ["#if HAVE_MREMAP"], for calls inside #if branches. */
  conditions: string[];
  /** Name of the enclosing function, if any. */
  enclosingFunction: string | null;
  /**
   * Present and true when the call goes through a wrapper that does not return on failure
   * (xrealloc-style: it aborts/exits/dies), so the result is never NULL/MAP_FAILED.
   */
  diesOnFailure?: boolean;
  /**
   * What the called wrapper does when the resize fails, worked out from its body
   * (WrapperDef.onFailure); absent for direct calls and where it is not known.
   */
  onFailure?: FailureContract;
  /**
   * What the syntax tree says around the call, for the correctness rules and quick fixes
   * (src/core/analysis/c/siteFacts.ts). Absent for references and for sites not built from a C
   * tree. Plain data: it travels from CLI workers like the rest of the site.
   */
  facts?: SiteFacts;
  /** TS/JS only: what the syntax (and declared types) say about the call. Absent for C. */
  js?: JsFacts;
  /**
   * The statement or full expression the call is part of (a condition's parentheses, a `for`
   * header): inlay hints go after its end, never inside an expression. Absent: after `range`.
   */
  hintAfter?: Range;
  /**
   * Sites inside a `ResizeHelper` (a function that resizes memory it owns): how many calls of
   * that function the project scan found, each of which may reach this resize. Absent elsewhere
   * and where no project scan ran.
   */
  callers?: number;
  /** The pointer argument is a null pointer constant (`realloc(NULL, n)`): the call allocates, nothing is resized or copied. */
  allocates?: boolean;
  /** References only: the function pointer the name is stored into here (`g->frealloc`, `.reallocFn`, `store_realloc`). */
  storedInto?: string;
  /** References only: the function the name is handed to here (`lua_newstate`), which may store it. */
  passedTo?: string;
}

/**
 * What a TS/JS call site says beyond its sizes. `newSize` is the size after the call (bytes);
 * `oldSize` the size before when known (wasm `__wbindgen_realloc(ptr, old, new, align)` has it).
 */
export interface JsFacts {
  /** How the call reaches memory: an FFI library, WebAssembly glue, or a built-in of the JS engine. */
  route: 'koffi' | 'ffi-napi' | 'bun:ffi' | 'wasm-bindgen' | 'emscripten' | 'wasm-exports' | 'builtin';
  /** buffer-resize / buffer-transfer: the buffer was created resizable (`maxByteLength`); null: not known. */
  resizable?: boolean | null;
  /** memory-grow, SharedArrayBuffer.grow: the memory is shared; null: not known. */
  shared?: boolean | null;
  /** `maxByteLength` / Memory `maximum` in bytes, when written. */
  maxBytes?: SizeValue | null;
  /** Where `resizable`/`shared` were decided: a declared type, a constructor seen in the file, or nothing. */
  evidence?: 'type' | 'syntax' | 'none';
  /** memory-grow: bytes added (`delta` pages × 64 KiB). */
  delta?: SizeValue | null;
  /** A constant step added at each growth (`old.length + 1024`, `chunk` in a concat loop): linear growth. */
  step?: SizeValue | null;
  /** Element size of the typed array involved (1 for Uint8Array/Buffer, 8 for Float64Array). */
  elementBytes?: number;
  /** buffer-transfer: names of views over the old buffer still used after the call (they are detached). */
  staleViews?: string[];
  /**
   * The new-size expression as written, where a fix may replace it by geometric growth
   * (`old.length + 1024`); absent when no rewrite is safe (the size is observable, e.g. `.length` read later).
   */
  growthExpr?: { range: Range; text: string; safeToRewrite: boolean; whyNot?: string };
}

/** One argument of a call as written. */
export interface ArgFact {
  text: string;
  range: Range;
}

/** A replacement the analysis worked out on the tree (a fix applies it as a text edit). */
export interface TextReplacement {
  range: Range;
  /** The text found there when the analysis ran (a fix checks it is still there). */
  text: string;
  newText: string;
}

/** Syntax facts about one call site; every field optional, absent when it does not apply. */
export interface SiteFacts {
  /** Arguments of the call as written at the site (in the caller's order). */
  args?: ArgFact[];
  /**
   * The statement whose whole value is the call (through casts and parentheses):
   * `assign`: `lhs = call;`, `declare`: `T lhs = call;` (one declarator), `call`: `call;`.
   */
  statement?: {
    form: 'assign' | 'declare' | 'call';
    range: Range;
    /** Leading whitespace of the statement's first line. */
    indent: string;
    /** The assigned or declared name (`v->items`, `q`); absent for `call`. */
    target?: string;
    /** The statement sits directly in a `{ … }` block (so statements can be added beside it). */
    inBlock: boolean;
    /** Range of the call expression inside the statement's value (the part a fix replaces by a temporary). */
    callRange: Range;
  };
  /**
   * The statement right after (same block, nothing in between) tests `target` for failure:
   * `if (!p) …`, `if (p == NULL) …` (`MAP_FAILED` for mremap), with no `else`.
   */
  nextCheck?: {
    range: Range;
    /** The `if`'s body as written (a `{ … }` block or one statement). */
    body: ArgFact;
    /** The body always leaves (return, goto, break, continue, exit/abort/die-like call at its end). */
    leaves: boolean;
    /** The body ends the program (exit/abort/die-like call at its end): nothing is left to leak. */
    dies?: boolean;
    /** The body reads `target` other than to free it. */
    readsTarget: boolean;
  };
  /** `p = realloc(p, n)` with the old pointer copied earlier in the function (`old = p;`). */
  oldPointerSaved?: boolean;
  /**
   * A function wrapper stores the result back itself (`grow(&buf, n)` doing `*pp = realloc(*pp, n)`):
   * whether that leaks is decided, and reported, at the wrapper's own call.
   */
  assignedInWrapper?: boolean;
  /** mremap's result compared with NULL/0 (or tested for truth): the expressions and what makes each compare with MAP_FAILED. */
  nullChecks?: TextReplacement[];
  /** mremap's result compared with MAP_FAILED somewhere (then a NULL test is only redundant). */
  checksMapFailed?: boolean;
  /** The size argument is `a * b` of runtime values with no overflow check before it in the function. */
  uncheckedMultiply?: { left: string; right: string; range: Range };
  /** mremap: the pointer argument was set from `mmap(…, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, …)` earlier in the function. */
  sourceAnonymousPrivate?: boolean;
  /*
   * failureEnds, oldBlockHeldBy, oldBlockFreed: what the failure path shows, read only where the
   * leak rule could still fire (advice/correctness.ts `cannotLeakOnFailure` is false: not through
   * a wrapper that dies, frees or hands back the old block, not reallocf, not a zero size).
   */
  /**
   * The failure path of `p = f(p, n)` ends the program: a failure check then a call that does not
   * return (exit, abort, a `noreturn` function or one that ends in such a call), or an assertion
   * of `p` that aborts (`assert(p)`, `cl_assert(p)`). Nothing is left to leak.
   */
  failureEnds?: 'call' | 'assertion';
  /**
   * Where the failure path of `p = f(p, n)` ends, another pointer still holds the old block:
   * `caller` when p is a parameter the function returns (its caller keeps the old pointer), or
   * the lvalue p was copied from (`char *p = s->buf;`) when the path leaves it untouched.
   */
  oldBlockHeldBy?: string;
  /**
   * The failure path of `p = f(p, n)` frees the old block through the copy p was taken from
   * (`PendingList *p = *pp; … p = realloc(p, n); if (!p) { free(*pp); *pp = 0; return ERR; }`).
   */
  oldBlockFreed?: boolean;
  /**
   * Suppression comments that apply to this site's line (`pagecost-ignore-next-line`,
   * `pagecost-ignore-line`, NOLINT): rule ids, or `*` for every rule.
   */
  suppressed?: string[];
}

/**
 * What a resize function or wrapper does when the resize fails:
 * - `null`: returns NULL (MAP_FAILED for mremap) and keeps the old block: `p = f(p, n)` loses it.
 * - `null-freed`: returns NULL after freeing the old block (reallocf, curl's saferealloc style).
 * - `old`: returns the old pointer, still valid: `p = f(p, n)` keeps it.
 * - `dies`: does not return (exits, aborts, or calls a function that does).
 */
export type FailureContract = 'null' | 'null-freed' | 'old' | 'dies';

/**
 * A resize wrapper: a function or macro whose parameters decide the pointer and the new size
 * (the size is an expression of its parameters, also through `*param`, and constants), passing
 * them on to a primitive or another wrapper; or one the project's config names. Its callers'
 * calls are resize sites. `pointer`: a function pointer (a variable, or a struct field) that the
 * scan saw set to a primitive or a wrapper; calls through it are sites like a wrapper's.
 */
export interface WrapperDef {
  /** The function or macro name; for a pointer, the variable's or the field's name. */
  name: string;
  kind: 'function' | 'macro' | 'config' | 'pointer';
  /** Primitive reached in the end. */
  callee: Primitive;
  /** Chain below this wrapper (not including itself), outermost first. */
  via: string[];
  /**
   * Which of the wrapper's parameters feed the primitive's arguments: for realloc,
   * `{ ptr: 0, size: 1 }` means parameter 0 is the pointer and parameter 1 the size.
   * A value of -1 means that argument is not a plain parameter (computed inside the wrapper).
   */
  params: { ptr: number; size: number; oldSize?: number; count?: number; flags?: number };
  /** True when the wrapper cannot return NULL on failure (it aborts: xrealloc-style). */
  diesOnFailure: boolean;
  /**
   * What a call returns when the resize inside fails, read from the wrapper's body
   * (src/core/analysis/c/failureContract.ts); absent when the body does not show it.
   * `dies` implies `diesOnFailure`.
   */
  onFailure?: FailureContract;
  file: string | null;
  line: number | null;
  /** The wrapper's parameter names in order (macro or function parameters; [] for object-like macros). */
  paramNames?: string[];
  /**
   * Macros only. `function`: function-like; `object`: object-like whose body makes the call (used
   * without an argument list); `alias`: object-like whose body is just another callee's name
   * (`#define s_realloc zrealloc`), used exactly like that callee.
   */
  macroForm?: 'function' | 'object' | 'alias';
  /**
   * For primitive arguments whose `params` index is -1: the argument as an expression over
   * `paramNames` (`st_mult(sizeof(*(x)), (n))`); a call site substitutes its own arguments.
   */
  argExprs?: Partial<Record<'size' | 'count' | 'oldSize' | 'flags', string>>;
  /** Why an argument with index -1 and no `argExprs` entry cannot be evaluated at call sites. */
  argNotes?: Partial<Record<'size' | 'count' | 'oldSize' | 'flags', string>>;
  /** The wrapper stores the result back into the caller's pointer (`(x) = xrealloc((x), …)`, `*pp = realloc(*pp, n)`). */
  assignsBack?: boolean;
  /** The pointer parameter is a pointer to the resized pointer (`void **pp`, called as `grow(&buf, n)`). */
  ptrThroughPointer?: boolean;
  /** A `static` function or a macro defined in a .c file: it applies only to call sites in `file`. */
  fileLocal?: boolean;
  /** Kind `pointer`: what the pointer is and what it was set to; `file`/`line` are where. */
  pointer?: FunctionPointer;
  /**
   * The resize inside goes through a call of a function-pointer field (`cfg.m.xResize(p, n)`):
   * that call as plain data, so that once every wrapper round is done the scan picks the store
   * again with all stores known (`via` first named the store seen then, maybe a same-named field
   * of another struct type).
   */
  fieldCall?: FieldCallFacts;
  /**
   * Macros: the size parameter is only ever stepped before the resize (`(cap) += (step)`, also
   * in a loop until it fits) — by a number, or by the parameter that passes the step. A use in a
   * loop with a constant step is constant-step (linear) growth.
   */
  sizeStep?: { by: number } | { byParam: number };
}

/** A call through a function-pointer field, as the scan saw it in a wrapper's or helper's body. */
export interface FieldCallFacts {
  /** The field's name (`xResize`). */
  field: string;
  /** The pointer as written (`cfg.m.xResize`). */
  chain: string;
  /** Arguments the call passes. */
  args: number;
  /** The struct type of the object, when the code shows it. */
  struct?: string;
  /** The object is a member of a declared object (`cfg.mem`): its type is not followed, so a name match is a guess. */
  nested?: boolean;
}

/** A function pointer the scan saw set to a primitive or a resize wrapper. */
export interface FunctionPointer {
  /** `field`: a struct member (`g->frealloc`), matched by name (and struct type where both sides show it); `variable`: a plain variable. */
  form: 'field' | 'variable';
  /** The struct type the field belongs to, when the assignment shows it (`global_State`). */
  struct?: string;
  /** The function it was set to (`l_alloc`, `realloc`). */
  target: string;
  /** The assignment as the scan saw it, for `via` (`g->frealloc = l_alloc`). */
  text: string;
  /** The target's parameter count when known: a call through the pointer must pass as many arguments. */
  arity?: number;
  /** A local variable: the function it belongs to (only calls there go through it). */
  function?: string;
  /** The file where `target` was seen (a `static` target is that file's), when not the pointer's own. */
  targetFile?: string;
}

/**
 * A function that resizes memory it owns: the new size comes from its own state (`v->len + 1`,
 * a header inside the block, a value its own loop computes), not from its parameters. It is not
 * a resize wrapper: its own resizing call is the site, and its callers' calls are not.
 */
export interface ResizeHelper {
  name: string;
  file: string;
  line: number;
  /** `static`: only calls in `file` reach it. */
  fileLocal?: boolean;
  /** The primitive its resizing call reaches. */
  callee: Primitive;
  /** The chain below the helper's resizing call, outermost first (`['xrealloc']`; [] for a direct realloc). */
  via: string[];
  /** Why it is not a wrapper, in words ("reads `v->len`, the bookkeeping of the object it grows"). */
  why: string;
  /** Its resize goes through a call of a function-pointer field (see WrapperDef.fieldCall). */
  fieldCall?: FieldCallFacts;
  /**
   * Each call grows by a constant step (append one element, reserve n more bytes), outside any
   * loop of its own: a loop of calls copies the whole block again and again (quadratic total).
   */
  linearStep?: boolean;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** One line of a cost breakdown: "33 × INVLPG at 0.1 µs". */
export interface BreakdownTerm {
  /** Stable parameter/term id from the model (`c_invlpg`). */
  term: string;
  /** Plain words ("per-page TLB invalidation"). */
  label: string;
  count: number;
  unitNs: Nanoseconds;
  ns: Nanoseconds;
  /** Fraction of the total, 0..1. */
  share: number;
}

/** A modelled cost of one operation, small enough to travel in JSON and hovers. */
export interface EstimateSummary {
  /** Operation name as `pagecost explain --op` spells it (`mremap-move`, `memcpy-warm`, ...). */
  op: string;
  ns: Nanoseconds;
  breakdown: BreakdownTerm[];
  /** Plain-words assumptions the number rests on (threads, pages, alignment, profile). */
  assumptions?: string[];
}

/** A message about one call site, ready for any output (diagnostic, CLI line, SARIF result). */
export interface Finding {
  site: CallSite;
  /** Stable rule id (`mremap-slower-than-memcpy`); documented in docs/RULES.md. */
  rule: string;
  severity: Severity;
  message: string;
  /** What the call is modelled to cost, when its size is known. */
  estimate: EstimateSummary | null;
  /** What the cheaper or usual alternative is modelled to cost. */
  alternative: EstimateSummary | null;
  /**
   * A cost hint for a size known only at run time: it gives the crossover, not a price. The
   * CLI's text output counts these and lists them with --verbose (the editor's inlay hints show
   * them only with pagecost.hints.unknownSizes). Not in the JSON output (the message says it).
   */
  unsized?: true;
  /** What a recorded run (`pagecost record`) saw at this site, when one covers it. */
  observed?: ObservedFacts;
  /**
   * A recorded run covered a call here (same function, same callee) before its line changed: the
   * run's data is not shown, and this says so (the editor; `pagecost scan --run` prints a note).
   */
  observedStale?: { run: string; recordedLine: number; why: string };
}

/** A size distribution over the recorded calls of one site (the record file's shape). */
export interface ObservedSizes {
  min: Bytes;
  p50: Bytes;
  p90: Bytes;
  max: Bytes;
  /** [lowest size of the bucket, calls]: bucket [low, 2·low), and 0 for the size 0. */
  log2Histogram: [Bytes, number][];
}

/** A recorded run's data for one call site, with the model's cost of the same calls. */
export interface ObservedFacts {
  /** The record file, as the user named it or relative to the scan root. */
  run: string;
  program: string;
  startedAt: string;
  calls: number;
  moved: number;
  /** null when the allocator does not say. */
  mmapped: number | null;
  failed: number;
  fromNull: number;
  toZero: number;
  oldBytes: ObservedSizes;
  newBytes: ObservedSizes;
  growth: { constantStep: number; geometric: number; shrink: number; fits: number; otherGrowth: number };
  /** Measured time of the real calls (estimated from the timed ones). */
  measuredNs: Nanoseconds;
  p50Ns: Nanoseconds | null;
  p99Ns: Nanoseconds | null;
  timedCalls: number;
  /** The model's cost of the same calls, summed over the observed sizes; null when it has none. */
  modelledNs: Nanoseconds | null;
  /** The alternative (`malloc-copy-free`, `memcpy-warm`) over the same calls, and its op name. */
  alternativeNs: Nanoseconds | null;
  alternative: string | null;
  /** This site's part of the run's measured resize time, 0..1. */
  share: number;
  threadsMax: number;
  /** The split between a wrapper's callers was estimated from sampled stacks. */
  sampled: boolean;
  /** The line the run saw the call on, when the source has moved it since (the text is the same). */
  recordedLine?: number;
}

/** A problem with an input file that did not stop the scan. */
export interface FileError {
  file: string;
  message: string;
}
