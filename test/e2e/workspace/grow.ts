// pagecost tier-3 fixture: the two TS/JS resizes the tests look for.
declare const wasm: {
  __wbindgen_realloc(ptr: number, oldSize: number, newSize: number, align: number): number;
};

/** wasm-bindgen glue: grows a string's buffer in the module's linear memory to 64 KiB. */
export function growInWasm(ptr: number, len: number): number {
  return wasm.__wbindgen_realloc(ptr, len, 65536, 1);
}

/** Appends chunks to a buffer that grows by a constant 1024 bytes each time it is full. */
export function collect(chunks: Uint8Array[]): Uint8Array {
  let buf = new Uint8Array(0);
  let used = 0;
  for (const chunk of chunks) {
    while (used + chunk.length > buf.length) {
      const next = new Uint8Array(buf.length + 1024);
      next.set(buf);
      buf = next;
    }
    buf.set(chunk, used);
    used += chunk.length;
  }
  return buf.subarray(0, used);
}
