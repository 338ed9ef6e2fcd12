// One share of a project scan: the files assigned to it, their text, and the trees of those it
// parsed. A shard lives in one worker thread (or on the main thread); a file is read once, by
// the shard that owns it, and its tree is reused from the wrapper rounds to the call sites. Trees
// are partial (regions.ts): a file is parsed again only when a name found later appears in a
// body its tree left out, which is rare and cheaper than parsing every body up front.
// Pure: files come through the SourceReader, grammar paths or bytes through GrammarFiles.
// TS/JS files (by extension) take another road: no wrapper rounds (wrappers are C-only), a text
// prefilter, then the TS analysis through an injected loader (tsAnalyzer.ts), so ts-morph loads
// only in a shard that meets a TS/JS file worth parsing.
import { withRegionSuppressions } from '../advice/suppress';
import type { Parser, Tree, Node } from 'web-tree-sitter';
import type { CallSite, FileError, ResizeHelper, WrapperDef } from '../types';
import { createCParser, type GrammarFiles } from '../analysis/c/parser';
import { parseCText, PreparedText } from '../analysis/c/treeText';
import { collectSymbols, type FileSymbols } from '../analysis/c/symbols';
import { defaultSizeOptions, type Scope, type SizeOptions } from '../analysis/c/evaluate';
import { asciiSourceProblem, decodeSource, tooLargeMessage } from './input';
import { mentionsAny, nameHashes, namesPattern, NameFilter, narrowed, patternNames, warmUpNameFilter } from './prefilter';
import { harmlessNote, hiddenCallProblem, unparsedRegions } from '../analysis/c/unparsed';
import { NameMatches, primitives, resizersIn, sitesIn, type ArgumentPass, type PointerFact } from './analysis';
import { callNames, countCalls } from './callCount';
import { conditionalsAround, fileLayout, itemsSpelling, mergeRanges, placesSpelling, regexSpelling, type FileLayout } from './regions';
import { lazyHeaderSymbols } from './lazySymbols';
import { spelledInCode } from './codeSpelling';
import { HeaderResolver, parseHeaderSymbols, parseSymbolsIn } from './headers';
import { defaultMaxGeneratedBytes, isTsFile, onceLoader, tsMayHaveSites, tsSkipNote, type TsAnalyzerLoader } from './tsAnalyzer';

/**
 * Reads a file's bytes; throws an Error whose message says why it cannot (in words, not errno).
 * With `maxBytes`, a larger file is not read: the reader returns its size instead. The bytes
 * may be a view into a buffer the reader reuses: use them before the next read.
 */
export interface SourceReader {
  read(path: string, maxBytes?: number): Uint8Array | { size: number };
  /**
   * False when nothing is at `path`, asked before reading a header: an include is looked for
   * in several places, and a failed read (an exception, twice over) costs several times a check
   * (dense bench corpus: 693 of 1,146 header reads found nothing). Optional: without it, a read.
   */
  exists?(path: string): boolean;
}

/** The passes of a shard, as `onFile` reports them. */
export type ShardPhase = 'load' | 'wrappers' | 'sites';

export interface ScanFileRef {
  /** What the reader opens (absolute in the CLI). '/' separators. */
  path: string;
  /** What outputs show: relative to the scan root, '/' separators. */
  rel: string;
}

export interface ShardOptions {
  maxFileSize: number;
  size: SizeOptions;
  /** Scan roots (reader paths): `#include "x.h"` falls back to `<root>/x.h`. */
  roots: string[];
  /** How deep `#include "..."` chains are followed for symbols. */
  includeDepth?: number;
  /** Parse only what can matter (see regions.ts); default true. False parses whole files (and TS/JS files without the prefilter). */
  partialParse?: boolean;
  /** `*.min.js` files larger than this are skipped with a note; also passed to the TS analysis. Default 1 MiB. */
  maxGeneratedBytes?: number;
}

/** A plain-words remark about a file that is not a failure (a declaration file, a skipped bundle, the TS analysis' notes). */
export interface FileNote {
  file: string;
  message: string;
  /**
   * Set on the note about regions tree-sitter could not parse where no call can hide: how many.
   * Such notes are counted in the scan's stats and listed only with `--verbose`.
   */
  unparsedRegions?: number;
  /** Set on the note about a non-UTF-8 C file that names no watched or wrapper name: counted, listed with --verbose. */
  nonUtf8?: boolean;
}

