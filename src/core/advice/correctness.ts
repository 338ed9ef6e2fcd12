// Correctness rules: mistakes at realloc/mremap call sites that the syntax shows, independent of
// the cost model (MODEL-FACTS.md §4 lists them with references). Each rule reads the site's
// evaluated sizes/flags and the syntax facts the analysis recorded (CallSite.facts), so it runs
// the same in the editor and in CLI workers' output, without the file's text.
//
// The aim is to be quiet where other linters are noisy: a `p = realloc(p, n)` through a wrapper
// that dies on failure, frees the old block or returns it (its contract, read from its body in
// src/core/analysis/c/failureContract.ts), after the old pointer was saved, with a failure path
// that ends the program, or into a parameter the function returns (its caller still holds the
// old block) is not a leak; an mremap NULL test next to a MAP_FAILED test is redundant, not wrong.
import type { CallSite, Finding, Severity } from '../types';
import { formatBytes } from '../model';

export const CORRECTNESS_RULES = {
  reallocLeakOnFailure: 'realloc-leak-on-failure',
  mremapNullCheck: 'mremap-null-check',
  mremapGrowWithoutMaymove: 'mremap-grow-without-maymove',
  mremapFixedWithoutMaymove: 'mremap-fixed-without-maymove',
  mremapDontunmapWithoutMaymove: 'mremap-dontunmap-without-maymove',
  mremapDontunmapSizeChange: 'mremap-dontunmap-size-change',
  reallocUncheckedMultiply: 'realloc-unchecked-multiply',
  reallocZeroSize: 'realloc-zero-size',
} as const;

/** Default severity of each correctness rule (AdviceOptions.ruleSeverity overrides). */
export const CORRECTNESS_SEVERITY: Record<string, Severity> = {
  'realloc-leak-on-failure': 'warning',
  'mremap-null-check': 'error',
  'mremap-grow-without-maymove': 'warning',
  'mremap-fixed-without-maymove': 'error',
  'mremap-dontunmap-without-maymove': 'error',
  'mremap-dontunmap-size-change': 'error',
  'realloc-unchecked-multiply': 'warning',
  'realloc-zero-size': 'warning',
};

function make(site: CallSite, rule: string, message: string): Finding {
  return { site, rule, severity: CORRECTNESS_SEVERITY[rule]!, message, estimate: null, alternative: null };
}

function bytesOf(v: CallSite['newSize']): number | null {
  const b = v?.bytes;
  return typeof b === 'number' && Number.isFinite(b) ? b : null;
}

function callWords(site: CallSite): string {
  return site.via.length ? `\`${site.name}\` (→ ${site.callee})` : `\`${site.name}\``;
}

/**
 * Wrappers that by convention never return failure (they exit): the gnulib/GNU x*alloc family
 * (`xrealloc`, `xnrealloc`, `x2nrealloc`, `xreallocarray`), GLib's `g_realloc`/`g_renew`, PHP's
 * and NetBSD's `erealloc`, `*_or_die`. Their definitions often end in a helper the analysis cannot
 * see dying (glibc's `error (EXIT_FAILURE, …)`), so the name decides when the body does not.
 */
const DIES_BY_NAME = /^(?:x\w*realloc\w*|xmremap|xrenew|g_realloc(?:_n)?|g_renew|erealloc\w*|\w+_or_die|\w+_nofail)$/;

/**
 * Functions (wrapper names) whose every resize handles its own failure: the old pointer was
 * saved, or the failure check frees it, or it is reallocf. A call through such a wrapper
 * (glibc's `w_addchar`: frees the buffer, returns NULL) does not leak at its caller either.
 * Built from the sites at hand: the whole project in a scan, the file in the editor.
 */
export function wrappersThatFree(sites: readonly CallSite[]): Set<string> {
  const verdict = new Map<string, boolean>();
  for (const s of sites) {
    const fn = s.enclosingFunction;
    if (!fn || s.kind === 'reference') continue;
    const ptr = s.facts?.args?.[0]?.text.trim();
    const body = s.facts?.nextCheck?.body.text ?? '';
    // Most sites have no check, or one that frees nothing: the regex (compiled on first use) is run only where it can match.
    const frees = !!ptr && /free|munmap/.test(body) && new RegExp(`\\b(?:free|munmap)\\s*\\(\\s*${ptr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[,)]`).test(body);
    const handled = s.callee === 'reallocf' || !!s.facts?.oldPointerSaved || frees;
    verdict.set(fn, (verdict.get(fn) ?? true) && handled);
  }
  return new Set([...verdict].filter(([, ok]) => ok).map(([name]) => name));
}

