#!/usr/bin/env node
'use strict';
// The CLI is bundled by `npm run build`; this shim only finds it.
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`pagecost: ${bundle} is missing — run \`npm run build\` in ${path.dirname(__dirname)} first.\n`);
  process.exit(2);
}
require(bundle);
