// A small C tokenizer for size expressions and macro bodies, plus the meaning of C literals.
// Works on text, not on tree-sitter nodes, so macro bodies (which are text) and arguments go
// through the same path. Never throws: characters it does not know become `other` tokens.

export type TokenKind = 'id' | 'num' | 'char' | 'str' | 'punct' | 'value' | 'other';

export interface Token {
  kind: TokenKind;
  text: string;
  /** `value` tokens: a macro invocation already evaluated to this number. */
  value?: bigint;
  /** An identifier that must not be expanded again (it named a macro being expanded). */
  noExpand?: boolean;
  /** Set with noExpand when the identifier closes a macro cycle: the chain, outermost first. */
  cycle?: string[];
}

// Longest first, so `<<=` wins over `<<` and `<`.
const PUNCTUATORS = [
  '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
];
const SINGLE = '+-*/%<>=!&|^~?:;,.()[]{}#';
/** PUNCTUATORS by their first character's code, in the same order (the first that matches wins). */
const PUNCTUATORS_BY_FIRST: (string[] | undefined)[] = [];
for (const p of PUNCTUATORS) (PUNCTUATORS_BY_FIRST[p.charCodeAt(0)] ??= []).push(p);
/** SINGLE by character code. */
const IS_SINGLE = new Uint8Array(128);
for (const ch of SINGLE) IS_SINGLE[ch.charCodeAt(0)] = 1;

// By char code, never a one-character string or a Set: the evaluator tokenizes each size and
// macro body once or twice (1,221 texts of ~18 characters on the dense bench corpus), too few calls
// for V8 to optimise the function early — most run in its interpreter, where each operation counts.
const isIdStartCode = (k: number) => (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95 || k === 36;
const isDigitCode = (k: number) => k >= 48 && k <= 57;
const isIdCharCode = (k: number) => isIdStartCode(k) || isDigitCode(k);
const isQuoteCode = (k: number) => k === 34 || k === 39;
/** `e`, `E`, `p`, `P`: an exponent's sign belongs to the number before it. */
const isExponentCode = (k: number) => k === 101 || k === 69 || k === 112 || k === 80;

/** Index of the opening quote of a character or string literal starting at `i` (its `u8`, `L`, `u`, `U` prefix included), or -1. */
function literalQuote(text: string, i: number, c: number): number {
  if (isQuoteCode(c)) return i;
  if (c !== 117 /* u */ && c !== 76 /* L */ && c !== 85 /* U */) return -1;
  const d = text.charCodeAt(i + 1);
  if (isQuoteCode(d)) return i + 1;
  return c === 117 && d === 56 /* 8 */ && isQuoteCode(text.charCodeAt(i + 2)) ? i + 2 : -1;
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
      continue;
    }
    const d = text.charCodeAt(i + 1);
    if (c === 92 /* \ */ && (d === 10 || d === 13)) {
      i += d === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
      continue;
    }
    if (c === 47 /* / */ && d === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 47 && d === 47) {
      const end = text.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    // Character and string literals, with their encoding prefixes (L, u, U, u8).
    const q = literalQuote(text, i, c);
    if (q >= 0) {
      const quote = text.charCodeAt(q);
      let j = q + 1;
      for (let e = text.charCodeAt(j); j < n && e !== quote && e !== 10; e = text.charCodeAt(j)) j += e === 92 ? 2 : 1;
      j = Math.min(j + 1, n);
      out.push({ kind: quote === 39 ? 'char' : 'str', text: text.slice(i, j) });
      i = j;
      continue;
    }
    if (isIdStartCode(c)) {
      let j = i + 1;
      while (j < n && isIdCharCode(text.charCodeAt(j))) j++;
      out.push({ kind: 'id', text: text.slice(i, j) });
      i = j;
      continue;
    }
    if (isDigitCode(c) || (c === 46 /* . */ && isDigitCode(d))) {
      // A preprocessing number: digits, letters, dots, digit separators and signed exponents.
      let j = i + 1;
      while (j < n) {
        const e = text.charCodeAt(j);
        if ((e === 43 || e === 45) /* + - */ && isExponentCode(text.charCodeAt(j - 1))) j++;
        else if (isIdCharCode(e) || e === 46 || (e === 39 && isIdCharCode(text.charCodeAt(j + 1)))) j++;
        else break;
      }
      out.push({ kind: 'num', text: text.slice(i, j) });
      i = j;
      continue;
    }
    const p = longestPunctuator(text, i, c);
    if (p) {
      out.push({ kind: 'punct', text: p });
      i += p.length;
      continue;
    }
    out.push({ kind: c < 128 && IS_SINGLE[c] === 1 ? 'punct' : 'other', text: text[i]! });
    i++;
  }
  return out;
}

