// The command line a user types for *pagecost: Record a run…*, split into the argument array the
// program is started with. There is no shell in between (house rule: no shell strings), so what
// only a shell would do — pipes, redirections, variables, `&&`, globs — is refused with the reason
// rather than passed on as literal arguments the program would not expect.

export type SplitResult = { argv: string[] } | { error: string };

const SHELL_ONLY = /[|&;<>`$*?(){}]/;

/**
 * Splits like a POSIX shell's word splitting with quotes: 'single' (literal), "double" (backslash
 * escapes \" \\ \$ \`), and backslash outside quotes. Unquoted shell operators are an error.
 */
export function splitCommandLine(text: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: 'a quote (\') is not closed' };
      word += text.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n && '"\\$`'.includes(text[i + 1]!)) {
          word += text[i + 1];
          i += 2;
        } else if (text[i] === '$' || text[i] === '`') {
          return { error: 'variables and command substitution ($, `) need a shell: put the command in a script and record the script' };
        } else word += text[i++];
      }
      if (i >= n) return { error: 'a quote (") is not closed' };
      i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= n) return { error: 'the line ends with a backslash' };
      word += text[i + 1];
      i += 2;
      continue;
    }
    if (SHELL_ONLY.test(c)) {
      return { error: `"${c}" needs a shell (pipes, redirections, variables, globs, command lists): the program is started without one. Put the command in a script and record the script, or quote the character` };
    }
    word += c;
    i++;
  }
  if (inWord) argv.push(word);
  if (!argv.length) return { error: 'the command line is empty' };
  return { argv };
}

/** An argument array shown as a line the user can read (and split back the same way). */
export function joinCommandLine(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}
