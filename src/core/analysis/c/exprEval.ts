// Gives meaning to a parsed C expression: its integer value (BigInt, exact) or the first
// reason it has none, and — for `sizeof expr` — its type. Arithmetic is mathematical, not
// wrapped: a result a C compiler would wrap (unsigned underflow) comes out negative here and
// the caller reports it instead of printing a wrapped number. Evaluation never throws.
import { basicType, type Expr } from './constExpr';
import {
  CHAR, INT, LONG, ULONG, fieldType, layoutOf, memberOffset, resolveType, typeName,
  type CType, type Result, type TypeEnv,
} from './layout';
import { decodeQuoted, parseCharLiteral, parseIntLiteral } from './tokens';

export interface EvalEnv extends TypeEnv {
  pageSize: number;
  /** Enum constants visible in the scope (value or the reason there is none). */
  lookupEnum(name: string): Result<bigint> | undefined;
  /** Declared type of a variable visible at the evaluated node (locals, parameters, globals). */
  lookupVar(name: string): CType | undefined;
  /** Value of a visible `const` object with an initializer, and where it is declared. */
  lookupConst?(name: string): { value: Result<bigint>; where: string } | undefined;
  /** Value of a call to a visible inline function with these argument values, if there is one. */
  inlineFunction?(name: string, arity: number): ((args: bigint[]) => { value: Result<bigint>; where: string }) | undefined;
  /** Names with a fixed meaning for this evaluation (e.g. MREMAP_MAYMOVE for flags). */
  builtins?: Map<string, bigint>;
  /** How evaluated names got their value, in order, for the note. */
  facts: string[];
}

type R = Result<bigint>;
const fail = (why: string): { ok: false; why: string } => ({ ok: false, why });
const runtime = (why: string): { ok: false; why: string; runtime: true } => ({ ok: false, why, runtime: true });

/** Keeps intermediate BigInts small enough to stay cheap; real sizes are far below this. */
const MAGNITUDE_LIMIT = 1n << 4096n;
const PAGE_NAMES = new Set(['PAGE_SIZE', 'PAGESIZE']);

/**
 * Constants from system headers the scan does not read, with their glibc/Linux values (the
 * platform mremap exists on). The code's own #define or enum of the same name wins.
 */
function libraryConstant(name: string, model: 'lp64' | 'ilp32'): { v: bigint; from: string } | undefined {
  const long = model === 'lp64' ? 64n : 32n;
  const max = (bits: bigint) => (1n << (bits - 1n)) - 1n;
  const umax = (bits: bigint) => (1n << bits) - 1n;
  switch (name) {
    case 'CHAR_BIT': return { v: 8n, from: '<limits.h>' };
    case 'PATH_MAX': return { v: 4096n, from: 'Linux <limits.h>' };
    case 'NAME_MAX': return { v: 255n, from: 'Linux <limits.h>' };
    case 'PIPE_BUF': return { v: 4096n, from: 'Linux <limits.h>' };
    case 'BUFSIZ': return { v: 8192n, from: 'glibc <stdio.h>' };
    case 'INT_MAX': return { v: max(32n), from: '<limits.h>' };
    case 'UINT_MAX': return { v: umax(32n), from: '<limits.h>' };
    case 'LONG_MAX': case 'SSIZE_MAX': case 'PTRDIFF_MAX': case 'INTPTR_MAX':
      return { v: max(long), from: name === 'LONG_MAX' || name === 'SSIZE_MAX' ? '<limits.h>' : '<stdint.h>' };
    case 'ULONG_MAX': return { v: umax(long), from: '<limits.h>' };
    case 'SIZE_MAX': case 'UINTPTR_MAX': return { v: umax(long), from: '<stdint.h>' };
    case 'LLONG_MAX': return { v: max(64n), from: '<limits.h>' };
    case 'ULLONG_MAX': return { v: umax(64n), from: '<limits.h>' };
  }
  const m = /^(U?)INT(8|16|32|64)_MAX$/.exec(name);
  if (m) {
    const bits = BigInt(m[2]!);
    return { v: m[1] ? umax(bits) : max(bits), from: '<stdint.h>' };
  }
  return undefined;
}

export class Evaluator {
  /** Values of evaluated leaves (sizeof, macros, enum names), so notes can show numbers. */
  private readonly leafValues = new Map<Expr, bigint>();

  constructor(private readonly env: EvalEnv) {}

