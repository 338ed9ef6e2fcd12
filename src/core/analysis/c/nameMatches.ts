// Where names occur in one file's text, each name looked for once.
//
// Why: a file is scanned for the index's names at each wrapper round, each of a round's passes
// and each round inside findResizers, then once more for its call sites, and the names are
// mostly the same each time. On the dense bench corpus 1,145 scans read 40 M characters, and 544
// of them (18 M) repeated a scan of the same text for the same names exactly (counted). The
// regex already runs at ~2 GB/s (indexOf is no faster), so the gain is in not running it again.

/** An occurrence of a name: its offset (UTF-16 code units) and the name. */
export interface NameAt {
  at: number;
  name: string;
}

/**
 * The whole-word occurrences of names in one text, remembered per name. Only for names made of
 * word characters: then each occurrence is a whole identifier, so the occurrences of a set of
 * names are the union of each name's, and a name added later needs a scan of its own only.
 * Held by whoever holds the text, and let go with it (it keeps the text to know it is the same).
 */
export class NameMatches {
  private text: string | null = null;
  private readonly byName = new Map<string, number[]>();
  private tree: object | null = null;
  private readonly atNodes = new Map<number, unknown>();

  private readonly derived = new Map<string, unknown>();

  /** Every whole-word occurrence of `names` (word characters only) in `text`, in text order. */
  in(text: string, names: readonly string[]): NameAt[] {
    this.about(text);
    const missing = names.filter((n) => !this.byName.has(n));
    if (missing.length) this.scan(text, missing);
    const out: NameAt[] = [];
    for (const name of names) for (const at of this.byName.get(name)!) out.push({ at, name });
    // Per name the offsets are ascending already; a few names hold occurrences at all.
    return out.sort((a, b) => a.at - b.at);
  }

  /**
   * What the caller learnt at each occurrence from `tree` (a tree of the text last asked about),
   * by offset; empty for another tree. Over the dense bench corpus 2,547 of the 4,646 occurrences
   * looked up were looked up in the same tree before (the rounds inside findResizers, the
   * shard's rounds while no part of the file was added to its tree).
   */
  perTree<T>(tree: object): Map<number, T> {
    if (this.tree !== tree) {
      this.tree = tree;
      this.atNodes.clear();
    }
    return this.atNodes as Map<number, T>;
  }

  /**
   * `make()`, computed once per text for `key` and kept with the occurrences: what a file's text
   * says that every analysis of it asks again (its file-level constants: each wrapper round
   * read them anew, 153 reads of 7.8 M characters for 116 texts on the dense bench corpus).
   */
  forText<T>(key: string, text: string, make: () => T): T {
    this.about(text);
    if (!this.derived.has(key)) this.derived.set(key, make());
    return this.derived.get(key) as T;
  }

  /** Forgets what was learnt of another text. */
  private about(text: string): void {
    // The same string object compares at once; a text read again compares by content, as it must.
    if (this.text === text) return;
    this.text = text;
    this.byName.clear();
    this.tree = null;
    this.atNodes.clear();
    this.derived.clear();
  }

  private scan(text: string, names: string[]): void {
    for (const n of names) this.byName.set(n, []);
    // Word characters need no escape; between `\b`s the order of the names does not matter.
    const re = new RegExp(`\\b(?:${names.join('|')})\\b`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text)) this.byName.get(m[0])!.push(m.index);
  }
}