/** The punctuator of two or three characters at `i`, if any. */
function longestPunctuator(text: string, i: number, c: number): string | undefined {
  const candidates = PUNCTUATORS_BY_FIRST[c];
  if (candidates) for (const p of candidates) if (text.startsWith(p, i)) return p;
  return undefined;
}

export interface IntLiteral {
  value: bigint;
  unsigned: boolean;
  /** 0: no `l`, 1: `l`, 2: `ll`. */
  longs: 0 | 1 | 2;
  /** True for hex, octal and binary literals (they may take an unsigned type without `u`). */
  nonDecimal: boolean;
}

const INT_RE = /^(?:0[xX]([0-9a-fA-F](?:'?[0-9a-fA-F])*)|0[bB]([01](?:'?[01])*)|(0(?:'?[0-7])*)|([1-9](?:'?[0-9])*))([uUlL]*)$/;
const SUFFIX_RE = /^(?:[uU]?(?:l|L|ll|LL)?|(?:l|L|ll|LL)[uU])$/;

/** The value of an integer literal in any C form, or the reason it is not one. */
export function parseIntLiteral(text: string): IntLiteral | { error: string } {
  const m = INT_RE.exec(text);
  if (!m) {
    if (/^[0-9.]/.test(text) && /[.eEpP]/.test(text) && !/^0[xX][0-9a-fA-F]*$/.test(text)) {
      return { error: `\`${text}\` is a floating-point literal` };
    }
    return { error: `\`${text}\` is not a valid integer literal` };
  }
  const suffix = m[5]!;
  if (!SUFFIX_RE.test(suffix)) return { error: `\`${text}\` has an invalid suffix \`${suffix}\`` };
  const clean = (s: string) => s.replace(/'/g, '');
  let value: bigint;
  if (m[1] !== undefined) value = BigInt('0x' + clean(m[1]));
  else if (m[2] !== undefined) value = BigInt('0b' + clean(m[2]));
  else if (m[3] !== undefined) value = BigInt('0o' + (clean(m[3]).slice(1) || '0'));
  else value = BigInt(clean(m[4]!));
  const lower = suffix.toLowerCase();
  return {
    value,
    unsigned: lower.includes('u'),
    longs: lower.includes('ll') ? 2 : lower.includes('l') ? 1 : 0,
    nonDecimal: m[4] === undefined && value !== 0n,
  };
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** Code units of a character or string literal body (escapes decoded), or the reason it cannot be read. */
export function decodeQuoted(text: string): { prefix: string; units: number[] } | { error: string } {
  const m = /^(u8|[LuU])?(['"])([\s\S]*)\2$/.exec(text);
  if (!m) return { error: `\`${text}\` is not a complete literal` };
  const body = m[3]!;
  const units: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      units.push(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return { error: `\`${text}\` ends in a lone backslash` };
    if (e in SIMPLE_ESCAPES) {
      units.push(SIMPLE_ESCAPES[e]!);
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      units.push(parseInt(oct, 8));
      i += 1 + oct.length;
    } else if (e === 'x') {
      const hex = /^[0-9a-fA-F]+/.exec(body.slice(i + 2))?.[0];
      if (!hex) return { error: `\`${text}\` has \\x without hex digits` };
      units.push(parseInt(hex.slice(-8), 16));
      i += 2 + hex.length;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) {
        return { error: `\`${text}\` has an incomplete \\${e} escape` };
      }
      units.push(parseInt(hex, 16));
      i += 2 + len;
    } else {
      return { error: `\`${text}\` has an unknown escape \\${e}` };
    }
  }
  return { prefix: m[1] ?? '', units };
}

/**
 * The int value of a character literal. Plain `char` is signed on the ABIs we model (x86,
 * x86-64), so '\xff' is -1, as GCC and Clang say there.
 */
export function parseCharLiteral(text: string): bigint | { error: string } {
  const d = decodeQuoted(text);
  if ('error' in d) return d;
  if (d.units.length !== 1) {
    return { error: `\`${text}\` is a multi-character constant (its value is implementation-defined)` };
  }
  const u = d.units[0]!;
  if (d.prefix === '') return BigInt(u > 0x7f && u <= 0xff ? u - 256 : u);
  return BigInt(u);
}
