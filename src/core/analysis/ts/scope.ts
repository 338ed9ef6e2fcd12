// Name lookup without a type checker: walk out from a use through the enclosing blocks and
// functions and take the nearest declaration of the name, as JavaScript's lexical scoping does.
// Hoisting of `var` is approximated by its block; that is enough for the sizes and receivers
// the analysis needs, and it costs a map per block, built once and only where a lookup happens.
import type { ts as TsNs } from 'ts-morph';
import type { Ctx, Expression, Node } from './context';

export type Binding =
  /** `const`/`let`/`var`; `path` is the property path of a destructuring (`const { a: { b } } = init` → ['a', 'b']). */
  | { kind: 'var'; name: string; isConst: boolean; init: Expression | undefined; path: string[]; decl: TsNs.VariableDeclaration; type: TsNs.TypeNode | undefined }
  | { kind: 'param'; name: string; decl: TsNs.ParameterDeclaration; type: TsNs.TypeNode | undefined }
  | { kind: 'function'; name: string; decl: Node }
  | { kind: 'class'; name: string; decl: Node }
  | { kind: 'enum'; name: string; decl: TsNs.EnumDeclaration }
  /** `import x from 'm'` (imported 'default'), `import * as x` ('*'), `import { a as x }` ('a'). */
  | { kind: 'import'; name: string; module: string; imported: string; decl: Node };

const tables = new WeakMap<Node, Map<string, Binding>>();

function addBindingName(ctx: Ctx, out: Map<string, Binding>, name: TsNs.BindingName, decl: TsNs.VariableDeclaration, isConst: boolean, path: string[]): void {
  const ts = ctx.ts;
  if (ts.isIdentifier(name)) {
    if (!out.has(name.text)) out.set(name.text, { kind: 'var', name: name.text, isConst, init: decl.initializer, path, decl, type: path.length ? undefined : decl.type });
    return;
  }
  if (ts.isObjectBindingPattern(name)) {
    for (const el of name.elements) {
      if (el.dotDotDotToken) continue;
      const prop = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
      const key = prop && (ts.isIdentifier(prop) || ts.isStringLiteral(prop)) ? prop.text : undefined;
      if (key === undefined) continue;
      addBindingName(ctx, out, el.name, decl, isConst, [...path, key]);
    }
  }
  // Array patterns: positions carry no name the analysis could use.
}

function addVariableList(ctx: Ctx, out: Map<string, Binding>, list: TsNs.VariableDeclarationList): void {
  const isConst = (list.flags & ctx.ts.NodeFlags.Const) !== 0;
  for (const d of list.declarations) addBindingName(ctx, out, d.name, d, isConst, []);
}

function addStatement(ctx: Ctx, out: Map<string, Binding>, s: Node): void {
  const ts = ctx.ts;
  if (ts.isVariableStatement(s)) addVariableList(ctx, out, s.declarationList);
  else if (ts.isFunctionDeclaration(s) && s.name) out.set(s.name.text, { kind: 'function', name: s.name.text, decl: s });
  else if (ts.isClassDeclaration(s) && s.name) out.set(s.name.text, { kind: 'class', name: s.name.text, decl: s });
  else if (ts.isEnumDeclaration(s) && !out.has(s.name.text)) out.set(s.name.text, { kind: 'enum', name: s.name.text, decl: s });
  else if (ts.isImportDeclaration(s) && s.importClause && ts.isStringLiteral(s.moduleSpecifier)) {
    const module = s.moduleSpecifier.text;
    const c = s.importClause;
    if (c.name) out.set(c.name.text, { kind: 'import', name: c.name.text, module, imported: 'default', decl: s });
    const nb = c.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) out.set(nb.name.text, { kind: 'import', name: nb.name.text, module, imported: '*', decl: s });
    else if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) out.set(el.name.text, { kind: 'import', name: el.name.text, module, imported: (el.propertyName ?? el.name).text, decl: s });
    }
  }
}

const EMPTY: Map<string, Binding> = new Map();

function isScope(ts: Ctx['ts'], n: Node): boolean {
  return ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isCatchClause(n) || ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);
}

/** The names a scope-creating node declares directly. */
function tableOf(ctx: Ctx, scope: Node): Map<string, Binding> {
  let t = tables.get(scope);
  if (t) return t;
  const ts = ctx.ts;
  if (!isScope(ts, scope)) return EMPTY;
  t = new Map();
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
    for (const s of scope.statements) addStatement(ctx, t, s);
  } else if (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) {
    const init = scope.initializer;
    if (init && ts.isVariableDeclarationList(init)) addVariableList(ctx, t, init);
  } else if (ts.isCatchClause(scope)) {
    const v = scope.variableDeclaration;
    if (v && ts.isIdentifier(v.name)) t.set(v.name.text, { kind: 'param', name: v.name.text, decl: v as unknown as TsNs.ParameterDeclaration, type: undefined });
  } else if ('parameters' in scope && Array.isArray((scope as TsNs.FunctionLikeDeclaration).parameters)) {
    const fn = scope as TsNs.FunctionLikeDeclaration;
    for (const p of fn.parameters) {
      if (ts.isIdentifier(p.name)) t.set(p.name.text, { kind: 'param', name: p.name.text, decl: p, type: p.type });
    }
    // A named function expression sees its own name.
    if (ts.isFunctionExpression(fn) && fn.name) t.set(fn.name.text, { kind: 'function', name: fn.name.text, decl: fn });
  }
  tables.set(scope, t);
  return t;
}

/** The declaration `name` refers to at `at`, or undefined (a global or a name from elsewhere). */
export function resolve(ctx: Ctx, name: string, at: Node): Binding | undefined {
  for (let p: Node | undefined = at; p; p = p.parent) {
    const b = tableOf(ctx, p).get(name);
    if (b) return b;
  }
  return undefined;
}