export interface LoadReport {
  errors: FileError[];
  files: number;
  bytes: number;
}
export interface WrapperRoundReport {
  wrappers: WrapperDef[];
  /** Functions that resize what they own (not wrappers), found in this round's files. */
  helpers?: ResizeHelper[];
  /** Primitives and wrappers stored into function pointers. */
  pointers?: PointerFact[];
  /** Primitives and wrappers handed to functions that may store them: followed next round. */
  passes?: ArgumentPass[];
  parsed: number;
}

/** What a wrapper round looks for besides wrappers of `names`. */
export interface RoundExtras {
  /** Function arguments to follow into the definitions of the functions that receive them. */
  passes?: ArgumentPass[];
}
export interface SitesReport {
  sites: CallSite[];
  errors: FileError[];
  /** Remarks that are not errors (TS/JS: declaration files, skipped bundles, the analysis' notes). */
  notes?: FileNote[];
  /** TS/JS files this shard holds (read and checked), analysed or not. */
  tsFiles?: number;
  /** Distinct files this shard parsed over the whole scan (sources, not headers read for symbols). */
  parsedFiles: number;
  /** Calls of each helper found, per file (`[file, helperKey, count]`), for "reached from N calls". */
  helperCalls?: [string, string, number][];
}

const NOTHING_KEPT: ReadonlySet<number> = new Set();

/**
 * One file of the shard. Its text is let go once the file's NameFilter is made and read again
 * (through the shard's reader) only when a pass needs it: most files of a big tree name nothing
 * relevant, and keeping them all in memory was most of a scan's footprint.
 */
class Loaded {
  /** TS/JS: why the file is not analysed (declaration file, big bundle); decided at load. */
  note?: string;
  tree: Tree | null = null;
  /** Matched the prefilter of some wrapper round: it mentions a primitive or a project-wide wrapper. */
  mentioned = false;
  /** The file's top-level items (computed on first parse); null when the file must be parsed whole. */
  layout?: FileLayout | null;
  /** The items the current tree holds (they name something known when it was parsed); one shared empty set until a parse (most files never have one). */
  kept: ReadonlySet<number> = NOTHING_KEPT;
  /** The wrapper round (index into ScanShard.roundNames) of the file's last analysis for wrappers; -1: none yet. */
  analysedIn = -1;
  /** Set when the analysis threw on this file: the message for `errors`; the file is skipped after. */
  failed?: string;
  /**
   * C: the file is not valid UTF-8 (input.ts). A problem only when the file names a watched or
   * wrapper name (a call could be read wrong); otherwise a note, counted and listed with --verbose.
   */
  encodingNote?: string;
  /** The evaluator's scope: one per file when its symbols are parsed apart, else one per tree. */
  scope?: { tree: Tree | null; scope: Scope };
  private body: string | null;
  private prepared: PreparedText | null = null;
  private occurrences: NameMatches | null = null;

  constructor(
    readonly ref: ScanFileRef,
    /** 'ts' for the TS/JS extensions (api.ts TS_EXTENSIONS); everything else is read as C. */
    readonly lang: 'c' | 'ts',
    /** Null: not read yet (see `text`). */
    text: string | null,
    /** Which identifiers the text may contain (NameFilter.of the bytes read). */
    readonly filter: NameFilter,
    private readonly reload: () => string,
  ) {
    this.body = text;
  }

  get text(): string {
    return (this.body ??= this.reload());
  }

  /** The text if the file holds it now (not let go, read as it was), else null: never reads. */
  get heldText(): string | null {
    return this.lang === 'c' && !this.failed ? this.body : null;
  }

  /** The text as the parses of its parts want it (rewritten once, line breaks counted once). */
  get parseText(): PreparedText {
    return (this.prepared ??= new PreparedText(this.text));
  }

  /** Where the text spells each name looked for so far: the rounds look for mostly the same names. */
  get matches(): NameMatches {
    return (this.occurrences ??= new NameMatches());
  }

  /** Lets the text go until a pass needs it again (never for a file with a tree: the passes after need it). */
  release(): void {
    if (this.lang === 'c' && !this.tree) {
      this.body = null;
      this.prepared = null;
      this.occurrences = null;
    }
  }
}

