// The preprocessor conditions a node sits under, as readable text, outermost first.
// tree-sitter-c nests a chain `#if A … #elif B … #else … #endif` as
// preproc_if(A, body, alternative: preproc_elif(B, body, alternative: preproc_else(body))), so a
// node in the #else branch has the #elif and #if as ancestors although it is in neither body; the
// walk below checks which field it came up through so it reports only the branch it is in.
import type { Node } from 'web-tree-sitter';

const CONDITIONAL = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_elifdef']);

const squash = (s: string) => s.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();

/** `#if X`, `#ifdef X`, `#ifndef X`, `#elif X`, … as written (directive + condition). */
function header(n: Node): string {
  const directive = n.child(0)?.text.replace(/\s+/g, '') ?? '#if';
  const cond = n.childForFieldName('condition') ?? n.childForFieldName('name');
  return cond ? `${directive} ${squash(cond.text)}` : directive;
}

/** The branches of the chain before `branch` (an #elif/#else), outermost #if first. */
function earlierBranches(branch: Node): string[] {
  const out: string[] = [];
  let cur = branch;
  for (let p = branch.parent; p && CONDITIONAL.has(p.type); p = p.parent) {
    const alt = p.childForFieldName('alternative');
    if (!alt || alt.id !== cur.id) break;
    out.unshift(header(p));
    cur = p;
  }
  return out;
}

/**
 * Conditions for `node`, outermost first: `#if HAVE_MREMAP`, `#ifndef NO_MMAP`,
 * `#elif defined(__APPLE__) (not: #if __linux__)`, `#else (not: #if HAVE_MREMAP)`.
 * Branches after #elif/#else name the earlier conditions they exclude, since the bare `#else`
 * would say nothing.
 */
export function conditionsOf(node: Node): string[] {
  const out: string[] = [];
  let cur = node;
  for (let p = node.parent; p; cur = p, p = p.parent) {
    if (CONDITIONAL.has(p.type)) {
      const alt = p.childForFieldName('alternative');
      if (alt && alt.id === cur.id) continue; // in a later branch, described when we left it
      const cond = p.childForFieldName('condition') ?? p.childForFieldName('name');
      if (cond && cond.id === cur.id) continue; // the condition itself is not inside the branch
      if (p.type === 'preproc_elif' || p.type === 'preproc_elifdef') {
        out.push(`${header(p)} (not: ${earlierBranches(p).join(', ')})`);
      } else {
        out.push(header(p));
      }
    } else if (p.type === 'preproc_else') {
      out.push(`#else (not: ${earlierBranches(p).join(', ')})`);
    }
  }
  return out.reverse();
}
