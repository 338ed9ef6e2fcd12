// Entry point of the TS/JS analysis: `analyzeTsFile(text, file, options)` → call sites and notes.
// Order of work: cheap refusals (declaration files, big generated bundles), a text prefilter
// (most files never load ts-morph), one parse, one walk that collects candidates and bindings,
// then each candidate is decided with the whole file's bindings known. Never throws.
import type { ts as TsNs } from 'ts-morph';
import type { CallSite } from '../../types';
import type { TsAnalysisOptions, TsAnalysisResult } from './api';
import { concatGrow, copyGrow } from './growth';
import { growOrResize, transferSite, type ViewDecl, viewDecl } from './buffers';
import { reallocCall, reference } from './calls';
import { type Assignment, type Ctx, type Expression, type Node, lineCol, memberName, unwrap } from './context';
import { type ReallocFn, TRIGGER_NAMES, originOf } from './receivers';
import { withRewrites } from './rewrite';
import { tsApi, withSourceFile } from './project';

export * from './api';

const DEFAULT_MAX_GENERATED = 1024 * 1024;
/** A line this long is not written by hand. */
const GENERATED_LINE = 5000;

/** A file that does not match cannot hold a site: no parse, no ts-morph load. */
const RELEVANT = /realloc|mremap|\.\s*(?:grow|resize|transfer|transferToFixedLength)\s*\(|Buffer\s*\.\s*(?:concat|alloc)|new\s+(?:Int|Uint|Float|BigInt|BigUint)(?:8|16|32|64)(?:Clamped)?Array\b/;

const METHODS = new Set(['transfer', 'transferToFixedLength', 'resize', 'grow', 'concat', 'alloc', 'allocUnsafe', 'allocUnsafeSlow']);

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function longestLine(text: string): number {
  let max = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', start)) {
    const end = i < 0 ? text.length : i;
    if (end - start > max) max = end - start;
    if (i < 0) return max;
    start = i + 1;
  }
}

/** Why a file is not analysed at all, or undefined. */
function refusal(text: string, file: string, maxGenerated: number): string | undefined {
  const f = file.toLowerCase();
  if (/\.d\.[cm]?ts$/.test(f) || /\.d\.[^./\\]+\.ts$/.test(f)) return 'declaration file: declarations only, no findings';
  const minified = /\.min\.[cm]?js$/.test(f);
  if ((minified || text.length > GENERATED_LINE) && text.length * 3 > maxGenerated) {
    const bytes = utf8Length(text);
    if (bytes > maxGenerated && (minified || longestLine(text) > GENERATED_LINE)) {
      return `generated bundle (${Math.round(bytes / 1024)} KiB, over the ${Math.round(maxGenerated / 1024)} KiB limit for ${minified ? 'minified files' : 'files with very long lines'}): not analysed`;
    }
  }
  return undefined;
}

interface Candidates {
  calls: TsNs.CallExpression[];
  news: TsNs.NewExpression[];
  values: Expression[];
  views: ViewDecl[];
  aliases: Set<string>;
}

const ALIAS_TEXT = /realloc|mremap/g;

/** Offsets where `realloc`/`mremap` occur, so "does this declaration mention one" is a search, not a substring. */
function mentions(text: string): (start: number, end: number) => boolean {
  const at: number[] = [];
  ALIAS_TEXT.lastIndex = 0;
  for (let m = ALIAS_TEXT.exec(text); m; m = ALIAS_TEXT.exec(text)) at.push(m.index);
  return (start, end) => {
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo]! < end;
  };
}

