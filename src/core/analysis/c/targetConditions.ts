// Decides `#if` conditions that depend only on the target platform (Linux on x86-64 for LP64,
// on i386 for ILP32: the platforms mremap exists on and the layouts model), so a macro defined
// per platform (`#ifdef __APPLE__ ... #else ... #endif`) has one value. A condition that names
// anything else (a build option like DEBUG, a version macro) is undecidable: null.
import { ParseError, parseExpression } from './constExpr';
import { Evaluator } from './exprEval';
import type { DataModel } from './layout';
import { tokenize, type Token } from './tokens';

const ALWAYS = ['__linux__', '__linux', 'linux', '__unix__', '__unix', 'unix', '__gnu_linux__', '__ELF__', '__STDC__'];
const NEVER = [
  '__APPLE__', '__MACH__', '_WIN32', '_WIN64', '__WIN32__', '__CYGWIN__', '__MINGW32__', '_MSC_VER',
  '__FreeBSD__', '__OpenBSD__', '__NetBSD__', '__DragonFly__', '__sun', '__sun__', '__HAIKU__', '__EMSCRIPTEN__',
  '__aarch64__', '__arm__', '__powerpc__', '__powerpc64__', '__ppc64__', '__mips__', '__riscv', '__s390x__', '__sparc__',
];

/** Predefined macros of the target: their value, or null for "not defined". */
function predefined(model: DataModel): Map<string, bigint | null> {
  const m = new Map<string, bigint | null>();
  for (const n of ALWAYS) m.set(n, 1n);
  for (const n of NEVER) m.set(n, null);
  const lp = model === 'lp64';
  for (const n of ['__LP64__', '_LP64', '__x86_64__', '__x86_64', '__amd64__', '__amd64']) m.set(n, lp ? 1n : null);
  for (const n of ['__i386__', '__i386', 'i386', '__ILP32__', '_ILP32']) m.set(n, lp ? null : 1n);
  const word = lp ? 8n : 4n;
  m.set('__SIZEOF_POINTER__', word);
  m.set('__SIZEOF_LONG__', word);
  m.set('__SIZEOF_SIZE_T__', word);
  m.set('__SIZEOF_INT__', 4n);
  m.set('__SIZEOF_LONG_LONG__', 8n);
  m.set('__WORDSIZE', word * 8n);
  m.set('__CHAR_BIT__', 8n);
  return m;
}

const cache = new Map<DataModel, Map<string, bigint | null>>();

/** true / false when the target decides `cond` (C preprocessor text), null when it does not. */
export function decideCondition(cond: string, model: DataModel): boolean | null {
  let table = cache.get(model);
  if (!table) cache.set(model, (table = predefined(model)));
  const toks = tokenize(cond);
  const out: Token[] = [];
  const num = (v: bigint): Token => ({ kind: 'num', text: String(v) });
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'id') {
      out.push(t);
      continue;
    }
    if (t.text === 'defined') {
      const paren = toks[i + 1]?.text === '(';
      const name = toks[i + (paren ? 2 : 1)];
      if (!name || name.kind !== 'id' || !table.has(name.text)) return null;
      if (paren && toks[i + 3]?.text !== ')') return null;
      out.push(num(table.get(name.text) === null ? 0n : 1n));
      i += paren ? 3 : 1;
      continue;
    }
    if (!table.has(t.text)) return null;
    out.push(num(table.get(t.text) ?? 0n)); // an undefined name is 0 in #if
  }
  try {
    const ev = new Evaluator({
      model,
      pageSize: 4096,
      facts: [],
      resolveTypedef: () => undefined,
      resolveTag: () => undefined,
      evalLen: () => ({ ok: false, why: 'not in #if' }),
      lookupEnum: () => undefined,
      lookupVar: () => undefined,
    });
    const r = ev.value(parseExpression(out, () => false));
    return r.ok ? r.v !== 0n : null;
  } catch (e) {
    if (e instanceof ParseError) return null;
    throw e;
  }
}

/** Whether all of `conds` hold on the target: true, false (one fails), or null (undecided). */
export function decideAll(conds: readonly string[] | undefined, model: DataModel): boolean | null {
  if (!conds || conds.length === 0) return true;
  let all: boolean | null = true;
  for (const c of conds) {
    const d = decideCondition(c, model);
    if (d === false) return false;
    if (d === null) all = null;
  }
  return all;
}
