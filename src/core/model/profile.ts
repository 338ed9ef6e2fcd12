// Machine profiles: a parameter set plus the machine facts it applies to, with the origin of
// every value. Built-ins come from the table in ./params.ts; "this-machine" overlays facts read
// from the live system; a calibration file (written by `pagecost calibrate`) overrides
// parameters. All three end up as the same `Profile` value.
import { ModelInputError } from './errors';
import { readMachineFacts, type MachineEnv, type MachineFacts, type ReadFn, PAGE_SIZES, kernelVersion } from './machine';
import {
  BUILTIN_PROFILE_NAMES, PARAMS, defaultParams, isParamId, paramDef,
  type BuiltinProfileName, type Params,
} from './params';
import { MODEL_VERSION, PROFILE_FORMAT_VERSION } from './version';

export interface Profile {
  /** Short name shown in output ("x86-64", "this-machine", a calibration's own name). */
  name: string;
  /** Where the profile came from: "built-in", "live system", or "file <path>". */
  source: string;
  /** One line for humans. */
  description: string;
  machine: MachineFacts;
  params: Params;
  /** Origin of each value: key = param id or "machine.<fact>". */
  origins: Record<string, string>;
  /** Non-fatal problems (value outside its plausible range, facts that fell back to defaults). */
  warnings: string[];
  /** Present for calibrated profiles. */
  calibrated?: { at: string | null };
}

const BUILTIN_MACHINES: Record<BuiltinProfileName, { machine: MachineFacts; description: string; machineSource: string }> = {
  'x86-64': {
    description: 'bare-metal x86-64, Linux 6.12, no page-table isolation, THP madvise',
    machine: {
      arch: 'x86-64', pageSize: 4096, cpus: 64, thp: 'madvise', pti: 'off', kernel: '6.12',
      hypervisor: false, invlpgb: false,
      caches: { l1d: 48 * 1024, l2: 2 * 1024 * 1024, l3: 32 * 1024 * 1024 },
    },
    machineSource: 'default (MODEL-FACTS §2.4: bare-metal x86-64, Linux ≥6.12, no KPTI; Sapphire-Rapids-class caches [E])',
  },
  'x86-64-vm': {
    description: 'x86-64 virtual machine guest (shootdown IPIs and faults are VM exits), Linux 6.12',
    machine: {
      arch: 'x86-64', pageSize: 4096, cpus: 4, thp: 'madvise', pti: 'off', kernel: '6.12',
      hypervisor: true, invlpgb: false,
      caches: { l1d: 48 * 1024, l2: 2 * 1024 * 1024, l3: 32 * 1024 * 1024 },
    },
    machineSource: 'default (MODEL-FACTS §0/Appendix A: KVM guest on a Xeon [M]; 4 vCPUs [E])',
  },
  arm64: {
    description: 'arm64 server, 4 KiB pages, broadcast TLB invalidation (no IPIs), Linux 6.12',
    machine: {
      arch: 'arm64', pageSize: 4096, cpus: 8, thp: 'madvise', pti: 'off', kernel: '6.12',
      hypervisor: false, invlpgb: false,
      caches: { l1d: 64 * 1024, l2: 1024 * 1024, l3: 32 * 1024 * 1024 },
    },
    machineSource: 'default (MODEL-FACTS §1.5/§1.6 arm64 TLBI; Neoverse-class caches [E])',
  },
};

export const PROFILE_NAMES = [...BUILTIN_PROFILE_NAMES, 'this-machine'] as const;

function paramOrigins(name: BuiltinProfileName): Record<string, string> {
  const o: Record<string, string> = {};
  for (const p of PARAMS) o[p.id] = `default (${name}): ${p.source}`;
  return o;
}

const builtinCache = new Map<BuiltinProfileName, Profile>();

/** A built-in profile. Returned objects are frozen and shared: copy before changing. */
export function builtinProfile(name: BuiltinProfileName): Profile {
  const hit = builtinCache.get(name);
  if (hit) return hit;
  const b = BUILTIN_MACHINES[name];
  const origins = paramOrigins(name);
  for (const k of Object.keys(b.machine)) origins[`machine.${k}`] = b.machineSource;
  const p: Profile = deepFreeze({
    name, source: 'built-in', description: b.description,
    machine: structuredClone(b.machine), params: defaultParams(name), origins, warnings: [],
  });
  builtinCache.set(name, p);
  return p;
}

export function isBuiltinName(name: string): name is BuiltinProfileName {
  return (BUILTIN_PROFILE_NAMES as readonly string[]).includes(name);
}

