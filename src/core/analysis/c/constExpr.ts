// A Pratt parser for C expressions over already macro-expanded tokens, including `sizeof`,
// `_Alignof`, casts and type names. It builds a small tree; exprEval.ts gives it meaning.
// Syntax errors throw ParseError (caught by the evaluator and turned into an "unknown").
import type { CType } from './layout';
import type { Token } from './tokens';

export type Expr =
  | { k: 'num'; text: string }
  | { k: 'char'; text: string }
  | { k: 'str'; text: string }
  /** A macro invocation evaluated on its own (label: `PAGE_SIZE`, `KiB(4)`). */
  | { k: 'value'; v: bigint; label: string }
  | { k: 'id'; name: string; cycle?: string[] }
  | { k: 'paren'; e: Expr }
  | { k: 'unary'; op: string; e: Expr }
  | { k: 'postfix'; op: string; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'assign'; op: string; l: Expr; r: Expr }
  | { k: 'cond'; c: Expr; t: Expr; f: Expr }
  | { k: 'cast'; type: CType; typeText: string; e: Expr }
  | { k: 'sizeofType'; type: CType; typeText: string }
  | { k: 'sizeofExpr'; e: Expr }
  | { k: 'alignof'; type: CType; typeText: string }
  /** `offsetof(type, a.b[2])`: path steps are member names or index expressions. */
  | { k: 'offsetof'; type: CType; typeText: string; path: ({ field: string } | { index: Expr })[] }
  | { k: 'call'; callee: Expr; args: Expr[] }
  | { k: 'index'; e: Expr; i: Expr }
  | { k: 'member'; e: Expr; field: string; arrow: boolean };

export class ParseError extends Error {}

const BINARY: Record<string, number> = {
  ',': 1,
  '||': 4, '&&': 5, '|': 6, '^': 7, '&': 8,
  '==': 9, '!=': 9,
  '<': 10, '>': 10, '<=': 10, '>=': 10,
  '<<': 11, '>>': 11,
  '+': 12, '-': 12,
  '*': 13, '/': 13, '%': 13,
};
const ASSIGN = new Set(['=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|=']);
// Sets, not an array made and a regex run at each operand: every identifier of every size
// expression (and of each macro expansion tried on its own) passes through unary().
const PREFIX_OPS = new Set(['-', '+', '~', '!', '*', '&', '++', '--']);
const ALIGNOF = new Set(['_Alignof', 'alignof', '__alignof__', '__alignof']);
const COND_BP = 3;
const ASSIGN_BP = 2;

const TYPE_WORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool',
  '__signed__', '__signed', '__unsigned__', '_Complex', '__int128',
]);
const QUALIFIERS = new Set([
  'const', 'volatile', 'restrict', '__restrict', '__restrict__', '__const', '__volatile__',
  '_Atomic', 'register', 'static', 'extern', 'auto', 'inline', '__inline', '__inline__', '__extension__',
]);

/** Says whether an identifier names a type (typedef) where the expression is evaluated. */
export type IsTypeName = (name: string) => boolean;

export function parseExpression(toks: Token[], isTypeName: IsTypeName): Expr {
  const p = new Parser(toks, isTypeName);
  const e = p.expr(0);
  if (p.pos < toks.length) throw new ParseError(`unexpected \`${toks[p.pos]!.text}\``);
  return e;
}

/** Parses a whole token list as a type name (`unsigned long`, `struct foo *[4]`). */
export function parseTypeTokens(toks: Token[], isTypeName: IsTypeName): CType {
  const p = new Parser(toks, isTypeName);
  const t = p.typeName();
  if (p.pos < toks.length) throw new ParseError(`unexpected \`${toks[p.pos]!.text}\` in a type`);
  return t.type;
}

