// Turns the name uses found by callSites.ts into CallSites: positions, callee and wrapper chain,
// sizes (through the evaluator contract), flags, growth, loop/assignment/condition context.
//
// Sizes at wrapper calls whose size is computed inside the wrapper (`REALLOC_ARRAY(x, n)` →
// `st_mult(sizeof(*(x)), (n))`) are evaluated by *splicing*: the call is replaced by the
// substituted expression in a copy of the tree, re-parsed incrementally, and the evaluator sees a
// real node in the caller's function, so `sizeof(*(x))` finds x's local declaration. All such
// sites of one file share one incremental re-parse.
import type { Node, Point, Tree } from 'web-tree-sitter';
import type { CallSite, Growth, Range, ResizeHelper, SizeValue } from '../../types';
import { classifyGrowth, evaluateMremapFlags, evaluateSize, evaluateSizeKept, type Scope, type TextEvaluation } from './evaluate';
import type { NameUse } from './callSites';
import { conditionsAt, directiveTable, type DirectiveTable } from './conditions';
import { parserFor } from './parserCache';
import { sameLvalue, stripParensAndCasts } from './substitute';
import { siteFacts, type FunctionIndex } from './siteFacts';
import { hintAnchor } from './hintAnchor';
import type { Elsewhere } from './noReturn';
import { declaratorName, enclosingFunctionNode, functionName, isInLoop, outerExpression, placeOf } from './syntax';
import { allocatesFromNull, argTextAt, primitiveOf, type ArgRole } from './wrappers';
import { storedAt, typeLookup, viaHead } from './functionPointers';

export function rangeOf(n: Node): Range {
  const end = n.endPosition; // a call into wasm, and a new object, at each read
  return {
    start: { line: n.startPosition.row + 1, column: n.startPosition.column + 1 },
    end: { line: end.row + 1, column: end.column + 1 },
    startOffset: n.startIndex,
    endOffset: n.endIndex,
  };
}

const unknown = (text: string, note: string): SizeValue => ({ bytes: null, text, note });

/** Where one argument of a site comes from: a node in this tree, a text to splice, or nothing. */
type ArgSource = { node: Node; text: string } | { splice: string } | { note: string };

interface Pending {
  use: NameUse;
  site: CallSite;
  args: Partial<Record<ArgRole, ArgSource>>;
}

function sourceOf(use: NameUse, role: ArgRole): ArgSource {
  const a = argTextAt(use, role);
  if ('note' in a) return { note: a.note };
  return a.node ? { node: a.node, text: a.text } : { splice: a.text };
}

/** What the evaluator says about one resolved argument. */
interface Resolved {
  node: Node | null;
  text: string;
  note?: string;
}

function viaNote(use: NameUse): string {
  if (use.target.kind !== 'wrapper') return '';
  return `via ${[viaHead(use), ...use.target.def.via].join(' → ')}: `;
}

/** An argument's size, and the evaluation it came from (growth reads it again: see safeGrowth). */
interface Sized {
  v: SizeValue;
  kept?: TextEvaluation | null;
}

function sizeFrom(r: Resolved | undefined, scope: Scope, prefix: string): Sized {
  if (!r) return { v: unknown('', 'argument not available') };
  if (!r.node) return { v: unknown(r.text, prefix + (r.note ?? `\`${r.text}\` could not be evaluated`)) };
  let v: SizeValue;
  let kept: TextEvaluation | null = null;
  try {
    ({ size: v, kept } = evaluateSizeKept(r.node, scope));
  } catch (e) {
    v = unknown(r.text, `evaluator failed: ${(e as Error).message}`);
  }
  return { v: prefix ? { ...v, text: r.text, note: prefix + v.note } : v, kept };
}