/** The "this-machine" profile: the matching built-in's parameters with the live system's facts. */
export function thisMachineProfile(read: ReadFn, env: MachineEnv = {}): Profile {
  const r = readMachineFacts(read, env);
  const base = builtinProfile(r.base);
  const machine = structuredClone(base.machine);
  const origins = { ...base.origins };
  const warnings: string[] = [];
  for (const key of Object.keys(machine) as (keyof MachineFacts)[]) {
    const v = r.facts[key];
    const why = r.origins[key] ?? 'default';
    if (key === 'caches' && v) {
      const c = v as Partial<MachineFacts['caches']>;
      machine.caches = { l1d: c.l1d ?? machine.caches.l1d, l2: c.l2 ?? machine.caches.l2, l3: c.l3 ?? machine.caches.l3 };
      origins['machine.caches'] = why;
    } else if (v !== undefined) {
      (machine as unknown as Record<string, unknown>)[key] = v;
      origins[`machine.${key}`] = why;
    } else {
      origins[`machine.${key}`] = `${why} → ${r.base} value ${JSON.stringify(machine[key])}`;
      warnings.push(`${key}: ${why}; using the ${r.base} default ${JSON.stringify(machine[key])}`);
    }
  }
  return {
    name: 'this-machine', source: 'live system',
    description: `this machine (${machine.arch}${machine.hypervisor ? ', VM guest' : ''}, Linux ${machine.kernel}), ${r.base} parameters`,
    machine, params: { ...base.params }, origins, warnings,
  };
}

/** The calibration file format that loadProfile() reads (what `pagecost calibrate` writes). */
export interface CalibrationFile {
  pagecostProfile: typeof PROFILE_FORMAT_VERSION;
  modelVersion: number;
  name: string;
  /** Built-in profile supplying every value the file does not set. */
  base: BuiltinProfileName;
  /** ISO date of the measurement. */
  created?: string;
  machine?: Partial<MachineFacts>;
  params: Partial<Params>;
  /** How each parameter was measured, shown as its origin. */
  notes?: Partial<Record<keyof Params, string>>;
}

/** A calibration file for the current model and format; run it through loadProfile() to validate. */
export function calibrationFile(c: Omit<CalibrationFile, 'pagecostProfile' | 'modelVersion'>): CalibrationFile {
  return { pagecostProfile: PROFILE_FORMAT_VERSION, modelVersion: MODEL_VERSION, ...c };
}

