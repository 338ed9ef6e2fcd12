// C object layout: what `sizeof` of a type is under a data model. LP64 follows the x86-64
// System V psABI; ILP32 follows the i386 System V psABI (the one Linux uses), where `double`,
// `long long` and `int64_t` are 8 bytes but only 4-aligned inside structs and `long double` is
// 12 bytes. Struct layout is the GCC/Clang one: fields in order, each at the next multiple of
// its alignment, the size rounded up to the largest alignment; bit-fields never straddle a unit
// of their declared type (unless packed).

export type DataModel = 'lp64' | 'ilp32';

export type IntRank = 'char' | 'short' | 'int' | 'long' | 'long long' | 'bool';

export interface Field {
  /** null for anonymous members (an unnamed struct/union, or an unnamed bit-field). */
  name: string | null;
  type: CType;
  /** Bit-field width as written, or null for ordinary members. */
  bits: string | null;
}

/** A C type as written, resolved lazily against a scope (typedef and tag names stay names). */
export type CType =
  | { k: 'int'; rank: IntRank; unsigned: boolean }
  | { k: 'float'; rank: 'float' | 'double' | 'long double' }
  | { k: 'void' }
  | { k: 'named'; name: string }
  | { k: 'tag'; tag: 'struct' | 'union' | 'enum'; name: string }
  | { k: 'record'; tag: 'struct' | 'union'; name: string | null; fields: Field[]; packed: boolean; minAlign: number }
  | { k: 'enum' }
  | { k: 'ptr'; to: CType }
  /** len: the length expression as text, or null for `[]`. */
  | { k: 'array'; of: CType; len: string | null }
  | { k: 'func' }
  | { k: 'unknown'; why: string };

/** `runtime`: the value depends on the program's state, so no amount of visible source would give it. */
export type Result<T> = { ok: true; v: T } | { ok: false; why: string; runtime?: boolean };

export interface TypeEnv {
  model: DataModel;
  /** A typedef name declared in the scanned code (not the built-in ones below). */
  resolveTypedef(name: string): CType | undefined;
  /** The definition of `struct name`, `union name` or `enum name`, when the scan can see it. */
  resolveTag(tag: 'struct' | 'union' | 'enum', name: string): CType | undefined;
  /** Evaluates an array length expression. */
  evalLen(text: string): Result<bigint>;
  /** Record layouts already computed in this evaluation (records are shared objects). */
  layoutCache?: Map<CType, Result<Shape>>;
}

export const INT: CType = { k: 'int', rank: 'int', unsigned: false };
export const LONG: CType = { k: 'int', rank: 'long', unsigned: false };
export const ULONG: CType = { k: 'int', rank: 'long', unsigned: true };
export const CHAR: CType = { k: 'int', rank: 'char', unsigned: false };

const int = (rank: IntRank, unsigned: boolean): CType => ({ k: 'int', rank, unsigned });

/** Typedefs from the C library headers, which the scan does not see. */
function libraryTypedef(name: string, model: DataModel): CType | undefined {
  const m = /^(u?)int(_least|_fast)?(8|16|32|64)_t$/.exec(name);
  if (m) {
    const unsigned = m[1] === 'u';
    const bits = Number(m[3]);
    // glibc: int_fast16_t and int_fast32_t are `long` (word-sized) on both x86 ABIs.
    if (m[2] === '_fast' && (bits === 16 || bits === 32)) return int(model === 'lp64' ? 'long' : 'int', unsigned);
    if (bits === 8) return int('char', unsigned);
    if (bits === 16) return int('short', unsigned);
    if (bits === 32) return int('int', unsigned);
    return int(model === 'lp64' ? 'long' : 'long long', unsigned);
  }
  switch (name) {
    case 'size_t': case 'uintptr_t': case 'rsize_t':
      return int('long', true);
    case 'ssize_t': case 'ptrdiff_t': case 'intptr_t': case 'off_t': case 'time_t':
    case 'clock_t': case 'suseconds_t': case 'blksize_t': case 'blkcnt_t': case 'ino_t':
      // off_t is 4 bytes on ILP32 unless _FILE_OFFSET_BITS=64, which the scan cannot see.
      return int('long', false);
    case 'off64_t': case 'loff_t': case 'intmax_t':
      return int(model === 'lp64' ? 'long' : 'long long', false);
    case 'uintmax_t':
      return int(model === 'lp64' ? 'long' : 'long long', true);
    case 'wchar_t': case 'pid_t': case 'char32_t': case 'wint_t':
      return int('int', name !== 'pid_t' && name !== 'wchar_t');
    case 'uid_t': case 'gid_t': case 'mode_t': case 'socklen_t': case 'useconds_t':
      return int('int', true);
    case 'char16_t':
      return int('short', true);
    case 'char8_t':
      return int('char', true);
    case 'bool': case '_Bool':
      return int('bool', true);
    case 'max_align_t':
      // i386 GCC over-aligns its members with attributes; only the x86-64 layout is modelled.
      if (model === 'ilp32') return { k: 'unknown', why: '`max_align_t` is not modelled for ILP32' };
      return {
        k: 'record', tag: 'struct', name: 'max_align_t', packed: false, minAlign: 0,
        fields: [
          { name: 'a', type: int('long long', false), bits: null },
          { name: 'b', type: { k: 'float', rank: 'long double' }, bits: null },
        ],
      };
    default:
      return undefined;
  }
}

