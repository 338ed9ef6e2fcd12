// Decides whether the bytes of a file can be analysed as C source text. Pure: the caller reads
// the bytes (from disk, a worker, or an editor buffer) and this module only judges them.
import type { FileError } from '../types';

export const defaultMaxFileSize = 2 * 1024 * 1024;

const BINARY = 'skipped: binary file (contains NUL bytes)';

export type DecodeResult =
  | { ok: true; text: string; note: FileError['message'] | null }
  | { ok: false; message: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Binary files (a NUL byte in the first 8 KiB, as git and grep judge) and files over the size
 * limit are skipped. Non-UTF-8 text is decoded lossily (invalid bytes become U+FFFD) and still
 * scanned: C sources in Latin-1 usually differ from UTF-8 only inside comments and strings, so
 * the call sites are still found; the file is listed in `errors` so nobody is surprised.
 */
export function decodeSource(bytes: Uint8Array, maxBytes: number): DecodeResult {
  if (bytes.length > maxBytes) return { ok: false, message: tooLargeMessage(bytes.length, maxBytes) };
  const head = bytes.subarray(0, Math.min(bytes.length, 8192));
  if (head.indexOf(0) !== -1) {
    return { ok: false, message: BINARY };
  }
  try {
    return { ok: true, text: stripBom(strictUtf8.decode(bytes)), note: null };
  } catch {
    const text = stripBom(lossyUtf8.decode(bytes));
    const bad = firstInvalidLine(text);
    return {
      ok: true,
      text,
      note: `not valid UTF-8 (first bad byte on line ${bad}); scanned with invalid bytes replaced — save the file as UTF-8 to silence this`,
    };
  }
}

/**
 * decodeSource's verdict on bytes known to be all ASCII (NameFilter.ascii), without decoding
 * them: null when they can be analysed (ASCII is valid UTF-8, and has no BOM), else why not.
 * A scan's load judges every file and keeps few texts: it need not make them all.
 */
export function asciiSourceProblem(bytes: Uint8Array, maxBytes: number): string | null {
  if (bytes.length > maxBytes) return tooLargeMessage(bytes.length, maxBytes);
  return bytes.subarray(0, Math.min(bytes.length, 8192)).indexOf(0) !== -1 ? BINARY : null;
}

export function tooLargeMessage(size: number, maxBytes: number): string {
  return `skipped: too large (${size} bytes > limit ${maxBytes}); raise it with --max-file-size or "maxFileSize" in .pagecost.json`;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstInvalidLine(text: string): number {
  const at = text.indexOf('\uFFFD');
  if (at < 0) return 1;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
