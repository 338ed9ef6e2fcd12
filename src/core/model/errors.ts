// One error type for every input the model refuses, so callers (CLI, editor) can show the
// message as-is instead of a NaN. Messages say what was wrong and what to do instead.
export class ModelInputError extends Error {
  override readonly name = 'ModelInputError';
}

/** Largest byte count the model accepts: 2^48 is the whole x86-64 4-level address space. */
export const MAX_BYTES = 2 ** 48;

export function checkBytes(bytes: number, what = 'bytes'): number {
  if (typeof bytes !== 'number' || Number.isNaN(bytes)) {
    throw new ModelInputError(`${what} must be a number of bytes, got ${String(bytes)}`);
  }
  if (!Number.isFinite(bytes) || bytes > MAX_BYTES) {
    throw new ModelInputError(
      `${what} = ${String(bytes)} is larger than a process can map (2^48 bytes = 256 TiB); give a real buffer size`,
    );
  }
  if (!Number.isInteger(bytes)) {
    throw new ModelInputError(`${what} must be a whole number of bytes, got ${bytes}`);
  }
  if (bytes < 1) {
    throw new ModelInputError(`${what} must be at least 1 byte, got ${bytes}`);
  }
  return bytes;
}

export function checkThreads(threads: number): number {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 65536) {
    throw new ModelInputError(
      `threads must be a whole number from 1 to 65536 (threads of the process running at the time of the call), got ${String(threads)}`,
    );
  }
  return threads;
}
