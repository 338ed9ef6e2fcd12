// Character classes of JavaScript regexes (no `u` flag), for the text scanners that replace a
// regex with indexOf and a look at the characters around a hit: they must answer as the regex did.

/** What `\w` matches, and so where `\b` sees a word: [A-Za-z0-9_] (a C identifier's characters). */
export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** What `\s` matches: white space and line terminators, Unicode's included. */
export function isRegexSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
