// The engine's behaviour beyond single forms: which receivers count, what is refused, and that
// bad input ends in notes, never in an exception or in files left in the shared project.
import { strict as assert } from 'node:assert';
import { analyzeTsFile } from '../../../src/core/analysis/ts';

const callees = (text: string, file = 'a.ts') => analyzeTsFile(text, file).sites.map((s) => `${s.callee}:${s.js?.route}:${s.kind}`);

describe('TS/JS analysis: receivers decide', () => {
  it('a realloc method of an unrelated object is not a reallocation', () => {
    assert.deepEqual(callees('class Pool { realloc(a: number, b: number) { return a + b; } }\nconst pool = new Pool();\npool.realloc(1, 2);\nthis.realloc(1, 2);\nfunction f(o) { o.realloc(1, 2); }\n'), []);
  });

  it('the same call on wasm exports, emscripten Module, wasm-bindgen glue and FFI libraries is', () => {
    const text = [
      'const { instance } = await WebAssembly.instantiate(bytes);',
      'instance.exports.realloc(0, 8);',
      'const ex = instance.exports; ex.realloc(0, 8);',
      'Module._realloc(0, 8);',
      'anything.__wbindgen_realloc(0, 1, 8, 1);',
      "const lib = ffi.Library('libc', { realloc: [] }); lib.realloc(0, 8);",
      "const k = koffi.load('libc.so.6'); const r = k.func('void *realloc(void *, size_t)'); r(0, 8);",
      "const b = dlopen('libc', { realloc: {} }); b.symbols.realloc(0, 8);",
    ].join('\n');
    assert.deepEqual(callees(text), [
      'wasm-realloc:wasm-exports:direct-call', 'wasm-realloc:wasm-exports:direct-call', 'wasm-realloc:emscripten:direct-call',
      'wasm-realloc:wasm-bindgen:direct-call', 'realloc:ffi-napi:direct-call', 'realloc:koffi:direct-call', 'realloc:bun:ffi:direct-call',
    ]);
  });

  it('a required .wasm module is its exports', () => {
    assert.deepEqual(callees("const w = require('./lib.wasm');\nw.realloc(0, 8);\nconst o = require('./lib.js');\no.realloc(0, 8);\n", 'a.js'), ['wasm-realloc:wasm-exports:direct-call']);
  });

  it('an emscripten module under another name is known by its heap and allocator', () => {
    const text = "const m = await createModule();\nconst p = m._malloc(16);\nm._realloc(p, 64);\nm.asm.realloc(p, 128);\nconst pool = makePool();\npool._realloc(p, 64);\n";
    assert.deepEqual(callees(text), ['wasm-realloc:emscripten:direct-call', 'wasm-realloc:emscripten:direct-call']);
  });

  it('module.exports is the CommonJS module, not a WebAssembly instance', () => {
    assert.deepEqual(callees('module.exports.realloc(0, 8);\n', 'a.js'), []);
    assert.deepEqual(callees('exports.realloc(0, 8);\n', 'a.js'), ['wasm-realloc:wasm-exports:direct-call']);
  });

  it('a realloc export passed as a value is a reference; an alias is not a site', () => {
    assert.deepEqual(callees('const r = instance.exports.realloc;\nregister(instance.exports.realloc);\n'), ['wasm-realloc:wasm-exports:reference']);
  });

  it('transfer/resize/grow need a buffer or memory, by construction, type or name', () => {
    assert.deepEqual(callees('wallet.transfer(100);\nlist.resize(2);\ntree.grow(1);\n'), []);
    assert.deepEqual(callees('buf.transfer(100);\nmemory.grow(1);\nconst x = new ArrayBuffer(1, { maxByteLength: 8 });\nx.resize(2);\n'), ['buffer-transfer:builtin:direct-call', 'memory-grow:builtin:direct-call', 'buffer-resize:builtin:direct-call']);
  });

  it('ignores names in comments and strings', () => {
    assert.deepEqual(callees("// instance.exports.realloc(0, 8)\nconst s = 'Module._realloc(0, 8)';\n/* buf.transfer(1) */\n"), []);
  });
});

describe('TS/JS analysis: bad input', () => {
  it('declaration files are skipped with a note', () => {
    const r = analyzeTsFile('export declare function f(): void;\ninstance.exports.realloc(0, 8);\n', 'x.d.ts');
    assert.match(r.skipped ?? '', /declaration file/);
    assert.deepEqual(r.sites, []);
  });

  it('minified bundles over the limit are skipped; under it they are analysed', () => {
    const text = `${'var a=1;'.repeat(200)}instance.exports.realloc(0,64);`;
    const big = analyzeTsFile(text, 'app.min.js', { maxGeneratedBytes: 1000 });
    assert.match(big.skipped ?? '', /generated bundle .* not analysed/);
    assert.equal(analyzeTsFile(text, 'app.min.js').sites.length, 1);
  });

  it('a file with one very long line over the limit is taken for generated', () => {
    const text = `${'x=1;'.repeat(3000)}instance.exports.realloc(0,64);`;
    assert.match(analyzeTsFile(text, 'gen.js', { maxGeneratedBytes: 10_000 }).skipped ?? '', /very long lines/);
  });

  it('a syntax error gives one note with its position and the rest is analysed', () => {
    const r = analyzeTsFile('let a = ;\nmemory.grow(1);\n', 'a.ts');
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0]!, /^syntax errors? at 1:9 /);
    assert.equal(r.sites.length, 1);
  });

  it('never throws, whatever the text', () => {
    for (const text of ['', '\u0000\uffff', '}}}{{{', 'instance.exports.realloc(', '<div>{realloc(</div>', 'enum E { A = E.A }\ninstance.exports.realloc(0, E.A);', '@@@ buf.transfer(']) {
      const r = analyzeTsFile(text, 'x.tsx');
      assert.ok(Array.isArray(r.sites) && Array.isArray(r.notes));
    }
  });

  it('carries nothing from one analysis to the next', () => {
    const text = 'const N = 8;\ninstance.exports.realloc(0, N * 2);\n';
    const alone = analyzeTsFile(text, 'a.ts');
    // A file declaring N differently, analysed in between, must not change the answer.
    analyzeTsFile('const N = 1000;\ninstance.exports.realloc(0, N);\n', 'a.ts');
    assert.deepEqual(analyzeTsFile(text, 'a.ts'), alone);
    assert.equal(alone.sites[0]?.newSize?.bytes, 16);
  });

  it('reports ranges with 1-based UTF-16 columns and offsets', () => {
    const text = "const s = '😀'; instance.exports.realloc(0, 8);\n";
    const [site] = analyzeTsFile(text, 'a.ts').sites;
    const at = text.indexOf('realloc');
    assert.equal(site!.nameRange.startOffset, at);
    assert.equal(site!.nameRange.start.column, at + 1);
    assert.equal(text.slice(site!.range.startOffset, site!.range.endOffset), 'instance.exports.realloc(0, 8)');
  });
});

