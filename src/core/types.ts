// Shared vocabulary of the engine. Every layer (analysis, model, advice, CLI, editor) speaks in
// these types, so a value's unit and meaning travel with it.

/** A byte count. Always a non-negative integer when known. */
export type Bytes = number;
/** A duration in nanoseconds. */
export type Nanoseconds = number;

export type Language = 'c' | 'ts';

/** The primitive that finally moves memory. */
export type Primitive = 'realloc' | 'reallocarray' | 'reallocf' | 'mremap';

/**
 * - `direct-call`: the primitive itself is called here.
 * - `wrapper-call`: a function or macro that passes its arguments on to a primitive is called here.
 * - `reference`: the primitive's name is used as a value (`cb = realloc;`), not called.
 */
export type CallKind = 'direct-call' | 'wrapper-call' | 'reference';

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
}

/** A function or macro that passes its arguments on to a primitive (or to another wrapper). */
export interface WrapperDef {
  name: string;
  kind: 'function' | 'macro' | 'config';
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
}

/** A problem with an input file that did not stop the scan. */
export interface FileError {
  file: string;
  message: string;
}
