// Symbols of an included header, parsed only when a lookup could find something in it.
//
// The size evaluator looks every identifier of a size expression up in the file and then in
// each header (`n`, `len`, `CHUNK`...). Most of those names are runtime variables that no header
// defines, yet each lookup would need every header parsed. A header is a text first: a macro
// can only come from a `#define NAME` line, and any other symbol only from a word of the text.
// So each map here answers "no" from the text alone when the name is not there, and parses the
// header (once) only when it might be: the same answers as the parsed symbols, without the parse
// for most headers.
import type { FileSymbols } from '../analysis/c/symbols';
import { declaredNoReturn } from '../analysis/c/noReturn';
import { directiveOperands, quotedIncludes } from './paths';
import { PreparedText } from '../analysis/c/treeText';
import { NameFilter } from './prefilter';
import { identifierHashOf } from './nameHash';
import { isRegexSpace, isWordChar } from './chars';
import { conditionalsAround, fileLayout, functionBodies, itemsSpelling, layoutBodies, mergeRanges, regexSpelling, wordSpelling, type Body, type FileLayout, type Spelling, type TextRange } from './regions';

type Guard = (key: string) => boolean;

/**
 * A Map that consults `guard` before looking anything up; a lookup that passes asks `one` (the
 * symbols of just the parts of the text that name the key) when there is one, else the real map;
 * anything else (writing, iterating) materialises the real map.
 */
