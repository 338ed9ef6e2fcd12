// Why the panel cannot measure here, in one sentence that also says what would turn measuring
// on. The panel still opens and draws the model. Pure.

export type BlockedCause = 'untrusted' | 'web' | 'not-linux' | 'no-compiler';

export function blockedSentence(cause: Exclude<BlockedCause, 'not-linux'>): string {
  switch (cause) {
    case 'untrusted':
      return 'Measuring is off in Restricted Mode, because benchmarks compile and run a program: trust this workspace (Manage Workspace Trust) to turn it on.';
    case 'web':
      return 'Measuring is off in VS Code for the Web, which cannot run programs on your machine: open this folder in desktop VS Code, a remote window or code-server to turn it on.';
    case 'no-compiler':
      return noCompilerSentence();
  }
}

export function noCompilerSentence(): string {
  return 'Measuring C calls is off because no C compiler was found: install gcc or clang (or set pagecost.bench.compilerPath) to turn it on; the JS measurements still run.';
}

/** The cause behind (on another system than Linux the platform's own sentence says why) the platform's and the workspace's answers, first that applies. */
export function blockedCause(platformKind: 'node' | 'web', platformReason: string | null, trusted: boolean): BlockedCause | null {
  if (platformKind === 'web') return 'web';
  if (platformReason) return 'not-linux';
  if (!trusted) return 'untrusted';
  return null;
}
