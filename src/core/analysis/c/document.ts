// An open C document for the editor: keeps the previous tree and the previous analysis, and on
// each change re-parses incrementally and re-analyses only the functions whose syntax changed.
//
// Invariants:
// - `sites` always equals what analyzeCFile would return for the current text with the same
//   wrappers (the incremental path is an optimisation, never a different answer). Tests check it.
// - An edit outside every function body (a #define, a struct, a global, an #if line at file
//   scope) may change any size in the file, so it re-analyses the whole file and re-collects
//   symbols. So does an edit inside a function that is (or becomes) a wrapper defined here.
// - Sites outside the changed functions are kept and only have their positions shifted.
// - Symbols are collected on a private copy of the tree that is never edited, so whatever nodes
//   the evaluator keeps in FileSymbols stay valid while the live tree is edited.
import type { Edit, Node, Parser, Point, Tree } from 'web-tree-sitter';
import type { CallSite, Position, Range, WrapperDef } from '../../types';
import { analyzeCFile, type AnalyzeCOptions } from './analyzeFile';
import { buildCalleeIndex, findNameUses, type CalleeIndex } from './callSites';
import { defaultSizeOptions, type Scope } from './evaluate';
import { fullDirectiveTable, type DirectiveTable } from './conditions';
import { buildSites } from './siteBuilder';
import { parseCText, treeSitterText } from './treeText';
import { mapFactRanges } from './siteFacts';
import { collectSymbols, type FileSymbols } from './symbols';
import { functionName } from './syntax';
import { functionWrapper } from './wrappers';
import { bodyEndsInNoReturn, fileCalls } from './noReturn';

/** A text change in offsets of the JavaScript string (UTF-16 code units). */
export interface TextChange {
  startOffset: number;
  /** End of the replaced text, in the old text. */
  oldEndOffset: number;
  /** End of the inserted text, in the new text. */
  newEndOffset: number;
}

export interface UpdateResult {
  /** False when the whole file was re-analysed (file-scope edit, wrapper change, first parse). */
  incremental: boolean;
  /** How many functions were re-analysed on the incremental path. */
  functions: number;
}

export type CDocumentOptions = Omit<AnalyzeCOptions, 'symbols' | 'parser'>;

/** Row/column (0-based, UTF-16) of `offset` in `text`. */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    row++;
    lineStart = nl + 1;
  }
  return { row, column: offset - lineStart };
}

/** The change between two texts as one replaced span (common prefix and suffix kept). */
export function diffTexts(oldText: string, newText: string): TextChange {
  const max = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let oldEnd = oldText.length;
  let newEnd = newText.length;
  while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === newText.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { startOffset: start, oldEndOffset: oldEnd, newEndOffset: newEnd };
}

function shiftPosition(p: Position, offset: number, e: Edit): Position {
  if (offset < e.oldEndIndex) return p;
  const row = p.line - 1;
  if (row === e.oldEndPosition.row) {
    return { line: e.newEndPosition.row + 1, column: p.column - e.oldEndPosition.column + e.newEndPosition.column };
  }
  return { line: p.line + e.newEndPosition.row - e.oldEndPosition.row, column: p.column };
}

function shiftRange(r: Range, e: Edit): Range {
  const d = e.newEndIndex - e.oldEndIndex;
  return {
    start: shiftPosition(r.start, r.startOffset, e),
    end: shiftPosition(r.end, r.endOffset, e),
    startOffset: r.startOffset >= e.oldEndIndex ? r.startOffset + d : r.startOffset,
    endOffset: r.endOffset >= e.oldEndIndex ? r.endOffset + d : r.endOffset,
  };
}