export function tokenText(toks: Token[]): string {
  let s = '';
  for (const t of toks) {
    const text = t.kind === 'value' ? String(t.value) : t.text;
    if (s && /[\w$'"]$/.test(s) && /^[\w$'"]/.test(text)) s += ' ';
    s += text;
  }
  return s;
}

class Parser {
  pos = 0;
  constructor(
    private readonly toks: Token[],
    private readonly isTypeName: IsTypeName,
  ) {}

  private peek(o = 0): Token | undefined {
    return this.toks[this.pos + o];
  }
  private isPunct(text: string, o = 0): boolean {
    const t = this.peek(o);
    return !!t && t.kind === 'punct' && t.text === text;
  }
  private expect(text: string): void {
    if (!this.isPunct(text)) {
      const got = this.peek();
      throw new ParseError(got ? `expected \`${text}\`, found \`${got.text}\`` : `expected \`${text}\` at the end`);
    }
    this.pos++;
  }

  /** True when the token at offset o starts a type name. */
  startsType(o = 0): boolean {
    const t = this.peek(o);
    if (!t || t.kind !== 'id' || t.noExpand) return false;
    return (
      TYPE_WORDS.has(t.text) || QUALIFIERS.has(t.text) ||
      t.text === 'struct' || t.text === 'union' || t.text === 'enum' ||
      this.isTypeName(t.text)
    );
  }

  /**
   * `X *)` or `X **)` at offset o: X must name a type (a value there would be a syntax error),
   * even when its typedef lives in a header the scan cannot see.
   */
  unseenPointerType(o: number): boolean {
    const t = this.peek(o);
    if (!t || t.kind !== 'id' || t.noExpand || !this.isPunct('*', o + 1)) return false;
    let k = o + 1;
    while (this.isPunct('*', k) || (this.peek(k)?.kind === 'id' && QUALIFIERS.has(this.peek(k)!.text))) k++;
    return this.isPunct(')', k);
  }

  expr(minBp: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'punct') break;
      if (t.text === '?' && COND_BP >= minBp) {
        this.pos++;
        const mid = this.expr(0);
        this.expect(':');
        const f = this.expr(COND_BP);
        left = { k: 'cond', c: left, t: mid, f };
        continue;
      }
      if (ASSIGN.has(t.text) && ASSIGN_BP >= minBp) {
        this.pos++;
        left = { k: 'assign', op: t.text, l: left, r: this.expr(ASSIGN_BP) };
        continue;
      }
      const bp = BINARY[t.text];
      if (bp === undefined || bp < minBp) break;
      this.pos++;
      left = { k: 'bin', op: t.text, l: left, r: this.expr(bp + 1) };
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (!t) throw new ParseError('expression ends too early');
    if (t.kind === 'punct' && PREFIX_OPS.has(t.text)) {
      this.pos++;
      return { k: 'unary', op: t.text, e: this.unary() };
    }
    if (t.kind === 'id' && (t.text === 'sizeof' || ALIGNOF.has(t.text))) {
      this.pos++;
      const isSizeof = t.text === 'sizeof';
      if (this.isPunct('(') && (this.startsType(1) || this.unseenPointerType(1))) {
        this.pos++;
        const ty = this.typeName();
        this.expect(')');
        if (isSizeof && this.isPunct('{')) throw new ParseError('compound literals are not supported');
        return isSizeof
          ? { k: 'sizeofType', type: ty.type, typeText: ty.text }
          : { k: 'alignof', type: ty.type, typeText: ty.text };
      }
      if (!isSizeof) throw new ParseError(`\`${t.text}\` of an expression is not supported`);
      return { k: 'sizeofExpr', e: this.unary() };
    }
    // `(name)x` where `name` is no type we know: a cast to a type from an unseen header is far
    // likelier than a parenthesised value followed by a value (which is not C).
    if (t.kind === 'punct' && t.text === '(' && this.peek(1)?.kind === 'id' && this.isPunct(')', 2) && !this.startsType(1)) {
      const next = this.peek(3);
      if (next && (next.kind === 'id' || next.kind === 'num' || next.kind === 'char' || next.kind === 'value' || (next.kind === 'punct' && next.text === '('))) {
        const name = this.peek(1)!.text;
        this.pos += 3;
        return { k: 'cast', type: { k: 'named', name }, typeText: name, e: this.unary() };
      }
    }
    if (t.kind === 'punct' && t.text === '(' && (this.startsType(1) || this.unseenPointerType(1))) {
      this.pos++;
      const ty = this.typeName();
      this.expect(')');
      if (this.isPunct('{')) throw new ParseError('compound literals are not supported');
      return { k: 'cast', type: ty.type, typeText: ty.text, e: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private primary(): Expr {
    const t = this.peek()!;
    this.pos++;
    switch (t.kind) {
      case 'num': return { k: 'num', text: t.text };
      case 'char': return { k: 'char', text: t.text };
      case 'str': {
        let text = t.text;
        while (this.peek()?.kind === 'str') text = joinStrings(text, this.toks[this.pos++]!.text);
        return { k: 'str', text };
      }
      case 'value': return { k: 'value', v: t.value!, label: t.text };
      case 'id':
        if ((t.text === 'offsetof' || t.text === '__builtin_offsetof') && this.isPunct('(') && this.startsType(1)) {
          return this.offsetof();
        }
        return t.cycle ? { k: 'id', name: t.text, cycle: t.cycle } : { k: 'id', name: t.text };
      case 'punct':
        if (t.text === '(') {
          if (this.isPunct('{')) throw new ParseError('statement expressions `({ ... })` are not supported');
          const e = this.expr(0);
          this.expect(')');
          return { k: 'paren', e };
        }
        throw new ParseError(`unexpected \`${t.text}\``);
      default:
        throw new ParseError(`unexpected \`${t.text}\``);
    }
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'punct') return e;
      if (t.text === '(') {
        this.pos++;
        const args: Expr[] = [];
        if (!this.isPunct(')')) {
          for (;;) {
            args.push(this.expr(2));
            if (this.isPunct(',')) {
              this.pos++;
              continue;
            }
            break;
          }
        }
        this.expect(')');
        e = { k: 'call', callee: e, args };
      } else if (t.text === '[') {
        this.pos++;
        const i = this.expr(0);
        this.expect(']');
        e = { k: 'index', e, i };
      } else if (t.text === '.' || t.text === '->') {
        this.pos++;
        const f = this.peek();
        if (!f || f.kind !== 'id') throw new ParseError(`expected a member name after \`${t.text}\``);
        this.pos++;
        e = { k: 'member', e, field: f.text, arrow: t.text === '->' };
      } else if (t.text === '++' || t.text === '--') {
        this.pos++;
        e = { k: 'postfix', op: t.text, e };
      } else {
        return e;
      }
    }
  }

  private offsetof(): Expr {
    this.expect('(');
    const ty = this.typeName();
    this.expect(',');
    const path: ({ field: string } | { index: Expr })[] = [];
    for (let first = true; ; first = false) {
      if (!first && this.isPunct('[')) {
        this.pos++;
        path.push({ index: this.expr(0) });
        this.expect(']');
        continue;
      }
      if (!first && !this.isPunct('.')) break;
      if (!first) this.pos++;
      const f = this.peek();
      if (!f || f.kind !== 'id') throw new ParseError('expected a member name in offsetof');
      this.pos++;
      path.push({ field: f.text });
    }
    this.expect(')');
    return { k: 'offsetof', type: ty.type, typeText: ty.text, path };
  }

  /** specifier-qualifier-list abstract-declarator? */
  typeName(): { type: CType; text: string } {
    const start = this.pos;
    const base = this.specifiers();
    const wrap = this.abstractDeclarator();
    return { type: wrap(base), text: tokenText(this.toks.slice(start, this.pos)) };
  }

  private specifiers(): CType {
    const words: string[] = [];
    let named: CType | null = null;
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'id') break;
      if (QUALIFIERS.has(t.text)) {
        this.pos++;
        continue;
      }
      if (t.text === '__attribute__' || t.text === '__attribute') {
        this.pos++;
        this.skipParens();
        continue;
      }
      if (TYPE_WORDS.has(t.text)) {
        words.push(t.text.replace(/^__(signed|unsigned)(__)?$/, '$1'));
        this.pos++;
        continue;
      }
      if ((t.text === 'struct' || t.text === 'union' || t.text === 'enum') && !named && words.length === 0) {
        this.pos++;
        const nameTok = this.peek();
        if (this.isPunct('{')) throw new ParseError(`an inline \`${t.text} { ... }\` definition in an expression is not supported`);
        if (!nameTok || nameTok.kind !== 'id') throw new ParseError(`expected a name after \`${t.text}\``);
        this.pos++;
        if (this.isPunct('{')) throw new ParseError(`an inline \`${t.text} ${nameTok.text} { ... }\` definition in an expression is not supported`);
        named = { k: 'tag', tag: t.text, name: nameTok.text };
        continue;
      }
      if (!named && words.length === 0 && (this.isTypeName(t.text) || this.unseenPointerType(0))) {
        this.pos++;
        named = { k: 'named', name: t.text };
        continue;
      }
      break;
    }
    if (named) {
      if (words.length) throw new ParseError(`\`${words.join(' ')}\` combined with a type name`);
      return named;
    }
    if (words.length === 0) throw new ParseError('expected a type');
    return basicType(words);
  }

  private skipParens(): void {
    if (!this.isPunct('(')) return;
    let depth = 0;
    while (this.pos < this.toks.length) {
      const t = this.toks[this.pos++]!;
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')' && --depth === 0) return;
    }
  }

  private abstractDeclarator(): (t: CType) => CType {
    let pointers = 0;
    for (;;) {
      if (this.isPunct('*')) {
        pointers++;
        this.pos++;
      } else if (this.peek()?.kind === 'id' && QUALIFIERS.has(this.peek()!.text)) {
        this.pos++;
      } else break;
    }
    let inner: (t: CType) => CType = (t) => t;
    if (this.isPunct('(') && (this.isPunct('*', 1) || this.isPunct('(', 1) || this.isPunct('[', 1))) {
      this.pos++;
      inner = this.abstractDeclarator();
      this.expect(')');
    }
    const suffixes: ({ k: 'array'; len: string | null } | { k: 'func' })[] = [];
    for (;;) {
      if (this.isPunct('[')) {
        this.pos++;
        const from = this.pos;
        let depth = 0;
        while (this.pos < this.toks.length && !(depth === 0 && this.isPunct(']'))) {
          const t = this.toks[this.pos]!;
          if (t.kind === 'punct' && (t.text === '[' || t.text === '(')) depth++;
          if (t.kind === 'punct' && (t.text === ']' || t.text === ')')) depth--;
          this.pos++;
        }
        const lenToks = this.toks.slice(from, this.pos);
        this.expect(']');
        suffixes.push({ k: 'array', len: lenToks.length ? tokenText(lenToks) : null });
      } else if (this.isPunct('(')) {
        this.skipParens();
        suffixes.push({ k: 'func' });
      } else break;
    }
    return (base) => {
      let t = base;
      for (let i = 0; i < pointers; i++) t = { k: 'ptr', to: t };
      for (let i = suffixes.length - 1; i >= 0; i--) {
        const s = suffixes[i]!;
        t = s.k === 'func' ? { k: 'func' } : { k: 'array', of: t, len: s.len };
      }
      return inner(t);
    };
  }
}

