// Bundles every entry point with esbuild and copies the tree-sitter .wasm files next to them,
// so that nothing at run time reaches into node_modules or the network.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
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
  // So is the recording library of `pagecost record`.
  ...(existsSync(join(root, 'src/core/record/preload.c')) ? [[join(root, 'src/core/record/preload.c'), 'record-preload.c']] : []),
];
for (const [from, name] of wasm) copyFileSync(from, join(dist, name));

// Each subcommand is its own bundle, required by the dispatcher only when asked for: `pagecost
// explain` should not parse the scanner and its parser (about 9 ms of a ~60 ms process).
const subcommands = ['scan', 'explain', 'bench', 'probe', 'record'];
const nodeEntries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/cli/scanWorker.ts', out: 'scanWorker' },
  // The JS/TS benchmark harness, run by node as a child process (src/core/bench/js/runner.ts).
  { in: 'src/core/bench/js/harness.ts', out: 'js-harness' },
  // The workspace index's helper in the Node extension host: listing and include lookups.
  { in: 'src/extension/node/indexWorker.ts', out: 'index-worker' },
  ...subcommands.map((c) => ({ in: `src/cli/${c}.ts`, out: `cli-${c}` })),
].filter((e) => existsSync(join(root, e.in)));
const splitSubcommands = {
  name: 'split-subcommands',
  setup(build) {
    const wanted = new RegExp(`^\\./(${subcommands.join('|')})$`);
    build.onResolve({ filter: wanted }, (args) =>
      args.importer.endsWith(join('src', 'cli', 'main.ts'))
        ? { path: `./cli-${args.path.slice(2)}.js`, external: true }
        : undefined,
    );
  },
};

