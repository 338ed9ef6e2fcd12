// Reads scan inputs from disk for the shards. Opens non-blocking and checks fstat before reading,
// so a FIFO, socket or device that happens to be called `x.c` is reported instead of hanging the
// scan forever on a read that never ends.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { SourceReader } from '../core/scan/shard';
import { describeFsError } from './fsErrors';

export class NotRegularFileError extends Error {}

// One buffer reused for every read: a scan reads ~15,000 files, and a fresh Buffer each time
// (external memory) is what drives most of the garbage collections of a scan. The bytes returned
// are therefore only valid until the next read — the shard decodes them at once.
let scratch = Buffer.allocUnsafe(1 << 16);

export const diskReader: SourceReader = {
  read(path: string, maxBytes?: number): Uint8Array | { size: number } {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw new Error(describeFsError(e));
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new NotRegularFileError(`not a regular file (${kindOf(st)}); skipped`);
      const size = st.size;
      if (maxBytes !== undefined && size > maxBytes) return { size };
      if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
      const buf = scratch;
      let off = 0;
      while (off < size) {
        const n = readSync(fd, buf, off, size - off, off);
        if (n === 0) break; // shrank while we read: use what is there
        off += n;
      }
      return buf.subarray(0, off);
    } catch (e) {
      if (e instanceof NotRegularFileError) throw e;
      throw new Error(describeFsError(e));
    } finally {
      closeSync(fd);
    }
  },
};

function kindOf(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}
