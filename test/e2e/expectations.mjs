// What the extension under test shows in the workspace's files, per extension: the real one
// (pagecost.vsix) or the stand-in in probe/ that proves the plumbing. Feature tests read their
// patterns from here, so the same test checks either; a feature only the real extension has is
// a key the probe lacks.

/** The C file every session opens first (test/e2e/workspace/grow.c). */
export const C_FILE = 'grow.c';
/** Text that is in grow.c: the editor shows it once the file is open. */
export const C_MARKER = 'table_grow';

export const EXPECT = {
  probe: {
    id: 'pagecost-e2e.pagecost-e2e-probe',
    displayName: 'pagecost e2e probe',
    hint: /probe mremap ≈ 12 µs/,
    hintLine: 'moved = mremap(slot',
    problem: /probe: this mremap moves 16 KiB/,
    hover: /probe hover/,
    fix: /probe: replace with memcpy/,
    fixed: '/* probe */ mremap(slot',
  },
  real: {
    id: 'pagecost.pagecost',
    displayName: 'pagecost',
    // The Marketplace icon (package.json "icon").
    icon: { file: 'media/icon.png', width: 256, height: 256 },
    hint: /\d(\.\d+)?\s?(ns|µs|ms)/,
    hintLine: 'moved = mremap(slot',
    problem: /memcpy is \d+(\.\d+)?× cheaper/,
    hover: /memcpy/,
    fix: /Copy with memcpy into spare/,
    // What applying the fix leaves in the text.
    fixed: 'memcpy(spare, slot, SLOT_BYTES);',
    // Editing the size the call moves changes its hint: SLOT_BYTES 4 pages -> 64 pages.
    edit: { line: 8, column: 21, from: '4', to: '64' },
    // The rule the self-test hook (src/extension/selfTest.ts) must report for grow.c.
    rule: 'mremap-slower-than-memcpy',
    // Benchmark and calibrate through the palette (they run in the benchmark panel).
    bench: {
      // The mremap in slot_move: 16 KiB moved with MREMAP_FIXED, measured as mremap-move against memcpy.
      line: 18, column: 18,
      ops: ['mremap-move', 'memcpy-warm'], size: '16 KiB',
    },
    // A TS document (test/e2e/workspace/grow.ts), analysed in the extension's worker thread: in
    // both sessions, since static analysis must work in Restricted Mode too.
    ts: {
      file: 'grow.ts',
      marker: 'growInWasm',
      hintLine: 'wasm.__wbindgen_realloc(ptr',
      token: '__wbindgen_realloc',
      // The wasm-bindgen realloc on line 8, the `+ 1024` copy-grow in the loop (lines 16-19).
      sites: [{ callee: 'wasm-realloc', lines: [8, 8] }, { callee: 'copy-grow', lines: [16, 19] }],
      rules: ['js-grow-cost', 'js-linear-growth'],
    },
    // The workspace index (features/index.test.mjs, workspace/queue.c, vec.h, vec.c).
    index: true,
    // Recorded runs (features/record.test.mjs, workspace/record/).
    record: true,
  },
};