class GuardedMap<V> extends Map<string, V> {
  constructor(
    private readonly guard: Guard,
    private readonly real: () => Map<string, V> | undefined,
    private readonly one?: (key: string) => Map<string, V> | undefined,
  ) {
    super();
  }
  override get(key: string): V | undefined {
    return this.guard(key) ? (this.one ?? (() => this.real()))(key)?.get(key) : undefined;
  }
  override has(key: string): boolean {
    return this.guard(key) ? ((this.one ?? (() => this.real()))(key)?.has(key) ?? false) : false;
  }
  override set(key: string, value: V): this {
    this.real()?.set(key, value);
    return this;
  }
  override delete(key: string): boolean {
    return this.real()?.delete(key) ?? false;
  }
  override clear(): void {
    this.real()?.clear();
  }
  override get size(): number {
    return this.real()?.size ?? 0;
  }
  override forEach(cb: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.real()?.forEach((v, k) => cb.call(thisArg, v, k, this));
  }
  override entries(): MapIterator<[string, V]> {
    return (this.real() ?? new Map<string, V>()).entries();
  }
  override keys(): MapIterator<string> {
    return (this.real() ?? new Map<string, V>()).keys();
  }
  override values(): MapIterator<V> {
    return (this.real() ?? new Map<string, V>()).values();
  }
  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

/**
 * Names of `#define` lines (`^[ \t]*#[ \t]*define[ \t]+NAME`, lines ended as JavaScript's `^`
 * ends them). Found from each `define` the text spells, not by a multi-line regex tried at every
 * position: every header and file a size looks into asks, and the regex took most of that time.
 */
export function definedNames(text: string): Set<string> {
  const out = new Set<string>();
  const name = /[A-Za-z_][A-Za-z0-9_]*/y;
  for (const { after, at } of directiveOperands(text, 'define')) {
    if (at === after) continue; // `#defineX`: no blank before the name
    name.lastIndex = at;
    const m = name.exec(text);
    if (m) out.add(m[0]);
  }
  return out;
}

const wordRe = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The identifiers written outside function bodies, as a name filter: the only place a file
 * declares a global, an inline helper's name or a file-level constant. (The names used inside
 * bodies, the locals and calls every size expression is made of, never need the file parsed for
 * them.) A filter, not a Set of the words: it is made ~5× faster (the scan's wasm scanner) and
 * holds a 100 KB header's thousands of words in a few KB. Its rare false "maybe" costs a lookup
 * that finds nothing, which is what "no" answers.
 */
function declarationWords(text: string, bodies: Body[] | null): NameFilter {
  if (!bodies?.length) return NameFilter.of(text);
  const outside: string[] = [];
  let at = 0;
  for (const b of bodies) {
    outside.push(text.slice(at, b.start));
    at = b.end;
  }
  outside.push(text.slice(at));
  // A line break between the pieces keeps the words on either side of a body apart.
  return NameFilter.of(outside.join('\n'));
}

/**
 * Names of `const` objects with an initializer written outside function bodies (`static const
 * size_t CHUNK = 4096;`): what `\bconst\b[^;={}()]*?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?=(?!=)`
 * matches (with the `g` flag) on each stretch of text between bodies, found from each `const`
 * the text spells: the lazy regex, tried at every position, was most of this guard's time.
 * (`\b` and the lookahead see a stretch's ends as the text's.)
 */
export function constNames(text: string, bodies: Body[] | null): Set<string> {
  const out = new Set<string>();
  const skip = bodies ?? [];
  let b = 0; // the first body that ends after `at`
  // One pass over the `const`s, not one search a stretch: a .c file's stretches are many, and a
  // search from each runs on to the next `const`, most often far into the bodies.
  for (let at = text.indexOf('const'); at >= 0; ) {
    while (b < skip.length && skip[b]!.end <= at) b++;
    if (b < skip.length && skip[b]!.start <= at) {
      at = text.indexOf('const', skip[b]!.end);
      continue;
    }
    const from = b > 0 ? skip[b - 1]!.end : 0;
    const to = b < skip.length ? skip[b]!.start : text.length;
    const after = at + 5;
    const word = after <= to && (at === from || !isWordChar(text.charCodeAt(at - 1))) && (after === to || !isWordChar(text.charCodeAt(after)));
    const end = word ? constDeclared(text, after, to, out) : -1;
    at = text.indexOf('const', end < 0 ? at + 1 : end);
  }
  return out;
}

/**
 * After a `const`: the first name that an `=` (not `==`) follows, maybe past one `[…]`, before
 * any of `;={}()`; added to `out`. Returns where the match ends, or -1. Trying a name from inside
 * a word ends where the whole word did, so each word is tried once.
 */
function constDeclared(text: string, at: number, to: number, out: Set<string>): number {
  for (let s = at; s < to; ) {
    const c = text.charCodeAt(s);
    if (c === 59 || c === 61 || c === 123 || c === 125 || c === 40 || c === 41) return -1; // ; = { } ( )
    if (!isWordChar(c) || (c >= 48 && c <= 57)) {
      s++;
      continue;
    }
    let e = s + 1;
    while (e < to && isWordChar(text.charCodeAt(e))) e++;
    const assign = assignmentAfter(text, e, to);
    if (assign >= 0) {
      out.add(text.slice(s, e));
      return assign + 1;
    }
    s = e;
  }
  return -1;
}

/** `\s*(?:\[[^\]]*\]\s*)?=(?!=)` at `at`: the index of its `=`, or -1. */
function assignmentAfter(text: string, at: number, to: number): number {
  let k = skipRegexSpace(text, at, to);
  if (k < to && text.charCodeAt(k) === 91 /* [ */) {
    const close = text.indexOf(']', k + 1);
    if (close < 0 || close >= to) return -1;
    k = skipRegexSpace(text, close + 1, to);
  }
  const assign = k < to && text.charCodeAt(k) === 61 && (k + 1 >= to || text.charCodeAt(k + 1) !== 61);
  return assign ? k : -1;
}

/** Past what a regex's `\s` matches. */
function skipRegexSpace(text: string, at: number, to: number): number {
  while (at < to && isRegexSpace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * Words inside `enum … { … }` bodies: the only place an enum constant is declared. The bodies are
 * those `\benum\b[^;{}()]*\{` opens (with the `g` flag; each runs to the next `}`), found from
 * each `enum` the text spells, by its `m` (see wholeWords).
 */
export function enumWords(text: string): Set<string> {
  const out = new Set<string>();
  // (An `enum` inside the last match, `enum a enum {`, opens the same body: the same words.)
  for (const at of wholeWords(text, 'enum', 3)) {
    const open = enumBodyOpen(text, at + 4);
    if (open < 0) continue;
    const end = text.indexOf('}', open + 1);
    for (const w of text.slice(open + 1, end < 0 ? text.length : end).match(wordRe) ?? []) out.add(w);
  }
  return out;
}

/** After `enum`, `[^;{}()]*\{`: the index of its `{`, or -1 when one of `;})(` comes first. */
function enumBodyOpen(text: string, at: number): number {
  for (let k = at; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 123) return k;
    if (c === 59 || c === 125 || c === 40 || c === 41) return -1;
  }
  return -1;
}

/** The items of `layout` that hold a function body not declared inline. */
function outOfLineFunctions(layout: FileLayout, bodies: Body[] | null): Set<number> {
  const out = new Set<number>();
  let k = 0;
  for (const b of bodies ?? []) {
    if (b.inline) continue;
    while (k < layout.items.length && layout.items[k]!.end <= b.start) k++;
    if (k < layout.items.length && layout.items[k]!.start <= b.start) out.add(k);
  }
  return out;
}

/**
 * `struct|union|enum NAME {` keys (`struct foo`) in text order, as `\b(struct|union|enum)\s+
 * ([A-Za-z_]\w*)\s*\{` would match them with the `g` flag, read backwards from each `{`: V8 finds
 * one character several times faster than a word (the three keywords took three passes, the
 * regex tried at every position more), and each match ends at a `{` of its own.
 */
function taggedBodies(text: string): string[] {
  const out: string[] = [];
  for (let brace = text.indexOf('{'); brace >= 0; brace = text.indexOf('{', brace + 1)) {
    const tag = tagBefore(text, brace);
    if (tag) out.push(tag);
  }
  return out;
}

/** `\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*` ending at `brace`, as `struct NAME`, or null. */
function tagBefore(text: string, brace: number): string | null {
  const nameEnd = spaceBefore(text, brace);
  const nameStart = wordBefore(text, nameEnd);
  if (nameStart === nameEnd || isDigit(text.charCodeAt(nameStart))) return null;
  const keywordEnd = spaceBefore(text, nameStart);
  if (keywordEnd === nameStart) return null; // `\s+`: one at least
  const keywordStart = wordBefore(text, keywordEnd);
  const length = keywordEnd - keywordStart;
  if (length < 4 || length > 6) return null;
  const keyword = text.slice(keywordStart, keywordEnd);
  if (keyword !== 'struct' && keyword !== 'union' && keyword !== 'enum') return null;
  return `${keyword} ${text.slice(nameStart, nameEnd)}`;
}

/** Where the run of `\s` characters ending at `end` starts. */
function spaceBefore(text: string, end: number): number {
  while (end > 0 && isRegexSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Where the run of `\w` characters ending at `end` starts. */
function wordBefore(text: string, end: number): number {
  while (end > 0 && isWordChar(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Indexes where `word` stands whole (`\bword\b`), in text order, found from its character at
 * `anchor`, one rare in C text: V8 finds one character several times faster than a word.
 */
function wholeWords(text: string, word: string, anchor: number): number[] {
  const out: number[] = [];
  const c = word[anchor]!;
  for (let i = text.indexOf(c, anchor); i >= 0; i = text.indexOf(c, i + 1)) {
    const at = i - anchor;
    if (!text.startsWith(word, at)) continue;
    if ((at > 0 && isWordChar(text.charCodeAt(at - 1))) || isWordChar(text.charCodeAt(at + word.length))) continue;
    out.push(at);
  }
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `text` without what `{…}` and `[…]` hold, brackets included (runs at depth 0 joined). */
function outsideBraces(text: string): string {
  const runs: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const open = c === 123 /* { */ || c === 91; /* [ */
    const close = c === 125 /* } */ || c === 93; /* ] */
    if (!open && !close) continue;
    if (depth === 0) runs.push(text.slice(from, i));
    depth += open ? 1 : -1;
    from = i + 1;
  }
  if (depth === 0) runs.push(text.slice(from));
  return runs.join('');
}

/** Type names a text defines: `struct`/`union`/`enum` tags with a body, and typedef names. */
export function definedTypes(text: string): Set<string> {
  const out = new Set<string>();
  for (const tag of taggedBodies(text)) out.add(tag);
  for (const at of wholeWords(text, 'typedef', 1)) {
    // The typedef runs to its `;` at depth 0; its names are the declarators there.
    let depth = 0;
    let end = at + 7;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (c === 123 /* { */ || c === 40 /* ( */ || c === 91 /* [ */) depth++;
      else if (c === 125 /* } */ || c === 41 /* ) */ || c === 93 /* ] */) depth--;
      else if (c === 59 /* ; */ && depth <= 0) break;
    }
    const decl = text.slice(at + 7, end);
    for (const f of decl.matchAll(/\(\s*\*\s*([A-Za-z_]\w*)\s*\)/g)) out.add(f[1]!);
    // Outside braces and brackets, the names stand before `,` or the end.
    const flat = outsideBraces(decl);
    for (const n of flat.replace(/\([^()]*\)/g, ' ').matchAll(/([A-Za-z_]\w*)\s*(?=,|$)/g)) out.add(n[1]!);
  }
  return out;
}

/**
 * What a lookup's parse keeps of the items that spell its name, by the map it asks: an entry of
 * `types` comes from a `struct foo` followed by its body's `{`, or from a `typedef` followed by
 * the name; one of `macros` from a `define` followed by the name. The items that cannot hold one
 * (redis's server.h names `client` in 463 prototypes, and has one typedef of it) are not parsed
 * for them. Other maps keep every item spelling the name.
 */
type ItemKind = 'type' | 'macro' | 'any';

/** An item that spells a looked-up name, with the first and last places it does. */
interface SpellingItem {
  k: number;
  first: number;
  last: number;
}

function itemCanDefine(text: string, item: TextRange, kind: ItemKind, key: string, { first, last }: SpellingItem): boolean {
  // A directive line the layout made an item (a #define, an #include) declares macros only: of
  // the dense corpus's 36 parses for a global that found none, most read #define lines naming it.
  if (kind !== 'macro' && isDirectiveItem(text, item)) return false;
  if (kind === 'any') return true;
  // Searched within the item: a search of the text from it runs on to the next `{` or keyword
  // anywhere (redis's server.h: 463 prototypes of `client`, 13.7 M characters searched past
  // items for keywords and 6.7 M before them for braces on the dense corpus).
  if (kind === 'type' && key.includes(' ')) return text.slice(first + 1, item.end).includes('{');
  // (A keyword that starts before the name ends before it: the name is a whole word.)
  return text.slice(item.start, last).includes(kind === 'macro' ? 'define' : 'typedef');
}

/**
 * The items where `word` is spelled, with the first and last places in each. A whole identifier
 * is found wherever a search starts (wordSpelling reads the characters either side), so one pass
 * over the text finds them all: searched again from each item, the last place's search ran on to
 * the next place past the item, most of the text again (15.1 M characters searched for 242
 * lookups of the dense bench corpus, counted). Any other word is searched from each item, as the
 * regex it is found by may match from there what a search from before it passed over.
 */
export function spellingItems(items: readonly TextRange[], word: string, spelled: Spelling): SpellingItem[] {
  const out: SpellingItem[] = [];
  if (!/^[A-Za-z_]\w*$/.test(word)) {
    for (const k of itemsSpelling(items, spelled)) {
      const first = spelled.from(items[k]!.start);
      if (first < 0 || first >= items[k]!.end) continue;
      let last = first;
      for (let at = spelled.from(first + spelled.length(first)); at >= 0 && at < items[k]!.end; at = spelled.from(at + spelled.length(at))) last = at;
      out.push({ k, first, last });
    }
    return out;
  }
  let k = 0;
  for (let at = spelled.from(0); at >= 0; at = spelled.from(at + word.length)) {
    while (k < items.length && items[k]!.end <= at) k++;
    if (k >= items.length) break;
    if (items[k]!.start > at) continue; // between items
    const current = out[out.length - 1];
    if (current?.k === k) current.last = at;
    else out.push({ k, first: at, last: at });
  }
  return out;
}

/** Whether `item` is a `#…` line: its `#` starts a line, after blanks at most (as fileLayout reads one). */
function isDirectiveItem(text: string, item: TextRange): boolean {
  if (text.charCodeAt(item.start) !== 35 /* # */) return false;
  for (let i = item.start - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (!(c === 32 || c === 9 || c === 13 || c === 12 || c === 11)) return false;
  }
  return true;
}

/**
 * Where a looked-up name is spelled (`\bNAME\b`). An identifier is found by indexOf and a check
 * of the characters either side (wordSpelling); anything else by the regex.
 */
function spellingOf(text: string, word: string): Spelling {
  return /^[A-Za-z_]\w*$/.test(word) ? wordSpelling(text, word) : regexSpelling(text, new RegExp(`\\b${word}\\b`));
}

/** The conditional directives of `fixed` (not its comments, which hold no symbol). */
function directivesOf(text: string, fixed: readonly TextRange[]): TextRange[] {
  return fixed.filter((r) => text.charCodeAt(r.start) === 35 /* # */);
}

/**
 * FileSymbols for `text` whose maps parse it (through `build`) only when a name could be in it.
 * With `parseRanges`, a lookup parses only the top-level items that spell the name (a struct's
 * definition, a typedef, the `#define`s of a macro: every definition of a name spells it), with
 * the conditional directives around them (conditionalsAround), instead of the whole text:
 * looking up one struct of a 4,000-line header parses that struct.
 */
export function lazyHeaderSymbols(
  file: string,
  text: string,
  build: () => FileSymbols,
  parseRanges?: (text: PreparedText, ranges: TextRange[]) => FileSymbols,
  /** `text` as the caller already prepared it for tree-sitter (a scanned file's own), to rewrite it no second time. */
  preparedText?: PreparedText,
  /**
   * fileLayout(text) when the caller has it (a scanned file's own, cut for its code tree): by the
   * time a size asks, the headers' layouts have pushed it out of fileLayout's few recent answers,
   * and the dense corpus's files were cut again, 60 of them, 3.6 M characters. Its bodies serve
   * the guards too (layoutBodies).
   */
  knownLayout?: FileLayout | null,
  /**
   * The words `text` spells, when the caller has them (the scan's filter of each file it read):
   * a name spelled nowhere in the text is in none of its maps, so no guard below is built for
   * it. Each guard is a pass over the text, and most names asked of most headers are runtime
   * variables: on the dense bench corpus, of the ~690 texts asked, 190 to 320 a kind were asked
   * only names they never spell (counted), 45 % of the guards built.
   */
  textWords?: NameFilter | null,
): FileSymbols {
  let real: FileSymbols | null = null;
  let prepared: PreparedText | null = preparedText?.text === text ? preparedText : null;
  let layout: FileLayout | null | undefined = knownLayout;
  let functionItems: Set<number> | null = null;
  let directives: TextRange[] | null = null;
  // The text's function bodies, found once for every guard and lookup below that needs them.
  let bodies: Body[] | null | undefined;
  const bodiesOf = () => (bodies === undefined ? (bodies = knownLayout === undefined ? functionBodies(text) : layoutBodies(text, knownLayout)) : bodies);
  const byWord = new Map<string, FileSymbols>();
  // Parses by the items they hold: words often pick the same items (every word of a file whose
  // braces leave one item, like a header wrapped whole in `extern "C" {`).
  const byItems = new Map<string, FileSymbols>();
  // The symbols of the items spelling `key`'s name (`struct foo` → foo) that could hold its
  // `kind` of entry; null: parse the whole text.
  const itemsFor = (key: string, kind: ItemKind): FileSymbols | null => {
    if (!parseRanges) return null;
    if (layout === undefined) layout = fileLayout(text);
    if (!layout) return null;
    const word = key.slice(key.lastIndexOf(' ') + 1);
    const lookup = `${kind} ${kind === 'type' && key.includes(' ') ? 'tag ' : ''}${word}`;
    let hit = byWord.get(lookup);
    if (!hit) {
      const all = layout.items;
      // A function's body is no symbol (only an inline helper's is, which the evaluator reads).
      functionItems ??= outOfLineFunctions(layout, bodiesOf());
      const spelled = spellingOf(text, word);
      // Every item spelling the name is parsed for the other maps: found skipping the rest of each.
      const items = kind === 'any'
        ? itemsSpelling(all, spelled).filter((k) => !functionItems!.has(k) && !isDirectiveItem(text, all[k]!))
        : spellingItems(all, word, spelled).filter((p) => !functionItems!.has(p.k) && itemCanDefine(text, all[p.k]!, kind, key, p)).map((p) => p.k);
      const parsed = items.join(',');
      hit = byItems.get(parsed);
      if (!hit) {
        directives ??= directivesOf(text, layout.fixed);
        const chosen = items.map((k) => all[k]!);
        hit = parseRanges((prepared ??= new PreparedText(text)), mergeRanges([...conditionalsAround(text, directives, chosen), ...chosen]));
        byItems.set(parsed, hit);
      }
      byWord.set(lookup, hit);
    }
    return hit;
  };
  const one = <K extends keyof FileSymbols>(field: K, kind: ItemKind = 'any') => (key: string) =>
    ((itemsFor(key, kind) ?? symbols())[field] as Map<string, never> | undefined);
  let defined: Set<string> | null = null;
  let words: NameFilter | null = null;
  let types: Set<string> | null = null;
  const symbols = () => (real ??= build());
  const isDefined: Guard = (name) => (defined ??= definedNames(text)).has(name);
  let enumerators: Set<string> | null = null;
  const hasWord: Guard = (key) => (words ??= declarationWords(text, bodiesOf())).mayHaveName(key);
  const isEnumerator: Guard = (key) => (enumerators ??= enumWords(text)).has(key);
  let consts: Set<string> | null = null;
  const isConst: Guard = (key) => (consts ??= constNames(text, bodiesOf())).has(key);
  // Type keys are `struct foo`, `union u`, `enum e` or a typedef name.
  const hasType: Guard = (key) => (types ??= definedTypes(text)).has(key);
  // NameFilter.mayHaveName, with the name's hash kept from the last question (hashOfKeyWord).
  const spelledHere = (words: NameFilter, key: string): boolean => {
    const h = hashOfKeyWord(key);
    return h === null || words.mayHave(h);
  };
  const ifSpelled = (guard: Guard): Guard => (textWords ? (key) => spelledHere(textWords, key) && guard(key) : guard);
  const guarded = {
    __proto__: readsParsed,
    [wholeParse]: symbols,
    file,
    includes: [], // a getter below
    macros: new GuardedMap(ifSpelled(isDefined), () => symbols().macros, one('macros', 'macro')),
    macroVariants: new GuardedMap(ifSpelled(isDefined), () => symbols().macroVariants, one('macroVariants', 'macro')),
    enums: new GuardedMap(ifSpelled(isEnumerator), () => symbols().enums, one('enums')),
    types: new GuardedMap(ifSpelled(hasType), () => symbols().types, one('types', 'type')),
    globals: new GuardedMap(ifSpelled(hasWord), () => symbols().globals, one('globals')),
    enumExprs: new GuardedMap(ifSpelled(isEnumerator), () => symbols().enumExprs, one('enumExprs')),
    inlineFunctions: new GuardedMap(ifSpelled(hasWord), () => symbols().inlineFunctions, one('inlineFunctions')) as FileSymbols['inlineFunctions'],
    constants: new GuardedMap(ifSpelled(isConst), () => symbols().constants, one('constants')),
  } as unknown as FileSymbols;
  // Read from the text: asked for only when a failure check ends in a call of an unknown name.
  let noReturn: Set<string> | null = null;
  Object.defineProperty(guarded, 'noReturn', { enumerable: true, get: () => (noReturn ??= declaredNoReturn(text)) });
  // Read when asked: the scan follows includes with projectIncludes, and only tests ask this.
  let includes: string[] | null = null;
  Object.defineProperty(guarded, 'includes', { enumerable: true, get: () => (includes ??= quotedIncludes(text)) });
  return guarded;
}

// The filter hash of the last key's name (`struct foo` → foo), shared by every text: a name is
// asked of each header of a file's closure in turn, so on the dense bench corpus the 22,335
// questions the filters answered were about 1,605 runs of one name (counted), each hashed anew.
let hashedKey: string | null = null;
let keyWordHash: number | null = null;

/** identifierHashOf the name in `key` (null: no identifier, which a filter cannot rule out). */
export function hashOfKeyWord(key: string): number | null {
  if (key !== hashedKey) {
    hashedKey = key;
    keyWordHash = identifierHashOf(key.slice(key.lastIndexOf(' ') + 1));
  }
  return keyWordHash;
}

/** Where an object of lazyHeaderSymbols keeps how to parse its whole text. */
const wholeParse = Symbol('wholeParse');

/**
 * The prototype of every object lazyHeaderSymbols makes: a field FileSymbols gains later and this
 * file does not know yet is read from the parsed symbols (slower for that field, never wrong).
 * Only what the object does not hold reaches this Proxy: one around each object made every read
 * of a map a trap (~5 ms of the dense corpus's scan in the trap alone, ~170 K map reads by the
 * lookups). One prototype for all, so that the objects share one shape: the evaluator reads
 * their maps where it reads those of plain FileSymbols.
 */
const readsParsed: object = new Proxy(
  {},
  { get: (_target, prop, receiver: { [wholeParse]: () => FileSymbols }) => Reflect.get(receiver[wholeParse](), prop) },
);
