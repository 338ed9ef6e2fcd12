// Reads scan inputs from disk for the shards. Opens non-blocking and reads with pread, so a FIFO,
// socket or device that happens to be called `x.c` is reported instead of hanging the scan
// forever on a read that never ends: pread refuses a FIFO (ESPIPE) and a directory (EISDIR).
//
// A file that fits the scratch buffer (most sources) is read without asking its size first:
// open, pread, pread at the end (0: EOF), close. fstat, with the Stats object Node builds from
// it (four Dates), costs the main thread more than that read at the end, and a scan reads ~5,600
// files (the dense bench corpus: 4,053, 1,180 of them twice): reading all 4,053 and then again
// took 189.8 ms of CPU instead of 198.5 (medians of 8 alternating runs, load ~5). fstat is still
// asked whenever the read says something is off (it failed, found nothing, or filled the
// buffer): it names what kind of file is not regular, gives a big file's size before all of it
// is read, and tells a device that never ends (`/dev/zero`) or is empty (`/dev/null`) from a file.
// (A device that pread reads as a few bytes and then an end would pass for a file: none of the
// usual ones does.)
//
// What a file costs the scan's thread here, timed call by call inside a scan of the dense bench
// corpus (medians, 2-vCPU VM, 2026-12-07): open 3.3 µs, pread 1.5, close 0.9, much as in a bare
// loop over the same files (3.0, 1.15, 0.84). A CPU profile shows ~7 µs per open because the wall
// time of preemption and of its own signals lands at syscall return. A helper thread reading
// ahead of this one (the files from the end of each batch, answers in shared memory) was tried
// and did not pay: on two cores it shares the second with V8's compiler threads, busiest while
// the files are read, and what it took off this thread came back as later-optimised code (no
// wall or CPU gain in alternating runs).
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
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
      return readOpen(fd, maxBytes);
    } catch (e) {
      if (e instanceof NotRegularFileError) throw e;
      throw new Error(describeFsError(e));
    } finally {
      closeSync(fd);
    }
  },
  exists: existsSync,
};

function readOpen(fd: number, maxBytes: number | undefined): Uint8Array | { size: number } {
  let first: number;
  try {
    first = readSync(fd, scratch, 0, scratch.length, 0);
  } catch (e) {
    regularFile(fd);
    throw e;
  }
  if (first > 0 && first < scratch.length) {
    // Short: the end of a regular file, unless the file system splits reads (then read on).
    const more = readSync(fd, scratch, first, scratch.length - first, first);
    if (more === 0) return maxBytes !== undefined && first > maxBytes ? { size: first } : scratch.subarray(0, first);
    return readRest(fd, first + more, regularFile(fd).size, maxBytes);
  }
  const st = regularFile(fd);
  return readRest(fd, first, st.size, maxBytes);
}

/** Reads on from `off` to `size` bytes (stopping early if the file shrank), unless `size` is over the limit. */
function readRest(fd: number, off: number, size: number, maxBytes: number | undefined): Uint8Array | { size: number } {
  if (maxBytes !== undefined && Math.max(size, off) > maxBytes) return { size: Math.max(size, off) };
  if (scratch.length < size) {
    const bigger = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
    scratch.copy(bigger, 0, 0, off);
    scratch = bigger;
  }
  while (off < size) {
    const n = readSync(fd, scratch, off, size - off, off);
    if (n === 0) break; // shrank while we read: use what is there
    off += n;
  }
  return scratch.subarray(0, off);
}

/** The file's Stats when it is a regular file; else NotRegularFileError saying what it is. */
function regularFile(fd: number): Stats {
  const st = fstatSync(fd);
  if (!st.isFile()) throw new NotRegularFileError(`not a regular file (${kindOf(st)}); skipped`);
  return st;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}
