// `pagecost scan --profile FILE`: a calibration from another machine is refused with the reason,
// and `--force` uses it anyway (the same rule as explain and bench).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { MODEL_VERSION } from '../../../src/core/model';
import { crossFileTree, ensureBuilt, makeTree, removeTree, runCli } from '../../support/cli';

describe('pagecost scan --profile from another machine', () => {
  before(ensureBuilt);

  it('is refused with what differs (exit 2), and used with --force', async () => {
    const elsewhere = {
      pagecostProfile: 1, modelVersion: MODEL_VERSION, name: 'big-box', base: 'x86-64',
      created: '2026-11-25T20:00:00Z', machine: { cpus: 4096 }, params: { c_pte: 12 },
    };
    const dir = makeTree({ ...crossFileTree, 'calibrated.json': JSON.stringify(elsewhere) });
    try {
      const refused = await runCli(['scan', '.', '--profile', 'calibrated.json', '--quiet'], dir);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /another machine/);
      assert.match(refused.stderr, /cpus 4096 there/);
      assert.match(refused.stderr, /--force/);
      const forced = await runCli(['scan', '.', '--profile', join(dir, 'calibrated.json'), '--force', '--format', 'json', '--quiet'], dir);
      assert.equal(forced.code, 0, forced.stderr);
      assert.ok(JSON.parse(forced.stdout).findings.length > 0);
    } finally {
      removeTree(dir);
    }
  });
});
