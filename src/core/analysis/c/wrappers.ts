// Per-file wrapper detection: functions and macros that pass their arguments on to a primitive
// (or to a wrapper already known), so that *their* call sites become findings too.
//
// Rules (documented in test/fixtures/c/README.md too):
// - A function is a wrapper when it calls a known name and the pointer handed to it is one of the
//   function's own parameters (after casts/parentheses, or `*pp` for a `void **pp` parameter).
//   A function that resizes a pointer it found elsewhere (`b->data`, a global) is not a wrapper:
//   its own call is the finding, and its callers are not.
// - A macro is a wrapper whenever its body calls a known name: a macro expands at its use, so
//   the use *is* the call (whatever the pointer is).
// - For each primitive argument the def records the wrapper parameter that feeds it, or -1 and,
//   when possible, the argument as an expression over the wrapper's parameters (`argExprs`), so a
//   call site can substitute its own arguments and evaluate it.
// - The result is plain data (WrapperDef): it crosses worker threads and files. The caller
//   iterates files to a fixed point; within one file this module iterates itself.
import type { Node, Parser, Tree } from 'web-tree-sitter';
import type { FieldCallFacts, Primitive, ResizeHelper, WrapperDef } from '../../types';
import { NameMatches } from './nameMatches';
import { argTexts, buildCalleeIndex, findNameUses, identifiersRegex, type CalleeIndex, type MacroBodyMention, type NameUse, type Target } from './callSites';
import { functionName, functionParams, isInLoop, isStatic, localNames, outerExpression } from './syntax';
import { constantStep, fileConstants, sizeOrigin } from './sizeOrigin';
import { fieldCall, followPasses, nestedInDeclared, receiverType, storedAt, viaHead, type ArgumentPass, type PointerFact, type TypeLookup } from './functionPointers';
import { identifiersIn, stripParensAndCasts, substituteParams } from './substitute';
import { parserFor } from './parserCache';
import { ancestorsOf, parentOf, perNode, typeOf } from './ancestry';
import { assignsTo, writesOf } from './reassigned';
import { innerContract, primitiveContract, wrapperContract } from './failureContract';

export type ArgRole = 'ptr' | 'size' | 'count' | 'oldSize' | 'flags';
/** Roles that carry a value (everything but the pointer). */
export type ValueRole = Exclude<ArgRole, 'ptr'>;

/** Roles each primitive has, and the argument index of each (JS primitives: none, no C wrapper reaches them). */
export const PRIMITIVE_ARGS: Record<Primitive, Partial<Record<ArgRole, number>>> = {
  realloc: { ptr: 0, size: 1 },
  reallocf: { ptr: 0, size: 1 },
  reallocarray: { ptr: 0, count: 1, size: 2 },
  mremap: { ptr: 0, oldSize: 1, size: 2, flags: 3 },
  'wasm-realloc': {}, 'memory-grow': {}, 'buffer-transfer': {}, 'buffer-resize': {}, 'copy-grow': {}, 'concat-grow': {},
};

export function primitiveOf(t: Target): Primitive {
  return t.kind === 'primitive' ? t.name : t.kind === 'helper' ? t.helper.callee : t.def.callee;
}

/** Substitution style for a def: raw pasting for function-like macros, parenthesised otherwise. */
function pastesRaw(def: WrapperDef): boolean {
  return def.kind === 'macro' && def.macroForm === 'function';
}

/**
 * The text of the primitive's argument `role` at a call of `use`, in the caller's terms, or a
 * reason it is not available. For wrappers this substitutes the call's arguments.
 */
export function argTextAt(use: NameUse, role: ArgRole): { text: string; node: Node | null } | { note: string } {
  const t = use.target;
  if (t.kind === 'primitive') {
    const i = PRIMITIVE_ARGS[t.name][role];
    if (i === undefined) return { note: `${t.name} has no ${role} argument` };
    const node = use.args[i];
    return node ? { text: argTexts(use)[i]!, node } : { note: `argument ${i + 1} of ${t.name} is missing` };
  }
  if (t.kind === 'helper') return { note: `${t.name} computes its ${role} argument from what it owns` };
  const def = t.def;
  const idx = def.params[role];
  if (idx !== undefined && idx >= 0) {
    const node = use.args[idx];
    return node ? { text: argTexts(use)[idx]!, node } : { note: `argument ${idx + 1} of ${def.name} is missing` };
  }
  const expr = role === 'ptr' ? undefined : def.argExprs?.[role];
  if (expr !== undefined) {
    return { text: substituteParams(expr, def.paramNames ?? [], argTexts(use), pastesRaw(def)), node: null };
  }
  return { note: (role === 'ptr' ? undefined : def.argNotes?.[role]) ?? `${def.name} computes its ${role} argument internally` };
}

/** Options for one file's wrapper detection. */
export interface FindWrappersOptions {
  /** A parser to read macro bodies with; by default one is made for the tree's language. */
  parser?: Parser;
}

