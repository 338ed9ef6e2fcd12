// Text-level helpers for carrying an argument expression from inside a wrapper out to its call
// sites: replace the wrapper's parameter names by the call site's argument texts.
// Kept textual (not node-based) because WrapperDefs must be plain serialisable data: they travel
// between worker threads and across files.

const TOKEN = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_]\w*|->|\S/g;

/**
 * Replaces every identifier of `params` in `expr` by the matching argument text.
 * - `macro`: the preprocessor's rule, every token spelled like a parameter is replaced, and the
 *   argument is pasted as written (precedence surprises included, as the compiler sees them).
 * - function wrappers: members after `.`/`->` are not parameters, and each argument is
 *   parenthesised so `n * sizeof(T)` with n = `a + 1` stays `(a + 1) * sizeof(T)`.
 * `__VA_ARGS__` takes the remaining arguments joined by commas.
 */
export function substituteParams(expr: string, params: readonly string[], args: readonly string[], macro: boolean): string {
  let out = '';
  let last = 0;
  let prev = '';
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(expr); m; m = TOKEN.exec(expr)) {
    const tok = m[0];
    let replacement: string | null = null;
    if (/^[A-Za-z_]/.test(tok) && (macro || (prev !== '.' && prev !== '->'))) {
      if (tok === '__VA_ARGS__' && macro) {
        replacement = args.slice(params.length).join(', ');
      } else {
        const i = params.indexOf(tok);
        if (i >= 0) {
          const a = (args[i] ?? '').trim();
          replacement = macro ? a : `(${a})`;
        }
      }
    }
    if (replacement !== null) {
      out += expr.slice(last, m.index) + replacement;
      last = m.index + tok.length;
    }
    prev = tok;
  }
  return out + expr.slice(last);
}

/** Identifiers used in `expr` (not members after `.`/`->`, not inside string literals). */
export function identifiersIn(expr: string): string[] {
  const ids: string[] = [];
  let prev = '';
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(expr); m; m = TOKEN.exec(expr)) {
    const tok = m[0];
    if (/^[A-Za-z_]/.test(tok) && prev !== '.' && prev !== '->') ids.push(tok);
    prev = tok;
  }
  return ids;
}

/** Drops balanced outer parentheses and leading casts to a plain type: `((char *)(p))` → `p`. */
export function stripParensAndCasts(expr: string): string {
  let s = expr.trim();
  for (;;) {
    const cast = /^\(\s*(?:(?:const|volatile|unsigned|signed|struct|union|enum)\s+)*[A-Za-z_]\w*(?:\s*\*)*\s*\)\s*(?=[A-Za-z_(&*])/.exec(s);
    // `(T *)&x` and `(void **)p` are casts for sure; `(a) & b` or `(a) * b` only when `(a)` names a type we know.
    const surelyCast = cast && (/\*\s*\)/.test(cast[0]) || /^\(\s*(?:(?:const|volatile|unsigned|signed|struct|union|enum)\s+)*(?:void|char|short|int|long|float|double|size_t|ssize_t|u?int\d+_t|uintptr_t)\b/.test(cast[0]));
    if (cast && (surelyCast || /^[A-Za-z_(]/.test(s.slice(cast[0].length))) && !/^\(\s*[A-Za-z_]\w*\s*\)\s*\(/.test(s)) {
      // `(T)x` is a cast; `(f)(x)` could be a call through a parenthesised name, left alone.
      s = s.slice(cast[0].length).trim();
      continue;
    }
    if (s.startsWith('(') && s.endsWith(')') && balancedInner(s)) {
      s = s.slice(1, -1).trim();
      continue;
    }
    return s;
  }
}

/** True when the first '(' of s closes at its last character. */
function balancedInner(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') {
      depth--;
      if (depth === 0 && i !== s.length - 1) return false;
    }
  }
  return depth === 0;
}

/** Compares two lvalue texts ignoring whitespace, parentheses and simple casts. */
export function sameLvalue(a: string, b: string): boolean {
  const norm = (s: string) => stripParensAndCasts(s).replace(/\s+/g, '').replace(/[()]/g, '');
  return norm(a) === norm(b);
}
