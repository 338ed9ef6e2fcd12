// The one place where the project scan calls the per-file C analysis. Everything else in
// src/core/scan speaks WrapperDef/CallSite only, so swapping the analysis is a one-file change.
//
// INTERIM: the call-site finder (src/core/analysis/c/analyzeFile.ts, wrappers.ts, callSites.ts)
// is being written in parallel. Until it lands, this file carries a deliberately small stand-in
// (direct calls, references, function wrappers that pass a parameter straight through) so the
// orchestration, worker pool and outputs can be built and tested end to end.
import type { Node } from 'web-tree-sitter';
import type { CallSite, Primitive, Range, WrapperDef } from '../types';
import { classifyGrowth, evaluateMremapFlags, evaluateSize, type Scope } from '../analysis/c/evaluate';

export const primitiveParams: Record<Primitive, WrapperDef['params']> = {
  realloc: { ptr: 0, size: 1 },
  reallocf: { ptr: 0, size: 1 },
  reallocarray: { ptr: 0, count: 1, size: 2 },
  mremap: { ptr: 0, oldSize: 1, size: 2, flags: 3 },
};
export const primitives = Object.keys(primitiveParams) as Primitive[];

type Known = ReadonlyMap<string, WrapperDef | Primitive>;

/** Params of a known name: a primitive's own signature or a wrapper's mapping. */
function paramsOf(k: WrapperDef | Primitive): WrapperDef['params'] {
  return typeof k === 'string' ? primitiveParams[k] : k.params;
}

/** Wrappers defined in this file of any name in `known` (primitives or earlier wrappers). */
export function findWrappers(root: Node, file: string, known: Known): WrapperDef[] {
  const found: WrapperDef[] = [];
  for (const fn of root.descendantsOfType('function_definition')) {
    if (!fn) continue;
    const decl = functionDeclarator(fn);
    const name = decl?.childForFieldName('declarator')?.text;
    if (!decl || !name || known.has(name)) continue;
    const params = (decl.childForFieldName('parameters')?.namedChildren ?? [])
      .filter((p) => p?.type === 'parameter_declaration')
      .map((p) => innermostIdentifier(p!.childForFieldName('declarator')));
    for (const call of fn.descendantsOfType('call_expression')) {
      const callee = call?.childForFieldName('function');
      if (!call || callee?.type !== 'identifier') continue;
      const target = known.get(callee.text);
      if (!target) continue;
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a && a.type !== 'comment');
      const inner = paramsOf(target);
      const map = (i: number | undefined) => (i === undefined || i < 0 ? -1 : params.indexOf(args[i]?.text ?? '\0'));
      const ptr = map(inner.ptr);
      if (ptr < 0) continue; // not passing the caller's pointer through: an ordinary use, not a wrapper
      const p: WrapperDef['params'] = { ptr, size: map(inner.size) };
      if (inner.oldSize !== undefined) p.oldSize = map(inner.oldSize);
      if (inner.count !== undefined) p.count = map(inner.count);
      if (inner.flags !== undefined) p.flags = map(inner.flags);
      found.push({
        name,
        kind: 'function',
        callee: typeof target === 'string' ? target : target.callee,
        via: typeof target === 'string' ? [] : [target.name, ...target.via],
        params: p,
        diesOnFailure: /\b(abort|exit|_exit)\s*\(/.test(fn.text),
        file,
        line: fn.startPosition.row + 1,
      });
      break;
    }
  }
  return found;
}

/** Call sites and references of every known name in this file. */
export function findCallSites(root: Node, file: string, known: Known, scope: Scope): CallSite[] {
  const sites: CallSite[] = [];
  for (const id of root.descendantsOfType('identifier')) {
    if (!id) continue;
    const target = known.get(id.text);
    if (!target) continue;
    const parent = id.parent;
    if (!parent || parent.type === 'function_declarator' || parent.type === 'preproc_function_def' || parent.type === 'preproc_def') continue;
    const isCall = parent.type === 'call_expression' && parent.childForFieldName('function')?.id === id.id;
    const callee = typeof target === 'string' ? target : target.callee;
    const via = typeof target === 'string' ? [] : [target.name, ...target.via];
    const p = paramsOf(target);
    const args = isCall
      ? (parent.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment')
      : [];
    const arg = (i: number | undefined) => (i === undefined || i < 0 ? undefined : args[i]);
    const sizeNode = arg(p.size);
    const countNode = arg(p.count);
    let newSize = sizeNode ? evaluateSize(sizeNode, scope) : null;
    if (newSize && countNode) {
      const count = evaluateSize(countNode, scope);
      newSize = {
        bytes: count.bytes !== null && newSize.bytes !== null ? count.bytes * newSize.bytes : null,
        text: `${count.text} * ${newSize.text}`,
        note: `${count.note}; ${newSize.note}`,
      };
    }
    const oldNode = arg(p.oldSize);
    const flagsNode = arg(p.flags);
    const stmt = enclosing(parent, ['assignment_expression']);
    const left = stmt?.childForFieldName('left')?.text ?? null;
    sites.push({
      file,
      language: 'c',
      callee,
      kind: !isCall ? 'reference' : typeof target === 'string' ? 'direct-call' : 'wrapper-call',
      via,
      name: id.text,
      nameRange: rangeOf(id),
      range: rangeOf(isCall ? parent : id),
      oldSize: oldNode ? evaluateSize(oldNode, scope) : null,
      newSize,
      flags: flagsNode ? evaluateMremapFlags(flagsNode, scope) : callee === 'mremap' && isCall ? null : callee === 'mremap' ? null : [],
      growth: sizeNode ? classifyGrowth(sizeNode, scope) : null,
      inLoop: !!enclosing(parent, ['for_statement', 'while_statement', 'do_statement'], 'function_definition'),
      assignedBackTo: left !== null && left === arg(p.ptr)?.text ? left : null,
      conditions: [],
      enclosingFunction: (() => {
        const fn = enclosing(parent, ['function_definition']);
        return fn ? functionDeclarator(fn)?.childForFieldName('declarator')?.text ?? null : null;
      })(),
    });
  }
  return sites;
}

function functionDeclarator(fn: Node): Node | null {
  let d = fn.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  return d;
}

function innermostIdentifier(node: Node | null): string {
  let d = node;
  while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
  return d?.text ?? '';
}

function enclosing(node: Node, types: string[], stopAt?: string): Node | null {
  for (let n: Node | null = node; n; n = n.parent) {
    if (types.includes(n.type)) return n;
    if (stopAt && n.type === stopAt) return null;
  }
  return null;
}

function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row + 1, column: node.startPosition.column + 1 },
    end: { line: node.endPosition.row + 1, column: node.endPosition.column + 1 },
    startOffset: node.startIndex,
    endOffset: node.endIndex,
  };
}
