#!/usr/bin/env node
'use strict';
// The CLI is bundled by `npm run build`. In a fresh checkout the bundle does not exist yet, so the
// first run builds it (esbuild takes about a second) instead of failing: `npm ci && npx pagecost
// scan DIR` is all a new user types.
const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli.js');
const buildScript = path.join(root, 'scripts', 'build.mjs');
// Every bundle a subcommand may require later; a dist/ from an older checkout can lack the newer ones.
const bundles = ['cli.js', 'cli-scan.js', 'cli-explain.js', 'cli-bench.js', 'scanWorker.js', 'ts-analysis.js'].map((b) => path.join(root, 'dist', b));
// A dist/ built from another commit (after a pull or a checkout) is rebuilt, not run stale.
function builtFromAnotherCommit() {
  const helper = path.join(root, 'scripts', 'lib', 'gitHead.cjs');
  if (!fs.existsSync(helper)) return false;
  const head = require(helper).gitHead(root);
  if (!head) return false;
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'dist', 'build-info.json'), 'utf8')).gitHead !== head;
  } catch {
    return true;
  }
}
const missing = bundles.some((b) => !fs.existsSync(b));
if ((missing || builtFromAnotherCommit()) && fs.existsSync(buildScript)) {
  const why = !fs.existsSync(bundle) ? 'first run in this checkout' : missing ? 'dist/ is incomplete' : 'dist/ was built from another commit';
  process.stderr.write(`pagecost: ${why}, building dist/ ...\n`);
  try {
    execFileSync(process.execPath, [buildScript], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    process.stderr.write(`pagecost: the build failed; run \`npm ci && npm run build\` in ${root} and try again.\n`);
    process.exit(2);
  }
}
if (!fs.existsSync(bundle)) {
  process.stderr.write(`pagecost: ${bundle} is missing; run \`npm run build\` in ${root} first.\n`);
  process.exit(2);
}
require(bundle);
