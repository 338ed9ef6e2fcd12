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

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Function name → the index of the parameter it frees, for the functions `text` defines. */
export function releasersOf(text: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!/free|munmap/.test(text)) return out;
  const bodies = functionBodies(text);
  if (!bodies) return out;
  const candidates: { name: string; params: string[]; body: string }[] = [];
  for (const b of bodies) {
    if (b.end - b.start > MAX_BODY) continue;
    // The head: back from the `{` to the previous `;`, `}` or `{` (declarations before it end there).
    const open = b.start - 1;
    const from = Math.max(text.lastIndexOf(';', open - 1), text.lastIndexOf('}', open - 1), text.lastIndexOf('{', open - 1), open - 400) + 1;
    const head = text.slice(from, open).replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
    const p = paramsOf(head.trim());
    if (p && p.params.some(Boolean)) candidates.push({ ...p, body: text.slice(b.start, b.end) });
  }
  const frees = (callee: string) => isFreeName(callee) || out.has(callee);
  for (let pass = 0; pass < 4; pass++) {
    let added = false;
    for (const c of candidates) {
      if (out.has(c.name)) continue;
      for (let i = 0; i < c.params.length; i++) {
        const p = c.params[i];
        if (!p) continue;
        // `free(p)`, `free((void *)p)`, `ops.put(p)`, `g->free_fn(ud, p, 0)` is not matched (p is not first).
        const call = new RegExp(String.raw`([A-Za-z_][\w.>-]*)\s*\(\s*(?:\(\s*[\w\s*]+\)\s*)?${escapeRe(p)}\s*[,)]`, 'g');
        if ([...c.body.matchAll(call)].some((m) => frees(m[1]!.replace(/->|\./g, ' ')) && m[1] !== c.name)) {
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