  private fact(s: string): void {
    if (!this.env.facts.includes(s)) this.env.facts.push(s);
  }

  value(e: Expr): R {
    const r = this.valueOf(e);
    if (r.ok && r.v !== 0n && (r.v > MAGNITUDE_LIMIT || r.v < -MAGNITUDE_LIMIT)) {
      return fail('an intermediate value exceeds 2^4096');
    }
    return r;
  }

  private leaf(e: Expr, v: bigint): R {
    this.leafValues.set(e, v);
    return { ok: true, v };
  }

  private valueOf(e: Expr): R {
    switch (e.k) {
      case 'num': {
        const lit = parseIntLiteral(e.text);
        return 'error' in lit ? fail(lit.error) : { ok: true, v: lit.value };
      }
      case 'char': {
        const c = parseCharLiteral(e.text);
        return typeof c === 'bigint' ? { ok: true, v: c } : fail(c.error);
      }
      case 'str':
        return fail(`string literal ${e.text} is not a number`);
      case 'value':
        return { ok: true, v: e.v };
      case 'id':
        return this.identifier(e);
      case 'paren':
        return this.value(e.e);
      case 'unary': {
        if (e.op === '*' || e.op === '&' || e.op === '++' || e.op === '--') {
          return runtime(`\`${this.render(e)}\` is a runtime value`);
        }
        const v = this.value(e.e);
        if (!v.ok) return v;
        if (e.op === '-') return { ok: true, v: -v.v };
        if (e.op === '~') return { ok: true, v: ~v.v };
        if (e.op === '!') return { ok: true, v: v.v === 0n ? 1n : 0n };
        return v;
      }
      case 'postfix':
        return runtime(`\`${this.render(e)}\` is a runtime value`);
      case 'assign':
        // `realloc(tok, cap = FIRST)`: the value is what is stored; `cap += 64` is the variable's new value.
        if (e.op === '=') return this.value(e.r);
        return runtime(`\`${this.render(e.l)}\` is a runtime value (\`${this.render(e)}\` changes it)`);
      case 'bin':
        return this.binary(e);
      case 'cond': {
        const c = this.value(e.c);
        if (!c.ok) return fail(`the condition of \`?:\` is not constant: ${c.why}`);
        return this.value(c.v !== 0n ? e.t : e.f);
      }
      case 'cast':
        return this.cast(e);
      case 'sizeofType': {
        const l = layoutOf(e.type, this.env);
        if (!l.ok) return fail(`sizeof(${e.typeText}): ${l.why}`);
        this.fact(`sizeof(${e.typeText}) = ${l.v.size}${this.modelTag(e.type)}`);
        return this.leaf(e, l.v.size);
      }
      case 'alignof': {
        const l = layoutOf(e.type, this.env);
        if (!l.ok) return fail(`alignof(${e.typeText}): ${l.why}`);
        return this.leaf(e, l.v.align);
      }
      case 'sizeofExpr': {
        const t = this.typeOf(e.e);
        if (!t.ok) return fail(`${this.render(e)}: ${t.why}`);
        const l = layoutOf(t.v, this.env);
        if (!l.ok) return fail(`${this.render(e)}: ${l.why}`);
        this.fact(`${this.render(e)} = ${l.v.size} (${typeName(t.v)}${this.modelTag(t.v, true)})`);
        return this.leaf(e, l.v.size);
      }
      case 'offsetof':
        return this.offsetof(e);
      case 'call':
        return this.call(e);
      case 'index':
      case 'member':
        return runtime(`\`${this.render(e)}\` is a runtime value`);
    }
  }

  /** ", LP64" where the size depends on the data model, so the note says which one was used. */
  private modelTag(t: CType, inner = false): string {
    let r = resolveType(t, this.env);
    // An array is as model-dependent as its element.
    for (let guard = 0; r.ok && r.v.k === 'array' && guard < 16; guard++) r = resolveType(r.v.of, this.env);
    if (!r.ok) return '';
    const t2 = r.v;
    const fixed = (t2.k === 'int' && (t2.rank === 'char' || t2.rank === 'bool' || t2.rank === 'short' || t2.rank === 'int'))
      || (t2.k === 'float' && t2.rank === 'float') || t2.k === 'enum';
    if (fixed) return '';
    const m = this.env.model === 'lp64' ? 'LP64' : 'ILP32';
    return inner ? `, ${m}` : ` (${m})`;
  }