// Identifies this build: the workspace index written by one build is not reused by another
// (its sites could differ), so the extension bundles carry it (src/extension/buildId.ts).
const buildId = `${Date.now().toString(36)}`;
const nodeCommon = {
  absWorkingDir: root,
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  // web-tree-sitter's ESM build (picked for our `import`s) asks `import.meta.url` where it lives;
  // in a CommonJS bundle that is empty and Parser.init() throws, so give it the bundle's own URL.
  // __nodeRequire: the module's own require, for code whose function declares another (below).
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href; const __nodeRequire = require;" },
  define: { 'import.meta.url': '__importMetaUrl' },
  logLevel: 'warning',
};
// web-tree-sitter loads two Node modules with `await import(...)`; a bundle compiled from a V8 code
// cache (src/cli/codeCache.ts) has no dynamic-import host behind it, so they come from the
// banner's `__nodeRequire` instead. (esbuild's own rewrite to `require` would meet the `var require`
// the Emscripten glue declares in the same function.)
const staticImports = [['await import("fs/promises")', '__nodeRequire("fs/promises")'], ['await import("module")', '__nodeRequire("module")']];
// Each Node object keeps its tree-sitter handle as the array element `this[0]`, so every node
// (~110 K per scan of the dense bench corpus) also gets an elements store V8 sizes for 17 entries,
// grown on the spot by its constructor: a named field `_other` instead, read where the library
// reads `node[0]` (marshalNode, its only reader).
const nodeHandleField = [
  ['  // @ts-expect-error: never read\n  [0] = 0;\n  // Internal handle for Wasm\n  /** @internal */\n  _children;', '  _other = 0;\n  /** @internal */\n  _children;'],
  ['    this[0] = other;\n    this.id = id;', '    this._other = other;\n    this.id = id;'],
  ['C.setValue(address, node[0], "i32");', 'C.setValue(address, node._other, "i32");'],
];
// The node, point and range marshalling reads and writes the transfer buffer with getValue and
// setValue, each a switch on a type string and a DataView access (so that a big-endian host works
// too): every node method marshals its node and unmarshals what it returns, ~200 K calls into wasm
// and ~1.5 M values per dense bench scan. On a little-endian host (every one Node and VS Code run
// on) the wasm memory's Int32Array view reads and writes the same values; the original code stays
// for the others. (Addresses are 4-byte aligned, as the original's `(ptr >> 2) * 4` assumes.)
const heapViews = [
  ['// src/marshal.ts\n', '// src/marshal.ts\nvar HEAP_IS_LE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;\n'],
  [
    'function marshalNode(node, index = 0) {\n',
    'function marshalNode(node, index = 0) {\n  if (HEAP_IS_LE) {\n    const heap = C.HEAP32;\n    const i = (TRANSFER_BUFFER + index * SIZE_OF_NODE) >> 2;\n    heap[i] = node.id;\n    heap[i + 1] = node.startIndex;\n    heap[i + 2] = node.startPosition.row;\n    heap[i + 3] = node.startPosition.column;\n    heap[i + 4] = node._other;\n    return;\n  }\n',
  ],
  [
    'function unmarshalNode(tree, address = TRANSFER_BUFFER) {\n',
    'function unmarshalNode(tree, address = TRANSFER_BUFFER) {\n  if (HEAP_IS_LE) {\n    const heap = C.HEAP32;\n    const i = address >> 2;\n    const id = heap[i];\n    if (id === 0) return null;\n    return new Node(INTERNAL, { id, tree, startIndex: heap[i + 1], startPosition: { row: heap[i + 2], column: heap[i + 3] }, other: heap[i + 4] });\n  }\n',
  ],
  [
    'function marshalPoint(address, point) {\n',
    'function marshalPoint(address, point) {\n  if (HEAP_IS_LE) {\n    const heap = C.HEAP32;\n    heap[address >> 2] = point.row;\n    heap[(address >> 2) + 1] = point.column;\n    return;\n  }\n',
  ],
  [
    'function unmarshalPoint(address) {\n',
    'function unmarshalPoint(address) {\n  if (HEAP_IS_LE) {\n    const heap = C.HEAP32;\n    return { row: heap[address >> 2] >>> 0, column: heap[(address >> 2) + 1] >>> 0 };\n  }\n',
  ],
  [
    'function marshalRange(address, range) {\n',
    'function marshalRange(address, range) {\n  if (HEAP_IS_LE) {\n    const heap = C.HEAP32;\n    const i = address >> 2;\n    heap[i] = range.startPosition.row;\n    heap[i + 1] = range.startPosition.column;\n    heap[i + 2] = range.endPosition.row;\n    heap[i + 3] = range.endPosition.column;\n    heap[i + 4] = range.startIndex;\n    heap[i + 5] = range.endIndex;\n    return;\n  }\n',
  ],
  [
    'function unmarshalRange(address) {\n',
    'function unmarshalRange(address) {\n  if (HEAP_IS_LE) {\n    const heap = C.HEAP32;\n    const i = address >> 2;\n    return { startPosition: { row: heap[i] >>> 0, column: heap[i + 1] >>> 0 }, endPosition: { row: heap[i + 2] >>> 0, column: heap[i + 3] >>> 0 }, startIndex: heap[i + 4] >>> 0, endIndex: heap[i + 5] >>> 0 };\n  }\n',
  ],
];
// The build fails if a text moved.
const staticNodeImports = {
  name: 'static-node-imports',
  setup(build) {
    build.onLoad({ filter: /web-tree-sitter[\\/]tree-sitter\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      let text = await readFile(args.path, 'utf8');
      for (const [from, to] of [...staticImports, ...nodeHandleField, ...heapViews]) {
        const times = text.split(from).length - 1;
        if (times === 0 || (times > 1 && [...nodeHandleField, ...heapViews].some(([f]) => f === from))) {
          throw new Error(`build: ${args.path} holds ${from} ${times} times: see static-node-imports in scripts/build.mjs`);
        }
        text = text.split(from).join(to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};
const nodeBuild = await esbuild.build({ ...nodeCommon, entryPoints: nodeEntries, plugins: [splitSubcommands, staticNodeImports], metafile: true });

// The TS/JS analysis carries ts-morph and the TypeScript compiler (~12 MB): its own bundle,
// required at run time by path (src/cli/tsLoader.ts) only when a TS/JS file is met, so the CLI,
// its workers and the extension never load it for C. The extension's TS worker thread
// (src/extension/node/tsWorker.ts) requires the same bundle, so it ships once.
const tsEntries = [
  { in: 'src/cli/tsAnalysis.ts', out: 'ts-analysis' },
  { in: 'src/extension/node/tsWorker.ts', out: 'ts-worker' },
].filter((e) => existsSync(join(root, e.in)));
const tsBuild = await esbuild.build({ ...nodeCommon, entryPoints: tsEntries, metafile: true });
nodeEntries.push(...tsEntries);

/** Fails the build when a bundle other than ts-analysis pulled in ts-morph or TypeScript. */
function assertNoTsMorph(result, allowed) {
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (allowed.some((a) => out.endsWith(a)) || out.endsWith('.map')) continue;
    const heavy = Object.keys(meta.inputs).find((i) => /node_modules\/(ts-morph|@ts-morph|typescript)\//.test(i));
    if (heavy) throw new Error(`build: ${out} bundles ${heavy}; the TS analysis must only be reached through dist/ts-analysis.js (src/cli/tsLoader.ts)`);
  }
}
assertNoTsMorph(nodeBuild, []);
assertNoTsMorph(tsBuild, ['ts-analysis.js']);

// The extension: a Node entry (desktop, remote, code-server) and a browser entry (VS Code for the
// Web) from the same sources; they differ in the Platform they pass (src/extension/platform.ts).
const extensionEntries = [];
if (existsSync(join(root, 'src/extension/node.ts'))) {
  assertNoTsMorph(await esbuild.build({ ...nodeCommon, define: { ...nodeCommon.define, __PAGECOST_BUILD_ID__: JSON.stringify(buildId) }, entryPoints: { extension: 'src/extension/node.ts' }, metafile: true }), []);
  extensionEntries.push('extension');
}

// web-tree-sitter reaches for fs, path, url and module only when it runs under Node; in the
// browser bundle they become an empty module, so no Node built-in ships to the web worker.
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(build) {
    const names = /^(node:)?(fs|fs\/promises|path|url|module|os|child_process|worker_threads)$/;
    build.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: 'empty-builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'empty-builtin' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};
const browserCommon = {
  absWorkingDir: root,
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  mainFields: ['browser', 'module', 'main'],
  // The grammar runtime asks where it was loaded from, only to build URLs it never fetches (the
  // bytes are handed over, GrammarFiles). The web extension host evaluates our code from a blob,
  // which is no base for a URL, so give it a fixed absolute one.
  banner: { js: "var __importMetaUrl = 'file:///pagecost/dist/web/extension.js';" },
  define: { 'import.meta.url': '__importMetaUrl', 'process.env.NODE_ENV': '"production"' },
  plugins: [noNodeBuiltins],
  logLevel: 'warning',
};
if (existsSync(join(root, 'src/extension/web.ts'))) {
  assertNoTsMorph(await esbuild.build({ ...browserCommon, define: { ...browserCommon.define, __PAGECOST_BUILD_ID__: JSON.stringify(buildId) }, entryPoints: { extension: 'src/extension/web.ts' }, outdir: join(dist, 'web'), metafile: true }), []);
  extensionEntries.push('web/extension');
}
// The TS/JS analysis for VS Code for the Web: a Web Worker script with the engine, ts-morph and
// the TypeScript compiler inside, fetched by the browser entry only on the first TS/JS document
// (src/extension/web/tsWorkerClient.ts). The compiler's Node-only branches (fs, os, perf_hooks,
// inspector, …) are never taken in a worker; they become empty modules.
if (existsSync(join(root, 'src/extension/web/tsWorker.ts'))) {
  const emptyNodeBuiltins = {
    name: 'empty-node-builtins',
    setup(build) {
      const names = /^(node:)?(fs|fs\/promises|path|url|module|os|child_process|worker_threads|perf_hooks|inspector|crypto|util|stream|events|assert|buffer|readline|tty|process|v8|vm)$/;
      build.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: 'empty-cjs-builtin' }));
      build.onLoad({ filter: /.*/, namespace: 'empty-cjs-builtin' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
  await esbuild.build({
    ...browserCommon, format: 'iife', entryPoints: { 'ts-worker': 'src/extension/web/tsWorker.ts' }, outdir: join(dist, 'web'),
    banner: {}, define: { 'process.env.NODE_ENV': '"production"' }, plugins: [emptyNodeBuiltins],
  });
  extensionEntries.push('web/ts-worker');
}
// The benchmark panel's page (webview/): its own browser bundle with its stylesheet (uPlot's and
// ours) in dist/webview/, the only folder the webview may load from (src/extension/panel/html.ts).
if (existsSync(join(root, 'webview/main.ts'))) {
  await esbuild.build({
    absWorkingDir: root, bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: true, sourcemap: true,
    entryPoints: { panel: 'webview/main.ts' }, outdir: join(dist, 'webview'), logLevel: 'warning',
    // Where the page's time goes on opening (scripts/bench-panel.ts --open reads the marks).
    banner: { js: "performance.mark('pagecost:bundle');" },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  extensionEntries.push('webview/panel');
}
// The web integration tests run inside the browser extension host too (scripts/test-web.mjs).
if (existsSync(join(root, 'test/web/index.ts'))) {
  await esbuild.build({ ...browserCommon, entryPoints: { index: 'test/web/index.ts' }, outdir: join(dist, 'test', 'web') });
  extensionEntries.push('test/web/index');
}
// Which commit this dist/ was built from: bin/pagecost.js rebuilds when the checkout moved on.
const { gitHead } = require('./scripts/lib/gitHead.cjs');
writeFileSync(join(dist, 'build-info.json'), `${JSON.stringify({ gitHead: gitHead(root) })}\n`);
console.log(`built ${[...nodeEntries.map((e) => e.out), ...extensionEntries].join(', ')} + ${wasm.length} wasm into dist/`);