export class ScanShard {
  private readonly files: Loaded[] = [];
  /** The files by reader path: a header the include resolver asks for may be one the shard holds. */
  private readonly byPath = new Map<string, Loaded>();
  private parser: Parser | null = null;
  private headerResolver: HeaderResolver | null = null;
  private readonly parsed = new Set<string>();
  /** The names each wrapper round looked for, in order: what became known after a file's last analysis. */
  private readonly roundNames: string[][] = [];
  private readonly tsLoader: TsAnalyzerLoader;
  /**
   * Called before each file of a pass: for progress, and as the place to pause (return a promise)
   * or stop (throw: the pass rejects with that error). The workspace index sets it; the CLI does not.
   */
  onFile?: (phase: ShardPhase) => void | Promise<void>;

  constructor(
    private readonly reader: SourceReader,
    private readonly grammar: GrammarFiles,
    private readonly options: ShardOptions,
    /** Where the TS/JS analysis comes from (see tsAnalyzer.ts); called on the first TS/JS file to analyse. */
    tsLoader?: TsAnalyzerLoader,
  ) {
    this.tsLoader = onceLoader(
      tsLoader ??
        (() => {
          throw new Error('TS/JS analysis is not available in this host');
        }),
    );
  }

  /** Loads the grammar (and warms up the name filter) now, so a worker can do it while the main thread is still walking. */
  async warmUp(): Promise<void> {
    warmUpNameFilter();
    this.parser ??= await createCParser(this.grammar);
  }

  /** Reads and checks the shard's files; bad ones are reported and dropped. */
  load(files: ScanFileRef[]): LoadReport {
    const errors: FileError[] = [];
    let bytes = 0;
    for (const ref of files) {
      void this.onFile?.('load');
      let data: Uint8Array | { size: number };
      try {
        data = this.reader.read(ref.path, this.options.maxFileSize);
      } catch (e) {
        errors.push({ file: ref.rel, message: `cannot read: ${(e as Error).message}` });
        continue;
      }
      if (!(data instanceof Uint8Array)) {
        errors.push({ file: ref.rel, message: tooLargeMessage(data.size, this.options.maxFileSize) });
        continue;
      }
      bytes += data.length;
      // Most files are C: their extension says so without isTsFile's lower-cased copy of the path.
      const lang = ref.rel.endsWith('.c') || ref.rel.endsWith('.h') || !isTsFile(ref.rel) ? 'c' : 'ts';
      if (lang === 'ts') {
        // Judged by name and size before decoding: a declaration file or a big bundle is never read as text.
        const note = tsSkipNote(ref.rel, data.length, this.options.maxGeneratedBytes ?? defaultMaxGeneratedBytes);
        if (note) {
          const f = new Loaded(ref, lang, '', NameFilter.of(''), () => '');
          f.note = note;
          this.add(f);
          continue;
        }
      }
      // The filter reads the bytes before the next read reuses their buffer.
      const filter = NameFilter.of(data);
      if (lang === 'c' && filter.ascii) {
        // Valid UTF-8 as it is: not decoded now, only when a pass reads it (most never do).
        const problem = asciiSourceProblem(data, this.options.maxFileSize);
        if (problem) {
          errors.push({ file: ref.rel, message: problem });
          continue;
        }
        const f: Loaded = new Loaded(ref, lang, null, filter, () => this.reread(f));
        this.add(f);
        continue;
      }
      const decoded = decodeSource(data, this.options.maxFileSize);
      if (!decoded.ok) {
        errors.push({ file: ref.rel, message: decoded.message });
        continue;
      }
      if (decoded.note && lang === 'ts') errors.push({ file: ref.rel, message: decoded.note });
      const f: Loaded = new Loaded(ref, lang, decoded.text, filter, () => this.reread(f));
      // Which names a C file spells is known only once the wrapper rounds are done (callSites).
      if (decoded.note && lang === 'c') f.encodingNote = decoded.note;
      f.release();
      this.add(f);
    }
    return { errors, files: files.length, bytes };
  }

