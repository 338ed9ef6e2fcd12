// A small, strict command-line parser: every flag is declared, unknown ones are a UsageError
// (one line + usage, exit 2), values are checked here so later code can trust them.
import { UsageError } from './io';

export interface FlagSpec {
  /** 'boolean' flags take no value; others take the next argument or `--flag=value`. */
  type: 'boolean' | 'string' | 'int' | 'bytes';
  /** Allowed values for string flags. */
  choices?: readonly string[];
  min?: number;
  alias?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | number | boolean>;
}

export function parseArgs(argv: string[], specs: Record<string, FlagSpec>, command: string): ParsedArgs {
  const aliases = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.alias) aliases.set(spec.alias, name);
  const positionals: string[] = [];
  const flags = new Map<string, string | number | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : aliases.get(arg.slice(1)) ?? `\0${arg}`;
    const spec = specs[rawName];
    if (!spec) throw new UsageError(`${command}: unknown option '${eq < 0 ? arg : arg.slice(0, eq)}'`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`${command}: option '--${rawName}' takes no value`);
      flags.set(rawName, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`${command}: option '--${rawName}' needs a value`);
    }
    flags.set(rawName, convert(rawName, value, spec, command));
  }
  return { positionals, flags };
}

function convert(name: string, value: string, spec: FlagSpec, command: string): string | number {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`${command}: --${name} must be one of ${spec.choices.join(', ')} (got '${value}')`);
    }
    return value;
  }
  const n = spec.type === 'bytes' ? parseBytes(value) : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < (spec.min ?? 0)) {
    const what = spec.type === 'bytes' ? 'a size in bytes (e.g. 4096, 64K, 2M)' : `a whole number${spec.min ? ` of at least ${spec.min}` : ''}`;
    throw new UsageError(`${command}: --${name} must be ${what} (got '${value}')`);
  }
  return n;
}

/** "2M", "64KiB", "4096" → bytes (binary multiples). NaN when not a size. */
export function parseBytes(text: string): number {
  const m = /^(\d+)\s*([kmg]?)(i?b)?$/i.exec(text.trim());
  if (!m) return NaN;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}
