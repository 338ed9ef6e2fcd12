// Minimal POSIX path arithmetic for include resolution, so src/core needs no Node APIs.
// Paths handed to the scan use '/' separators (the CLI converts on Windows).

export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return path.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return normalizePath(rel);
  return normalizePath(dir === '' ? rel : `${dir}/${rel}`);
}

export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** `#include "x.h"` targets as written (quoted includes only; `<...>` are system headers). */
const includeRe = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;

export function quotedIncludes(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(includeRe)) out.push(m[1]!);
  return out;
}


/** `#include <dir/x.h>`: a path with a directory, which a project including itself this way (`-Iinclude`) may hold. */
const angleIncludeRe = /^[ \t]*#[ \t]*include[ \t]*<([^>\n]+\/[^>\n]+)>/gm;

/**
 * The includes a scan follows into the project: the quoted ones as written, and the `<dir/x.h>`
 * ones marked with a leading `<` (looked for under each root and its `include/`, never beside
 * the file: `<stdio.h>` and other system headers without a directory are left alone).
 */
export function projectIncludes(text: string): string[] {
  const out = quotedIncludes(text);
  for (const m of text.matchAll(angleIncludeRe)) out.push(`<${m[1]!.trim()}`);
  return out;
}
