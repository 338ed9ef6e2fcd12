// Whether a stretch of code assigns to, increments or decrements a name: wrapper detection asks it
// of the body before a resize, for each parameter that would pass the caller's pointer or size.
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
