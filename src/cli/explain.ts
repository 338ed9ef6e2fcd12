// `pagecost explain`: what one operation costs on a machine profile, where the time goes, what
// the alternative costs, and the size at which moving pages starts beating copying.
//   pagecost explain --op mremap-move --bytes 4096 [--threads 4] [--profile FILE|NAME] [--json]
import { UsageError, type Subcommand } from './io';
import { cliProfile } from './probe';
import {
  ALLOCATORS, ALTERNATIVE, GLIBC_MMAP_THRESHOLD_MAX, MAX_BYTES, MODEL_VERSION, ModelInputError, OP_DOCS, OP_NAMES, PROFILE_NAMES,
  crossoverFor, crossoverSentence, describeEstimate, estimateNamed, isOpName,
  type Alignment, type Allocator, type Crossover, type OpName, type Profile, type ScenarioOptions,
} from '../core/model';

export const EXPLAIN_USAGE = `usage: pagecost explain --op OP --bytes N [--threads T] [--profile NAME|FILE] [--allocator A] [--alignment X] [--mmap-threshold B] [--untouched] [--force] [--json]

  --op OP          one of:
${OP_NAMES.map((n) => `                     ${n.padEnd(20)} ${OP_DOCS[n]}`).join('\n')}
  --bytes N        N in bytes; suffixes K/KiB, M/MiB, G/GiB (powers of 1024) are accepted
  --threads T      T threads of the process running on distinct CPUs during the call (default 1)
  --profile P      ${PROFILE_NAMES.join(', ')}, or a calibration file; auto (default, or
                   PAGECOST_PROFILE): this machine's kept calibration or probe, else x86-64
  --allocator A    realloc behaviour: ${ALLOCATORS.join(', ')} (default glibc; copying = jemalloc/mimalloc)
  --alignment X    mremap placement: misaligned, pmd, pud or auto (default: misaligned for mremap-move, kernel's choice for grows)
  --mmap-threshold B
                   where glibc's dynamic mmap threshold stands: 128K at start, up to 32M (default 128K)
  --untouched      the buffer was never written: mremap has nothing to move, a copy reads zero pages
  --force          use a calibration file made on another machine or for another model version
                   (refused otherwise; PAGECOST_FORCE_PROFILE=1 does the same)
  --json           print JSON instead of text
`;

const SUFFIX: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tib: 1024 ** 4 };

export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const mult = m ? SUFFIX[m[2]!.toLowerCase()] : undefined;
  if (!m || mult === undefined) {
    throw new UsageError(`--bytes ${JSON.stringify(text)} is not a size: give a whole number of bytes like 4096, 128K or 1MiB`);
  }
  const v = Number(m[1]) * mult;
  if (!Number.isInteger(v)) throw new UsageError(`--bytes ${text} is not a whole number of bytes`);
  if (v < 1) throw new UsageError(`--bytes must be at least 1, got ${text}`);
  if (v > MAX_BYTES) throw new UsageError(`--bytes ${text} is larger than a process can map (2^48 bytes = 256 TiB)`);
  return v;
}

interface Args {
  op: OpName;
  bytes: number;
  threads: number;
  /** --profile; unset: PAGECOST_PROFILE, else auto. */
  profile?: string;
  allocator: Allocator;
  alignment?: Alignment;
  mmapThreshold?: number;
  untouched: boolean;
  force: boolean;
  json: boolean;
}

