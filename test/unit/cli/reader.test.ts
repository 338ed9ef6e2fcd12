// The scan's disk reader: whole files whatever their size, the size limit, and files that are
// not regular files (a FIFO must not hang the scan, a device must not be read as source).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { diskReader, NotRegularFileError } from '../../../src/cli/reader';
import { suiteTrees } from '../../support/cli';

const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => 'abcdefghij\n'[i % 11]).join(''));

describe('disk reader', function () {
  this.timeout(30_000);
  const make = suiteTrees();

  it('reads files of every size whole: empty, small, and bigger than its buffer (several times over)', () => {
    const sizes = [0, 1, 4095, 65535, 65536, 65537, 300_001];
    const dir = make(Object.fromEntries(sizes.map((n) => [`f${n}.c`, text(n)])));
    for (const n of sizes) {
      const got = diskReader.read(join(dir, `f${n}.c`), 1 << 20);
      assert.ok(got instanceof Uint8Array, `f${n}.c`);
      assert.equal(Buffer.from(got).toString(), text(n).toString(), `f${n}.c`);
    }
    // A small file after a big one: only its own bytes.
    assert.equal(Buffer.from(diskReader.read(join(dir, 'f1.c')) as Uint8Array).toString(), 'a');
  });

  it('a file over the limit is not returned: its size is, whether it fits the buffer or not', () => {
    const dir = make({ 'small.c': text(5000), 'big.c': text(200_000) });
    assert.deepEqual(diskReader.read(join(dir, 'small.c'), 4096), { size: 5000 });
    assert.ok(diskReader.read(join(dir, 'small.c'), 5000) instanceof Uint8Array, 'exactly the limit is allowed');
    assert.deepEqual(diskReader.read(join(dir, 'big.c'), 100_000), { size: 200_000 });
    assert.deepEqual(diskReader.read(join(dir, 'big.c'), 199_999), { size: 200_000 });
    assert.equal((diskReader.read(join(dir, 'big.c'), 200_000) as Uint8Array).length, 200_000);
  });

  it('a FIFO, a directory or a device is said to be one, without hanging on it', () => {
    const dir = make({});
    execFileSync('mkfifo', [join(dir, 'pipe.c')]);
    mkdirSync(join(dir, 'folder.c'));
    const notRegular = (name: string, kind: string) =>
      assert.throws(() => diskReader.read(join(dir, name), 1 << 20), (e: Error) => e instanceof NotRegularFileError && e.message === `not a regular file (${kind}); skipped`, name);
    notRegular('pipe.c', 'a FIFO');
    notRegular('folder.c', 'a directory');
    // An empty device and one that never ends: neither is read as a file.
    for (const [name, device] of [['null.c', '/dev/null'], ['zero.c', '/dev/zero']] as const) {
      if (!existsSync(device)) continue;
      symlinkSync(device, join(dir, name));
      notRegular(name, 'a device');
    }
  });

  it('a missing file: said in words', () => {
    assert.throws(() => diskReader.read('/nonexistent/x.c'), /^Error: no such file/);
  });
});