function fail(source: string, msg: string): never {
  throw new ModelInputError(`profile ${source}: ${msg}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface LoadOptions {
  /**
   * Use a file calibrated for another model version or on another machine anyway: the refusal
   * becomes a warning (`--force` on the command line).
   */
  force?: boolean;
  /**
   * Facts of the machine the profile is about to be used on (what could be read). When given,
   * a calibration whose recorded machine differs in any of them is refused: its parameters were
   * measured on other hardware or another kernel.
   */
  live?: Partial<MachineFacts>;
}

/** Facts compared between a calibration and the machine using it (all change the fit). */
const IDENTITY_FACTS = ['arch', 'pageSize', 'cpus', 'kernel', 'hypervisor', 'thp', 'pti', 'caches'] as const;

/** The facts in which a calibration's machine differs from `live`, as "cpus 2 there, 4 here". */
export function machineDifferences(recorded: Partial<MachineFacts>, live: Partial<MachineFacts>): string[] {
  const out: string[] = [];
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  for (const k of IDENTITY_FACTS) {
    const a = recorded[k];
    const b = live[k];
    if (a === undefined || b === undefined) continue;
    if (k === 'caches') {
      const ca = a as MachineFacts['caches'];
      const cb = b as MachineFacts['caches'];
      for (const lvl of ['l1d', 'l2', 'l3'] as const) {
        if (ca[lvl] !== undefined && cb[lvl] !== undefined && ca[lvl] !== cb[lvl]) out.push(`${lvl} cache ${ca[lvl]} bytes there, ${cb[lvl]} here`);
      }
    } else if (a !== b) out.push(`${k} ${show(a)} there, ${show(b)} here`);
  }
  return out;
}

const FORCE_HINT = 'pass --force to use it anyway';

/**
 * Validates a calibration profile (parsed JSON) and builds a Profile on top of its base.
 * Format (version 1):
 *   { "pagecostProfile": 1, "modelVersion": 1, "name": "...", "base": "x86-64" | "x86-64-vm" | "arm64",
 *     "created": "ISO date"?, "machine": { partial MachineFacts }?, "params": { "<param id>": number },
 *     "notes": { "<param id>": "how it was measured" }? }
 */
export function loadProfile(json: unknown, source: string, opts: LoadOptions = {}): Profile {
  const force = opts.force === true;
  const warnings: string[] = [];
  if (!isRecord(json)) fail(source, 'expected a JSON object with "pagecostProfile": 1; is this a pagecost profile file?');
  if (json.pagecostProfile !== PROFILE_FORMAT_VERSION) {
    fail(source, `"pagecostProfile" is ${JSON.stringify(json.pagecostProfile)}, this pagecost reads format ${PROFILE_FORMAT_VERSION}; re-run \`pagecost calibrate\` to write a current file`);
  }
  if (json.modelVersion !== MODEL_VERSION) {
    const what = `it was calibrated for model v${String(json.modelVersion)}, this is model v${MODEL_VERSION}, whose equations differ`;
    if (!force) fail(source, `${what}; re-run \`pagecost calibrate\` so the parameters match the model, or ${FORCE_HINT}`);
    warnings.push(`${what}: used anyway (--force); its parameters were fitted to the old equations`);
  }
  const baseName = json.base ?? 'x86-64';
  if (typeof baseName !== 'string' || !isBuiltinName(baseName)) {
    fail(source, `"base" must be one of ${BUILTIN_PROFILE_NAMES.join(', ')}, got ${JSON.stringify(baseName)}`);
  }
  const base = builtinProfile(baseName);
  const name = json.name ?? source;
  if (typeof name !== 'string' || !name.trim()) fail(source, '"name" must be a non-empty string');
  const at = json.created ?? null;
  if (at !== null && typeof at !== 'string') fail(source, '"created" must be an ISO date string');
  const notes = json.notes ?? {};
  if (!isRecord(notes)) fail(source, '"notes" must be an object of strings keyed by parameter id');

  const params: Params = { ...base.params };
  const origins: Record<string, string> = { ...base.origins };
  const rawParams = json.params ?? {};
  if (!isRecord(rawParams)) fail(source, '"params" must be an object mapping parameter ids to numbers');
  for (const [id, v] of Object.entries(rawParams)) {
    if (!isParamId(id)) {
      // A forced file of another model version may name parameters this version dropped.
      if (force && json.modelVersion !== MODEL_VERSION) {
        warnings.push(`parameter "${id}" is not in model v${MODEL_VERSION}: ignored`);
        continue;
      }
      fail(source, `unknown parameter "${id}"; known ids: ${PARAMS.map((p) => p.id).join(', ')}`);
    }
    const def = paramDef(id)!;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(source, `parameter ${id} must be a finite number (${def.unit}), got ${JSON.stringify(v)}`);
    if (def.unit === 'pages' && !Number.isInteger(v)) fail(source, `parameter ${id} counts pages and must be a whole number, got ${v}`);
    if (v < def.limits[0] || v > def.limits[1]) {
      fail(source, `parameter ${id} = ${v} ${def.unit} is outside its possible range ${def.limits[0]}–${def.limits[1]} ${def.unit}; check the unit (durations are ns, bandwidths GB/s)`);
    }
    if (v < def.range[0] || v > def.range[1]) {
      warnings.push(`${id} = ${v} ${def.unit} is outside the usual ${def.range[0]}–${def.range[1]} ${def.unit}`);
    }
    params[id] = v;
    const note = notes[id];
    origins[id] = `calibrated (${source}${at ? `, ${at}` : ''})${typeof note === 'string' ? `: ${note}` : ''}`;
  }
  checkBandwidthOrder(params, source);

  const machine = structuredClone(base.machine);
  const rawMachine = json.machine ?? {};
  if (!isRecord(rawMachine)) fail(source, '"machine" must be an object of machine facts');
  for (const [k, v] of Object.entries(rawMachine)) {
    applyMachineFact(machine, k, v, source);
    origins[`machine.${k}`] = `${source}`;
  }
  if (opts.live) {
    // Only facts the file records count: a hand-written profile without them is not refused.
    const recorded: Partial<MachineFacts> = {};
    for (const k of Object.keys(rawMachine)) (recorded as Record<string, unknown>)[k] = machine[k as keyof MachineFacts];
    const diff = machineDifferences(recorded, opts.live);
    if (diff.length) {
      const what = `it was calibrated on another machine (${diff.join('; ')})`;
      if (!force) fail(source, `${what}. Its parameters describe that machine; run \`pagecost calibrate --out FILE\` here, or ${FORCE_HINT}`);
      warnings.push(`${what}: used anyway (--force)`);
    }
  }
  return {
    name: name.trim(), source: `file ${source}`,
    description: `calibrated profile "${name.trim()}" on ${baseName} defaults`,
    machine, params, origins, warnings, calibrated: { at },
  };
}