  private identifier(e: Expr & { k: 'id' }): R {
    if (e.cycle) return fail(`macro cycle ${e.cycle.join(' → ')}: the expansion never ends in a value`);
    const b = this.env.builtins?.get(e.name);
    if (b !== undefined) return this.leaf(e, b);
    const en = this.env.lookupEnum(e.name);
    if (en) {
      if (!en.ok) return fail(`enum constant \`${e.name}\`: ${en.why}`);
      this.fact(`${e.name} = ${en.v} (enum constant)`);
      return this.leaf(e, en.v);
    }
    const c = this.env.lookupConst?.(e.name);
    if (c) {
      if (!c.value.ok) return fail(`const \`${e.name}\` (${c.where}): ${c.value.why}`);
      this.fact(`${e.name} = ${c.value.v} (const, ${c.where})`);
      return this.leaf(e, c.value.v);
    }
    const lib = libraryConstant(e.name, this.env.model);
    if (lib) {
      this.fact(`${e.name} = ${lib.v} (${lib.from})`);
      return this.leaf(e, lib.v);
    }
    if (PAGE_NAMES.has(e.name)) {
      this.fact(`${e.name} = ${this.env.pageSize} (configured page size)`);
      return this.leaf(e, BigInt(this.env.pageSize));
    }
    if (e.name === 'sizeof' || e.name === 'struct' || e.name === 'union') return fail(`unexpected \`${e.name}\``);
    if (/^[A-Z_][A-Z0-9_]*$/.test(e.name) && /[A-Z]/.test(e.name) && this.env.lookupVar(e.name) === undefined) {
      return fail(`\`${e.name}\` has no visible definition (no #define, enum or variable the scan can see)`);
    }
    return runtime(`\`${e.name}\` is a runtime value`);
  }

  private binary(e: Expr & { k: 'bin' }): R {
    const l = this.value(e.l);
    if (e.op === '&&' || e.op === '||') {
      if (!l.ok) return l;
      if (e.op === '&&' && l.v === 0n) return { ok: true, v: 0n };
      if (e.op === '||' && l.v !== 0n) return { ok: true, v: 1n };
      const r = this.value(e.r);
      return r.ok ? { ok: true, v: r.v !== 0n ? 1n : 0n } : r;
    }
    const r = this.value(e.r);
    // Both unknown: a runtime operand is the more fundamental reason (`sizeof(struct x) * n`).
    if (!l.ok) return !l.runtime && !r.ok && r.runtime ? r : l;
    if (!r.ok) return r;
    const a = l.v;
    const b = r.v;
    const bool = (x: boolean): R => ({ ok: true, v: x ? 1n : 0n });
    switch (e.op) {
      case '+': return { ok: true, v: a + b };
      case '-': return { ok: true, v: a - b };
      case '*': return { ok: true, v: a * b };
      case '/':
      case '%':
        if (b === 0n) return fail(`division by zero in \`${this.render(e)}\``);
        return { ok: true, v: e.op === '/' ? a / b : a % b };
      case '<<':
      case '>>':
        if (b < 0n || b > 4096n) return fail(`shift by ${b} in \`${this.render(e)}\``);
        return { ok: true, v: e.op === '<<' ? a << b : a >> b };
      case '&': return { ok: true, v: a & b };
      case '|': return { ok: true, v: a | b };
      case '^': return { ok: true, v: a ^ b };
      case '<': return bool(a < b);
      case '>': return bool(a > b);
      case '<=': return bool(a <= b);
      case '>=': return bool(a >= b);
      case '==': return bool(a === b);
      case '!=': return bool(a !== b);
      case ',': return r;
      default: return fail(`operator \`${e.op}\` is not supported`);
    }
  }

  private cast(e: Expr & { k: 'cast' }): R {
    const v = this.value(e.e);
    if (!v.ok) return v;
    const t = resolveType(e.type, this.env);
    if (!t.ok) return fail(`cast to \`${e.typeText}\`: ${t.why}`);
    if (t.v.k === 'float') return v;
    if (t.v.k === 'enum') return v;
    if (t.v.k !== 'int') return fail(`cast to \`${e.typeText}\` is not an integer conversion`);
    if (t.v.rank === 'bool') return { ok: true, v: v.v !== 0n ? 1n : 0n };
    const l = layoutOf(t.v, this.env);
    if (!l.ok) return fail(l.why);
    const bits = Number(l.v.size * 8n);
    return { ok: true, v: t.v.unsigned ? BigInt.asUintN(bits, v.v) : BigInt.asIntN(bits, v.v) };
  }