/** Fills sizes, flags and growth of a site from its resolved arguments. */
function fill(p: Pending, resolved: Partial<Record<ArgRole, Resolved>>, scope: Scope): void {
  const site = p.site;
  const prefix = viaNote(p.use);
  const callee = site.callee;
  const size = resolved.size;
  if (callee === 'reallocarray') {
    const count = resolved.count;
    const counted = sizeFrom(count, scope, '');
    const c = counted.v;
    const s = sizeFrom(size, scope, '').v;
    const text = `${c.text} × ${s.text}`;
    site.newSize =
      c.bytes !== null && s.bytes !== null
        ? { bytes: c.bytes * s.bytes, text, note: `${prefix}nmemb × size = ${c.bytes} × ${s.bytes} (${c.note}; ${s.note})` }
        : unknown(text, `${prefix}nmemb × size: ${c.bytes === null ? c.note : s.note}`);
    site.growth = count?.node ? safeGrowth(count.node, scope, counted.kept) : null;
  } else {
    const sized = sizeFrom(size, scope, prefix);
    site.newSize = sized.v;
    site.growth = size?.node ? safeGrowth(size.node, scope, sized.kept) : stepGrowth(p.use, scope);
  }
  if (callee === 'mremap') {
    site.oldSize = sizeFrom(resolved.oldSize, scope, prefix).v;
    const f = resolved.flags;
    site.flags = f?.node ? safeFlags(f.node, scope) : null;
  }
}

/** A macro that steps its size before resizing (WrapperDef.sizeStep): linear when the step is a positive constant here. */
function stepGrowth(use: NameUse, scope: Scope): Growth | null {
  const step = use.target.kind === 'wrapper' ? use.target.def.sizeStep : undefined;
  if (!step) return null;
  if ('by' in step) return 'linear';
  const arg = use.args[step.byParam];
  if (!arg) return null;
  const v = evaluateSize(arg, scope);
  return v.bytes !== null && v.bytes > 0 ? 'linear' : null;
}

// The evaluator is being written in parallel and must never take the finder down with it.
// `kept`: the size's own evaluation of `node`, which growth starts from (one evaluation, not two).
function safeGrowth(node: Node, scope: Scope, kept: TextEvaluation | null | undefined): Growth | null {
  try {
    return classifyGrowth(node, scope, kept ?? undefined);
  } catch {
    return null;
  }
}
function safeFlags(node: Node, scope: Scope): string[] | null {
  try {
    return evaluateMremapFlags(node, scope);
  } catch {
    return null;
  }
}

/** `p = realloc(p, n)`: the left-hand side when it is the resized pointer. */
function assignedBack(use: NameUse): string | null {
  if (use.role !== 'call') return null;
  const ptr = argTextAt(use, 'ptr');
  if (!('text' in ptr)) return null;
  const def = use.target.kind === 'wrapper' ? use.target.def : null;
  let ptrText = ptr.text;
  if (def?.ptrThroughPointer) ptrText = stripParensAndCasts(ptrText).replace(/^&\s*/, '');
  if (def?.assignsBack) return ptrText.trim();
  const outer = outerExpression(use.exprNode);
  const holder = outer.parent;
  if (holder?.type === 'expression_statement') {
    const split = splitAssignmentTarget(holder);
    return split !== null && sameLvalue(split, ptrText) ? split : null;
  }
  if (holder?.type !== 'assignment_expression') return null;
  if (holder.childForFieldName('operator')?.text !== '=') return null;
  const right = holder.childForFieldName('right');
  const left = holder.childForFieldName('left');
  if (!left || !right || right.id !== outer.id) return null;
  return sameLvalue(left.text, ptrText) ? left.text.trim() : null;
}

const BRANCHES = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_elifdef', 'preproc_else']);

/**
 * `p =\n#ifdef X\n  mremap(p, …);\n#else\n  realloc(p, …);\n#endif`: tree-sitter leaves `p =` as an
 * ERROR just before the #if and each branch as a statement of its own. Returns `p` for a
 * statement that opens such a branch.
 */
