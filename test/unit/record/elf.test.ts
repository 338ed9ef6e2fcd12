// What pagecost record reads from a program before running it, on real files: dynamic, static,
// musl, stripped, scripts, and a 32-bit header it must refuse.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPreloadable } from '../../../src/cli/record';
import { fileReader } from '../../../src/cli/recordHost';
import { readElf } from '../../../src/core/record/elf';
import { compile, copyFixture, scratch } from './support';

function elfOf(path: string) {
  const r = fileReader(path);
  try {
    return readElf(r);
  } finally {
    r.close();
  }
}

describe('record: reading programs before running them', function () {
  this.timeout(120_000);
  let s: ReturnType<typeof scratch>;
  before(() => (s = scratch()));
  after(() => s.remove());

  it('a dynamic glibc program with debug info, and the same stripped', async () => {
    const src = copyFixture('echo.c', s.dir);
    const e = elfOf(await compile('cc', src, join(s.dir, 'dyn'), ['-g']))!;
    assert.equal(e.bits, 64);
    assert.equal(e.libc, 'glibc');
    assert.match(e.interpreter!, /ld-linux/);
    assert.equal(e.debugInfo, true);
    assert.equal(e.unwindIndex, true);
    assert.equal(checkPreloadable('dyn', e, 0o755, process.arch), null);
    const stripped = elfOf(await compile('cc', src, join(s.dir, 'stripped'), ['-s']))!;
    assert.equal(stripped.debugInfo, false);
    assert.equal(stripped.symbols, false);
  });

  it('static: no interpreter, refused with the reason', async () => {
    const e = elfOf(await compile('cc', copyFixture('echo.c', s.dir), join(s.dir, 'st'), ['-static']))!;
    assert.equal(e.interpreter, null);
    assert.match(checkPreloadable('st', e, 0o755, process.arch)!, /statically linked/);
  });

  it('musl: its own dynamic linker, and musl-gcc leaves out the unwind index', async () => {
    const e = elfOf(await compile('musl-gcc', copyFixture('echo.c', s.dir), join(s.dir, 'mu'), ['-g']))!;
    assert.equal(e.libc, 'musl');
    assert.equal(e.unwindIndex, false);
    assert.equal(checkPreloadable('mu', e, 0o755, process.arch), null);
  });

  it('scripts and text are not ELF; setuid and setgid bits are refused whatever the file', () => {
    const script = join(s.dir, 'x.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    assert.equal(elfOf(script), null);
    assert.equal(checkPreloadable('x.sh', null, 0o755, process.arch), null);
    assert.match(checkPreloadable('x.sh', null, 0o2755, process.arch)!, /is setgid/);
    writeFileSync(join(s.dir, 'empty'), '');
    assert.equal(elfOf(join(s.dir, 'empty')), null);
  });

  it('a 32-bit program on a 64-bit machine is refused: the library cannot load into it', () => {
    // An ELF header for a 32-bit i386 executable with a PT_INTERP program header.
    const b = Buffer.alloc(200);
    b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
    b.writeUInt16LE(2, 16); // ET_EXEC
    b.writeUInt16LE(3, 18); // EM_386
    b.writeUInt32LE(52, 28); // e_phoff
    b.writeUInt16LE(32, 42); // e_phentsize
    b.writeUInt16LE(1, 44); // e_phnum
    b.writeUInt32LE(3, 52); // PT_INTERP
    b.writeUInt32LE(100, 56); // p_offset
    b.writeUInt32LE(19, 68); // p_filesz
    b.write('/lib/ld-linux.so.2\0', 100);
    const f = join(s.dir, 'i386');
    writeFileSync(f, b);
    const e = elfOf(f)!;
    assert.equal(e.bits, 32);
    assert.equal(e.machine, 'i386');
    assert.equal(e.interpreter, '/lib/ld-linux.so.2');
    assert.match(checkPreloadable('i386', e, 0o755, 'x64')!, /is a 32-bit i386 program; the recording library is built for this machine \(x86-64\)/);
  });
});
