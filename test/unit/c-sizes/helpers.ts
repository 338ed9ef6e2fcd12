// Shared set-up for the size evaluator tests: parse a C snippet, collect its symbols (and those
// of "headers" given as text), and hand out the arguments of its realloc/mremap calls.
import type { Node, Parser } from 'web-tree-sitter';
import { createCParser } from '../../../src/core/analysis/c/parser';
import { collectSymbols, type FileSymbols } from '../../../src/core/analysis/c/symbols';
import {
  defaultSizeOptions, evaluateSize, type Scope, type SizeOptions,
} from '../../../src/core/analysis/c/evaluate';
import type { SizeValue } from '../../../src/core/types';
import { grammarFiles } from '../../support/grammar';

let parser: Parser | null = null;

export async function cParser(): Promise<Parser> {
  parser ??= await createCParser(grammarFiles);
  return parser;
}

export interface Snippet {
  scope: Scope;
  root: Node;
  /** Arguments of the n-th call of `name` (default: the last one). */
  args(name?: string, n?: number): Node[];
}

export interface SnippetOptions {
  headers?: Record<string, string>;
  options?: Partial<SizeOptions>;
}

export async function snippet(src: string, opts: SnippetOptions = {}): Promise<Snippet> {
  const p = await cParser();
  const tree = p.parse(src);
  if (!tree) throw new Error('test snippet did not parse');
  const headers: FileSymbols[] = Object.entries(opts.headers ?? {}).map(([name, text]) => {
    const t = p.parse(text);
    if (!t) throw new Error(`test header ${name} did not parse`);
    return collectSymbols(t.rootNode, name);
  });
  const scope: Scope = {
    file: collectSymbols(tree.rootNode, 'test.c'),
    headers,
    options: { ...defaultSizeOptions, ...opts.options },
  };
  return {
    scope,
    root: tree.rootNode,
    args(name = 'realloc', n = -1) {
      const calls = tree.rootNode
        .descendantsOfType('call_expression')
        .filter((c) => c?.childForFieldName('function')?.text === name);
      const call = n < 0 ? calls[calls.length + n] : calls[n];
      if (!call) throw new Error(`no call of ${name} in the snippet`);
      return call.childForFieldName('arguments')!.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    },
  };
}

/** Evaluates `expr` as the size argument of a realloc inside `void f(void)`, after `prelude`. */
export async function sizeOf(expr: string, prelude = '', opts: SnippetOptions = {}): Promise<SizeValue> {
  const s = await snippet(`${prelude}\nvoid *f(void *p) { return realloc(p, ${expr}); }\n`, opts);
  return evaluateSize(s.args()[1]!, s.scope);
}

export async function bytesOf(expr: string, prelude = '', opts: SnippetOptions = {}): Promise<number | null> {
  return (await sizeOf(expr, prelude, opts)).bytes;
}