  /**
   * Wrapper definitions (and helpers, pointer stores) in the files that mention any of `names`,
   * given every wrapper known so far; and, in files naming a function of `extra.passes`, where
   * that function stores the argument it was given.
   */
  async wrapperRound(names: string[], known: WrapperDef[], extra: RoundExtras = {}): Promise<WrapperRoundReport> {
    const pattern = namesPattern(names);
    const hashes = nameHashes(names);
    const passes = extra.passes ?? [];
    const passNames = [...new Set(passes.map((p) => p.fn))];
    const passPattern = passNames.length ? namesPattern(passNames) : null;
    const passHashes = nameHashes(passNames);
    const wrappers: WrapperDef[] = [];
    const helpers: ResizeHelper[] = [];
    const pointers: PointerFact[] = [];
    const further: ArgumentPass[] = [];
    let parsed = 0;
    const round = this.roundNames.push(names) - 1;
    // The parts of a file a tree needs: those naming a primitive or any known name (a field's too).
    const codePattern = namesPattern([...primitives, ...known.map((w) => w.name)]);
    const defsPattern = passNames.length ? new RegExp(`\\b(?:${passNames.join('|')})\\s*\\(`) : null;
    for (const f of this.files) {
      const hook = this.onFile?.('wrappers');
      if (hook) await hook;
      // Wrappers are C-only: TS/JS files wait for the call-site pass.
      if (f.lang === 'ts') continue;
      const named = this.mayName(f, hashes) && mentionsAny(f.text, pattern, f.filter);
      const receives = passPattern !== null && this.mayName(f, passHashes) && mentionsAny(f.text, passPattern, f.filter);
      if (!named && !receives) {
        f.release();
        continue;
      }
      if (named) f.mentioned = true;
      parsed++;
      // The file's own wrappers may be called in bodies the tree left out (a wrapper of a
      // wrapper in the same file): then parse again with their names until nothing is left out.
      if (f.failed) continue;
      let found: ReturnType<typeof resizersIn> | null = null;
      // Analysed in an earlier round: only what names a wrapper found since can be news.
      const news = f.analysedIn >= 0 ? new Set(this.roundNames.slice(f.analysedIn + 1).flat()) : null;
      f.analysedIn = round;
      try {
        for (let pass = 0; pass < 4; pass++) {
          const own = found?.wrappers.length ? namesPattern(found.wrappers.map((w) => w.name)) : null;
          // A tree made in an earlier round holds every item naming what was known then: only this round's names are news.
          const tree = await this.treeOf(f, f.tree && pass === 0 ? pattern : codePattern, receives ? defsPattern : null, own);
          const root = tree.rootNode;
          found = resizersIn(root, f.text, f.ref.rel, known, { ...(receives ? { passes } : {}), ...(news ? { news } : {}), mayName: (name) => f.filter.mayHaveName(name), scope: this.scopeFor(f, root), matches: f.matches });
          if (!found.wrappers.length || !this.leftOutMentions(f, namesPattern(found.wrappers.map((w) => w.name)))) break;
        }
      } catch (e) {
        // One file the analysis cannot handle must not end the scan of the others.
        f.failed = analysisFailure(e);
        continue;
      }

      wrappers.push(...found!.wrappers);
      helpers.push(...found!.helpers);
      pointers.push(...found!.pointers);
      further.push(...found!.passes);
    }
    return { wrappers, helpers, pointers, passes: further, parsed };
  }