export function isLibraryTypedef(name: string): boolean {
  return libraryTypedef(name, 'lp64') !== undefined;
}

export interface Shape {
  size: bigint;
  align: bigint;
}

function scalarShape(t: CType & ({ k: 'int' } | { k: 'float' }), model: DataModel): Shape {
  const ilp = model === 'ilp32';
  const s = (size: number, align = size): Shape => ({ size: BigInt(size), align: BigInt(align) });
  if (t.k === 'float') {
    if (t.rank === 'float') return s(4);
    if (t.rank === 'double') return ilp ? s(8, 4) : s(8);
    return ilp ? s(12, 4) : s(16);
  }
  switch (t.rank) {
    case 'bool': case 'char': return s(1);
    case 'short': return s(2);
    case 'int': return s(4);
    case 'long': return ilp ? s(4) : s(8);
    case 'long long': return ilp ? s(8, 4) : s(8);
  }
}

const MAX_DEPTH = 48;

/** Follows typedef names and tag references to the type they stand for. */
export function resolveType(t: CType, env: TypeEnv, depth = 0): Result<CType> {
  for (let d = depth; d < MAX_DEPTH; d++) {
    if (t.k === 'named') {
      const next = env.resolveTypedef(t.name) ?? libraryTypedef(t.name, env.model);
      if (!next) return { ok: false, why: `type \`${t.name}\` has no visible definition` };
      t = next;
    } else if (t.k === 'tag') {
      const def = env.resolveTag(t.tag, t.name);
      if (!def) {
        return { ok: false, why: `\`${t.tag} ${t.name}\` has no visible definition` };
      }
      if (def.k === 'tag') return { ok: false, why: `\`${t.tag} ${t.name}\` refers to itself` };
      t = def;
    } else if (t.k === 'unknown') {
      return { ok: false, why: t.why };
    } else {
      return { ok: true, v: t };
    }
  }
  return { ok: false, why: 'typedef chain too deep (a cycle?)' };
}

const alignUp = (x: bigint, a: bigint) => (a <= 1n ? x : ((x + a - 1n) / a) * a);

/** Size and alignment of a type, in bytes. */
export function layoutOf(t: CType, env: TypeEnv, depth = 0): Result<Shape> {
  if (depth > MAX_DEPTH) return { ok: false, why: 'type nesting too deep' };
  const r = resolveType(t, env, depth);
  if (!r.ok) return r;
  const ty = r.v;
  switch (ty.k) {
    case 'int': case 'float':
      return { ok: true, v: scalarShape(ty, env.model) };
    case 'enum':
      return { ok: true, v: { size: 4n, align: 4n } };
    case 'ptr': {
      const w = env.model === 'lp64' ? 8n : 4n;
      return { ok: true, v: { size: w, align: w } };
    }
    case 'void':
      return { ok: false, why: '`void` has no size (GNU C counts it as 1; ISO C does not allow it)' };
    case 'func':
      return { ok: false, why: 'a function type has no size' };
    case 'array': {
      const el = layoutOf(ty.of, env, depth + 1);
      if (!el.ok) return el;
      if (ty.len === null) return { ok: false, why: 'an array of unspecified length (`[]`) has no size' };
      const n = env.evalLen(ty.len);
      if (!n.ok) return { ok: false, why: `array length \`${ty.len}\`: ${n.why}` };
      if (n.v < 0n) return { ok: false, why: `array length \`${ty.len}\` is negative` };
      return { ok: true, v: { size: el.v.size * n.v, align: el.v.align } };
    }
    case 'record': {
      const hit = env.layoutCache?.get(ty);
      if (hit) return hit;
      const r = recordLayout(ty, env, depth);
      env.layoutCache?.set(ty, r);
      return r;
    }
    default:
      return { ok: false, why: 'type could not be resolved' };
  }
}

function recordLayout(rec: CType & { k: 'record' }, env: TypeEnv, depth: number): Result<Shape> {
  const r = placeFields(rec, env, depth);
  return r.ok ? { ok: true, v: r.v.shape } : r;
}