describe('TS/JS analysis: growth rewrites and stale views', () => {
  const grow = (tail: string) =>
    analyzeTsFile(`export function f(old: Uint8Array, n: number) {\n  let buf = old;\n  for (let k = 0; k < n; k++) {\n    const next = new Uint8Array(buf.length + 16);\n    next.set(buf);\n    buf = next;\n  }\n  ${tail}\n}\n`, 'g.ts').sites[0]!.js!.growthExpr!;

  it('is unsafe when the grown length is read as the data length', () => {
    const g = grow('for (let i = 0; i < buf.length; i++) sum(buf[i]);');
    assert.equal(g.text, 'buf.length + 16');
    assert.equal(g.safeToRewrite, false);
    assert.match(g.whyNot ?? '', /`buf.length` is read as the data length at 8:/);
  });

  it('is safe when only a slice of the logical length leaves', () => {
    assert.equal(grow('return buf.subarray(0, n * 16);').safeToRewrite, true);
  });

  it('a loop condition that only asks for room (its body grows the buffer) is a capacity check', () => {
    const text = [
      'export function collect(chunks: Uint8Array[]) {',
      '  let buf = new Uint8Array(0);',
      '  let used = 0;',
      '  for (const chunk of chunks) {',
      '    while (used + chunk.length > buf.length) {',
      '      const next = new Uint8Array(buf.length + 1024);',
      '      next.set(buf);',
      '      buf = next;',
      '    }',
      '    buf.set(chunk, used);',
      '    used += chunk.length;',
      '  }',
      '  return buf.subarray(0, used);',
      '}',
    ].join('\n');
    const g = analyzeTsFile(text, 'room.ts').sites[0]!.js!.growthExpr!;
    assert.equal(g.text, 'buf.length + 1024');
    assert.equal(g.safeToRewrite, true, g.whyNot);
  });

  it('resize() of a buffer from outside the function is never rewritten: the caller sees its length', () => {
    const text = 'export function f(buf: ArrayBuffer, used: number) {\n  while (used > buf.byteLength) buf.resize(buf.byteLength + 65536);\n}\n';
    const g = analyzeTsFile(text, 'r.ts').sites[0]!.js!.growthExpr!;
    assert.equal(g.safeToRewrite, false);
    assert.match(g.whyNot ?? '', /`buf` comes from outside this function/);
  });

  it('copies that are not growth are not copy-grow sites', () => {
    const text = [
      'export function f(a: Uint8Array, b: Uint8Array, buf: ArrayBuffer) {',
      '  const both = new Uint8Array(a.length + b.length);', // a one-off concatenation
      '  both.set(a);',
      '  both.set(b, a.length);',
      '  const clone = new Uint8Array(a.length);', // same length
      '  clone.set(a);',
      '  const view = new Uint8Array(buf, 16);', // a view, not an allocation
      '  view.set(a);',
      '  const fixed = new Uint8Array(14);', // a padded copy with nothing growing
      '  fixed.set(a);',
      '  return [both, clone, view, fixed];',
      '}',
    ].join('\n');
    assert.deepEqual(analyzeTsFile(text, 'c.ts').sites, []);
  });

  it('an insert that replaces a field is a copy-grow even when filled from several sources', () => {
    const text = 'class P {\n  values = new Uint32Array(0);\n  insert(at: number, vals: Uint32Array) {\n    const old = this.values;\n    this.values = new Uint32Array(old.length + vals.length);\n    this.values.set(old.subarray(0, at), 0);\n    this.values.set(vals, at);\n  }\n}\n';
    const [s] = analyzeTsFile(text, 'p.ts').sites;
    assert.equal(s?.callee, 'copy-grow');
    assert.equal(s?.growth, 'linear');
  });

  it('names views over a transferred buffer that are used afterwards', () => {
    const text = 'const b = new ArrayBuffer(64);\nconst v = new Uint8Array(b);\nconst w = new DataView(b);\nconst u = new Uint8Array(b);\nu[0] = 1;\nconst c = b.transfer(128);\nv[0] = 1;\nw.getUint8(0);\n';
    assert.deepEqual(analyzeTsFile(text, 't.ts').sites[0]?.js?.staleViews, ['v', 'w']);
  });
});