  /**
   * Call sites of every known name.
   * Every project-wide name was some round's prefilter (the primitives and configured names in
   * round 1, each later find in the round after), so the candidates are the files marked then;
   * only names left untested when the rounds hit their cap need one more text pass. File-local
   * wrappers are called only in the file that defines them, which was marked when found.
   */
  async callSites(known: WrapperDef[], untested: string[] = [], helpers: ResizeHelper[] = []): Promise<SitesReport> {
    const pattern = untested.length ? namesPattern(untested) : null;
    const untestedHashes = nameHashes(untested);
    // Loops calling a constant-step helper need a tree; counting a helper's calls needs only the text.
    const stepped = new Set(helpers.filter((h) => h.linearStep && !h.fileLocal).map((h) => h.name));
    const countedNames = [...new Set(helpers.filter((h) => !h.fileLocal).map((h) => h.name))];
    const countedHashes = nameHashes(countedNames);
    const sites: CallSite[] = [];
    const errors: FileError[] = [];
    const stepNames = helpers.filter((h) => h.linearStep).map((h) => h.name);
    const codePattern = namesPattern([...primitives, ...known.map((w) => w.name), ...stepNames]);
    // A tree from the rounds holds every item naming a wrapper: only the helpers and untested names are news to it.
    const newsPattern = namesPattern([...stepNames, ...untested]);
    const notes: FileNote[] = [];
    const helperCalls: [string, string, number][] = [];
    let tsFiles = 0;
    // File-local helpers by file: each file asks for its own.
    const localHelpers = new Map<string, ResizeHelper[]>();
    for (const h of helpers) if (h.fileLocal) (localHelpers.get(h.file) ?? localHelpers.set(h.file, []).get(h.file)!).push(h);
    for (const f of this.files) {
      const hook = this.onFile?.('sites');
      if (hook) await hook;
      if (f.lang === 'ts') {
        tsFiles++;
        this.tsSites(f, sites, errors, notes);
        continue;
      }
      let loops = false;
      // The filter names the few helpers a file may call; the text is read only for those.
      const maybe = f.filter.candidates(countedNames, countedHashes);
      const counted = maybe.length ? callNames(maybe) : null;
      if (counted) {
        for (const [name, n] of countCalls(f.text, counted)) {
          helperCalls.push([f.ref.rel, name, n]);
          if (stepped.has(name)) loops = true;
        }
      }
      const own = localHelpers.get(f.ref.rel) ?? [];
      const ownNames = own.length ? callNames(own.map((h) => h.name)) : null;
      if (ownNames) for (const [name, n] of countCalls(f.text, ownNames)) helperCalls.push([f.ref.rel, `${f.ref.rel}\u0000${name}`, n]);
      const wanted = f.mentioned || (pattern !== null && this.mayName(f, untestedHashes) && mentionsAny(f.text, pattern, f.filter));
      if (f.encodingNote) {
        if (wanted) errors.push({ file: f.ref.rel, message: f.encodingNote });
        else notes.push({ file: f.ref.rel, message: `${f.encodingNote.replace(/ — save the file.*$/, '')}; it names no resize function, so no call can be missed`, nonUtf8: true });
      }
      if (!wanted && !loops) {
        // Read again only to count helper calls: a file gone by then is still said to be skipped.
        if (f.failed) errors.push({ file: f.ref.rel, message: f.failed });
        f.release();
        continue;
      }
      if (!f.failed) {
        try {
          const tree = await this.treeOf(f, f.tree ? newsPattern : codePattern);
          const root = tree.rootNode;
          const found = sitesIn(root, f.text, f.ref.rel, known, this.scopeFor(f, root), helpers, (name) => f.filter.mayHaveName(name), f.matches);
          // A file parsed only for a helper's loop calls was not scanned for sites: its syntax is not news.
          if (wanted && root.hasError) this.unparsed(f, root, found, known, errors, notes);
          // A BEGIN/END region is written with the word `pagecost` or `NOLINTBEGIN`: a file whose
          // filter holds neither has none (two searches of ~12.7 M characters on the dense bench corpus).
          sites.push(...(f.filter.mayHaveName('pagecost') || f.filter.mayHaveName('NOLINTBEGIN') ? withRegionSuppressions(found, f.text) : found));
        } catch (e) {
          f.failed = analysisFailure(e);
        }
      }
      if (f.failed) errors.push({ file: f.ref.rel, message: f.failed });
      // This is the file's last pass: its tree, text and symbols go now, so the pass never holds
      // them all (the symbols' parse of the file's own declarations holds its text).
      f.tree?.delete();
      f.tree = null;
      f.scope = undefined;
      f.release();
    }
    return { sites, errors, notes, tsFiles, parsedFiles: this.parsed.size, helperCalls };
  }

  /**
   * Regions tree-sitter could not parse: a file problem where a watched or wrapper name could
   * hide a call there, a note (counted; listed with --verbose) where none can.
   */
  private unparsed(f: Loaded, root: Node, found: CallSite[], known: WrapperDef[], errors: FileError[], notes: FileNote[]): void {
    const visible = known.filter((w) => !w.fileLocal || w.file === f.ref.rel).map((w) => w.name);
    // Only the names the file may spell: the others match nowhere in it, and a regex of every
    // wrapper name is slow to make and to run.
    const spelled = [...primitives, ...visible].filter((n) => f.filter.mayHaveName(n));
    const regions = unparsedRegions(root, f.text, namesPattern(spelled), new Set(found.map((s) => s.nameRange.startOffset)));
    const problem = hiddenCallProblem(regions);
    if (problem) errors.push({ file: f.ref.rel, message: problem });
    const note = harmlessNote(regions);
    if (note) notes.push({ file: f.ref.rel, message: note, unparsedRegions: regions.filter((r) => !r.names.length).length });
  }

