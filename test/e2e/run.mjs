// What this tier-3 run is about, decided by scripts/test-e2e.mjs before the suite loads: which
// extension (real or probe) from which VSIX, which sessions, the setup paths. One object shared by
// main.mjs, session.mjs and the feature files (the same module instance in one process).
export const run = {
  /** 'real' (pagecost.vsix) or 'probe' (test/e2e/probe). */
  extension: 'real',
  /** The extension's expectations (expectations.mjs EXPECT[extension]). */
  expect: null,
  vsix: null,
  /** e2ePaths() of scripts/e2e-setup.mjs, and the cache folder it set up. */
  setup: null,
  cacheDir: null,
  /** The run's temporary folder: one subfolder per session. */
  tmp: null,
  /** EXTENSIONS_GALLERY pointing at a closed loopback port. */
  gallery: null,
  /** 'trusted' and/or 'restricted'. */
  sessions: ['trusted', 'restricted'],
  /** Feature names to run (null: all), from --only. */
  only: null,
  /** Stops code-server and Chromium; run by the runner on every exit path (watchdog, Ctrl-C). */
  cleanups: [],
  log: (msg) => console.log(`e2e: ${msg}`),
};
