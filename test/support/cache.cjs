// The unit tests' own pagecost cache: what a developer's machine keeps (a probe, a calibration)
// must not change what `auto`, the CLI's default profile, gives in a test. Child processes
// (the CLI in runCli) inherit it. Removed when the run ends.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const dir = mkdtempSync(join(tmpdir(), 'pagecost-test-cache-'));
process.env.XDG_CACHE_HOME = dir;
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