  /** One TS/JS file: its note, or the prefilter, then the analysis; a failure becomes an entry in `errors`. */
  private tsSites(f: Loaded, sites: CallSite[], errors: FileError[], notes: FileNote[]): void {
    if (f.note) {
      notes.push({ file: f.ref.rel, message: f.note });
      return;
    }
    if (this.options.partialParse !== false && !tsMayHaveSites(f.text)) return;
    let result;
    try {
      const analyze = this.tsLoader();
      this.parsed.add(f.ref.path);
      result = analyze(f.text, f.ref.rel, { maxGeneratedBytes: this.options.maxGeneratedBytes ?? defaultMaxGeneratedBytes });
    } catch (e) {
      errors.push({ file: f.ref.rel, message: tsFailure(e) });
      return;
    }
    sites.push(...withRegionSuppressions(result.sites, f.text));
    if (result.skipped) notes.push({ file: f.ref.rel, message: result.skipped });
    for (const n of result.notes) if (n !== result.skipped) notes.push({ file: f.ref.rel, message: n });
  }

  dispose(): void {
    for (const f of this.files) f.tree?.delete();
    this.files.length = 0;
    this.byPath.clear();
    this.parser?.delete();
    this.parser = null;
  }

  /**
   * The file's tree, covering at least every top-level item (a function, a declaration) that
   * names a match of `pattern`, `defs` or `extra`, plus the directive lines and comments between
   * items. Reparsed only when an item left out before now matches. Macros, types and globals the
   * evaluator needs come from the file's symbols, parsed apart (scopeFor).
   */
  private async treeOf(f: Loaded, pattern: RegExp, defs: RegExp | null = null, extra: RegExp | null = null): Promise<Tree> {
    this.parser ??= await createCParser(this.grammar);
    if (this.options.partialParse === false) f.layout = null;
    else if (f.layout === undefined) f.layout = fileLayout(f.parseText.treeText); // K&R headers as prototypes: one item with their body
    const layout = f.layout;
    if (!layout) {
      if (!f.tree) this.adopt(f, parseCText(this.parser, f.text), new Set());
      return f.tree!;
    }
    // Once kept, an item stays kept: a later pass with fewer names must not drop what a round parsed.
    const want = new Set(f.kept);
    for (const re of [pattern, defs, extra]) if (re) for (const k of this.itemsNaming(f, re, want)) want.add(k);
    if (f.tree && want.size === f.kept.size) return f.tree;
    const chosen = [...want].sort((a, b) => a - b).map((k) => layout.items[k]!);
    const text = f.parseText.treeText;
    const directives = layout.fixed.filter((r) => text.charCodeAt(r.start) === 35);
    const comments = layout.fixed.filter((r) => text.charCodeAt(r.start) !== 35);
    const ranges = mergeRanges([...comments, ...conditionalsAround(text, directives, chosen), ...chosen]);
    const tree = f.parseText.parseRanges(this.parser, ranges, f.tree);
    this.adopt(f, tree, want);
    return f.tree!;
  }

  /**
   * Indexes of the file's items matching `pattern` in their code (not only in comments or
   * literals: codeSpelling.ts); a namesPattern is first cut to the names the file may hold, and
   * its names are found through the file's NameMatches, which the analysis asks for the same
   * names (768 of the 782 item searches of the dense bench corpus, 31 M characters the regex
   * read again). Items of `taken` are not returned: their code is not read again for the name
   * (870 of the 2,667 reads on the dense bench corpus were of items the tree held already).
   */
  private itemsNaming(f: Loaded, pattern: RegExp, taken: ReadonlySet<number> = NOTHING_KEPT): number[] {
    const re = narrowed(pattern, f.filter);
    const layout = f.layout;
    if (!re || !layout) return [];
    const names = patternNames(re);
    const items = itemsSpelling(layout.items, names ? placesSpelling(f.matches.in(f.text, names)) : regexSpelling(f.text, re));
    return items.filter((k) => !taken.has(k) && spelledInCode(f.text, layout.items[k]!, re));
  }

  /** Might the file name one of these names (NameFilter hashes)? No false "no". */
  private mayName(f: Loaded, hashes: readonly number[]): boolean {
    return f.filter.mayHaveAny(hashes);
  }