function collect(ctx: Ctx): Candidates {
  const ts = ctx.ts;
  const K = ts.SyntaxKind;
  const c: Candidates = { calls: [], news: [], values: [], views: [], aliases: new Set() };
  const mentioned = mentions(ctx.text);
  const valueParent = (n: Node): boolean => {
    const p = n.parent;
    if (!p) return false;
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) return p.expression !== n && (p.arguments?.includes(n as Expression) ?? false);
    if (ts.isArrayLiteralExpression(p) || ts.isReturnStatement(p)) return true;
    // Assignments (`Module['_realloc'] = wasmExports['realloc']`) only bind another name to the
    // export, as generated glue does for every export: aliases, not uses.
    if (ts.isPropertyAssignment(p)) return p.initializer === n;
    return false;
  };
  const visit = (n: Node): void => {
    switch (n.kind) {
      case K.CallExpression: {
        const call = n as TsNs.CallExpression;
        const callee = unwrap(ts, call.expression);
        const name = ts.isIdentifier(callee) ? callee.text : memberName(ts, callee);
        if (name !== undefined && (TRIGGER_NAMES.has(name) || METHODS.has(name) || ts.isIdentifier(callee))) c.calls.push(call);
        if (ts.isIdentifier(callee)) {
          const list = ctx.callsByName.get(callee.text);
          if (list) list.push(call);
          else ctx.callsByName.set(callee.text, [call]);
        }
        break;
      }
      case K.NewExpression:
        c.news.push(n as TsNs.NewExpression);
        break;
      case K.PropertyAccessExpression:
      case K.ElementAccessExpression: {
        const name = memberName(ts, n as Expression);
        if (name !== undefined && TRIGGER_NAMES.has(name) && valueParent(n)) c.values.push(n as Expression);
        break;
      }
      case K.Identifier:
        // Only names that could be a realloc export or an alias of one (aliases are known at the end).
        if (mentioned(n.pos, n.end) && valueParent(n)) c.values.push(n as Expression);
        break;
      case K.VariableDeclaration: {
        const d = n as TsNs.VariableDeclaration;
        const v = viewDecl(ctx, d);
        if (v) c.views.push(v);
        if (mentioned(d.pos, d.end)) addNames(ts, d.name, c.aliases);
        break;
      }
      case K.ImportSpecifier: {
        const sp = n as TsNs.ImportSpecifier;
        if (TRIGGER_NAMES.has((sp.propertyName ?? sp.name).text)) c.aliases.add(sp.name.text);
        break;
      }
      case K.BinaryExpression: {
        const b = n as TsNs.BinaryExpression;
        const op = b.operatorToken.kind;
        if (ts.isIdentifier(b.left) && op >= K.FirstAssignment && op <= K.LastAssignment) {
          const a: Assignment = { name: b.left.text, op: ts.tokenToString(op) ?? '=', rhs: b.right, node: b };
          const list = ctx.assignments.get(a.name);
          if (list) list.push(a);
          else ctx.assignments.set(a.name, [a]);
          if (op === K.EqualsToken && mentioned(b.right.pos, b.right.end)) c.aliases.add(b.left.text);
        }
        break;
      }
    }
    ts.forEachChild(n, (child) => {
      // The parse leaves parent links unset (project.ts); every later step relies on them.
      (child as { parent: Node }).parent = n;
      visit(child);
    });
  };
  visit(ctx.sf);
  return c;
}

function addNames(ts: Ctx['ts'], name: TsNs.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addNames(ts, el.name, out);
}

function reallocOrigin(ctx: Ctx, e: Expression): ReallocFn | undefined {
  const o = originOf(ctx, e);
  return o?.kind === 'fn' ? o : undefined;
}

function sitesOf(ctx: Ctx): CallSite[] {
  const ts = ctx.ts;
  const c = collect(ctx);
  const out: CallSite[] = [];
  const push = (s: CallSite | undefined) => {
    if (s) out.push(s);
  };
  for (const call of c.calls) {
    const callee = unwrap(ts, call.expression);
    const name = ts.isIdentifier(callee) ? callee.text : memberName(ts, callee)!;
    if (TRIGGER_NAMES.has(name) || (ts.isIdentifier(callee) && c.aliases.has(name))) {
      const fn = reallocOrigin(ctx, callee);
      if (fn) out.push(reallocCall(ctx, call, fn));
      continue;
    }
    if (name === 'transfer' || name === 'transferToFixedLength') push(transferSite(ctx, call, c.views));
    else if (name === 'grow' || name === 'resize') push(growOrResize(ctx, call));
    else if (name === 'concat') push(concatGrow(ctx, call));
    else if (name.startsWith('alloc')) push(copyGrow(ctx, call));
  }
  for (const n of c.news) push(copyGrow(ctx, n));
  for (const v of c.values) {
    const u = unwrap(ts, v);
    if (ts.isIdentifier(u) && !TRIGGER_NAMES.has(u.text) && !c.aliases.has(u.text)) continue;
    const fn = reallocOrigin(ctx, v);
    if (fn) out.push(reference(ctx, v, fn));
  }
  out.sort((a, b) => a.nameRange.startOffset - b.nameRange.startOffset || a.range.startOffset - b.range.startOffset);
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Loads the TypeScript parser now, for a warm-up: analyses load it on first need otherwise (a file without any relevant name never does). */
export function loadTsAnalysis(): void {
  tsApi();
}

export function analyzeTsFile(text: string, file: string, options: TsAnalysisOptions = {}): TsAnalysisResult {
  try {
    const skipped = refusal(text, file, options.maxGeneratedBytes ?? DEFAULT_MAX_GENERATED);
    if (skipped) return { sites: [], notes: [skipped], skipped };
    if (!RELEVANT.test(text)) return { sites: [], notes: [] };
    return withSourceFile(text, file, (sf, ts) => {
      const notes: string[] = [];
      const ctx: Ctx = { ts, sf, text, file, assignments: new Map(), callsByName: new Map(), lineStarts: lineStarts(text) };
      const diags = (sf as unknown as { parseDiagnostics?: TsNs.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
      if (diags.length) {
        const d = diags[0]!;
        const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
        notes.push(`syntax error${diags.length > 1 ? 's' : ''} at ${lineCol(ctx, d.start)} (${msg}); analysed what parsed`);
      }
      try {
        return { sites: withRewrites(ctx, sitesOf(ctx)), notes };
      } catch (err) {
        notes.push(`analysis stopped by an internal error: ${err instanceof Error ? err.message : String(err)}`);
        return { sites: [], notes };
      }
    });
  } catch (err) {
    return { sites: [], notes: [`could not parse the file: ${err instanceof Error ? err.message : String(err)}`] };
  }
}
