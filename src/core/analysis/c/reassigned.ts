// Whether a stretch of code assigns to, increments or decrements a name, and where: wrapper
// detection asks it of the body before a resize, for each parameter that would pass the caller's
// pointer or size, and for a local copy of a parameter moved back over a block's header.
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