/** memcpy must never get cheaper as it grows: bandwidth may not rise with the cache level. */
function checkBandwidthOrder(p: Params, source: string): void {
  if (!(p.B_L1 >= p.B_L2 && p.B_L2 >= p.B_L3 && p.B_L3 >= p.B_mem)) {
    fail(source, `copy bandwidths must not increase with cache level (B_L1 ≥ B_L2 ≥ B_L3 ≥ B_mem), got ${p.B_L1}, ${p.B_L2}, ${p.B_L3}, ${p.B_mem} GB/s; re-run the memcpy sweep`);
  }
}

function applyMachineFact(m: MachineFacts, k: string, v: unknown, source: string): void {
  const bad = (what: string): never => fail(source, `machine.${k} ${what}, got ${JSON.stringify(v)}`);
  switch (k) {
    case 'arch': if (v !== 'x86-64' && v !== 'arm64') bad('must be "x86-64" or "arm64"'); m.arch = v as MachineFacts['arch']; break;
    case 'pageSize': if (!(PAGE_SIZES as readonly unknown[]).includes(v)) bad('must be 4096, 16384 or 65536'); m.pageSize = v as number; break;
    case 'cpus': if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65536) bad('must be a whole number of CPUs, 1–65536'); m.cpus = v as number; break;
    case 'thp': if (v !== 'always' && v !== 'madvise' && v !== 'never') bad('must be "always", "madvise" or "never"'); m.thp = v as MachineFacts['thp']; break;
    case 'pti': if (v !== 'off' && v !== 'pti-pcid' && v !== 'pti-nopcid') bad('must be "off", "pti-pcid" or "pti-nopcid"'); m.pti = v as MachineFacts['pti']; break;
    case 'kernel': if (typeof v !== 'string' || !kernelVersion(v)) bad('must be a kernel release like "6.12"'); m.kernel = v as string; break;
    case 'hypervisor': case 'invlpgb': if (typeof v !== 'boolean') bad('must be true or false'); m[k] = v as boolean; break;
    case 'caches': {
      if (!isRecord(v)) bad('must be { l1d, l2, l3 } in bytes');
      const c = v as Record<string, unknown>;
      for (const lvl of ['l1d', 'l2', 'l3'] as const) {
        const s = c[lvl] ?? m.caches[lvl];
        if (typeof s !== 'number' || !Number.isInteger(s) || s < 1024 || s > 2 ** 40) bad(`.${lvl} must be a cache size in bytes`);
        m.caches[lvl] = s as number;
      }
      break;
    }
    default: fail(source, `unknown machine fact "${k}"; known: arch, pageSize, cpus, thp, pti, kernel, hypervisor, invlpgb, caches`);
  }
}

/**
 * A profile by built-in name ("x86-64", "x86-64-vm", "arm64", "this-machine") or by file path.
 * `readFile` returns a file's text or null; it also serves the sysfs/procfs reads of
 * "this-machine" and of the machine check of a calibration file (refused when it was made on
 * another machine or for another model version, unless `force`).
 */
export function resolveProfile(nameOrPath: string, readFile: ReadFn, env: MachineEnv = {}, opts: { force?: boolean; checkMachine?: boolean } = {}): Profile {
  if (isBuiltinName(nameOrPath)) return builtinProfile(nameOrPath);
  if (nameOrPath === 'this-machine') return thisMachineProfile(readFile, env);
  let text: string | null;
  try {
    text = readFile(nameOrPath);
  } catch {
    text = null;
  }
  if (text === null) {
    throw new ModelInputError(`no profile named "${nameOrPath}": use one of ${PROFILE_NAMES.join(', ')} or the path of a calibration file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelInputError(`profile ${nameOrPath}: not valid JSON (${(e as Error).message})`);
  }
  // A calibration file is checked against the machine it is used on (the facts that could be
  // read through the same reader); built-in names describe no particular machine.
  const live = opts.checkMachine === false ? undefined : readMachineFacts(readFile, env).facts;
  return loadProfile(json, nameOrPath, { force: opts.force ?? false, ...(live ? { live } : {}) });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
