// Token-level macro expansion, close to what a C preprocessor does for object-like and
// function-like macros: arguments are expanded before substitution, the result is rescanned
// with the macro's own name disabled. A name met again while it is being expanded is marked
// as a cycle instead of looping. `#` and `##` are not supported (the result is "unknown").
// Expansion is bounded by depth and by a token budget so pathological headers cannot stall a scan.
import type { MacroDef } from './symbols';
import { tokenize, type Token } from './tokens';

export interface ExpandLimits {
  maxDepth: number;
  maxTokens: number;
}

export const defaultExpandLimits: ExpandLimits = { maxDepth: 64, maxTokens: 20000 };

/** Expansion stopped: the reason goes into the evaluation note. */
export class ExpandError extends Error {}

export type MacroLookup = (name: string) => MacroDef | undefined;

interface State {
  lookup: MacroLookup;
  limits: ExpandLimits;
  produced: number;
  bodies: Map<MacroDef, Token[]>;
}

function bodyTokens(def: MacroDef, st: State): Token[] {
  let toks = st.bodies.get(def);
  if (!toks) {
    toks = tokenize(def.body);
    st.bodies.set(def, toks);
  }
  return toks;
}

/** The arguments of a call whose `(` is at `open`, split at top-level commas; null if unbalanced. */
export function splitArgs(toks: Token[], open: number): { args: Token[][]; close: number } | null {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        if (depth === 0) {
          if (t.text !== ')') return null;
          return { args, close: i };
        }
        depth--;
      } else if (t.text === ',' && depth === 0) {
        args.push([]);
        continue;
      }
    }
    args[args.length - 1]!.push(t);
  }
  return null;
}

function where(def: MacroDef): string {
  return `${def.file}:${def.line}`;
}

/**
 * Expands the macro invocation starting at `toks[i]` (an identifier naming a macro).
 * Returns the replacement and the index after the invocation, or null when `toks[i]` is a
 * function-like macro name not followed by `(` (then it is an ordinary identifier).
 */
function expandOne(toks: Token[], i: number, def: MacroDef, active: string[], depth: number, st: State) {
  const name = toks[i]!.text;
  const inner = [...active, name];
  if (def.params === null) {
    return { out: expandList(bodyTokens(def, st), inner, depth + 1, st), next: i + 1 };
  }
  const open = toks[i + 1];
  if (!open || open.kind !== 'punct' || open.text !== '(') return null;
  const split = splitArgs(toks, i + 1);
  if (!split) throw new ExpandError(`call of macro \`${name}\` has unbalanced parentheses`);
  let args = split.args;
  const nParams = def.params.length;
  if (args.length === 1 && args[0]!.length === 0 && nParams === 0) args = [];
  if (def.variadic) {
    if (args.length < nParams) {
      throw new ExpandError(`macro \`${name}\` (${where(def)}) takes at least ${nParams} arguments, got ${args.length}`);
    }
  } else if (args.length !== nParams) {
    throw new ExpandError(`macro \`${name}\` (${where(def)}) takes ${nParams} arguments, got ${args.length}`);
  }
  const expandedArgs = new Map<string, Token[]>();
  const rawArg = (p: string): Token[] | undefined => {
    const k = def.params!.indexOf(p);
    if (k >= 0) return args[k];
    if (def.variadic && p === '__VA_ARGS__') {
      const rest = args.slice(nParams);
      const joined: Token[] = [];
      rest.forEach((a, j) => {
        if (j > 0) joined.push({ kind: 'punct', text: ',' });
        joined.push(...a);
      });
      return joined;
    }
    return undefined;
  };
  const body = bodyTokens(def, st);
  const substituted: Token[] = [];
  for (const t of body) {
    if (t.kind === 'punct' && (t.text === '#' || t.text === '##')) {
      throw new ExpandError(`macro \`${name}\` (${where(def)}) uses \`${t.text}\`, which the evaluator does not support`);
    }
    if (t.kind === 'id') {
      let ex = expandedArgs.get(t.text);
      if (!ex) {
        const raw = rawArg(t.text);
        if (raw) {
          ex = expandList(raw, active, depth + 1, st);
          expandedArgs.set(t.text, ex);
        }
      }
      if (ex) {
        substituted.push(...ex);
        continue;
      }
    }
    substituted.push(t);
  }
  return { out: expandList(substituted, inner, depth + 1, st), next: split.close + 1 };
}

function expandList(toks: Token[], active: string[], depth: number, st: State): Token[] {
  if (depth > st.limits.maxDepth) {
    throw new ExpandError(`macro expansion deeper than ${st.limits.maxDepth} levels (${active.slice(0, 4).join(' → ')} → ...)`);
  }
  const out: Token[] = [];
  for (let i = 0; i < toks.length; ) {
    const t = toks[i]!;
    if (t.kind !== 'id' || t.noExpand) {
      out.push(t);
      i++;
      continue;
    }
    if (active.includes(t.text)) {
      out.push({ ...t, noExpand: true, cycle: [...active.slice(active.indexOf(t.text)), t.text] });
      i++;
      continue;
    }
    const def = st.lookup(t.text);
    const r = def ? expandOne(toks, i, def, active, depth, st) : null;
    if (!r) {
      out.push(t);
      i++;
      continue;
    }
    st.produced += r.out.length;
    if (st.produced > st.limits.maxTokens) {
      throw new ExpandError(`macro expansion produced more than ${st.limits.maxTokens} tokens`);
    }
    out.push(...r.out);
    i = r.next;
  }
  return out;
}

export interface Expander {
  /** Fully expands a token list. Throws ExpandError when a limit is hit or a macro cannot be expanded. */
  expand(toks: Token[]): Token[];
  /**
   * Expands only the macro invocation at `toks[i]`; null when `toks[i]` is not a macro
   * invocation. Used to evaluate top-level macros on their own, for the note.
   */
  expandAt(toks: Token[], i: number): { out: Token[]; next: number; def: MacroDef } | null;
}

export function createExpander(lookup: MacroLookup, limits: ExpandLimits = defaultExpandLimits): Expander {
  const st: State = { lookup, limits, produced: 0, bodies: new Map() };
  return {
    expand: (toks) => expandList(toks, [], 0, st),
    expandAt(toks, i) {
      const t = toks[i];
      if (!t || t.kind !== 'id' || t.noExpand) return null;
      const def = lookup(t.text);
      if (!def) return null;
      const r = expandOne(toks, i, def, [], 0, st);
      return r ? { ...r, def } : null;
    },
  };
}
