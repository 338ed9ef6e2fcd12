// Builds the recording library (preload.c) on the user's machine with the benchmark harness's
// compiler discovery and cache (src/core/bench/runner.ts): once per source, compiler and flags.
// A program linked against musl gets a library built with musl-gcc: a library built for glibc
// cannot be loaded into it.
import { BenchError, defaultCacheDir, ensureBuilt, findOnPath, resolveCompiler, type BenchHost, type BuildSpec, type BuiltHarness } from '../bench/runner';

export const PRELOAD_CFLAGS: readonly string[] = ['-std=gnu11', '-shared', '-fPIC', '-O2', '-fno-omit-frame-pointer', '-pthread', '-Wall', '-Wextra'];

const PRELOAD_BUILD: BuildSpec = {
  stem: 'record-preload',
  flags: PRELOAD_CFLAGS,
  // musl-gcc's spec file drops --eh-frame-hdr, which the unwinder needs to find our own frames.
  libs: ['-ldl', '-Wl,--eh-frame-hdr'],
  what: 'the recording library',
  needs: 'The recording library needs a C11 compiler for Linux that builds shared libraries (gcc or clang)',
  output: 'library',
};

/** Reads the library source the host ships (dist/record-preload.c or src/core/record/preload.c). */
export async function loadPreloadSource(host: BenchHost, candidates: string[]): Promise<string> {
  for (const p of candidates) {
    if (await host.exists(p)) return host.readText(p);
  }
  throw new BenchError(
    'cache',
    `The recording library's source is missing (looked in ${candidates.join(', ')}). The installation ` +
      'is incomplete: reinstall pagecost, or run `npm run build` in a checkout.',
  );
}

export async function buildPreload(
  host: BenchHost,
  opts: { sourcePaths: string[]; libc: 'glibc' | 'musl'; cc?: string; cacheDir?: string },
): Promise<BuiltHarness> {
  const source = await loadPreloadSource(host, opts.sourcePaths);
  let explicit = opts.cc;
  if (opts.libc === 'musl' && !explicit) {
    explicit = (await findOnPath(host, 'musl-gcc')) ?? undefined;
    if (!explicit) {
      throw new BenchError(
        'no-compiler',
        'The program is linked against musl, so the recording library must be built for musl too, ' +
          'and musl-gcc is not on PATH. Install it (Debian/Ubuntu: `sudo apt-get install musl-tools`) or pass a musl compiler with --cc PATH.',
      );
    }
  }
  const compiler = await resolveCompiler(host, explicit);
  return ensureBuilt(host, { source, compiler, cacheDir: opts.cacheDir ?? defaultCacheDir(host), spec: PRELOAD_BUILD });
}