const NORETURN =
  /\b(?:abort|exit|_exit|_Exit|quick_exit|err|errx|verr|verrx|longjmp|siglongjmp|BUG|BUG_ON|[A-Za-z_]*(?:die|fatal|panic|oom|Die|Fatal|Panic|OOM)[A-Za-z_0-9]*)\s*\(/;

/**
 * True when, after the call, the function tests the result for failure (NULL, 0, MAP_FAILED)
 * and the failing branch calls something that does not return (abort, exit, die, *_oom_handler…).
 * `bodyText` is `fnBody`'s text: a branch calls such a thing only where the function's text
 * does, and most do not (83 of the 96 asked on the dense bench corpus), so their `if`s are not
 * walked (each a tree walk and several calls into wasm).
 */
function diesAfter(fnBody: Node, use: NameUse, bodyText: string): boolean {
  if (!NORETURN.test(bodyText)) return false;
  const outer = outerExpression(use.exprNode);
  const holder = parentOf(outer);
  let resultVar: string | null = null;
  if (holder?.type === 'assignment_expression') resultVar = holder.childForFieldName('left')?.text ?? null;
  else if (holder?.type === 'init_declarator') resultVar = holder.childForFieldName('declarator')?.text.replace(/^[*\s]+/, '') ?? null;
  const callStart = use.exprNode.startIndex;
  const failureTests = resultVar ? failureTestsOf(resultVar) : null;
  for (const ifs of fnBody.descendantsOfType('if_statement')) {
    if (!ifs) continue;
    const cond = ifs.childForFieldName('condition');
    const then = ifs.childForFieldName('consequence');
    if (!cond || !then || ifs.endIndex < callStart) continue;
    const c = cond.text.replace(/\s+/g, ' ');
    let tests = cond.startIndex <= callStart && callStart < cond.endIndex; // if (!(p = realloc(p, n)))
    if (!tests && resultVar && failureTests) {
      tests = failureTests.some((re) => re.test(c));
      // `if (!ret && n)` still dies whenever a real request fails; `if (!ret && !size)` only
      // for zero-byte requests (git's retry), so a negated or `== 0` conjunct disqualifies it.
      if (tests && /&&/.test(c)) {
        const others = c.split('&&').map((p) => p.trim()).filter((p) => !p.includes(resultVar));
        if (others.some((p) => /^!|==\s*0\b|^\(?\s*0\s*==/.test(p.replace(/^\(+/, '')))) tests = false;
      }
    }
    if (tests && NORETURN.test(then.text)) return true;
  }
  return false;
}

/** Conditions that test `v` for failure: `!v`, `v == NULL`, `MAP_FAILED == v` (made once per call, not per `if`). */
function failureTestsOf(resultVar: string): RegExp[] {
  const v = resultVar.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const failed = '(?:NULL|0|MAP_FAILED|\\(\\s*void\\s*\\*\\s*\\)\\s*-1)';
  return [new RegExp(`!\\s*\\(?\\s*${v}\\s*\\)?(?![\\w.\\->])`), new RegExp(`\\b${v}\\s*==\\s*${failed}`), new RegExp(`${failed}\\s*==\\s*${v}\\b`)];
}

/**
 * Where the expression holding a call starts, for "assigned before the call": `(x) = xrealloc((x), …)`
 * and `(v) = cast(T *, grow(v, …))` assign x and v *with* the call, so only assignments before
 * that expression count.
 */
function statementStart(call: Node): number {
  let start = call.startIndex;
  for (let p = parentOf(call); p; p = parentOf(p)) {
    const type = typeOf(p);
    if (type.endsWith('statement') || type === 'declaration' || type === 'function_definition') break;
    if (type === 'assignment_expression') start = p.startIndex;
  }
  return start;
}

/** A param reassigned in `scope` before `before`: its value at the call is not the caller's argument. */
function reassignedBefore(scopeText: string, scopeStart: number, before: number, name: string): boolean {
  return assignsTo(scopeText.slice(0, Math.max(0, before - scopeStart)), name);
}

interface Body {
  /** Node whose subtree holds the code (function body, or the synthetic function of a macro). */
  node: Node;
  name: string;
  params: string[];
  kind: 'function' | 'macro';
  macroForm?: 'function' | 'object';
  isStatic: boolean;
  line: number;
  /** The file's text, where helpers that do not return are looked up (failureContract.ts). */
  fileText?: string;
}

/** What one function or macro is: a wrapper, a helper (resizes what it owns), or neither. */
export interface Verdict {
  def: WrapperDef | null;
  helper: ResizeHelper | null;
}

/** Context a function's verdict needs beyond its own tree. */
export interface VerdictContext {
  file: string;
  /** The file's text, where helpers that do not return are looked up (failureContract.ts). */
  fileText: string;
  /** File-level constants of the file (sizeOrigin.ts fileConstants). */
  isConstant: (name: string) => boolean;
  cache: Map<number, unknown>;
}

/** The parameter a pointer argument comes from (`p`, `(char *)p`, `*pp`), or -1. */
function pointerParam(body: Body, ptrText: string, before: number, bodyText: () => string): { idx: number; through: boolean; name: string } {
  let s = stripParensAndCasts(ptrText);
  let through = false;
  if (s.startsWith('*')) {
    s = stripParensAndCasts(s.slice(1));
    through = true;
  }
  let idx = body.params.indexOf(s);
  if (idx >= 0 && reassignedBefore(bodyText(), body.node.startIndex, before, s)) idx = -1;
  if (idx < 0 && !through) {
    // A block with a header before the data the caller holds: the parameter moved back over it.
    const moved = headerParam(body, s, before, bodyText);
    if (moved >= 0) return { idx: moved, through: false, name: body.params[moved]! };
  }
  return { idx, through, name: s };
}

const OFFSET = String.raw`\s*[-+]\s*(?:[A-Za-z_]\w*|\d+|sizeof\s*\(?[^;]*?\)?)`;
// Made once, not for each of headerParam's calls (676 on the dense bench corpus).
/** A name and a constant offset from it: `p - HDR`. */
const NAME_OFFSET = new RegExp(`^([A-Za-z_]\\w*)${OFFSET}$`);
/** A name, with or without a constant offset. */
const NAME_MAYBE_OFFSET = new RegExp(`^([A-Za-z_]\\w*)(?:${OFFSET})?$`);

/**
 * The parameter a pointer is derived from by a constant offset — `(char *)p - HDR`, or a local
 * `m = (T *)p;` then `m -= HDR;` — or -1. Allocators that keep a size header before each block
 * resize the block starting there; the caller's pointer still decides which block.
 */
function headerParam(body: Body, ptr: string, before: number, bodyText: () => string): number {
  const inline = NAME_OFFSET.exec(stripParensAndCasts(ptr.replace(/^\(\s*[^()]*\*\s*\)\s*/, '')).replace(/^\((.*)\)$/, '$1'));
  const direct = inline ? body.params.indexOf(stripParensAndCasts(inline[1]!)) : -1;
  if (direct >= 0 && !reassignedBefore(bodyText(), body.node.startIndex, before, inline![1]!)) return direct;
  if (!/^[A-Za-z_]\w*$/.test(ptr) || body.params.includes(ptr)) return -1;
  // A local copy of a parameter, only stepped by offsets before the call.
  const head = bodyText().slice(0, Math.max(0, before - body.node.startIndex));
  const sets = writesOf(head, ptr);
  if (!sets.length || sets[0]!.op !== '=') return -1;
  const from = stripParensAndCasts(sets[0]!.value);
  const first = NAME_MAYBE_OFFSET.exec(from);
  const param = first ? body.params.indexOf(first[1]!) : -1;
  if (param < 0 || sets.slice(1).some((m) => m.op === '=')) return -1;
  return reassignedBefore(head, 0, head.length, body.params[param]!) ? -1 : param;
}

/** The argument node that decides a resize's size at `use`, when one does (for the growth shape). */
function sizeNodeOf(use: NameUse, ptrIdx: number): Node | null {
  const t = use.target;
  const role: ArgRole = primitiveOf(t) === 'reallocarray' ? 'count' : 'size';
  const a = argTextAt(use, role);
  if ('node' in a && a.node) return a.node;
  if (t.kind !== 'wrapper' || !('text' in a)) return null;
  // A size computed from the arguments (`st_mult(sizeof(*(x)), (n))`): the one non-pointer argument it reads.
  const expr = t.def.argExprs?.[role as ValueRole];
  if (!expr) return null;
  const ids = new Set(identifiersIn(expr));
  const used = (t.def.paramNames ?? []).map((n, i) => (ids.has(n) && i !== t.def.params.ptr && i !== ptrIdx ? i : -1)).filter((i) => i >= 0);
  return used.length === 1 ? use.args[used[0]!] ?? null : null;
}

/** Builds the verdict for `body` from its calls: a WrapperDef from the first call that qualifies. */
function defFrom(body: Body, uses: NameUse[], ctx: VerdictContext): Verdict {
  const file = ctx.file;
  // Only read when a call qualifies: most functions with a call are not wrappers.
  let localsCache: Set<string> | null = null;
  const locals = () => (localsCache ??= localNames(body.node));
  let textCache: string | null = null;
  const bodyTextOf = () => (textCache ??= body.node.text);
  const rejected: { use: NameUse; why: string; ptrIdx: number; ptr: string }[] = [];
  let chosen: { def: WrapperDef; ptr: string } | undefined;
  let sizeStep: WrapperDef['sizeStep'] | null | undefined;
  for (const use of uses) {
    if (use.role !== 'call' || use.name === body.name || use.target.kind === 'helper') continue;
    const callee = primitiveOf(use.target);
    // `realloc(NULL, n)` allocates and `realloc(p, 0)` frees: neither makes its function a resizer.
    if (allocatesOrFrees(use)) continue;
    const callStart = statementStart(use.exprNode);
    const ptr = argTextAt(use, 'ptr');
    const pp = 'text' in ptr ? pointerParam(body, ptr.text, callStart, bodyTextOf) : { idx: -1, through: false, name: '' };
    const ptrIdx = pp.idx;
    const ptrKey = 'text' in ptr ? stripParensAndCasts(ptr.text).replace(/\s+/g, '') : '';
    const throughPointer = pp.through;
    if (body.kind === 'function' && ptrIdx < 0) {
      const what = 'text' in ptr ? `\`${stripParensAndCasts(ptr.text).replace(/\s+/g, ' ')}\`` : 'a pointer';
      rejected.push({ use, why: `resizes ${what}, which it does not get from its caller`, ptrIdx, ptr: ptrKey });
      continue;
    }

    const params: WrapperDef['params'] = { ptr: ptrIdx, size: -1 };
    const argExprs: NonNullable<WrapperDef['argExprs']> = {};
    const argNotes: NonNullable<WrapperDef['argNotes']> = {};
    const roles = Object.keys(PRIMITIVE_ARGS[callee]).filter((r) => r !== 'ptr') as ValueRole[];
    let why: string | null = null;
    for (const role of roles) {
      const a = argTextAt(use, role);
      // A function is a wrapper only when its parameters decide the new size (sizeOrigin.ts).
      const decides = body.kind === 'function' && (role === 'size' || role === 'count');
      let inlined: string | null = null;
      if (decides) {
        const inputs = 'text' in a ? [a.text] : use.args.filter((_, i) => i !== argIndexOf(use, 'ptr')).map((n) => n.text);
        for (const text of inputs) {
          const o = sizeOrigin(text, callStart, {
            fn: body.node, params: body.params, ptrParam: pp.through ? '' : pp.name, isConstant: ctx.isConstant,
            cache: ctx.cache as Map<number, never>,
          });
          if (o.why) {
            why = o.why;
            break;
          }
          if ('text' in a) inlined = o.inlined;
        }
        if (why) break;
      }
      let idx = -1;
      if ('note' in a) {
        argNotes[role] = a.note;
      } else {
        const s = stripParensAndCasts(inlined ?? a.text);
        const p = body.params.indexOf(s);
        const changed = (name: string) => reassignedBefore(bodyTextOf(), body.node.startIndex, callStart, name);
        if (p >= 0 && !changed(s)) {
          idx = p;
        } else if (inlined !== null && inlined.trim() !== a.text.trim()) {
          argExprs[role] = inlined.trim();
        } else {
          const ids = identifiersIn(a.text);
          const local = ids.find((id) => locals().has(id) && !body.params.includes(id));
          const reassigned = ids.find((id) => body.params.includes(id) && changed(id));
          if (local) argNotes[role] = `${body.name} computes it from its local \`${local}\``;
          else if (reassigned) {
            argNotes[role] = `${body.name} changes \`${reassigned}\` before the call`;
            if (body.kind === 'macro' && (role === 'size' || role === 'count')) sizeStep ??= stepOf(bodyTextOf(), reassigned, body.params);
          }
          else argExprs[role] = a.text.trim();
        }
      }
      (params as Record<string, number>)[role] = idx;
    }
    if (why) {
      rejected.push({ use, why, ptrIdx, ptr: ptrKey });
      continue;
    }

    const inner = use.target.kind === 'wrapper' ? use.target.def : null;
    const outer = outerExpression(use.exprNode);
    const holder = parentOf(outer);
    let assignsBack = false;
    if (body.kind === 'macro' || throughPointer) {
      if (holder?.type === 'assignment_expression' && 'text' in ptr) {
        const left = holder.childForFieldName('left')?.text ?? '';
        assignsBack = stripParensAndCasts(left).replace(/\s+/g, '') === stripParensAndCasts(ptr.text).replace(/\s+/g, '');
      }
      if (!assignsBack && inner?.assignsBack && ptrIdx >= 0) assignsBack = true;
    }

    const def: WrapperDef = {
      name: body.name,
      kind: body.kind,
      callee,
      via: inner ? [viaHead(use), ...inner.via] : [],
      params,
      diesOnFailure: (inner?.diesOnFailure ?? false) || diesAfter(body.node, use, bodyTextOf()),
      file,
      line: body.line,
      paramNames: body.params,
    };
    if (body.macroForm) def.macroForm = body.macroForm;
    const through = fieldCallFacts(use);
    if (through) def.fieldCall = through;
    if (Object.keys(argExprs).length) def.argExprs = argExprs;
    if (Object.keys(argNotes).length) def.argNotes = argNotes;
    if (sizeStep) def.sizeStep = sizeStep;
    if (assignsBack) def.assignsBack = true;
    if (throughPointer) def.ptrThroughPointer = true;
    const onFailure = wrapperContract(use.exprNode, innerContract(use.target), 'text' in ptr ? ptr.text : null, body.node, body.fileText ?? '', body.kind === 'macro');
    if (onFailure) def.onFailure = onFailure;
    if (onFailure === 'dies') def.diesOnFailure = true;
    if ((body.isStatic || body.kind === 'macro') && !/\.(?:h|hh|hpp|hxx|inc)$/i.test(file)) def.fileLocal = true;
    // The other calls are still read: one in a loop that resizes the same pointer to a size the
    // function owns (a line reader that starts an empty buffer at a fixed size, then doubles it
    // as data comes) makes it a helper — the data decides the size, not the caller.
    chosen ??= { def, ptr: ptrKey };
  }
  const same = chosen ? rejected.find((r) => r.ptr !== '' && r.ptr === chosen!.ptr && isInLoop(r.use.nameNode)) : undefined;
  if (chosen && !same) return { def: chosen.def, helper: null };
  if (body.kind !== 'function' || !rejected.length) return { def: chosen?.def ?? null, helper: null };
  const first = same ?? rejected[0]!;
  const helper: ResizeHelper = {
    name: body.name,
    file,
    line: body.line,
    callee: primitiveOf(first.use.target),
    via: first.use.target.kind === 'wrapper' ? [viaHead(first.use), ...first.use.target.def.via] : [],
    why: first.why,
  };
  const through = fieldCallFacts(first.use);
  if (through) helper.fieldCall = through;
  if (body.isStatic) helper.fileLocal = true;
  // Constant step: its own resize, outside any loop of its own, adds a fixed amount (its parameters count as fixed).
  const linear = rejected.some((r) => {
    if (isInLoop(r.use.nameNode)) return false;
    const node = sizeNodeOf(r.use, r.ptrIdx);
    return !!node && constantStep(node.text, body.node, r.use.exprNode.startIndex, r.use.exprNode.endIndex, body.params, ctx.isConstant);
  });
  if (linear) helper.linearStep = true;
  return { def: null, helper };
}

/**
 * How a macro changes its size parameter before resizing, when only by adding a step — `(cap) +=
 * (step);`, also in a loop until it fits: the step (a number, or the parameter that passes it).
 * Null when it multiplies, shifts or sets the size in another way.
 */
function stepOf(bodyText: string, name: string, params: readonly string[]): WrapperDef['sizeStep'] | null {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const changes = [...bodyText.matchAll(new RegExp(`(?<![\\w.>])\\(?\\s*${n}\\s*\\)?\\s*([-+*/%&|^]|<<|>>)?=(?!=)\\s*([^;]*)`, 'g'))];
  if (!changes.length || changes.some((m) => m[1] !== '+')) return null;
  const steps = new Set(changes.map((m) => stripParensAndCasts(m[2]!.trim())));
  if (steps.size !== 1) return null;
  const step = [...steps][0]!;
  if (/^\d+$/.test(step)) return Number(step) > 0 ? { by: Number(step) } : null;
  const at = params.indexOf(step);
  return at >= 0 ? { byParam: at } : null;
}

/** A use that calls through a function-pointer field, as plain data (WrapperDef.fieldCall); else null. */
function fieldCallFacts(use: NameUse): FieldCallFacts | null {
  const t = use.target;
  if (t.kind !== 'wrapper' || t.def.pointer?.form !== 'field' || use.display === undefined) return null;
  const fc = fieldCall(use.nameNode);
  const struct = fc ? receiverType(fc.fieldExpr) : null;
  return { field: use.name, chain: use.display, args: use.args.length, ...(struct ? { struct } : {}), ...(fc && nestedInDeclared(fc.fieldExpr) ? { nested: true } : {}) };
}

const NULL_POINTER = /^(?:NULL|0|nullptr|\(\s*void\s*\*\s*\)\s*0)$/;

/** A call whose pointer is a null pointer constant (`realloc(NULL, n)`, `grow(0, n)`): it allocates. */
export function allocatesFromNull(use: NameUse): boolean {
  const ptr = argTextAt(use, 'ptr');
  return 'text' in ptr && NULL_POINTER.test(stripParensAndCasts(ptr.text));
}

/** A call that only allocates (pointer NULL) or only frees (size 0): not a resize. */
function allocatesOrFrees(use: NameUse): boolean {
  if (allocatesFromNull(use)) return true;
  const size = argTextAt(use, primitiveOf(use.target) === 'reallocarray' ? 'count' : 'size');
  // `0`, `(0)*sizeof(char)`: a zero factor.
  return 'text' in size && /^\(*0[uUlL]*\)*(?:\s*\*.*)?$|\*\s*\(*0[uUlL]*\)*$/.test(stripParensAndCasts(size.text).trim());
}

function argIndexOf(use: NameUse, role: ArgRole): number {
  const t = use.target;
  if (t.kind === 'primitive') return PRIMITIVE_ARGS[t.name][role] ?? -1;
  if (t.kind === 'wrapper') return t.def.params[role] ?? -1;
  return -1;
}

// A function's parameters and linkage, read once per tree: a function is judged again at each
// round of findResizers that names something new in it, and its parameters cost ~10 calls into
// wasm each (on the dense bench corpus 7.3 K of functionVerdict's 18 K such calls repeated one).
const signatures = new WeakMap<Tree, Map<number, { params: readonly string[]; isStatic: boolean }>>();

/** The verdict on a function_definition, given the name uses inside it. */
export function functionVerdict(fn: Node, uses: NameUse[], ctx: VerdictContext, name: string | null = functionName(fn)): Verdict {
  if (!name) return { def: null, helper: null };
  const sig = perNode(signatures, fn, () => ({ params: functionParams(fn), isStatic: isStatic(fn) }));
  // A copy: the def keeps its own (paramNames).
  return defFrom({ node: fn, name, params: [...sig.params], kind: 'function', isStatic: sig.isStatic, line: fn.startPosition.row + 1, fileText: ctx.fileText }, uses, ctx);
}

/** The WrapperDef a function_definition makes, given the name uses inside it; null when it is not a wrapper. */
export function functionWrapper(fn: Node, uses: NameUse[], file: string, fileText?: string): WrapperDef | null {
  const text = fileText ?? fn.tree.rootNode.text;
  return functionVerdict(fn, uses, { file, fileText: text, isConstant: fileConstants(text), cache: new Map() }).def;
}

/** Joins continuation lines and drops comments from a macro body. */
function cleanMacroBody(s: string): string {
  return s
    .replace(/\\\r?\n/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, '')
    .trim();
}

const SYNTH_PREFIX = '__pagecost_macro_';

// A macro argument that is a pointer type: words then stars, right after `(` or `,` of a call's
// argument list and right before `,` or `)`. (An expression cannot end in `*`.)
const POINTER_TYPE_ARGUMENT = /(\b[A-Za-z_]\w*\s*\(|,)(\s*)((?:[A-Za-z_]\w*\s+)*[A-Za-z_]\w*\s*\*[\s*]*)(?=[,)])/g;
const TYPE_OPERATORS = new Set(['sizeof', '_Alignof', 'alignof', '__alignof__', 'offsetof', 'va_arg']);

/**
 * A macro body with each pointer-type argument of a call (`cast(T *, grow(p, n))`, a cast macro
 * taking the type first) spelled as one identifier of the same length (`T__`): parsed as a
 * function body, `T *,` is a syntax error that can swallow the call beside it. Lengths are kept,
 * so offsets into the body stay right.
 */
export function typeArgumentsAsNames(body: string): string {
  if (!body.includes('*')) return body;
  return body.replace(POINTER_TYPE_ARGUMENT, (whole, open: string, space: string, type: string) => {
    const callee = /^(\w+)\s*\($/.exec(open)?.[1];
    if (callee && TYPE_OPERATORS.has(callee)) return whole;
    return `${open}${space}${type.replace(/[\s*]/g, '_')}`;
  });
}

/**
 * A `#define` read from the file's text, as the preprocessor reads it: the grammar splits a body
 * where a comment stands before a line continuation (`x = realloc(x, n); /* grow *\/ \`), and
 * its `parameters` and `value` fields are then wrong. Null params: an object-like macro.
 */
function macroFromText(d: Node, text: string): { name: string; params: string[] | null; body: string } | null {
  const raw = text.slice(d.startIndex, d.endIndex).replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ').replace(/\n/g, ' '));
  const logical = /^(?:[^\n\\]|\\\r?\n|\\)*/.exec(raw)![0];
  const m = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)]*\))?/.exec(logical);
  if (!m) return null;
  const params = m[2] ? m[2].slice(1, -1).split(',').map((x) => x.trim()).filter((x) => /^[A-Za-z_]\w*$/.test(x)) : null;
  return { name: m[1]!, params, body: cleanMacroBody(logical.slice(m[0].length)) };
}

