// Declared types of the names visible at a node, for `sizeof *p` and friends: the nearest
// block-scope declaration before the node, then the enclosing function's parameters, then
// file-scope variables (this file, then its headers). Only walks the node's ancestors and
// their direct children, and only when an expression actually asks for a variable's type.
import type { Node } from 'web-tree-sitter';
import { constInitializer, declaratorName, declaratorType, specifierType } from './declTypes';
import { typeOf } from './ancestry';
import type { CType } from './layout';
import type { FileSymbols } from './symbols';

/** A declared variable: its type, and for a const object its initializer. */
export interface VarInfo {
  type: CType;
  init?: string;
  /** Where it is declared, for notes ("line 12", "util.h:3"). */
  where?: string;
}

function fromDeclaration(decl: Node, name: string): VarInfo | undefined {
  // Text is a JS-side substring; checking it first avoids walking most declarations in wasm.
  if (!wordIn(decl.text, name)) return undefined;
  for (const d of decl.childrenForFieldName('declarator')) {
    if (!d || declaratorName(d) !== name) continue;
    const r = declaratorType(d, specifierType(decl.childForFieldName('type')));
    if (r.name !== name) continue;
    const init = constInitializer(decl, d);
    return init === null ? { type: r.type } : { type: r.type, init, where: `line ${decl.startPosition.row + 1}` };
  }
  return undefined;
}

function wordIn(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    const before = text[i - 1];
    const after = text[i + name.length];
    if ((!before || !/[\w$]/.test(before)) && (!after || !/[\w$]/.test(after))) return true;
  }
  return false;
}

function fromParameters(fn: Node, name: string): VarInfo | undefined {
  let d: Node | null = fn.childForFieldName('declarator');
  for (let guard = 0; d && typeOf(d) !== 'function_declarator' && guard < 16; guard++) {
    d = d.childForFieldName('declarator');
  }
  const params = d?.childForFieldName('parameters');
  if (!params) return undefined;
  for (const p of params.namedChildren) {
    if (!p || typeOf(p) !== 'parameter_declaration') continue;
    const pd = p.childForFieldName('declarator');
    if (!pd || declaratorName(pd) !== name) continue;
    const t = declaratorType(pd, specifierType(p.childForFieldName('type'))).type;
    // An array parameter is a pointer (C11 6.7.6.3p7): sizeof gives the pointer's size.
    return { type: t.k === 'array' ? { k: 'ptr', to: t.of } : t };
  }
  return undefined;
}

function localVar(chain: Node[], name: string): VarInfo | undefined {
  for (let i = chain.length - 2; i >= 0; i--) {
    const cur = chain[i]!;
    const child = chain[i + 1]!;
    // The same ancestors are asked about for each name a site's sizes look up.
    const type = typeOf(cur);
    if (type === 'compound_statement') {
      let found: VarInfo | undefined;
      for (const item of cur.namedChildren) {
        // `T *q = realloc(0, sizeof *q)` is valid C: a name is in scope from its own declarator on,
        // so the declaration holding the node counts too.
        if (!item || item.startIndex > child.startIndex) break;
        if (typeOf(item) === 'declaration') found = fromDeclaration(item, name) ?? found;
      }
      if (found) return found;
    } else if (type === 'for_statement') {
      const init = cur.childForFieldName('initializer');
      if (init && typeOf(init) === 'declaration') {
        const t = fromDeclaration(init, name);
        if (t) return t;
      }
    } else if (type === 'function_definition') {
      return fromParameters(cur, name);
    }
  }
  return undefined;
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** A memoising name → type lookup for one evaluation site. */
export function variableResolver(chainOf: () => Node[] | null, files: FileSymbols[]): (name: string) => VarInfo | undefined {
  const memo = new Map<string, VarInfo | undefined>();
  return (name) => {
    if (memo.has(name)) return memo.get(name);
    let t: VarInfo | undefined;
    try {
      const chain = chainOf();
      t = chain ? localVar(chain, name) : undefined;
    } catch {
      t = undefined;
    }
    for (const f of files) {
      if (t) break;
      const g = f.globals?.get(name) as CType | undefined;
      if (!g) continue;
      const c = f.constants?.get(name);
      t = c ? { type: g, init: c.text, where: `${basename(f.file)}:${c.line}` } : { type: g };
    }
    memo.set(name, t);
    return t;
  };
}
