// Whether a stretch of code assigns to, increments or decrements a name, and where: wrapper
// detection asks it of the body before a resize, for each parameter that would pass the caller's
// pointer or size, for a local copy of a parameter moved back over a block's header, and for the
// count a constant-step helper keeps (below).
// A regex made for each name ran in V8's interpreter and tried its look-behind at every position
// of the body (~16 ms of main-thread CPU on the dense bench corpus, 371 bodies); finding the name
// with indexOf and reading the characters around it gives the same answer (a property test
// checks it against the regex, which stays for names that are no identifier).
import { isRegexSpace, isWordChar } from '../../scan/chars';

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/**
 * True when `code` writes `name`, as this regex (no flags) finds it:
 * `(?<![.>\w]\s*)\bNAME\s*\)*\s*(?:[-+*\/%&|^]|<<|>>)?=(?!=)` — an assignment, not through a
 * member (`s->n = …`) nor a comparison; `(?:\+\+|--)\s*NAME\b` and `(?<![.>\w]\s*)\bNAME\s*(?:\+\+|--)`.
 */
export function assignsTo(code: string, name: string): boolean {
  if (!IDENTIFIER.test(name)) return assignmentRegex(name).test(code);
  for (let i = code.indexOf(name); i >= 0; i = code.indexOf(name, i + 1)) {
    const end = i + name.length;
    if (steppedBefore(code, i, end) || (ownName(code, i) && writtenAfter(code, end))) return true;
  }
  return false;
}

/** The regex assignsTo answers for; a name that is no identifier is still looked for with it. */
export function assignmentRegex(name: string): RegExp {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `(?<![.>\\w]\\s*)\\b${n}\\s*\\)*\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|(?:\\+\\+|--)\\s*${n}\\b|(?<![.>\\w]\\s*)\\b${n}\\s*(?:\\+\\+|--)`,
  );
}

/** One write of a name: its operator (`=`, `+=`, `-=`, `++`, `--`) and the text after it up to the next `;`. */
export interface Write {
  op: string;
  value: string;
}

/**
 * The writes of `name` in `code`, as the global regex
 * `(?<![\w.>])NAME\s*(=(?!=)|[-+]=|\+\+|--)([^;]*)` matches them (groups 1 and 2): a write's
 * value can hold the name again (`m = m - 4`) without that being a write.
 */
export function writesOf(code: string, name: string): Write[] {
  if (!IDENTIFIER.test(name)) return Array.from(code.matchAll(writesRegex(name)), (m) => ({ op: m[1]!, value: m[2]! }));
  const out: Write[] = [];
  for (let i = code.indexOf(name); i >= 0; ) {
    const prev = i > 0 ? code.charCodeAt(i - 1) : -1;
    const p = skipSpaces(code, i + name.length);
    const op = prev === 46 || prev === 62 || (prev >= 0 && isWordChar(prev)) ? null : writeOperator(code, p);
    if (!op) {
      i = code.indexOf(name, i + 1);
      continue;
    }
    const from = p + op.length;
    const semi = code.indexOf(';', from);
    const end = semi < 0 ? code.length : semi;
    out.push({ op, value: code.slice(from, end) });
    i = code.indexOf(name, end);
  }
  return out;
}

