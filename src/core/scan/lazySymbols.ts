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
import { quotedIncludes } from './paths';

type Guard = (key: string) => boolean;

/** A Map that consults `guard` before materialising the real map; anything else materialises it. */
class GuardedMap<V> extends Map<string, V> {
  constructor(
    private readonly guard: Guard,
    private readonly real: () => Map<string, V> | undefined,
  ) {
    super();
  }
  override get(key: string): V | undefined {
    return this.guard(key) ? this.real()?.get(key) : undefined;
  }
  override has(key: string): boolean {
    return this.guard(key) ? (this.real()?.has(key) ?? false) : false;
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

const defineRe = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm;
const wordRe = /[A-Za-z_][A-Za-z0-9_]*/g;

/** FileSymbols for `text` whose maps parse it (through `build`) only when a name could be in it. */
export function lazyHeaderSymbols(file: string, text: string, build: () => FileSymbols): FileSymbols {
  let real: FileSymbols | null = null;
  let defined: Set<string> | null = null;
  let words: Set<string> | null = null;
  const symbols = () => (real ??= build());
  const isDefined: Guard = (name) => (defined ??= new Set(Array.from(text.matchAll(defineRe), (m) => m[1]!))).has(name);
  // Type keys are `struct foo`, `union u`, `enum e` or a typedef name: the last word is the name.
  const hasWord: Guard = (key) => (words ??= new Set(text.match(wordRe) ?? [])).has(key.slice(key.lastIndexOf(' ') + 1));
  const guarded: FileSymbols = {
    file,
    includes: quotedIncludes(text),
    macros: new GuardedMap(isDefined, () => symbols().macros),
    enums: new GuardedMap(hasWord, () => symbols().enums),
    types: new GuardedMap(hasWord, () => symbols().types),
    globals: new GuardedMap(hasWord, () => symbols().globals),
    enumExprs: new GuardedMap(hasWord, () => symbols().enumExprs),
    inlineFunctions: new GuardedMap(hasWord, () => symbols().inlineFunctions) as FileSymbols['inlineFunctions'],
    constants: new GuardedMap(hasWord, () => symbols().constants),
  };
  // Read from the text: asked for only when a failure check ends in a call of an unknown name.
  let noReturn: Set<string> | null = null;
  Object.defineProperty(guarded, 'noReturn', { enumerable: true, get: () => (noReturn ??= declaredNoReturn(text)) });
  // A field FileSymbols gains later and this file does not know yet is read from the parsed
  // symbols: slower for that field, never wrong.
  return new Proxy(guarded, {
    get: (target, prop, receiver) =>
      Object.prototype.hasOwnProperty.call(target, prop) ? Reflect.get(target, prop, receiver) : Reflect.get(symbols(), prop),
  });
}