/** `f(p, …)`, or `f(…, p, …)` where the pointer is not the first argument (`env_realloc(env, p, n)`). */
function callShape(site: CallSite, lhs: string): string {
  const bare = (t: string) => t.replace(/[\s()]/g, '');
  const i = site.facts?.args?.findIndex((a) => bare(a.text) === bare(lhs)) ?? 0;
  return i > 0 ? `${site.name}(…, ${lhs}, …)` : `${site.name}(${lhs}, …)`;
}

/**
 * What the callee and the size show, before any syntax around the call is read, that rules out a
 * leak on failure. The call-site analysis asks it (siteFacts.ts) before walking the failure path,
 * whose facts only the leak rule reads: most resizes go through a wrapper that dies on failure.
 */
export function cannotLeakOnFailure(site: CallSite): boolean {
  if (site.diesOnFailure) return true;
  // The wrapper's own body says it dies, frees the old block, or hands the old pointer back.
  if (site.onFailure !== undefined && site.onFailure !== 'null') return true;
  if ([site.name, ...site.via].some((n) => DIES_BY_NAME.test(n))) return true;
  if (site.callee === 'reallocf') return true; // frees the old block itself on failure
  return site.newSize?.bytes === 0; // realloc(p, 0): realloc-zero-size says what happens
}

function leak(site: CallSite, freeing: ReadonlySet<string>): Finding | null {
  const lhs = site.assignedBackTo;
  if (site.kind === 'wrapper-call' && site.via[0] !== undefined && freeing.has(site.via[0])) return null;
  if (lhs === null || site.facts?.oldPointerSaved || site.facts?.assignedInWrapper) return null;
  if (cannotLeakOnFailure(site)) return null;
  // The failure path ends the program, or another pointer still holds the old block there.
  if (site.facts?.failureEnds || site.facts?.oldBlockHeldBy || site.facts?.oldBlockFreed) return null;
  if (site.facts?.nextCheck?.dies) return null; // `if (!p) abort();` right after: the program ends, nothing leaks
  if (site.callee === 'mremap') {
    return make(site, CORRECTNESS_RULES.reallocLeakOnFailure,
      `\`${lhs} = ${callShape(site, lhs)}\`: when ${callWords(site)} fails it returns MAP_FAILED and leaves the old mapping in place, but this overwrites \`${lhs}\`, the only pointer to it: the mapping leaks and \`${lhs}\` holds (void *)-1. Put the result in a temporary, check it against MAP_FAILED, then assign it (CWE-401).`);
  }
  if (site.kind === 'wrapper-call' && site.facts?.statement?.form === 'call') {
    // `GROW(p, n);`: the macro (or wrapper) stores the result back itself.
    const inner = site.via[1] ?? site.callee;
    return make(site, CORRECTNESS_RULES.reallocLeakOnFailure,
      `\`${callShape(site, lhs)}\` stores what \`${inner}\` returns back into \`${lhs}\`: when the resize fails that is NULL while the old block is kept, and \`${lhs}\` was the only pointer to it: the block leaks and \`${lhs}\` is NULL from here on. Resize into a temporary, check it, then assign it (CWE-401).`);
  }
  return make(site, CORRECTNESS_RULES.reallocLeakOnFailure,
    `\`${lhs} = ${callShape(site, lhs)}\`: when ${callWords(site)} fails it returns NULL and keeps the old block, but this overwrites \`${lhs}\`, the only pointer to it: the block leaks and \`${lhs}\` is NULL from here on. Put the result in a temporary, check it, then assign it (CWE-401; clang-tidy bugprone-suspicious-realloc-usage).`);
}