  private offsetof(e: Expr & { k: 'offsetof' }): R {
    let t = e.type;
    let offset = 0n;
    for (const step of e.path) {
      if ('field' in step) {
        const m = memberOffset(t, step.field, this.env);
        if (!m.ok) return fail(`${this.render(e)}: ${m.why}`);
        offset += m.v.offset;
        t = m.v.type;
      } else {
        const i = this.value(step.index);
        if (!i.ok) return i;
        const r = resolveType(t, this.env);
        if (!r.ok) return fail(`${this.render(e)}: ${r.why}`);
        if (r.v.k !== 'array') return fail(`${this.render(e)}: indexing something that is not an array`);
        const el = layoutOf(r.v.of, this.env);
        if (!el.ok) return fail(`${this.render(e)}: ${el.why}`);
        offset += i.v * el.v.size;
        t = r.v.of;
      }
    }
    this.fact(`${this.render(e)} = ${offset}${this.modelTag(e.type)}`);
    return this.leaf(e, offset);
  }

  private call(e: Expr & { k: 'call' }): R {
    const name = e.callee.k === 'id' ? e.callee.name : null;
    if (name === 'getpagesize' && e.args.length === 0) {
      this.fact(`getpagesize() = ${this.env.pageSize} (configured page size)`);
      return this.leaf(e, BigInt(this.env.pageSize));
    }
    if (name === 'sysconf' && e.args.length === 1) {
      const a = e.args[0]!;
      if (a.k === 'id' && (a.name === '_SC_PAGESIZE' || a.name === '_SC_PAGE_SIZE')) {
        this.fact(`sysconf(${a.name}) = ${this.env.pageSize} (configured page size)`);
        return this.leaf(e, BigInt(this.env.pageSize));
      }
    }
    const inline = name ? this.env.inlineFunction?.(name, e.args.length) : undefined;
    if (inline) {
      const args: bigint[] = [];
      for (const a of e.args) {
        const v = this.value(a);
        if (!v.ok) return v;
        args.push(v.v);
      }
      const r = inline(args);
      if (!r.value.ok) return fail(`${name}(): ${r.value.why}`);
      this.fact(`${name}(${args.join(', ')}) = ${r.value.v} (${r.where})`);
      return this.leaf(e, r.value.v);
    }
    return runtime(`\`${name ?? this.render(e.callee)}()\` is a function call`);
  }