/**
 * Wrapper macros among `defs` (preproc_def / preproc_function_def nodes whose body names an
 * indexed name). Object-like macros whose body is just a known name are aliases (`#define
 * s_realloc zrealloc`); the others are read by parsing their bodies as the body of a function.
 */
function macroWrappers(defs: Node[], index: CalleeIndex, file: string, parser: Parser, fileText?: string): WrapperDef[] {
  const out: WrapperDef[] = [];
  let synth = '';
  const slots: { def: Node; name: string; params: string[]; form: 'function' | 'object'; start: number; end: number }[] = [];
  for (const d of defs) {
    const read = d.hasError && fileText !== undefined ? macroFromText(d, fileText) : null;
    const name = read ? read.name : d.childForFieldName('name')?.text;
    const value = d.childForFieldName('value');
    if (!name || !(value || read) || index.targets.has(name)) continue;
    const body = typeArgumentsAsNames(read ? read.body : cleanMacroBody(value!.text));
    const paramsNode = d.childForFieldName('parameters');
    const functionLike = read ? read.params !== null : !!paramsNode;
    const line = d.startPosition.row + 1;
    if (!functionLike) {
      const alias = index.targets.get(body);
      if (alias && alias.kind !== 'helper') {
        const base: WrapperDef =
          alias.kind === 'primitive'
            ? {
                name,
                kind: 'macro',
                callee: alias.name,
                via: [],
                params: { ...(PRIMITIVE_ARGS[alias.name] as WrapperDef['params']) },
                diesOnFailure: false,
                onFailure: primitiveContract(alias.name),
                file,
                line,
              }
            : { ...alias.def, name, kind: 'macro', via: [alias.name, ...alias.def.via], file, line };
        base.macroForm = 'alias';
        // Its chain starts at the aliased name; the field call is that one's (refreshVias).
        delete base.fieldCall;
        delete base.fileLocal;
        if (!/\.(?:h|hh|hpp|hxx|inc)$/i.test(file)) base.fileLocal = true;
        out.push(base);
        continue;
      }
    }
    const params = read
      ? (read.params ?? [])
      : paramsNode
        ? (paramsNode.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text) as string[])
        : [];
    const head = `void ${SYNTH_PREFIX}${slots.length}(void) {\n`;
    const start = synth.length;
    synth += `${head}${body}\n;\n}\n`;
    slots.push({ def: d, name, params, form: functionLike ? 'function' : 'object', start, end: synth.length });
  }
  if (!slots.length) return out;
  const tree: Tree | null = parser.parse(synth);
  if (!tree) return out;
  try {
    const uses = findNameUses(tree.rootNode, synth, index);
    for (const slot of slots) {
      const fn = tree.rootNode.descendantForIndex(slot.start, slot.end - 1);
      let fnNode: Node | null = fn;
      while (fnNode && fnNode.type !== 'function_definition' && fnNode.parent) fnNode = fnNode.parent;
      const bodyNode = fnNode?.type === 'function_definition' ? fnNode.childForFieldName('body') ?? fnNode : tree.rootNode;
      const mine = uses.filter((u) => u.exprNode.startIndex >= slot.start && u.exprNode.endIndex <= slot.end);
      const { def } = defFrom(
        {
          node: bodyNode,
          name: slot.name,
          params: slot.params,
          kind: 'macro',
          macroForm: slot.form,
          isStatic: false,
          line: slot.def.startPosition.row + 1,
          fileText,
        },
        mine,
        { file, fileText: fileText ?? '', isConstant: () => false, cache: new Map() },
      );
      if (def) out.push(def);
    }
  } finally {
    tree.delete();
  }
  return out;
}

