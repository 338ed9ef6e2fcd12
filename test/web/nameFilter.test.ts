// The scan's name filter in the browser extension host: its WebAssembly SIMD scanner must compile
// there (VS Code's worker CSP and the browser's wasm support), not fall back to the JS loop unseen.
import { filterOfJs } from '../../src/core/scan/nameHash';
import { newWasmNameScanner } from '../../src/core/scan/nameScanWasm';
import { deepEqual, ok, test } from './harness';

test('name filter: the WebAssembly scanner compiles in the web extension host and sets the bits the JS loop sets', () => {
  const scanner = newWasmNameScanner();
  ok(scanner, 'newWasmNameScanner() is null in the browser extension host: the scan would use the slower JS loop');
  const text = new TextEncoder().encode('void *grow(void *p, size_t n) { /* café */ return xrealloc(p, n * 2 + 0x10); }\n'.repeat(300));
  let size = 2048;
  while (size < 2 * text.length) size <<= 1;
  deepEqual(scanner.filterOf(text, size - 1, false), filterOfJs(text, size - 1, false), 'unfolded bits');
  deepEqual(scanner.filterOf(text, size - 1), filterOfJs(text, size - 1), 'folded bits');
});