  /** The type of an expression, as far as `sizeof` needs it. */
  typeOf(e: Expr, depth = 0): Result<CType> {
    if (depth > 64) return fail('expression nests too deeply');
    const env = this.env;
    const deref = (t: Result<CType>, what: string): Result<CType> => {
      if (!t.ok) return t;
      const r = resolveType(t.v, env);
      if (!r.ok) return r;
      if (r.v.k === 'ptr') return { ok: true, v: r.v.to };
      if (r.v.k === 'array') return { ok: true, v: r.v.of };
      return fail(`\`${what}\` is not a pointer or array (it is \`${typeName(r.v)}\`)`);
    };
    switch (e.k) {
      case 'num': {
        const lit = parseIntLiteral(e.text);
        if ('error' in lit) {
          if (/^[0-9.]/.test(e.text) && /[.eEpP]/.test(e.text)) {
            const f = /[fF]$/.test(e.text) ? 'float' : /[lL]$/.test(e.text) ? 'long double' : 'double';
            return { ok: true, v: { k: 'float', rank: f } };
          }
          return fail(lit.error);
        }
        return { ok: true, v: literalType(lit.value, lit.unsigned, lit.longs, lit.nonDecimal, env.model) };
      }
      case 'char': {
        const d = decodeQuoted(e.text);
        if ('error' in d) return fail(d.error);
        if (d.prefix === 'u') return { ok: true, v: { k: 'int', rank: 'short', unsigned: true } };
        if (d.prefix === 'U' || d.prefix === 'L') return { ok: true, v: INT };
        if (d.prefix === 'u8') return { ok: true, v: { k: 'int', rank: 'char', unsigned: true } };
        return { ok: true, v: INT };
      }
      case 'str': {
        const d = decodeQuoted(e.text);
        if ('error' in d) return fail(d.error);
        const el: CType = d.prefix === 'u' ? { k: 'int', rank: 'short', unsigned: true }
          : d.prefix === 'U' || d.prefix === 'L' ? INT : CHAR;
        return { ok: true, v: { k: 'array', of: el, len: String(d.units.length + 1) } };
      }
      case 'value':
        return { ok: true, v: e.v >= -(1n << 31n) && e.v < 1n << 31n ? INT : LONG };
      case 'id': {
        const v = env.lookupVar(e.name);
        if (v) return { ok: true, v };
        const en = env.lookupEnum(e.name);
        if (en || env.builtins?.has(e.name)) return { ok: true, v: INT };
        if (PAGE_NAMES.has(e.name)) return { ok: true, v: LONG };
        if (e.cycle) return fail(`macro cycle ${e.cycle.join(' → ')}`);
        return fail(/_t$/.test(e.name)
          ? `\`${e.name}\` has no visible declaration (a type from a header the scan cannot see?)`
          : `\`${e.name}\` has no visible declaration`);
      }
      case 'paren':
        return this.typeOf(e.e, depth + 1);
      case 'unary':
        if (e.op === '*') return deref(this.typeOf(e.e, depth + 1), this.render(e.e));
        if (e.op === '&') {
          const t = this.typeOf(e.e, depth + 1);
          return t.ok ? { ok: true, v: { k: 'ptr', to: t.v } } : t;
        }
        if (e.op === '!') return { ok: true, v: INT };
        if (e.op === '++' || e.op === '--') return this.typeOf(e.e, depth + 1);
        return this.promoted(this.typeOf(e.e, depth + 1));
      case 'postfix':
        return this.typeOf(e.e, depth + 1);
      case 'index': {
        const base = this.typeOf(e.e, depth + 1);
        const d = deref(base, this.render(e.e));
        if (d.ok) return d;
        return deref(this.typeOf(e.i, depth + 1), this.render(e.i)); // `0[p]` is `p[0]`
      }
      case 'member': {
        let t = this.typeOf(e.e, depth + 1);
        if (e.arrow) t = deref(t, this.render(e.e));
        if (!t.ok) return t;
        const r = resolveType(t.v, env);
        if (!r.ok) return r;
        if (r.v.k !== 'record') return fail(`\`${this.render(e.e)}\` is not a struct or union`);
        const f = fieldType(r.v, e.field, env);
        return f ? { ok: true, v: f } : fail(`\`${typeName(r.v)}\` has no member \`${e.field}\``);
      }
      case 'cast':
        return { ok: true, v: e.type };
      case 'sizeofType':
      case 'sizeofExpr':
      case 'alignof':
      case 'offsetof':
        return { ok: true, v: ULONG };
      case 'cond':
        return this.typeOf(e.t, depth + 1);
      case 'assign':
        return this.typeOf(e.l, depth + 1);
      case 'call': {
        const name = e.callee.k === 'id' ? e.callee.name : this.render(e.callee);
        return fail(`\`${name}()\` is a function call whose return type is not tracked`);
      }
      case 'bin': {
        if (e.op === ',') return this.typeOf(e.r, depth + 1);
        if (['<', '>', '<=', '>=', '==', '!=', '&&', '||'].includes(e.op)) return { ok: true, v: INT };
        const l = this.typeOf(e.l, depth + 1);
        if (!l.ok) return l;
        if (e.op === '<<' || e.op === '>>') return this.promoted(l);
        const r = this.typeOf(e.r, depth + 1);
        if (!r.ok) return r;
        const lr = resolveType(l.v, env);
        const rr = resolveType(r.v, env);
        if (!lr.ok) return lr;
        if (!rr.ok) return rr;
        const lp = lr.v.k === 'ptr' || lr.v.k === 'array';
        const rp = rr.v.k === 'ptr' || rr.v.k === 'array';
        if (lp && rp && e.op === '-') return { ok: true, v: LONG }; // ptrdiff_t
        if (lp) return { ok: true, v: lr.v.k === 'array' ? { k: 'ptr', to: lr.v.of } : lr.v };
        if (rp) return { ok: true, v: rr.v.k === 'array' ? { k: 'ptr', to: rr.v.of } : rr.v };
        return { ok: true, v: usualArithmetic(lr.v, rr.v) };
      }
    }
  }

