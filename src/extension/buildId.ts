// Which build of the extension is running: scripts/build.mjs defines __PAGECOST_BUILD_ID__ in the
// extension bundles. Unbundled (unit tests) there is none, and "source" stands for it.
declare const __PAGECOST_BUILD_ID__: string | undefined;

export function buildId(): string {
  return typeof __PAGECOST_BUILD_ID__ === 'string' ? __PAGECOST_BUILD_ID__ : 'source';
}
