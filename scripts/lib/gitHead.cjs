'use strict';
// The commit a checkout is at, read from .git directly (two small reads, no git process), so the
// CLI shim can tell a dist/ built from another commit (after a pull or a checkout) without
// slowing every run. Null when it cannot tell (no .git directory, a worktree, a detached oddity).
const fs = require('fs');
const path = require('path');

function gitHead(root) {
  const git = path.join(root, '.git');
  try {
    if (!fs.statSync(git).isDirectory()) return null;
    const head = fs.readFileSync(path.join(git, 'HEAD'), 'utf8').trim();
    const m = /^ref: (.+)$/.exec(head);
    if (!m) return /^[0-9a-f]{40,64}$/.test(head) ? head : null;
    const loose = path.join(git, m[1]);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
    const packed = fs.readFileSync(path.join(git, 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(` ${m[1]}`));
    return line ? line.split(' ')[0] : null;
  } catch {
    return null;
  }
}

module.exports = { gitHead };