  private promoted(t: Result<CType>): Result<CType> {
    if (!t.ok) return t;
    const r = resolveType(t.v, this.env);
    if (!r.ok) return r;
    return { ok: true, v: usualArithmetic(r.v, INT) };
  }

  /** The expression as C text, with evaluated names shown as their numbers. */
  render(e: Expr): string {
    const known = this.leafValues.get(e);
    if (known !== undefined) return String(known);
    switch (e.k) {
      case 'num': {
        const lit = parseIntLiteral(e.text);
        return 'error' in lit ? e.text : String(lit.value);
      }
      case 'char': case 'str': return e.text;
      case 'value': return String(e.v);
      case 'id': return e.name;
      case 'paren': return `(${this.render(e.e)})`;
      case 'unary': return e.op + this.render(e.e);
      case 'postfix': return this.render(e.e) + e.op;
      case 'bin': return `${this.render(e.l)} ${e.op} ${this.render(e.r)}`;
      case 'assign': return `${this.render(e.l)} ${e.op} ${this.render(e.r)}`;
      case 'cond': return `${this.render(e.c)} ? ${this.render(e.t)} : ${this.render(e.f)}`;
      case 'cast': return `(${e.typeText})${this.render(e.e)}`;
      case 'sizeofType': return `sizeof(${e.typeText})`;
      case 'alignof': return `_Alignof(${e.typeText})`;
      case 'offsetof':
        return `offsetof(${e.typeText}, ${e.path.map((p, i) => ('field' in p ? (i ? '.' : '') + p.field : `[${this.render(p.index)}]`)).join('')})`;
      case 'sizeofExpr': return e.e.k === 'paren' ? `sizeof${this.render(e.e)}` : `sizeof ${this.render(e.e)}`;
      case 'call': return `${this.render(e.callee)}(${e.args.map((a) => this.render(a)).join(', ')})`;
      case 'index': return `${this.render(e.e)}[${this.render(e.i)}]`;
      case 'member': return `${this.render(e.e)}${e.arrow ? '->' : '.'}${e.field}`;
    }
  }
}

const RANKS = ['bool', 'char', 'short', 'int', 'long', 'long long'] as const;

function usualArithmetic(a: CType, b: CType): CType {
  if (a.k === 'float' || b.k === 'float') {
    const rank = [a, b].some((t) => t.k === 'float' && t.rank === 'long double') ? 'long double'
      : [a, b].some((t) => t.k === 'float' && t.rank === 'double') ? 'double' : 'float';
    return { k: 'float', rank };
  }
  type IntT = CType & { k: 'int' };
  const ia: IntT = a.k === 'int' ? a : (INT as IntT);
  const ib: IntT = b.k === 'int' ? b : (INT as IntT);
  const rank = (t: IntT) => Math.max(RANKS.indexOf(t.rank), RANKS.indexOf('int'));
  const ra = rank(ia);
  const rb = rank(ib);
  const top = Math.max(ra, rb);
  const unsigned = (ra === top && ia.unsigned && ia.rank !== 'bool') || (rb === top && ib.unsigned && ib.rank !== 'bool');
  return { k: 'int', rank: RANKS[top]!, unsigned };
}

/** The C type of an integer literal (C11 6.4.4.1), which `sizeof 1L` needs. */
function literalType(v: bigint, unsigned: boolean, longs: 0 | 1 | 2, nonDecimal: boolean, model: 'lp64' | 'ilp32'): CType {
  const longBits = model === 'lp64' ? 64 : 32;
  const candidates: [CType & { k: 'int' }, number][] = [
    [{ k: 'int', rank: 'int', unsigned: false }, 32],
    [{ k: 'int', rank: 'int', unsigned: true }, 32],
    [{ k: 'int', rank: 'long', unsigned: false }, longBits],
    [{ k: 'int', rank: 'long', unsigned: true }, longBits],
    [{ k: 'int', rank: 'long long', unsigned: false }, 64],
    [{ k: 'int', rank: 'long long', unsigned: true }, 64],
  ];
  for (const [t, bits] of candidates) {
    if (RANKS.indexOf(t.rank) < RANKS.indexOf(longs === 2 ? 'long long' : longs === 1 ? 'long' : 'int')) continue;
    if (unsigned && !t.unsigned) continue;
    if (t.unsigned && !unsigned && !nonDecimal) continue;
    const max = t.unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
    if (v <= max) return t;
  }
  return basicType(['unsigned', 'long', 'long']);
}
