// Bundles every entry point with esbuild and copies the tree-sitter .wasm files next to them,
// so that nothing at run time reaches into node_modules or the network.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const wasm = [
  [require.resolve('web-tree-sitter/tree-sitter.wasm'), 'tree-sitter.wasm'],
  [require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'tree-sitter-c.wasm'],
  // The benchmark harness is compiled on the user's machine, so its source ships in dist/.
  ...(existsSync(join(root, "src/core/bench/harness.c")) ? [[join(root, "src/core/bench/harness.c"), "harness.c"]] : []),
];
for (const [from, name] of wasm) copyFileSync(from, join(dist, name));

const nodeEntries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/cli/scanWorker.ts', out: 'scanWorker' },
].filter((e) => existsSync(join(root, e.in)));

await esbuild.build({
  absWorkingDir: root,
  entryPoints: nodeEntries,
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  // web-tree-sitter's ESM build (picked for our `import`s) asks `import.meta.url` where it lives;
  // in a CommonJS bundle that is empty and Parser.init() throws, so give it the bundle's own URL.
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
  logLevel: 'warning',
});
console.log(`built ${nodeEntries.map((e) => e.out).join(', ')} + ${wasm.length} wasm into dist/`);
