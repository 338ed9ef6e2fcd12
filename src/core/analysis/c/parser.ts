// Loads web-tree-sitter and the C grammar once per process (or worker). The host says where the
// .wasm files are (the extension's dist/, the CLI's dist/, node_modules in tests), so the engine
// never guesses paths and never touches the network.
import { Language, Parser } from 'web-tree-sitter';
import { warmUpGrammar } from './warmUp';

export interface GrammarFiles {
  /** web-tree-sitter's own runtime: a path (Node) or the bytes. */
  runtime: string | Uint8Array;
  /** tree-sitter-c.wasm: a path (Node) or the bytes. */
  c: string | Uint8Array;
}

let loading: Promise<Language> | null = null;

/** Resolves to the C language; every later call returns the same promise. */
export function loadCLanguage(files: GrammarFiles): Promise<Language> {
  if (!loading) {
    loading = (async () => {
      const runtime = files.runtime;
      await Parser.init(
        typeof runtime === 'string'
          ? { locateFile: () => runtime }
          : { wasmBinary: runtime },
      );
      const language = await Language.load(files.c);
      warmUpGrammar(language);
      return language;
    })();
    loading.catch(() => {
      loading = null; // let a later call retry with corrected paths
    });
  }
  return loading;
}

/** A parser for C. Parsers are cheap; share the Language, not the parser, across concurrent work. */
export async function createCParser(files: GrammarFiles): Promise<Parser> {
  const language = await loadCLanguage(files);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