function splitAssignmentTarget(stmt: Node): string | null {
  let branch = stmt.parent;
  if (!branch || !BRANCHES.has(branch.type)) return null;
  // The statement must be the first thing in its branch (after the condition).
  const first = branch.namedChildren.find((c) => c && c.type !== 'comment' && c.id !== branch!.childForFieldName('condition')?.id && c.id !== branch!.childForFieldName('name')?.id);
  if (!first || first.id !== stmt.id) return null;
  while (branch.parent && BRANCHES.has(branch.parent.type) && branch.parent.type !== 'preproc_else') {
    const alt = branch.parent.childForFieldName('alternative');
    if (!alt || alt.id !== branch.id) break;
    branch = branch.parent;
  }
  const prev = branch.previousSibling;
  if (!prev || prev.type !== 'ERROR') return null;
  const m = /^([\s\S]*?[^=!<>+\-*/%&|^])\s*=\s*$/.exec(prev.text);
  return m ? m[1]!.trim() : null;
}

/** The name of `first` (the function around a site), or of the nearest named one around it. */
function enclosingName(first: Node | null): string | null {
  // A definition error recovery made up (no name, or a keyword for one) is skipped for the one around it.
  for (let fn = first; fn; fn = enclosingFunctionNode(fn)) {
    const name = functionName(fn) ?? declaratorName(fn.childForFieldName('declarator'))?.text ?? null;
    if (name) return name;
  }
  return null;
}

/**
 * CallSites for `uses` (all from `root`'s tree). `text` is the text the tree was parsed from;
 * `directives` (directiveTable of that text) saves a scan when the caller already has it.
 */
export function buildSites(
  uses: NameUse[],
  root: Node,
  text: string,
  file: string,
  scope: Scope,
  directives?: DirectiveTable,
): CallSite[] {
  const sites: CallSite[] = [];
  let table = uses.some((u) => u.target.kind !== 'helper') ? directives ?? directiveTable(text, root) : null;
  const toSplice: { p: Pending; roles: ArgRole[]; texts: string[] }[] = [];
  const built: [NameUse, CallSite, Node | null][] = [];
  for (const use of uses) {
    if (use.target.kind === 'helper') {
      const h = use.target.helper;
      if (use.role === 'call' && h.linearStep && isInLoop(use.nameNode) && !stepFromOwnState(use)) sites.push(helperSite(use, h, table ??= directives ?? directiveTable(text, root), file));
      continue;
    }
    const def = use.target.kind === 'wrapper' ? use.target.def : null;
    // A pointer variable named as a value (`re = realloc;` assigns it, `f(re)` passes it on) is not a resize.
    if (def?.kind === 'pointer' && use.role !== 'call') continue;
    const place = placeOf(use.nameNode);
    const objectMacroUse = use.role === 'reference' && def?.macroForm === 'object';
    const isCall = use.role === 'call' || objectMacroUse;
    const site: CallSite = {
      file,
      language: 'c',
      callee: primitiveOf(use.target),
      kind: !isCall ? 'reference' : use.target.kind === 'primitive' ? 'direct-call' : 'wrapper-call',
      via: def ? [viaHead(use), ...def.via] : [],
      name: use.display ?? use.name,
      nameRange: rangeOf(use.nameNode),
      range: rangeOf(use.exprNode),
      oldSize: null,
      newSize: null,
      flags: null,
      growth: null,
      inLoop: place.inLoop,
      assignedBackTo: isCall ? assignedBack(use) : null,
      conditions: conditionsAt(table!, use.nameNode.startIndex),
      enclosingFunction: enclosingName(place.fn),
    };
    if (def?.diesOnFailure) site.diesOnFailure = true;
    if (def?.onFailure) site.onFailure = def.onFailure;
    if (isCall && site.callee !== 'mremap' && allocatesFromNull(use)) site.allocates = true;
    if (isCall) {
      const h = hintAnchor(use.exprNode);
      const end = rangeOf(h.end);
      site.hintAfter = { ...rangeOf(h.start), end: end.end, endOffset: end.endOffset };
    } else {
      const where = storedAt(use.exprNode, use.name, file, file, typeLookup(scope));
      if (where.fact) site.storedInto = where.fact.text.slice(0, where.fact.text.lastIndexOf(' = '));
      if (where.pass) site.passedTo = where.pass.fn;
    }
    sites.push(site);
    built.push([use, site, place.fn]);
    if (!isCall) continue;
    const roles: ArgRole[] =
      site.callee === 'mremap' ? ['oldSize', 'size', 'flags'] : site.callee === 'reallocarray' ? ['count', 'size'] : ['size'];
    const p: Pending = { use, site, args: {} };
    const spliceRoles: ArgRole[] = [];
    const spliceTexts: string[] = [];
    for (const r of roles) {
      const src = sourceOf(use, r);
      p.args[r] = src;
      if ('splice' in src) {
        spliceRoles.push(r);
        spliceTexts.push(src.splice);
      }
    }
    if (spliceRoles.length) toSplice.push({ p, roles: spliceRoles, texts: spliceTexts });
    else fill(p, resolveDirect(p), scope);
  }
  if (toSplice.length) spliceAndFill(toSplice, root.tree, text, scope);
  // After the sizes: a constant product is not an "unchecked multiply".
  const fnIndexes = new Map<number, FunctionIndex>();
  const inHeaders = headersOf(scope);
  for (const [use, site, fn] of built) {
    const facts = siteFacts(use, site, root, text, fnIndexes, inHeaders, fn);
    if (facts) site.facts = facts;
  }
  return sites;
}