/**
 * Macro definitions in `root` whose body mentions an indexed name (or one of `only`). `mentions`:
 * the body mentions findNameUses found over the whole text with this index, which spare a scan
 * of the text when they hold every mention wanted.
 */
export function macroCandidates(
  root: Node,
  text: string,
  index: CalleeIndex,
  only: ReadonlySet<string> | null = null,
  mentions: readonly MacroBodyMention[] | null = null,
): Node[] {
  const out: Node[] = [];
  const seen = new Set<number>();
  for (const n of mentions && coversMentions(index, only) ? mentionNodes(mentions, only) : macroBodyNodes(root, text, only ? identifiersRegex(only) : index.pattern)) {
    // Through the ERROR a comment before a line continuation makes inside the body (macroFromText).
    let d = parentOf(n);
    while (d && typeOf(d) === 'ERROR') d = parentOf(d);
    if (!d || (typeOf(d) !== 'preproc_def' && typeOf(d) !== 'preproc_function_def') || seen.has(d.id)) continue;
    seen.add(d.id);
    out.push(d);
  }
  return out;
}

/** The index's matches hold every mention of `only` (all of them when null): whole words of names it indexes. */
function coversMentions(index: CalleeIndex, only: ReadonlySet<string> | null): boolean {
  if (!only) return true;
  if (!index.wholeWords) return false;
  // A name the index holds but leaves out of its pattern is surely not in the text (buildCalleeIndex).
  for (const n of only) if (!/^\w+$/.test(n) || !(index.targets.has(n) || index.fields.has(n))) return false;
  return true;
}

