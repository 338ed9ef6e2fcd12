// Where a call's inlay hint goes: after the end of the statement or full expression the call is
// part of — never in the middle of an expression, never inside a condition. `if ((p =
// lp_realloc(lp, n)) == NULL) return NULL;` gets its hint after the condition's `)`, `p =
// realloc(p, n);` after the `;`, a call in an argument list after its statement's `;`.
import type { Node } from 'web-tree-sitter';
import { parentOf, typeOf } from './ancestry';

/** Statements whose end is where a hint for a call inside them goes. */
const STATEMENTS = new Set(['expression_statement', 'declaration', 'return_statement', 'field_declaration', 'goto_statement']);
/** Statements whose condition (a parenthesized expression) ends where a hint for a call in it goes. */
const CONDITIONED = new Set(['if_statement', 'while_statement', 'switch_statement', 'do_statement']);
/** Where climbing stops: the call is not inside a statement we know (a macro used as a statement, broken code). */
const CONTAINERS = new Set(['compound_statement', 'translation_unit', 'case_statement', 'labeled_statement', 'else_clause', 'function_definition', 'ERROR']);

/** The span (first and last node) whose end the call's hint follows. */
export function hintAnchor(call: Node): { start: Node; end: Node } {
  let n = call;
  for (let p = parentOf(n); p; n = p, p = parentOf(p)) {
    const type = typeOf(p);
    if (STATEMENTS.has(type)) return { start: p, end: p };
    // The condition itself, or the body statement (a call there was met as a statement first).
    if (CONDITIONED.has(type)) return { start: n, end: n };
    if (type === 'for_statement') {
      if (p.childForFieldName('body')?.id === n.id) return { start: n, end: n };
      // In the `for (…; …; …)` header: after its closing parenthesis.
      const close = p.children.find((c) => c?.type === ')');
      return close ? { start: p, end: close } : { start: n, end: n };
    }
    if (CONTAINERS.has(type) || type.startsWith('preproc_')) return { start: n, end: n };
  }
  return { start: n, end: n };
}
