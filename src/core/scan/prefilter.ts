// The cheap text test that decides which files are worth parsing: a file that never spells a
// known name (primitive or wrapper) as a whole word cannot contain a call site of it.
// False positives (the name in a comment) only cost a parse; false negatives cannot happen for
// names written literally. (A name built by token pasting, `x##alloc`, is not found: documented.)

const cache = new Map<string, RegExp>();

/** A regex that matches any of `names` as a whole C identifier. */
export function namesPattern(names: Iterable<string>): RegExp {
  const sorted = [...new Set(names)].sort();
  const key = sorted.join('|');
  let re = cache.get(key);
  if (!re) {
    // Longest first is not needed with the identifier guards on both sides.
    const body = sorted.map((n) => n.replace(/[^A-Za-z0-9_]/g, '')).filter(Boolean).join('|');
    // `\\b` is exact here: C identifier characters are the regex word characters (no u flag).
    re = new RegExp(`\\b(?:${body || '(?!)'})\\b`);
    if (cache.size > 64) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function mentionsAny(text: string, pattern: RegExp): boolean {
  return pattern.test(text);
}