function mentionNodes(mentions: readonly MacroBodyMention[], only: ReadonlySet<string> | null): Node[] {
  return (only ? mentions.filter((m) => only.has(m.name)) : mentions).map((m) => m.node);
}

/** The `#define` bodies (preproc_arg nodes) at each match of `re` in the text, in text order. */
function macroBodyNodes(root: Node, text: string, re: RegExp): Node[] {
  const out: Node[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = root.descendantForIndex(m.index, m.index + m[0].length);
    if (n?.type === 'preproc_arg') out.push(n);
  }
  return out;
}

/** What one file defines and does with resize functions, for one wrapper round (plain data). */
export interface FileResizers {
  /** Wrappers defined here that are not in `known` (wrappers of wrappers in this file included). */
  wrappers: WrapperDef[];
  /** Functions defined here that resize what they own (not wrappers); their own calls are the sites. */
  helpers: ResizeHelper[];
  /** Primitives and wrappers stored into function pointers here. */
  pointers: PointerFact[];
  /** Primitives and wrappers passed to functions that may store them (followed in a later round). */
  passes: ArgumentPass[];
}

export interface FindResizersOptions extends FindWrappersOptions {
  /** Function-name arguments to follow into the functions of this file that receive them. */
  passes?: readonly ArgumentPass[];
  /** Struct definitions visible from the file, for positional initializers (`{ malloc, realloc }`). */
  types?: TypeLookup;
  /**
   * The file was analysed before with every name of `known` except these: only functions, macros
   * and references spelling one of them (or a wrapper this call finds) can give anything new, so
   * the others are not looked at again. Absent: a first analysis, everything is looked at.
   */
  news?: ReadonlySet<string>;
  /** False for a name the file surely does not spell (buildCalleeIndex). */
  mayName?: (name: string) => boolean;
  /** The text's name occurrences found before (findNameUses). */
  matches?: NameMatches;
}

