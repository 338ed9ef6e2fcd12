// A SIGTERM that reaches `pagecost record` while the program is being started (on a busy machine
// the program can print and be answered before spawn() returns) must be passed on to the program,
// not end pagecost and leave the program running. Run in a child Node process: with the old
// behaviour the signal ends whoever runs runProgram.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

describe('pagecost record: a signal while the program starts', () => {
  it('is passed on to the program once it exists, and pagecost stays to report its end', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'pagecost-early-signal-'));
    try {
      const script = join(dir, 'early.ts');
      const host = resolve(__dirname, '../../../src/cli/recordHost.ts').replace(/\\/g, '/');
      writeFileSync(script, `
import { spawn } from 'node:child_process';
import { runProgram } from ${JSON.stringify(host)};
// The signal arrives after the program was asked for and before spawn() has returned.
const late: typeof spawn = ((file: string, args: string[], opts: object) => {
  process.kill(process.pid, 'SIGTERM');
  return spawn(file, args, opts);
}) as typeof spawn;
runProgram('/bin/sleep', ['30'], process.env, 'sleep', late).then((exit) => {
  process.stdout.write(JSON.stringify({ code: exit.code, signal: exit.signal, ms: Math.round(exit.durationMs) }));
});
`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 45_000 });
      assert.equal(r.signal, null, `the runner itself was ended by ${r.signal}: ${r.stderr}`);
      assert.equal(r.status, 0, r.stderr);
      const exit = JSON.parse(r.stdout) as { code: number | null; signal: string | null; ms: number };
      assert.equal(exit.signal, 'SIGTERM', 'the program got the signal');
      assert.ok(exit.ms < 20_000, `the program ended at once (${exit.ms} ms), not after its 30 s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
