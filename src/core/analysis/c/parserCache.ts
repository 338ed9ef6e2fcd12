// One extra parser per Language for the small side parses the call-site finder does (macro
// bodies, substituted size expressions). Parsers are cheap but not free; a module-level cache
// keeps one per worker. Only ever used synchronously, so sharing it is safe.
import { Parser, type Language } from 'web-tree-sitter';

const parsers = new WeakMap<Language, Parser>();

export function parserFor(language: Language): Parser {
  let p = parsers.get(language);
  if (!p) {
    p = new Parser();
    p.setLanguage(language);
    parsers.set(language, p);
  }
  return p;
}