function parseArgs(argv: string[]): Args | 'help' {
  const vals = new Map<string, string>();
  let json = false;
  let untouched = false;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg === '--untouched') {
      untouched = true;
      continue;
    }
    if (arg === '--force') {
      force = true;
      continue;
    }
    const eq = /^(--[a-z-]+)=(.*)$/.exec(arg);
    const flag = eq ? eq[1]! : arg;
    if (!['--op', '--bytes', '--threads', '--profile', '--allocator', '--alignment', '--mmap-threshold'].includes(flag)) {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    const value = eq ? eq[2]! : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    if (vals.has(flag)) throw new UsageError(`${flag} given twice`);
    vals.set(flag, value);
  }
  const op = vals.get('--op');
  if (!op) throw new UsageError(`--op is required: one of ${OP_NAMES.join(', ')}`);
  if (!isOpName(op)) throw new UsageError(`unknown --op ${JSON.stringify(op)}: use one of ${OP_NAMES.join(', ')}`);
  const b = vals.get('--bytes');
  if (!b) throw new UsageError('--bytes is required (the size N the operation works on)');
  const t = vals.get('--threads') ?? '1';
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 65536) {
    throw new UsageError(`--threads must be a whole number from 1 to 65536, got ${JSON.stringify(t)}`);
  }
  const allocator = vals.get('--allocator') ?? 'glibc';
  if (!(ALLOCATORS as readonly string[]).includes(allocator)) {
    throw new UsageError(`unknown --allocator ${JSON.stringify(allocator)}: use one of ${ALLOCATORS.join(', ')}`);
  }
  const alignment = vals.get('--alignment');
  if (alignment !== undefined && !['misaligned', 'pmd', 'pud', 'auto'].includes(alignment)) {
    throw new UsageError(`unknown --alignment ${JSON.stringify(alignment)}: use misaligned, pmd, pud or auto`);
  }
  const thrText = vals.get('--mmap-threshold');
  const mmapThreshold = thrText === undefined ? undefined : parseBytes(thrText);
  if (mmapThreshold !== undefined && mmapThreshold > GLIBC_MMAP_THRESHOLD_MAX) {
    throw new UsageError(`--mmap-threshold ${thrText} is above glibc's 32 MiB maximum (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit)`);
  }
  return {
    ...(mmapThreshold !== undefined ? { mmapThreshold } : {}),
    op, bytes: parseBytes(b), threads: Number(t), ...(vals.has('--profile') ? { profile: vals.get('--profile')! } : {}),
    allocator: allocator as Allocator, ...(alignment ? { alignment: alignment as Alignment } : {}), untouched, force, json,
  };
}

function crossoverJson(c: Crossover | null, threads: number, profile: Profile): unknown {
  if (!c) return null;
  return {
    mover: c.mover, copier: c.copier, kind: c.kind, bytes: c.kind === 'at' ? c.bytes : null,
    text: crossoverSentence(c, threads, profile.name),
  };
}

export const explain: Subcommand = async (argv, io) => {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.stdout(EXPLAIN_USAGE);
    return 0;
  }
  let profile: Profile;
  try {
    // this-machine and auto may probe the machine first (≈2 s, once per machine and kernel).
    profile = (await cliProfile(args.profile, io.cwd, { force: args.force, fallback: 'auto', onStatus: (t) => io.stderr(`pagecost explain: ${t}\n`) })).profile;
  } catch (e) {
    if (e instanceof ModelInputError) {
      io.stderr(`pagecost explain: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const scenario: ScenarioOptions = {
    threads: args.threads, allocator: args.allocator, untouched: args.untouched,
    ...(args.alignment ? { alignment: args.alignment } : {}),
    ...(args.mmapThreshold !== undefined ? { glibcMmapThreshold: args.mmapThreshold } : {}),
  };
  let est;
  let alt = null;
  let cross: Crossover | null;
  try {
    est = estimateNamed(profile, args.op, args.bytes, scenario);
    const altName = ALTERNATIVE[args.op];
    alt = altName ? estimateNamed(profile, altName, args.bytes, scenario) : null;
    cross = crossoverFor(profile, args.op, scenario);
  } catch (e) {
    if (e instanceof ModelInputError) throw new UsageError(e.message);
    throw e;
  }
  if (args.json) {
    const out = {
      op: est.op, bytes: est.bytes, threads: est.threads, ns: est.ns, breakdown: est.breakdown,
      assumptions: est.assumptions, path: est.path,
      profile: {
        name: profile.name, source: profile.source, description: profile.description, warnings: profile.warnings,
        machine: profile.machine,
        /** Where each value came from (param id or machine.<fact> → origin). */
        origins: profile.origins,
      },
      modelVersion: MODEL_VERSION,
      alternative: alt ? { op: alt.op, ns: alt.ns, breakdown: alt.breakdown, assumptions: alt.assumptions, path: alt.path } : null,
      /** How many times the alternative's cost the op costs (> 1: the alternative is cheaper). */
      ratioToAlternative: alt ? est.ns / alt.ns : null,
      crossover: crossoverJson(cross, args.threads, profile),
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  let text = describeEstimate({
    estimate: est, bytes: args.bytes, threads: args.threads, profileName: profile.name,
    modelVersion: MODEL_VERSION, alternative: alt, crossover: cross,
  });
  text += `\nProfile: ${profile.name} (${profile.source}): ${profile.description}\n`;
  for (const w of profile.warnings) text += `  note: ${w}\n`;
  io.stdout(text);
  return 0;
};