/** The directive lines (starting with `#`) among the lines overlapping [start, end] of `text`. */
function directiveLines(text: string, start: number, end: number): string[] {
  // (A deleted newline puts `end` on the joined line already.)
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const to = text.indexOf('\n', end);
  return text
    .slice(from, to < 0 ? text.length : to)
    .split('\n')
    .filter((l) => /^[ \t]*#/.test(l));
}

function enclosingFunction(node: Node | null): Node | null {
  for (let n = node; n; n = n.parent) if (n.type === 'function_definition') return n;
  return null;
}

export class CDocument {
  sites: CallSite[] = [];
  /** Wrappers this document defines (not including `options.wrappers`). */
  wrappers: WrapperDef[] = [];
  symbols!: FileSymbols;
  private tree: Tree;
  private symTree: Tree | null = null;
  private index!: CalleeIndex;
  private directives!: DirectiveTable;
  /** Where each of this file's wrappers is defined ([start, end) of its function or #define), in current offsets. */
  private wrapperSpans: { start: number; end: number; def: WrapperDef }[] = [];
  /** Functions of this file that do not return (noReturn.ts): failure checks anywhere in the file read them. */
  private noReturn: { names: Set<string>; byAttribute: Set<string> } = { names: new Set(), byAttribute: new Set() };
  /** The tree was parsed from a rewritten text (treeText.ts): edits then parse afresh. */
  private rewritten: boolean;

  private constructor(
    private readonly parser: Parser,
    readonly file: string,
    private text: string,
    private options: CDocumentOptions,
    tree: Tree,
  ) {
    this.tree = tree;
    this.rewritten = treeSitterText(text) !== text;
    this.analyzeAll();
  }

  /** Parses and analyses `text`. `parser` must be set to the C language; the document owns its trees, not the parser. */
  static open(parser: Parser, file: string, text: string, options: CDocumentOptions = {}): CDocument {
    const tree = parseCText(parser, text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return new CDocument(parser, file, text, options, tree);
  }

  get currentText(): string {
    return this.text;
  }

  /** New known wrappers (another file's wrapper changed): re-analyses everything. */
  setWrappers(wrappers: readonly WrapperDef[]): void {
    this.setOptions({ wrappers });
  }

  /** New headers' symbols, size options or wrappers: re-analyses everything. */
  setOptions(options: Partial<CDocumentOptions>): void {
    this.options = { ...this.options, ...options };
    this.analyzeAll();
  }

  /**
   * Applies a change. `change` is optional (computed from the texts when missing); give it when
   * the editor knows it, which saves a scan of the text.
   */
  update(newText: string, change?: TextChange): UpdateResult {
    const c = change ?? diffTexts(this.text, newText);
    if (c.startOffset === c.oldEndOffset && c.startOffset === c.newEndOffset && newText === this.text) {
      return { incremental: true, functions: 0 }; // nothing changed (a save, a no-op edit event)
    }
    const edit: Edit = {
      startIndex: c.startOffset,
      oldEndIndex: c.oldEndOffset,
      newEndIndex: c.newEndOffset,
      startPosition: pointAt(this.text, c.startOffset),
      oldEndPosition: pointAt(this.text, c.oldEndOffset),
      newEndPosition: pointAt(newText, c.newEndOffset),
    };
    const oldText = this.text;
    const seen = treeSitterText(newText);
    const rewritten = seen !== newText;
    if (rewritten || this.rewritten) {
      // Rewritten shapes (treeText.ts) can change beyond the edit: parse afresh, analyse all.
      const fresh = this.parser.parse(seen);
      if (!fresh) throw new Error('tree-sitter returned no tree');
      this.tree.delete();
      this.tree = fresh;
      this.text = newText;
      this.rewritten = rewritten;
      this.analyzeAll();
      return { incremental: false, functions: 0 };
    }
    const old = this.tree;
    old.edit(edit);
    const next = this.parser.parse(newText, old);
    if (!next) throw new Error('tree-sitter returned no tree');
    const changed = old.getChangedRanges(next);
    old.delete();
    this.tree = next;
    this.text = newText;

    const delta = edit.newEndIndex - edit.oldEndIndex;
    const rows = edit.newEndPosition.row - edit.oldEndPosition.row;
    // Definitions below the edit move (their WrapperDef.line with them); one overlapping it is checked below.
    this.wrapperSpans = this.wrapperSpans.map((w) =>
      w.start >= edit.oldEndIndex
        ? { start: w.start + delta, end: w.end + delta, def: rows && w.def.line !== null ? { ...w.def, line: w.def.line + rows } : w.def }
        : { ...w, end: w.end >= edit.oldEndIndex ? w.end + delta : Math.max(w.start, Math.min(w.end, edit.startIndex)) },
    );

    // A directive line touched (made, unmade or changed) may change the conditions of every site below it.
    // (Comparing the lines, not just looking for one, lets a line inserted above a directive through.)
    const dirsBefore = directiveLines(oldText, edit.startIndex, edit.oldEndIndex);
    const dirsAfter = directiveLines(newText, edit.startIndex, edit.newEndIndex);
    if (dirsBefore.length !== dirsAfter.length || dirsBefore.some((l, i) => l !== dirsAfter[i])) {
      this.analyzeAll();
      return { incremental: false, functions: 0 };
    }

    // The functions that hold a syntactic change or the edited text itself.
    const root = next.rootNode;
    const spans: [number, number][] = changed.map((r) => [r.startIndex, r.endIndex]);
    spans.push([edit.startIndex, edit.newEndIndex]);
    const fns = new Map<number, Node>();
    for (const [s, t] of spans) {
      const fn = enclosingFunction(root.descendantForIndex(s, Math.max(s, t)));
      if (!fn) {
        this.analyzeAll(); // file scope: macros, types, globals, #if lines may change any size
        return { incremental: false, functions: 0 };
      }
      fns.set(fn.id, fn);
    }

    // A function that starts or stops ending in exit()/abort() changes failure checks elsewhere.
    for (const fn of fns.values()) {
      const name = functionName(fn);
      const body = fn.childForFieldName('body');
      if (!name || !body || this.noReturn.byAttribute.has(name)) continue;
      if (this.noReturn.names.has(name) !== bodyEndsInNoReturn(newText.slice(body.startIndex + 1, body.endIndex - 1), this.noReturn.names)) {
        this.analyzeAll();
        return { incremental: false, functions: 0 };
      }
    }

    // Sites before the edit stay put, sites after it shift, sites in a changed function are redone.
    const kept: CallSite[] = [];
    for (const site of this.sites) {
      if (site.range.endOffset > edit.startIndex && site.range.startOffset < edit.oldEndIndex) continue;
      const moved =
        site.range.startOffset >= edit.oldEndIndex
          ? {
              ...site,
              range: shiftRange(site.range, edit),
              nameRange: shiftRange(site.nameRange, edit),
              ...(site.facts ? { facts: mapFactRanges(site.facts, (r) => shiftRange(r, edit)) } : {}),
              ...(site.hintAfter ? { hintAfter: shiftRange(site.hintAfter, edit) } : {}),
            }
          : site;
      let inChanged = false;
      for (const fn of fns.values()) {
        if (moved.range.startOffset >= fn.startIndex && moved.range.startOffset < fn.endIndex) inChanged = true;
      }
      if (!inChanged) kept.push(moved);
    }
    const scope = this.scope();
    // No directive line was touched, so the old table holds with its offsets shifted.
    const directives: DirectiveTable = {
      offsets: this.directives.offsets.map((o) => (o >= edit.oldEndIndex ? o + delta : o)),
      stacks: this.directives.stacks,
    };
    this.directives = directives;
    const fresh: CallSite[] = [];
    for (const fn of fns.values()) {
      const uses = findNameUses(root, newText, this.index, { start: fn.startIndex, end: fn.endIndex });
      // A function that becomes, stops being, or changes as a wrapper changes its callers
      // everywhere (and wrappers built on it): the slow path. An edit that leaves the
      // wrapper's def as it was (the usual case) stays on the fast path.
      const before = this.wrapperSpans.find((w) => w.def.kind === 'function' && w.start < fn.endIndex && fn.startIndex < w.end);
      const now = uses.length ? functionWrapper(fn, uses, this.file, newText) : null;
      if (before || now) {
        const same = before && now && JSON.stringify({ ...now, line: null }) === JSON.stringify({ ...before.def, line: null });
        if (!same) {
          this.analyzeAll();
          return { incremental: false, functions: 0 };
        }
        before!.start = fn.startIndex;
        before!.end = fn.endIndex;
      }
      fresh.push(...buildSites(uses, root, newText, this.file, scope, directives));
    }
    this.sites = kept.concat(fresh).sort((a, b) => a.nameRange.startOffset - b.nameRange.startOffset);
    const moved = new Map(this.wrapperSpans.map((w) => [w.def.name, w.def]));
    this.wrappers = this.wrappers.map((d) => moved.get(d.name) ?? d);
    return { incremental: true, functions: fns.size };
  }

  dispose(): void {
    this.tree.delete();
    this.symTree?.delete();
    this.symTree = null;
  }

  private scope(): Scope {
    return { file: this.symbols, headers: this.options.headers ?? [], options: this.options.sizeOptions ?? defaultSizeOptions };
  }

  private analyzeAll(): void {
    this.symTree?.delete();
    this.symTree = this.tree.copy();
    const symbols = collectSymbols(this.symTree.rootNode, this.file);
    this.directives = fullDirectiveTable(this.text, this.tree.rootNode);
    const calls = fileCalls(this.text);
    this.noReturn = { names: calls.names(), byAttribute: calls.declaredByAttribute() };
    const result = analyzeCFile(this.tree.rootNode, this.text, this.file, { ...this.options, symbols, directives: this.directives });
    this.sites = result.sites;
    this.wrappers = result.wrappers;
    this.symbols = result.symbols;
    this.index = buildCalleeIndex([...result.wrappers, ...(this.options.wrappers ?? [])], this.file);
    this.wrapperSpans = [];
    if (result.wrappers.length) {
      // Locate each def's function or #define (name and line identify it) to track its offsets.
      const nodes = this.tree.rootNode.descendantsOfType(['function_definition', 'preproc_def', 'preproc_function_def']);
      for (const def of result.wrappers) {
        const node = nodes.find((n) => {
          if (!n || n.startPosition.row + 1 !== def.line) return false;
          const name = n.type === 'function_definition' ? functionName(n) : n.childForFieldName('name')?.text;
          return name === def.name;
        });
        if (node) this.wrapperSpans.push({ start: node.startIndex, end: node.endIndex, def });
      }
    }
  }
}
