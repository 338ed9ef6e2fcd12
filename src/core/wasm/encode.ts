// Just enough of the WebAssembly binary format to write a small module from TypeScript, so a hot
// loop can ship as wasm without a build step or a dev dependency (the same bytes serve the CLI,
// its workers, the extension host and the browser worker). Code is written as expression trees
// (`i32.add(local.get(a), i32.const(1))`) that emit their operands first, as the stack machine
// wants, into one array; branches name their block (`br('chunks')`) and the depth is worked out
// when emitted.
// Opcodes and encodings: the WebAssembly core specification 2.0, section 5 (binary format), and
// the fixed-width SIMD proposal's opcode table (prefix 0xFD).

/** Where code is emitted: the bytes so far and the enclosing blocks' labels, innermost first. */
export interface Emitter {
  readonly bytes: number[];
  readonly labels: string[];
}
/** Instructions: they append their bytes when emitted. */
export type Code = (e: Emitter) => void;

/** The bytes of `code` outside any block. */
export function emit(code: Code): number[] {
  const e: Emitter = { bytes: [], labels: [] };
  code(e);
  return e.bytes;
}

export const ValType = { i32: 0x7f, i64: 0x7e, v128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Unsigned LEB128, for indices, sizes and lane numbers. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128, for constants. */
export function sleb(value: number | bigint): number[] {
  let n = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const bytes =
  (...b: number[]): Code =>
  (e) =>
    e.bytes.push(...b);
/** Instructions one after another. */
export const seq =
  (...codes: Code[]): Code =>
  (e) => {
    for (const c of codes) c(e);
  };
/** An instruction after its operands. */
const op =
  (opcode: number[]) =>
  (...args: Code[]): Code =>
    seq(...args, bytes(...opcode));
const simd = (n: number) => op([0xfd, ...uleb(n)]);
/** Alignment hint 0 (any address works; wasm loads need no alignment) and a byte offset. */
const memarg = (offset: number) => [0, ...uleb(offset)];

export const local = {
  get: (i: number): Code => bytes(0x20, ...uleb(i)),
  set: (i: number, value: Code): Code => seq(value, bytes(0x21, ...uleb(i))),
};

export const i32 = {
  const: (n: number): Code => bytes(0x41, ...sleb(n | 0)),
  load: (addr: Code, offset = 0): Code => seq(addr, bytes(0x28, ...memarg(offset))),
  load8_u: (addr: Code, offset = 0): Code => seq(addr, bytes(0x2d, ...memarg(offset))),
  store: (addr: Code, value: Code): Code => seq(addr, value, bytes(0x36, ...memarg(0))),
  store8: (addr: Code, value: Code): Code => seq(addr, value, bytes(0x3a, ...memarg(0))),
  eqz: op([0x45]),
  ne: op([0x47]),
  lt_u: op([0x49]),
  gt_s: op([0x4a]),
  gt_u: op([0x4b]),
  ge_u: op([0x4f]),
  clz: op([0x67]),
  add: op([0x6a]),
  sub: op([0x6b]),
  mul: op([0x6c]),
  and: op([0x71]),
  or: op([0x72]),
  xor: op([0x73]),
  shl: op([0x74]),
  shr_u: op([0x76]),
  wrap_i64: op([0xa7]),
};

export const i64 = {
  const: (n: number | bigint): Code => bytes(0x42, ...sleb(n)),
  load: (addr: Code, offset = 0): Code => seq(addr, bytes(0x29, ...memarg(offset))),
  store: (addr: Code, value: Code): Code => seq(addr, value, bytes(0x37, ...memarg(0))),
  eqz: op([0x50]),
  ne: op([0x52]),
  clz: op([0x79]),
  ctz: op([0x7a]),
  popcnt: op([0x7b]),
  add: op([0x7c]),
  sub: op([0x7d]),
  and: op([0x83]),
  or: op([0x84]),
  xor: op([0x85]),
  shl: op([0x86]),
  shr_u: op([0x88]),
  extend_i32_u: op([0xad]),
};

export const v128 = {
  load: (addr: Code, offset = 0): Code => seq(addr, bytes(0xfd, 0x00, ...memarg(offset))),
  store: (addr: Code, value: Code, offset = 0): Code => seq(addr, value, bytes(0xfd, 0x0b, ...memarg(offset))),
  /** Sixteen byte lanes. */
  const: (lanes: readonly number[]): Code => {
    if (lanes.length !== 16) throw new Error('v128.const takes 16 byte lanes');
    return bytes(0xfd, 0x0c, ...lanes.map((b) => b & 0xff));
  },
  and: simd(0x4e),
  or: simd(0x50),
  xor: simd(0x51),
};

export const i8x16 = {
  /** Lanes of a and b picked by the 16 indices (0–15: a, 16–31: b). */
  shuffle: (a: Code, b: Code, lanes: readonly number[]): Code => seq(a, b, bytes(0xfd, 0x0d, ...lanes)),
  splat: simd(0x0f),
  eq: simd(0x23),
  lt_u: simd(0x26),
  bitmask: simd(0x64),
  sub: simd(0x71),
};

export const i32x4 = {
  /** The four 32-bit lanes of `values`, as a v128 constant (little-endian). */
  const: (values: readonly number[]): Code => v128.const(values.flatMap((v) => [v, v >>> 8, v >>> 16, v >>> 24])),
  extract_lane: (v: Code, lane: number): Code => seq(v, bytes(0xfd, 0x1b, lane)),
  shr_u: simd(0xad),
  add: simd(0xae),
  mul: simd(0xb5),
};

/** `select(a, b, cond)`: a when cond is not zero, else b (both are computed: no branch). */
export const select = op([0x1b]);

/** A block structure: `br(label)` inside it refers to it. */
const labelled =
  (opcode: number, label: string, body: Code[]): Code =>
  (e) => {
    e.bytes.push(opcode, 0x40);
    e.labels.unshift(label);
    for (const c of body) c(e);
    e.labels.shift();
    e.bytes.push(0x0b);
  };
/** A block: `br(label)` inside leaves it. */
export const block = (label: string, ...body: Code[]): Code => labelled(0x02, label, body);
/** A loop: `br(label)` inside starts it again. */
export const loop = (label: string, ...body: Code[]): Code => labelled(0x03, label, body);
/** Runs `then` when cond is not zero. */
export const when = (cond: Code, ...then: Code[]): Code => seq(cond, labelled(0x04, '', then));

const depth = (e: Emitter, label: string): number[] => {
  const d = e.labels.indexOf(label);
  if (d < 0) throw new Error(`wasm: no enclosing block '${label}'`);
  return uleb(d);
};
export const br =
  (label: string): Code =>
  (e) =>
    e.bytes.push(0x0c, ...depth(e, label));
export const br_if = (label: string, cond: Code): Code => seq(cond, (e) => e.bytes.push(0x0d, ...depth(e, label)));

/** Indices for named locals, numbered on from the parameters, and their types for WasmFunction.locals. */
export function declareLocals<T extends Record<string, ValType>>(paramCount: number, types: T): { index: { [K in keyof T]: number }; types: ValType[] } {
  const names = Object.keys(types) as (keyof T)[];
  const index = Object.fromEntries(names.map((k, i) => [k, paramCount + i])) as { [K in keyof T]: number };
  return { index, types: names.map((k) => types[k]!) };
}

export interface WasmFunction {
  name: string;
  params: ValType[];
  results: ValType[];
  /** Types of the locals after the parameters (indices go on from params.length). */
  locals: ValType[];
  body: Code;
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => vec([...s].map((c) => [c.charCodeAt(0)]));

/** A module of `functions`, all exported by name, with one exported memory `memory` of `minPages` pages. */
export function wasmModule(functions: readonly WasmFunction[], minPages: number): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const code = functions.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, t])), ...emit(f.body), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(minPages)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(code)),
  ]);
}
