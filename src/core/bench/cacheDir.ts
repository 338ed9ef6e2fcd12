// Where pagecost keeps what it makes per machine (compiled harnesses, probes, calibrations, the
// CLI's code cache): its own module, so the command's entry can ask without loading the runner.

/** The default cache folder: $XDG_CACHE_HOME/pagecost, else ~/.cache/pagecost. */
export function defaultCacheDir(host: { env: Record<string, string | undefined>; homedir(): string; join(...parts: string[]): string }): string {
  const xdg = host.env.XDG_CACHE_HOME;
  if (xdg && xdg.startsWith('/')) return host.join(xdg, 'pagecost');
  return host.join(host.homedir(), '.cache', 'pagecost');
}