  private add(f: Loaded): void {
    this.files.push(f);
    this.byPath.set(f.ref.path, f);
  }

  /**
   * A released file's text, read again; if it cannot be read as it was, the file is skipped with
   * why. A header the include resolver read is not read again: the resolver keeps its text.
   */
  private reread(f: Loaded): string {
    const kept = this.headerResolver?.textOf(f.ref.path);
    if (kept !== undefined) return kept;
    try {
      const data = this.reader.read(f.ref.path, this.options.maxFileSize);
      const decoded = data instanceof Uint8Array ? decodeSource(data, this.options.maxFileSize) : null;
      if (decoded?.ok) return decoded.text;
    } catch {
      // reported below
    }
    f.failed ??= 'the file changed or went away while it was scanned; the file was skipped';
    return '';
  }

  private adopt(f: Loaded, tree: Tree | null, kept: Set<number>): void {
    if (!tree) throw new Error(`tree-sitter returned no tree for ${f.ref.rel}`);
    f.tree?.delete();
    f.tree = tree;
    f.kept = kept;
    this.parsed.add(f.ref.path);
  }

  /** Does an item the current tree left out match `names`? */
  private leftOutMentions(f: Loaded, names: RegExp): boolean {
    if (!f.layout) return false;
    return this.itemsNaming(f, names, f.kept).length > 0;
  }

  /**
   * The evaluator's view of a file. Symbols are collected lazily: most call sites have literal or
   * runtime sizes and never look at a macro, so most headers, and the file's own declarations,
   * are never parsed. With partial parsing the file's symbols come from a parse of its
   * declarations alone (like a header's), so they do not change as the code tree grows.
   */
  private scopeFor(f: Loaded, root: Node): Scope {
    const own = f.layout ? null : f.tree;
    if (f.scope && f.scope.tree === own) return f.scope.scope;
    const size = this.options.size ?? defaultSizeOptions;
    let symbols: FileSymbols | null = null;
    let headers: FileSymbols[] | null = null;
    // Getters of an object literal see the literal as `this`; reach the shard through `self`.
    const self = this;
    const scope = {
      get file() {
        return (symbols ??= f.layout
          ? lazyHeaderSymbols(f.ref.rel, f.text, () => self.parseHeaderSymbols(f.ref.rel, f.text), (p, r) => parseSymbolsIn(self.parser!, f.ref.rel, p, r), f.parseText,
            f.parseText.treeText === f.text ? f.layout : undefined, f.filter)
          : collectSymbols(root, f.ref.rel));
      },
      get headers() {
        return (headers ??= self.headers.headersOf(f.ref.path, f.text));
      },
      options: size,
    } as Scope;
    f.scope = { tree: own, scope };
    return scope;
  }

  /** The include resolver, made on first use (it parses headers with this shard's parser). */
  private get headers(): HeaderResolver {
    return (this.headerResolver ??= new HeaderResolver(
      this.options,
      (path) => {
        // A file of the shard that holds its text (it has a tree) is not read again.
        const held = this.byPath.get(path)?.heldText;
        if (held != null) return this.parser ? held : null;
        if (this.reader.exists?.(path) === false) return null;
        try {
          const data = this.reader.read(path, this.options.maxFileSize);
          const decoded = data instanceof Uint8Array ? decodeSource(data, this.options.maxFileSize) : null;
          return decoded?.ok && this.parser ? decoded.text : null;
        } catch {
          return null;
        }
      },
      (path, text) => this.parseHeaderSymbols(path, text),
      this.options.partialParse === false ? undefined : (path, text, ranges) => parseSymbolsIn(this.parser!, path, text, ranges),
      // A file the scan read has the filter of its words, made then from the text `source` gives.
      (path) => this.byPath.get(path)?.filter,
    ));
  }

  /** Parses a header for its symbols (called lazily, see lazySymbols.ts). */
  private parseHeaderSymbols(path: string, text: string): FileSymbols {
    return parseHeaderSymbols(this.parser!, path, text, this.options.partialParse !== false);
  }
}

function tsFailure(e: unknown): string {
  const what = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return `TS/JS analysis failed (${what}); the file was skipped`;
}

function analysisFailure(e: unknown): string {
  const what = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return `analysis failed (${what}); the file was skipped — please report it with the file attached`;
}

export { quotedIncludes } from './paths';