/**
 * The wrappers `root` defines, given the wrappers already known (from other files, earlier
 * rounds, or the config). Returns only defs not in `known`; wrappers of wrappers defined in this
 * same file are found too. Plain data: safe to post from a worker.
 */
export function findWrappers(
  root: Node,
  text: string,
  file: string,
  known: readonly WrapperDef[],
  opts: FindWrappersOptions = {},
): WrapperDef[] {
  return findResizers(root, text, file, known, opts).wrappers;
}

/** Wrappers, helpers and function-pointer stores of one file (see FileResizers). */
export function findResizers(
  root: Node,
  text: string,
  file: string,
  known: readonly WrapperDef[],
  opts: FindResizersOptions = {},
): FileResizers {
  const found: WrapperDef[] = [];
  const helpers = new Map<number, ResizeHelper>();
  const matches = opts.matches ?? new NameMatches();
  const parser = opts.parser ?? parserFor(root.tree.language);
  const ctx: VerdictContext = { file, fileText: text, isConstant: matches.forText('constants', text, () => fileConstants(text)), cache: new Map() };
  // A function found not to be a wrapper is looked at again only when it calls a name that
  // became known since (wrappers of wrappers in this same file).
  const rejected = new Set<number>();
  let fresh: ReadonlySet<string> | null = opts.news ?? null;
  let lastUses: NameUse[] = [];
  // Each function's name is read from its declarator once, not for each use and round.
  const fnNames = new Map<number, string | null>();
  const nameOf = (fn: Node): string | null => {
    let n = fnNames.get(fn.id);
    if (n === undefined) fnNames.set(fn.id, (n = functionName(fn)));
    return n;
  };
  // The named function at or above each node walked through: the calls of one function share
  // their ancestors, and each step up asks wasm for the node and its type.
  // The walk goes along the name's ancestor chain (ancestry.ts), which the site builder reuses.
  const above = new Map<number, Node | null>();
  const functionAbove = (u: NameUse): Node | null => {
    let up = ancestorsOf(u.nameNode);
    let i = up.length - 1;
    while (i >= 0 && up[i]!.id !== u.exprNode.id) i--;
    // A call holds its name; should one not, its own chain.
    if (i < 0) i = (up = ancestorsOf(u.exprNode)).length - 1;
    const path: number[] = [];
    let found: Node | null | undefined;
    for (let j = i - 1; j >= 0; j--) {
      const fn = up[j]!;
      found = above.get(fn.id);
      if (found !== undefined) break;
      path.push(fn.id);
      // A nameless definition (error recovery's `else if (…) {`) gets no verdict: the one around it does.
      if (typeOf(fn) === 'function_definition' && nameOf(fn)) {
        found = fn;
        break;
      }
    }
    for (const id of path) above.set(id, found ?? null);
    return found ?? null;
  };
  for (let round = 0; round < 8; round++) {
    // This file's finds go first so they win over same-named defs elsewhere.
    // The list itself when nothing is found yet: every file of a round then shares its index parts.
    const index = buildCalleeIndex(found.length ? [...found, ...known] : known, file, [], opts.mayName);
    const added: WrapperDef[] = [];
    const mentions: MacroBodyMention[] = [];
    // Without a holder's memo, the rounds here still share one: each round adds its finds' names only.
    const uses = findNameUses(root, text, index, { macroBodyMentions: mentions, matches });
    lastUses = uses;
    const byFn = new Map<number, { fn: Node; uses: NameUse[] }>();
    for (const u of uses) {
      if (u.role !== 'call') continue;
      const fn = functionAbove(u);
      if (!fn) continue;
      const entry = byFn.get(fn.id) ?? { fn, uses: [] };
      entry.uses.push(u);
      byFn.set(fn.id, entry);
    }
    for (const { fn, uses: fnUses } of byFn.values()) {
      if (rejected.has(fn.id) && !fnUses.some((u) => fresh!.has(u.name))) continue;
      // A function of an earlier analysis that names nothing new has had its verdict.
      if (round === 0 && opts.news && !fnUses.some((u) => opts.news!.has(u.name))) {
        rejected.add(fn.id);
        continue;
      }
      if (index.targets.has(nameOf(fn) ?? '')) continue;
      const v = functionVerdict(fn, fnUses, ctx, nameOf(fn));
      if (v.def) {
        added.push(v.def);
        helpers.delete(fn.id);
      } else {
        rejected.add(fn.id);
        if (v.helper) helpers.set(fn.id, v.helper);
      }
    }
    const candidates = macroCandidates(root, text, index, round === 0 ? opts.news ?? null : null, mentions);
    for (const def of macroWrappers(candidates, index, file, parser, text)) {
      // `#if A / #define W … / #else / #define W … / #endif`: the first definition speaks for W.
      if (!added.some((d) => d.name === def.name)) added.push(def);
    }
    if (!added.length) break;
    found.push(...added);
    fresh = new Set(added.map((d) => d.name));
  }
  // Stores of known functions into pointers, and hand-offs to functions that may store them.
  const pointers: PointerFact[] = [];
  const passes: ArgumentPass[] = [];
  // References to names an earlier analysis knew were followed then.
  const newNames = opts.news ? new Set([...opts.news, ...found.map((d) => d.name)]) : null;
  for (const u of lastUses) {
    if (u.role !== 'reference' || u.target.kind === 'helper') continue;
    if (newNames && !newNames.has(u.name)) continue;
    if (u.target.kind === 'wrapper' && u.target.def.macroForm === 'object') continue;
    if (u.target.kind === 'wrapper' && u.target.def.kind === 'pointer') {
      // A pointer variable copied into a field or another variable (`m->resize = resize;`, after
      // `get_allocator(&resize)`): that place holds the same function.
      const ptr = u.target.def.pointer;
      if (ptr?.form !== 'variable') continue;
      const r = storedAt(u.exprNode, ptr.target, file, ptr.targetFile ?? u.target.def.file ?? file, opts.types);
      if (r.fact && !(r.fact.form === 'variable' && r.fact.name === u.name)) pointers.push(r.fact);
      continue;
    }
    const r = storedAt(u.exprNode, u.name, file, file, opts.types);
    if (r.fact) pointers.push(r.fact);
    if (r.pass) passes.push(r.pass);
  }
  if (opts.passes?.length) {
    const f = followPasses(root, file, opts.passes);
    pointers.push(...f.facts);
    passes.push(...f.passes);
  }
  const names = new Set(found.map((d) => d.name));
  return { wrappers: found, helpers: [...helpers.values()].filter((h) => !names.has(h.name)), pointers, passes };
}

/** A wrapper named in the project's config: `{ name, callee, params }` with sensible defaults. */
export function configWrapper(
  name: string,
  callee: Primitive,
  params?: Partial<WrapperDef['params']>,
  diesOnFailure = false,
): WrapperDef {
  return {
    name,
    kind: 'config',
    callee,
    via: [],
    params: { ...(PRIMITIVE_ARGS[callee] as WrapperDef['params']), ...params },
    diesOnFailure,
    file: null,
    line: null,
  };
}