/** The regex writesOf answers for; a name that is no identifier is still looked for with it. */
export function writesRegex(name: string): RegExp {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.>])${n}\\s*(=(?!=)|[-+]=|\\+\\+|--)([^;]*)`, 'g');
}

/** `=` (not `==`), `+=`, `-=`, `++` or `--` at `p`, else null. */
function writeOperator(code: string, p: number): string | null {
  const c = code.charCodeAt(p);
  const next = code.charCodeAt(p + 1);
  if (c === 61) return next === 61 ? null : '=';
  if (c !== 43 && c !== 45) return null; // + -
  if (next === 61) return c === 43 ? '+=' : '-=';
  return next === c ? (c === 43 ? '++' : '--') : null;
}

/** `++ name`, `--name` ending at a word's end. */
function steppedBefore(code: string, start: number, end: number): boolean {
  if (end < code.length && isWordChar(code.charCodeAt(end))) return false;
  let k = start;
  while (k > 0 && isRegexSpace(code.charCodeAt(k - 1))) k--;
  if (k < 2) return false;
  const a = code.charCodeAt(k - 2);
  return a === code.charCodeAt(k - 1) && (a === 43 || a === 45); // ++ or --
}

/** The name starts a word and no `.`, `->` or word stands before it (blanks aside). */
function ownName(code: string, start: number): boolean {
  let k = start;
  while (k > 0 && isRegexSpace(code.charCodeAt(k - 1))) k--;
  if (k === 0) return true;
  const c = code.charCodeAt(k - 1);
  return c !== 46 && c !== 62 && !isWordChar(c); // . >
}

/** After the name: `++`/`--`, or `)`s then an assignment operator that is no `==`. */
function writtenAfter(code: string, end: number): boolean {
  let p = skipSpaces(code, end);
  if (code.startsWith('++', p) || code.startsWith('--', p)) return true;
  while (code.charCodeAt(p) === 41) p++; // )
  p = skipSpaces(code, p);
  const c = code.charCodeAt(p);
  if (code.startsWith('<<', p) || code.startsWith('>>', p)) p += 2;
  else if (COMPOUND.has(c) && code.charCodeAt(p + 1) === 61) p += 1;
  return code.charCodeAt(p) === 61 && code.charCodeAt(p + 1) !== 61; // = not ==
}

/** The operators of a compound assignment `op=` that are one character: - + * / % & | ^ */
const COMPOUND = new Set([45, 43, 42, 47, 37, 38, 124, 94]);

function skipSpaces(code: string, p: number): number {
  while (p < code.length && isRegexSpace(code.charCodeAt(p))) p++;
  return p;
}

// The constant-step test (sizeOrigin.ts constantStep) asks the same of a count, also one written
// as a member chain (`v->len`, spelled with any blanks around `->` and `.`): its five regexes,
// made for each helper's count, were compiled anew for each of the dense bench corpus's 259
// helpers' resizes. Each function below answers as the regex its comment spells (property tests),
// and runs that regex for a name that is no plain identifier.

/** The regex source of a chain's spelling: its names, `->` or `.` between them, any blanks around. */
function chainSource(chain: readonly string[]): string {
  return chain.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*(?:->|\\.)\\s*');
}

/** Where the chain spelled at `i` ends, or -1 when it is not spelled there. */
function chainEnd(code: string, i: number, chain: readonly string[]): number {
  if (!code.startsWith(chain[0]!, i)) return -1;
  let p = i + chain[0]!.length;
  for (let k = 1; k < chain.length; k++) {
    p = skipSpaces(code, p);
    if (code.startsWith('->', p)) p += 2;
    else if (code.charCodeAt(p) === 46) p += 1; // .
    else return -1;
    p = skipSpaces(code, p);
    if (!code.startsWith(chain[k]!, p)) return -1;
    p += chain[k]!.length;
  }
  return p;
}

/** Each place the chain is spelled: its start and end. */
function* chainsIn(code: string, chain: readonly string[]): Generator<[number, number]> {
  for (let i = code.indexOf(chain[0]!); i >= 0; i = code.indexOf(chain[0]!, i + 1)) {
    const end = chainEnd(code, i, chain);
    if (end >= 0) yield [i, end];
  }
}

const plainChain = (chain: readonly string[]) => chain.length > 0 && chain.every((s) => IDENTIFIER.test(s));

/** No word, `.` or `>` right before `i`: `(?<![\w.>])`. */
function notMember(code: string, i: number): boolean {
  if (i === 0) return true;
  const c = code.charCodeAt(i - 1);
  return c !== 46 && c !== 62 && !isWordChar(c);
}

/** `++` (or, with `minus`, `--`) before `i`, blanks between: `(?:\+\+|--)\s*` ending at `i`. */
function stepBefore(code: string, i: number, minus: boolean): boolean {
  let k = i;
  while (k > 0 && isRegexSpace(code.charCodeAt(k - 1))) k--;
  if (k < 2) return false;
  const a = code.charCodeAt(k - 2);
  return a === code.charCodeAt(k - 1) && (a === 43 || (minus && a === 45));
}

const wordEnd = (code: string, p: number) => p >= code.length || !isWordChar(code.charCodeAt(p));

/** The value of the first `NAME = value;` in `code`: `\bNAME\s*=(?!=)\s*([^;]+);` (exec, group 1), or null. */
export function firstValue(code: string, name: string): string | null {
  if (!IDENTIFIER.test(name)) {
    const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`\\b${n}\\s*=(?!=)\\s*([^;]+);`).exec(code)?.[1] ?? null;
  }
  for (let i = code.indexOf(name); i >= 0; i = code.indexOf(name, i + 1)) {
    if (i > 0 && isWordChar(code.charCodeAt(i - 1))) continue;
    const p = skipSpaces(code, i + name.length);
    if (code.charCodeAt(p) !== 61 || code.charCodeAt(p + 1) === 61) continue;
    const semi = code.indexOf(';', p + 1);
    if (semi < 0) continue;
    const r = skipSpaces(code, p + 1);
    // Only blanks before the `;`: the blanks give the value its one character.
    if (r < semi) return code.slice(r, semi);
    if (r > p + 1) return code.slice(semi - 1, semi);
  }
  return null;
}

/**
 * The chain is multiplied: `(?<![\w.>])CHAIN\s*(?:\*=|<<=|=(?!=)\s*[^;]*?(?<!sizeof\s*)(?:\*|<<)\s*(?:\d|[A-Z_]{2}))`
 * — `n *= 2`, `n <<= 1`, `n = n * 3 / 2`, `n = n << SHIFT`; not `n = k * sizeof *p` nor `n = a * b`.
 */
export function multipliedIn(code: string, chain: readonly string[]): boolean {
  if (!plainChain(chain)) {
    const name = chainSource(chain);
    return new RegExp(`(?<![\\w.>])${name}\\s*(?:\\*=|<<=|=(?!=)\\s*[^;]*?(?<!sizeof\\s*)(?:\\*|<<)\\s*(?:\\d|[A-Z_]{2}))`).test(code);
  }
  for (const [i, end] of chainsIn(code, chain)) {
    if (!notMember(code, i)) continue;
    const q = skipSpaces(code, end);
    if (code.startsWith('*=', q) || code.startsWith('<<=', q)) return true;
    if (code.charCodeAt(q) !== 61 || code.charCodeAt(q + 1) === 61) continue;
    for (let k = q + 1; k < code.length && code.charCodeAt(k) !== 59; k++) {
      const c = code.charCodeAt(k);
      const after = c === 42 ? k + 1 : code.startsWith('<<', k) ? k + 2 : -1; // * <<
      if (after < 0 || afterSizeof(code, k)) continue;
      const t = skipSpaces(code, after);
      if (isDigit(code.charCodeAt(t)) || (isUpperOrUnderscore(code.charCodeAt(t)) && isUpperOrUnderscore(code.charCodeAt(t + 1)))) return true;
    }
  }
  return false;
}

/** `sizeof` then blanks end at `k`: `(?<=sizeof\s*)`. */
function afterSizeof(code: string, k: number): boolean {
  let j = k;
  while (j > 0 && isRegexSpace(code.charCodeAt(j - 1))) j--;
  return j >= 6 && code.startsWith('sizeof', j - 6);
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpperOrUnderscore = (c: number) => (c >= 65 && c <= 90) || c === 95;

/** The chain is bumped: `(?<![\w.>])CHAIN\s*(?:\+\+|\+=)|\+\+\s*CHAIN\b`. */
export function bumpedIn(code: string, chain: readonly string[]): boolean {
  if (!plainChain(chain)) {
    const name = chainSource(chain);
    return new RegExp(`(?<![\\w.>])${name}\\s*(?:\\+\\+|\\+=)|\\+\\+\\s*${name}\\b`).test(code);
  }
  for (const [i, end] of chainsIn(code, chain)) {
    if (wordEnd(code, end) && stepBefore(code, i, false)) return true;
    if (!notMember(code, i)) continue;
    const q = skipSpaces(code, end);
    if (code.startsWith('++', q) || code.startsWith('+=', q)) return true;
  }
  return false;
}

/** The chain is written: `(?<![\w.>])CHAIN\s*(?:\+\+|--|[-+*\/|&]?=(?!=))|(?:\+\+|--)\s*CHAIN\b`. */
export function storedIn(code: string, chain: readonly string[]): boolean {
  if (!plainChain(chain)) {
    const name = chainSource(chain);
    return new RegExp(`(?<![\\w.>])${name}\\s*(?:\\+\\+|--|[-+*/|&]?=(?!=))|(?:\\+\\+|--)\\s*${name}\\b`).test(code);
  }
  for (const [i, end] of chainsIn(code, chain)) {
    if (wordEnd(code, end) && stepBefore(code, i, true)) return true;
    if (!notMember(code, i)) continue;
    const q = skipSpaces(code, end);
    if (code.startsWith('++', q) || code.startsWith('--', q)) return true;
    const c = code.charCodeAt(q);
    const eq = STORE_OPERATORS.has(c) && code.charCodeAt(q + 1) === 61 ? q + 1 : q;
    if (code.charCodeAt(eq) === 61 && code.charCodeAt(eq + 1) !== 61) return true;
  }
  return false;
}

/** `[-+*\/|&]`, the one-character operators of a store `op=`. */
const STORE_OPERATORS = new Set([45, 43, 42, 47, 124, 38]);
