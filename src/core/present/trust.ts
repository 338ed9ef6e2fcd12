// Whether the benchmark commands may run: they compile and run a program, which needs a host
// that can (not VS Code for the Web) and a trusted workspace (Restricted Mode forbids it).
export function benchBlockedReason(platformReason: string | null, isTrusted: boolean): string | null {
  if (platformReason) return platformReason;
  if (!isTrusted) {
    return 'Benchmarks compile and run a C program, which Restricted Mode does not allow. Trust this ' +
      'workspace (Manage Workspace Trust) to run them; analysis, hints and hovers keep working meanwhile.';
  }
  return null;
}
