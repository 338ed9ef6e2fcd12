import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { gitHead } = require('../../../scripts/lib/gitHead.cjs') as { gitHead(root: string): string | null };

describe('the commit a checkout is at (the CLI shim rebuilds a dist/ from another commit)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pagecost-githead-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();

  it('equals git rev-parse HEAD, for a loose ref and after the refs are packed', () => {
    git('init', '-q');
    writeFileSync(join(dir, 'a'), '1');
    git('add', 'a');
    git('commit', '-qm', 'one');
    assert.equal(gitHead(dir), git('rev-parse', 'HEAD'));
    git('pack-refs', '--all');
    assert.equal(gitHead(dir), git('rev-parse', 'HEAD'));
    git('checkout', '-q', '--detach');
    assert.equal(gitHead(dir), git('rev-parse', 'HEAD'));
  });

  it('is null where it cannot tell: no .git, a .git file (worktree), a ref that does not exist yet', () => {
    assert.equal(gitHead(dir), null);
    writeFileSync(join(dir, '.git'), 'gitdir: /elsewhere\n');
    assert.equal(gitHead(dir), null);
    rmSync(join(dir, '.git'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    assert.equal(gitHead(dir), null);
  });
});