function mremapRules(site: CallSite): Finding[] {
  const out: Finding[] = [];
  const facts = site.facts;
  if (site.kind === 'direct-call' && facts?.nullChecks?.length && !facts.checksMapFailed) {
    const c = facts.nullChecks[0]!;
    out.push(make(site, CORRECTNESS_RULES.mremapNullCheck,
      `The result of \`mremap\` is tested with \`${c.text.trim()}\` (line ${c.range.start.line}), but mremap reports failure with MAP_FAILED ((void *)-1), never NULL: the test never catches a failure, and MAP_FAILED is then used as an address. Compare with MAP_FAILED instead (CERT POS54-C).`));
  }
  const flags = site.flags;
  if (flags === null) return out; // flags not recoverable: say nothing about them
  const maymove = flags.includes('MREMAP_MAYMOVE');
  const fixed = flags.includes('MREMAP_FIXED');
  const dontunmap = flags.includes('MREMAP_DONTUNMAP');
  const oldB = bytesOf(site.oldSize);
  const newB = bytesOf(site.newSize);
  if (fixed && !maymove) {
    out.push(make(site, CORRECTNESS_RULES.mremapFixedWithoutMaymove,
      `${callWords(site)} passes MREMAP_FIXED without MREMAP_MAYMOVE: the kernel rejects that combination with EINVAL (check_mremap_params in mm/mremap.c), so this call always fails. Pass MREMAP_MAYMOVE | MREMAP_FIXED.`));
  }
  if (dontunmap && !maymove) {
    out.push(make(site, CORRECTNESS_RULES.mremapDontunmapWithoutMaymove,
      `${callWords(site)} passes MREMAP_DONTUNMAP without MREMAP_MAYMOVE: the kernel rejects that with EINVAL (check_mremap_params in mm/mremap.c), so this call always fails. Pass MREMAP_MAYMOVE | MREMAP_DONTUNMAP.`));
  }
  if (dontunmap && oldB !== null && newB !== null && oldB !== newB) {
    out.push(make(site, CORRECTNESS_RULES.mremapDontunmapSizeChange,
      `${callWords(site)} passes MREMAP_DONTUNMAP with old size ${formatBytes(oldB)} and new size ${formatBytes(newB)}: MREMAP_DONTUNMAP only moves a mapping at its own size, and the kernel returns EINVAL when the sizes differ (check_mremap_params in mm/mremap.c). Move at the same size, then resize with a second mremap.`));
  }
  if (!maymove && !fixed && !dontunmap) {
    const grows = oldB !== null && newB !== null ? newB > oldB : oldB === null && newB === null && site.growth !== null;
    if (grows) {
      const what = oldB !== null && newB !== null ? ` (${formatBytes(oldB)} → ${formatBytes(newB)})` : '';
      out.push(make(site, CORRECTNESS_RULES.mremapGrowWithoutMaymove,
        `${callWords(site)} grows the mapping${what} without MREMAP_MAYMOVE: that succeeds only when the addresses right after the mapping are free, which with top-down mmap placement is rarely so, and it fails with ENOMEM in practice even when small tests pass. Add MREMAP_MAYMOVE and use the returned address (pointers into the old range then become stale).`));
    }
  }
  return out;
}

function reallocRules(site: CallSite): Finding[] {
  const out: Finding[] = [];
  const m = site.facts?.uncheckedMultiply;
  if (m) {
    // `sizeof (T) * n`: the element size is the divisor (never 0) and reallocarray's size argument.
    const swap = /^\(*\s*sizeof\b/.test(m.left.trim()) && !/^\(*\s*sizeof\b/.test(m.right.trim());
    const [count, each] = swap ? [m.right, m.left] : [m.left, m.right];
    out.push(make(site, CORRECTNESS_RULES.reallocUncheckedMultiply,
      `The size \`${m.left} * ${m.right}\` of ${callWords(site)} is a multiplication nothing checks for overflow: if it wraps, the block is smaller than the code will write (heap overflow; CERT INT30-C, MEM35-C, CWE-190). Use reallocarray(ptr, ${count}, ${each}), which fails with ENOMEM instead of wrapping (glibc ≥ 2.26, musl, the BSDs), or check \`${count} > SIZE_MAX / ${each}\` first.`));
  }
  if (site.newSize?.bytes === 0) {
    out.push(make(site, CORRECTNESS_RULES.reallocZeroSize,
      `${callWords(site)} with size 0: implementation-defined up to C17 and undefined in C23. glibc frees the block and returns NULL, musl and mimalloc return a new block, so code that treats NULL as failure and frees the pointer again double-frees on glibc (CERT MEM04-C). Call free() and set the pointer to NULL when the size is zero.`));
  }
  return out;
}

/**
 * Correctness findings for one call site (none for references). `freeing`: wrappers that free the
 * old block on failure (wrappersThatFree of all the sites at hand).
 */
export function correctnessFindings(site: CallSite, freeing: ReadonlySet<string> = new Set()): Finding[] {
  if (site.kind === 'reference') return [];
  const out: Finding[] = [];
  const l = leak(site, freeing);
  if (l) out.push(l);
  out.push(...(site.callee === 'mremap' ? mremapRules(site) : reallocRules(site)));
  return out;
}