/** What the included headers say about calls that do not return (noReturn.ts), asked only when a failure check needs it. */
function headersOf(scope: Scope): Elsewhere {
  return {
    noReturn: (name) => scope.headers.some((h) => h.noReturn?.has(name)),
    macro: (name) => {
      for (const h of scope.headers) {
        const m = h.macros.get(name);
        if (m) return m;
      }
      return undefined;
    },
  };
}

/**
 * A helper call whose step reads the state of the object it grows (`reserve(s, s->cap)`, `grow(b,
 * b->len ? b->len : 16)`): the room added is the room already there, geometric growth.
 */
function stepFromOwnState(use: NameUse): boolean {
  const objects = new Set(use.args.map((a) => stripParensAndCasts(a.text).replace(/^&\s*/, '')).filter((t) => /^[A-Za-z_]\w*$/.test(t)));
  if (!objects.size) return false;
  return use.args.some((a) => {
    const t = a.text;
    return [...objects].some((o) => t.includes(o) && new RegExp(`(?<![\\w.>])${o}\\s*(?:->|\\.)\\s*[A-Za-z_]`).test(t));
  });
}

/**
 * A loop's call of a helper that grows by a constant step: reported for the loop (quadratic
 * copying in total), with no size of its own — the helper computes it from what it owns.
 */
function helperSite(use: NameUse, h: ResizeHelper, table: DirectiveTable, file: string): CallSite {
  return {
    file,
    language: 'c',
    callee: h.callee,
    kind: 'helper-call',
    via: [h.name, ...h.via],
    name: use.name,
    nameRange: rangeOf(use.nameNode),
    range: rangeOf(use.exprNode),
    oldSize: null,
    newSize: unknown(use.exprNode.text, `\`${h.name}\` computes the size itself: it ${h.why}`),
    flags: null,
    growth: 'linear',
    inLoop: true,
    assignedBackTo: null,
    conditions: conditionsAt(table, use.nameNode.startIndex),
    enclosingFunction: enclosingName(enclosingFunctionNode(use.nameNode)),
  };
}

function resolveDirect(p: Pending): Partial<Record<ArgRole, Resolved>> {
  const out: Partial<Record<ArgRole, Resolved>> = {};
  for (const [r, src] of Object.entries(p.args) as [ArgRole, ArgSource][]) {
    if ('node' in src) out[r] = { node: src.node, text: src.text };
    else if ('note' in src) out[r] = { node: null, text: '', note: src.note };
  }
  return out;
}

function pointAfter(start: Point, inserted: string): Point {
  const nl = inserted.lastIndexOf('\n');
  if (nl < 0) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = 0; i < inserted.length; i++) if (inserted.charCodeAt(i) === 10) rows++;
  return { row: start.row + rows, column: inserted.length - nl - 1 };
}