function joinStrings(a: string, b: string): string {
  // Adjacent literals concatenate; keep the first one's prefix.
  const close = a.slice(-1);
  const bodyB = b.slice(b.indexOf('"') + 1);
  return a.slice(0, -1) + bodyB.slice(0, -1) + close;
}

/** The type named by a list of basic type keywords (`unsigned long long int`). */
export function basicType(words: string[]): CType {
  const count = (w: string) => words.filter((x) => x === w).length;
  const unsigned = count('unsigned') > 0;
  if (count('_Complex') > 0) return { k: 'unknown', why: '`_Complex` types are not modelled' };
  if (count('__int128') > 0) return { k: 'unknown', why: '`__int128` is not modelled' };
  if (count('void')) return { k: 'void' };
  if (count('_Bool') || count('bool')) return { k: 'int', rank: 'bool', unsigned: true };
  if (count('float')) return { k: 'float', rank: 'float' };
  if (count('double')) return { k: 'float', rank: count('long') ? 'long double' : 'double' };
  if (count('char')) return { k: 'int', rank: 'char', unsigned };
  if (count('short')) return { k: 'int', rank: 'short', unsigned };
  const longs = count('long');
  if (longs >= 2) return { k: 'int', rank: 'long long', unsigned };
  if (longs === 1) return { k: 'int', rank: 'long', unsigned };
  return { k: 'int', rank: 'int', unsigned };
}
