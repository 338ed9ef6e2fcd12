// What a CLI subcommand may touch: its output streams and the working directory. Tests pass
// in-memory streams; main.ts passes the process's own.
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** True when stderr is a terminal (progress lines are drawn only then, or on long scans). */
  stderrIsTTY: boolean;
}

/** A subcommand: parses its own argv (after the subcommand name) and returns the exit code. */
export type Subcommand = (argv: string[], io: CliIO) => Promise<number>;

const usageErrorBrand = Symbol.for('pagecost.UsageError');

/** Thrown for bad command lines; main.ts prints the message and the usage, exit code 2. */
export class UsageError extends Error {
  // Each subcommand is its own bundle with its own copy of this class, so main.ts recognises the
  // error by this brand rather than by `instanceof`.
  readonly [usageErrorBrand] = true;
}

export function isUsageError(e: unknown): e is UsageError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[usageErrorBrand] === true;
}