/**
 * The spliced text as the re-parse reads it, a short piece at a time. Given the whole text,
 * web-tree-sitter copies 5,120 characters into its buffer at each read, and an incremental parse
 * reads a few tokens at each edit before it reuses the old tree again: on the dense bench corpus
 * 4.1 M characters were copied over 931 reads, 1.1 M over 1,129 reads of 1,024 (counted).
 */
export function splicedReader(text: string): (index: number) => string {
  return (index) => text.slice(index, index + 1024);
}

/**
 * Replaces each pending call by `((e1), (e2), …)` (its substituted argument expressions) in a
 * copy of the tree, re-parses incrementally, and evaluates each `(ei)` node where it now sits.
 * Calls nested inside another spliced call go to a later batch.
 */
function spliceAndFill(items: { p: Pending; roles: ArgRole[]; texts: string[] }[], tree: Tree, text: string, scope: Scope): void {
  let rest = [...items].sort((a, b) => a.p.use.exprNode.startIndex - b.p.use.exprNode.startIndex);
  const parser = parserFor(tree.language);
  while (rest.length) {
    const batch: typeof rest = [];
    const later: typeof rest = [];
    let lastEnd = -1;
    for (const it of rest) {
      if (it.p.use.exprNode.startIndex >= lastEnd) {
        batch.push(it);
        lastEnd = it.p.use.exprNode.endIndex;
      } else later.push(it);
    }
    rest = later;

    const copy = tree.copy();
    let newText = '';
    let cursor = 0;
    const placed: { it: (typeof batch)[number]; start: number; parts: { off: number; len: number }[] }[] = [];
    const edits: { node: Node; replacement: string }[] = [];
    for (const it of batch) {
      const n = it.p.use.exprNode;
      newText += text.slice(cursor, n.startIndex);
      const start = newText.length;
      const parts: { off: number; len: number }[] = [];
      let repl = '(';
      it.texts.forEach((t, i) => {
        if (i) repl += ', ';
        const piece = `(${t})`;
        parts.push({ off: repl.length, len: piece.length });
        repl += piece;
      });
      repl += ')';
      newText += repl;
      cursor = n.endIndex;
      placed.push({ it, start, parts });
      edits.push({ node: n, replacement: repl });
    }
    newText += text.slice(cursor);
    // Later edits first, so every edit's coordinates are still those of the original text.
    for (let i = edits.length - 1; i >= 0; i--) {
      const { node: n, replacement } = edits[i]!;
      copy.edit({
        startIndex: n.startIndex,
        oldEndIndex: n.endIndex,
        newEndIndex: n.startIndex + replacement.length,
        startPosition: n.startPosition,
        oldEndPosition: n.endPosition,
        newEndPosition: pointAfter(n.startPosition, replacement),
      });
    }
    // A partial tree (scan/regions.ts) keeps its ranges, moved by the edits: parsing the whole
    // spliced text instead would parse everything the scan left out.
    const ranges = copy.getIncludedRanges();
    const whole = ranges.length === 1 && ranges[0]!.startIndex === 0 && ranges[0]!.endIndex >= newText.length;
    const read = splicedReader(newText);
    const spliced = whole || !ranges.length ? parser.parse(read, copy) : parser.parse(read, copy, { includedRanges: ranges });
    try {
      for (const { it, start, parts } of placed) {
        const resolved = resolveDirect(it.p);
        it.roles.forEach((r, i) => {
          const part = parts[i]!;
          const s = start + part.off;
          const node = spliced?.rootNode.descendantForIndex(s, s + part.len) ?? null;
          const ok = node && node.startIndex === s && node.endIndex === s + part.len;
          resolved[r] = ok
            ? { node, text: it.texts[i]! }
            : { node: null, text: it.texts[i]!, note: `\`${it.texts[i]}\` did not parse as an expression` };
        });
        fill(it.p, resolved, scope);
      }
    } finally {
      spliced?.delete();
      copy.delete();
    }
  }
}