/** Size and alignment of a record, and the byte offset of each field (bit-fields: the byte holding their first bit). */
function placeFields(rec: CType & { k: 'record' }, env: TypeEnv, depth: number): Result<{ shape: Shape; offsets: bigint[] }> {
  const isUnion = rec.tag === 'union';
  const offsets: bigint[] = [];
  let bits = 0n; // struct: the next free bit; union: the largest member so far
  let maxAlign = 1n;
  for (let i = 0; i < rec.fields.length; i++) {
    const f = rec.fields[i]!;
    const isLast = i === rec.fields.length - 1;
    if (f.type.k === 'array' && f.type.len === null && isLast && !isUnion) {
      // Flexible array member: no size, but its alignment counts.
      const el = layoutOf(f.type.of, env, depth + 1);
      if (!el.ok) return el;
      const a = rec.packed ? 1n : el.v.align;
      bits = alignUp(bits, a * 8n);
      offsets.push(bits / 8n);
      if (a > maxAlign) maxAlign = a;
      continue;
    }
    const fl = layoutOf(f.type, env, depth + 1);
    if (!fl.ok) return { ok: false, why: fl.why };
    const { size } = fl.v;
    const align = rec.packed ? 1n : fl.v.align;
    if (f.bits !== null) {
      const w = env.evalLen(f.bits);
      if (!w.ok) return { ok: false, why: `bit-field width \`${f.bits}\`: ${w.why}` };
      const width = w.v;
      const unit = size * 8n;
      if (isUnion) {
        offsets.push(0n);
        if (width > bits) bits = width;
      } else if (width === 0n) {
        bits = alignUp(bits, fl.v.align * 8n);
        offsets.push(bits / 8n);
        continue; // a zero-width bit-field does not raise the struct's alignment
      } else {
        if (!rec.packed && bits / unit !== (bits + width - 1n) / unit) bits = alignUp(bits, unit > 0n ? unit : 8n);
        offsets.push(bits / 8n);
        bits += width;
      }
      if (f.name !== null && align > maxAlign) maxAlign = align;
      continue;
    }
    if (align > maxAlign) maxAlign = align;
    if (isUnion) {
      offsets.push(0n);
      if (size * 8n > bits) bits = size * 8n;
    } else {
      bits = alignUp(bits, align * 8n);
      offsets.push(bits / 8n);
      bits += size * 8n;
    }
  }
  const min = BigInt(rec.minAlign);
  if (min > maxAlign) maxAlign = min;
  const bytes = (bits + 7n) / 8n;
  return { ok: true, v: { shape: { size: alignUp(bytes, maxAlign), align: maxAlign }, offsets } };
}

/** Byte offset and type of member `name` of a record (searching anonymous members too). */
export function memberOffset(t: CType, name: string, env: TypeEnv, depth = 0): Result<{ offset: bigint; type: CType }> {
  const r = resolveType(t, env);
  if (!r.ok) return r;
  const rec = r.v;
  if (rec.k !== 'record') return { ok: false, why: `\`${typeName(rec)}\` is not a struct or union` };
  const placed = placeFields(rec, env, depth);
  if (!placed.ok) return placed;
  for (let i = 0; i < rec.fields.length; i++) {
    const f = rec.fields[i]!;
    const at = placed.v.offsets[i] ?? 0n;
    if (f.name === name) {
      if (f.bits !== null) return { ok: false, why: `\`${name}\` is a bit-field (it has no byte offset)` };
      return { ok: true, v: { offset: at, type: f.type } };
    }
    if (f.name === null && depth < MAX_DEPTH) {
      const inner = memberOffset(f.type, name, env, depth + 1);
      if (inner.ok) return { ok: true, v: { offset: at + inner.v.offset, type: inner.v.type } };
    }
  }
  return { ok: false, why: `\`${typeName(rec)}\` has no member \`${name}\`` };
}

/** The type of member `name` of a record (searching anonymous members too). */
export function fieldType(rec: CType & { k: 'record' }, name: string, env: TypeEnv, depth = 0): CType | undefined {
  for (const f of rec.fields) {
    if (f.name === name) return f.type;
    if (f.name === null && depth < MAX_DEPTH) {
      const inner = resolveType(f.type, env);
      if (inner.ok && inner.v.k === 'record') {
        const t = fieldType(inner.v, name, env, depth + 1);
        if (t) return t;
      }
    }
  }
  return undefined;
}

/** How a type reads in notes: `struct foo`, `unsigned long`, `char *`, `int[4]`. */
export function typeName(t: CType): string {
  switch (t.k) {
    case 'int':
      if (t.rank === 'bool') return '_Bool';
      return (t.unsigned ? 'unsigned ' : '') + t.rank;
    case 'float': return t.rank;
    case 'void': return 'void';
    case 'named': return t.name;
    case 'tag': return `${t.tag} ${t.name}`;
    case 'record': return t.name ? `${t.tag} ${t.name}` : `${t.tag} {...}`;
    case 'enum': return 'enum';
    case 'ptr': return t.to.k === 'ptr' ? `${typeName(t.to)}*` : `${typeName(t.to)} *`;
    case 'array': return `${typeName(t.of)}[${t.len ?? ''}]`;
    case 'func': return 'function';
    case 'unknown': return '?';
  }
}
