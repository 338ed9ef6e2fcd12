// `pagecost.exclude` globs (VS Code's glob syntax: `*`, `**`, `?`, `{a,b}`, `[abc]`) as one test
// on folder-relative paths, for listings made without VS Code's matcher (the index's listing
// worker, the web listing). A pattern matches the whole relative path: `vendor/**` drops
// `vendor/x.c`, `**/vendor/**` drops a vendor folder at any depth.
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` anything.
        if (glob[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map((alt) => globToRegExp(alt).source.slice(1, -1)).join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A test for folder-relative paths ('/' separators) that any of `globs` excludes. */
export function globMatcher(globs: readonly string[]): (relPath: string) => boolean {
  if (!globs.length) return () => false;
  const res = globs.map((g) => globToRegExp(g.replace(/^\.\//, '')));
  return (rel) => res.some((re) => re.test(rel));
}
