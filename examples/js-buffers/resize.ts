// Growing an ArrayBuffer in place with resize(), and two ways it throws at run time.

/** A log buffer that can grow in place up to 1 MiB: resize() keeps its views valid. */
export function appendLog(log: ArrayBuffer, extra: number): ArrayBuffer {
  log.resize(log.byteLength + extra);
  return log;
}

export function makeLog(): ArrayBuffer {
  const log = new ArrayBuffer(4096, { maxByteLength: 1024 * 1024 });
  log.resize(64 * 1024);
  return log;
}

// resize-not-resizable: this buffer was made without maxByteLength, so resize() throws a TypeError.
export function growFixed(): ArrayBuffer {
  const fixed = new ArrayBuffer(4096);
  fixed.resize(8192);
  return fixed;
}

// resize-out-of-range: 2 MiB is above the 1 MiB maxByteLength, so resize() throws a RangeError.
export function growTooFar(): ArrayBuffer {
  const log = new ArrayBuffer(4096, { maxByteLength: 1024 * 1024 });
  log.resize(2 * 1024 * 1024);
  return log;
}
