// Functions that free what they are given. The failure walker (failureContract.ts) must know a
// free when it sees one: a reallocf-like wrapper often releases the old block through the
// project's own function (`heap_put(old)`, `uv__free(ptr)`, a pointer to `free` in a table)
// rather than `free` itself, and then `p = wrapper(p, n)` cannot leak.
//
// Read from the file's text, like noReturn.ts: a function defined here releases its parameter i
// when its body passes that parameter to a free (by name: `free`, `g_free`, `xmlFree`, a field
// `->local_free`, `munmap`) or to another releaser of this file (to a fixed point).
import { functionBodies } from '../../scan/regions';

/** A free by its name (the last name of a field chain): `free`, `xfree`, `sqlite3_free`, `ops->local_free`, `munmap`. */
export function isFreeName(name: string): boolean {
  const last = /([A-Za-z_]\w*)\s*$/.exec(name)?.[1] ?? name;
  return /free$/i.test(last) || last === 'munmap';
}

const HEAD = /([A-Za-z_]\w*)\s*\(([^()]*)\)\s*$/;
const KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof']);
// Bodies longer than this are functions that do much else: a free inside them is not "the" free.
const MAX_BODY = 1500;

/** The parameter names of a definition head (`void put (void *block, int n)` → block, n); K&R heads give none. */
function paramsOf(head: string): { name: string; params: string[] } | null {
  const m = HEAD.exec(head);
  if (!m || KEYWORDS.has(m[1]!)) return null;
  const params = m[2]!.split(',').map((p) => /([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*$/.exec(p.trim())?.[1] ?? '');
  return { name: m[1]!, params };
}

/** `(void *) p`, `(char *)(p)`, `(p)` → `p`. */
function bareArgument(a: string): string {
  let t = a.trim();
  for (let guard = 0; guard < 4; guard++) {
    const cast = /^\(\s*[\w\s*]+\)\s*(?=\S)/.exec(t);
    if (cast && t.length > cast[0].length && !/^\(\s*[A-Za-z_]\w*\s*\)$/.test(t)) t = t.slice(cast[0].length).trim();
    else if (/^\(.*\)$/.test(t)) t = t.slice(1, -1).trim();
    else break;
  }
  return t;
}

/** Calls in a body: the callee as written (`free`, `ops.put`, `g->free_fn`) and each argument without casts or parentheses. */
function callsIn(body: string): { callee: string; args: string[] }[] {
  const out: { callee: string; args: string[] }[] = [];
  // Never from inside a word: a try there fails as the one at the word's start did, after
  // backtracking through the rest of the word (2.3× the time over the dense bench corpus's files).
  for (const m of body.matchAll(/(?<![A-Za-z_])([A-Za-z_][\w]*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*)\s*\(/g)) {
    const callee = m[1]!.replace(/\s+/g, '');
    if (KEYWORDS.has(callee)) continue;
    const args: string[] = [];
    let depth = 0;
    let from = m.index! + m[0].length;
    let i = from;
    for (; i < body.length; i++) {
      const ch = body[i];
      if (ch === '(') depth++;
      else if (ch === ')') {
        if (depth-- === 0) break;
      } else if (ch === ',' && depth === 0) {
        args.push(body.slice(from, i));
        from = i + 1;
      } else if (ch === ';' || ch === '{') break;
    }
    if (i >= body.length || body[i] !== ')') continue;
    args.push(body.slice(from, i));
    // `(void *) p`, `(p)` → p
    out.push({ callee, args: args.map(bareArgument) });
  }
  return out;
}

/**
 * Where the head of the body opening at `open` starts: after the previous `;`, `}` or `{`, at
 * most 400 characters back. Looked for in those 400 only (lastIndexOf ran back through the whole
 * previous function when its last brace was far).
 */
function headStart(text: string, open: number): number {
  const limit = open - 400;
  for (let i = open - 1; i > limit && i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 59 /* ; */ || c === 125 /* } */ || c === 123 /* { */) return i + 1;
  }
  return Math.max(limit, -1) + 1;
}

/** Function name → the index of the parameter it frees, for the functions `text` defines. */
export function releasersOf(text: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!/free|munmap/.test(text)) return out;
  const bodies = functionBodies(text);
  if (!bodies) return out;
  const candidates: { name: string; params: string[]; body: string; calls?: ReturnType<typeof callsIn> }[] = [];
  for (const b of bodies) {
    if (b.end - b.start > MAX_BODY) continue;
    // The head: back from the `{` to the previous `;`, `}` or `{` (declarations before it end there).
    const open = b.start - 1;
    const from = headStart(text, open);
    const head = text.slice(from, open).replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
    const p = paramsOf(head.trim());
    if (p && p.params.some(Boolean)) candidates.push({ ...p, body: text.slice(b.start, b.end) });
  }
  // The argument a free takes its block in: munmap's first; a free of a context's allocator
  // (`env_free(env, p)`, `sqlite3DbFree(db, p)`) its last; a releaser of this file, its own.
  const blockArg = (callee: string, count: number): number => {
    const own = out.get(callee);
    if (own !== undefined) return own;
    if (!isFreeName(callee.replace(/->|\./g, ' '))) return -1;
    return /munmap$/.test(callee) ? 0 : count - 1;
  };
  for (let pass = 0; pass < 4; pass++) {
    let added = false;
    for (const c of candidates) {
      if (out.has(c.name)) continue;
      // A body that spells no free and no releaser found so far has no call blockArg accepts.
      if (!/free|munmap/i.test(c.body) && ![...out.keys()].some((n) => c.body.includes(n))) continue;
      // Read once: later passes look at the same calls for the releasers the last one found.
      for (const call of (c.calls ??= callsIn(c.body))) {
        if (call.callee === c.name) continue;
        const at = blockArg(call.callee, call.args.length);
        const arg = at >= 0 ? call.args[at] : undefined;
        const i = arg === undefined ? -1 : c.params.indexOf(arg);
        if (i >= 0) {
          out.set(c.name, i);
          added = true;
          break;
        }
      }
    }
    if (!added) break;
  }
  return out;
}
