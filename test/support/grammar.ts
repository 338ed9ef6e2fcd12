// Tests load the grammar from the installed packages; the bundles load the same files from dist/.
import type { GrammarFiles } from '../../src/core/analysis/c/parser';

export const grammarFiles: GrammarFiles = {
  runtime: require.resolve('web-tree-sitter/tree-sitter.wasm'),
  c: require.resolve('tree-sitter-c/tree-sitter-c.wasm'),
};
