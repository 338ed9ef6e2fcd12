// The JS/TS benchmark operations' names and one-line descriptions: no model here, so the panel's
// page can import them without the cost model.

export const JS_BENCH_OPS = ['js-concat', 'js-copy-grow', 'js-transfer', 'js-transfer-same', 'js-resize', 'wasm-memory-grow'] as const;
export type JsBenchOp = (typeof JS_BENCH_OPS)[number];

export function isJsBenchOp(s: string): s is JsBenchOp {
  return (JS_BENCH_OPS as readonly string[]).includes(s);
}

/** One line each, for `pagecost bench --help` and the panel's legend. */
export const JS_OP_DOCS: Record<JsBenchOp, string> = {
  'js-concat': 'Buffer.concat([old N, chunk N]) into a new 2N buffer',
  'js-copy-grow': 'new Uint8Array(2N) and set() of the old N bytes',
  'js-transfer': 'ArrayBuffer(N).transfer(2N)',
  'js-transfer-same': 'ArrayBuffer(N).transfer() at the same length (moves or copies: a finding per engine)',
  'js-resize': 'resizable ArrayBuffer(N, max 2N).resize(2N), in place',
  'wasm-memory-grow': 'WebAssembly.Memory of N bytes grown by N (64 KiB pages)',
};

