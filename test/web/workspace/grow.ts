// Tier-2 fixture: a wasm-bindgen realloc and a buffer grown by a constant step in a loop.
declare const wasm: { __wbindgen_realloc(p: number, o: number, n: number, a: number): number };
export const grow = (p: number, n: number) => wasm.__wbindgen_realloc(p, n, 65536, 1);

export function gather(parts: Uint8Array[]): Uint8Array {
  let out = new Uint8Array(0);
  for (const part of parts) {
    const bigger = new Uint8Array(out.length + 1024);
    bigger.set(out);
    out = bigger;
    out.set(part.subarray(0, 1024), out.length - 1024);
  }
  return out;
}
