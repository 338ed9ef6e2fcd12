// Facts about a machine that change the model's answer (MODEL-FACTS §1.12 and §2), and a pure
// reader that takes them from sysfs/procfs through a caller-supplied `read` function. Core code
// never touches the file system itself: the Node adapter is src/cli/machine.ts.

export type Arch = 'x86-64' | 'arm64';
export type ThpMode = 'always' | 'madvise' | 'never';
/** Page-table isolation (Meltdown mitigation) state. */
export type PtiState = 'off' | 'pti-pcid' | 'pti-nopcid';

export interface MachineFacts {
  arch: Arch;
  /** Base page size in bytes: 4096, 16384 or 65536. */
  pageSize: number;
  /** Online CPUs; bounds how many other CPUs can run the process. */
  cpus: number;
  thp: ThpMode;
  pti: PtiState;
  /** Kernel release, at least "major.minor" ("6.12", "6.18.44-fc"). */
  kernel: string;
  /** Running under a hypervisor: TLB shootdown IPIs and faults are VM exits. */
  hypervisor: boolean;
  /** AMD broadcast TLB invalidation available (CPU flag `invlpgb`). */
  invlpgb: boolean;
  /** Data cache sizes in bytes as one thread sees them. */
  caches: { l1d: number; l2: number; l3: number };
}

export type MachineFactKey = keyof MachineFacts;
export const PAGE_SIZES = [4096, 16384, 65536] as const;

/** Parses "6.12.3-arch1" into [6, 12]; null when it is not a version. */
export function kernelVersion(release: string): [number, number] | null {
  // The model asks this several times per estimate, and a calibration fit makes ~10⁵ estimates.
  const hit = versionCache.get(release);
  if (hit !== undefined) return hit;
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  const v: [number, number] | null = m ? [Number(m[1]), Number(m[2])] : null;
  if (versionCache.size < 256) versionCache.set(release, v);
  return v;
}
const versionCache = new Map<string, [number, number] | null>();

/** True when `release` is at least major.minor. Unparseable releases count as current (≥ everything). */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const v = kernelVersion(release);
  if (!v) return true;
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

export type ReadFn = (path: string) => string | null;

export interface MachineReading {
  /** Facts found; missing ones are absent (the profile fills them from its base and says so). */
  facts: Partial<MachineFacts>;
  /** Where each fact came from, or why it is missing ("default: file missing"). */
  origins: Partial<Record<MachineFactKey, string>>;
  /** Which built-in profile the machine looks like (arm64, a VM guest or bare-metal x86-64). */
  base: 'x86-64' | 'x86-64-vm' | 'arm64';
  /** The CPU's model name (/proc/cpuinfo), '' when unknown: part of the machine key. */
  cpuModel: string;
}

/** Values the caller knows without files (Node: os.availableParallelism(), process.arch). */
export interface MachineEnv {
  cpus?: number;
  arch?: string;
}

function parseSize(text: string): number | null {
  const m = /^\s*(\d+)\s*([KMG]?)\s*$/i.exec(text);
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

function safeRead(read: ReadFn, path: string): string | null {
  try {
    const t = read(path);
    return typeof t === 'string' ? t : null;
  } catch {
    return null;
  }
}

function normaliseArch(a: string): Arch | null {
  const s = a.trim().toLowerCase();
  if (s === 'x86_64' || s === 'x64' || s === 'amd64' || s === 'x86-64') return 'x86-64';
  if (s === 'aarch64' || s === 'arm64') return 'arm64';
  return null;
}

/**
 * Reads what it can; never throws. Paths: /sys/devices/system/cpu/cpu0/cache/index*,
 * /sys/kernel/mm/transparent_hugepage/{enabled,hpage_pmd_size},
 * /sys/devices/system/cpu/vulnerabilities/meltdown, /proc/cpuinfo, /proc/sys/kernel/osrelease,
 * /proc/sys/kernel/arch, /sys/devices/system/cpu/online.
 */
export function readMachineFacts(read: ReadFn, env: MachineEnv = {}): MachineReading {
  const facts: Partial<MachineFacts> = {};
  const origins: Partial<Record<MachineFactKey, string>> = {};
  const cpuinfo = safeRead(read, '/proc/cpuinfo');
  const flagsLine = cpuinfo ? /^(?:flags|Features)\s*:\s*(.*)$/m.exec(cpuinfo) : null;
  const flags = new Set(flagsLine ? flagsLine[1]!.trim().split(/\s+/) : []);

  // Architecture: procfs first, then what the runtime says.
  const archText = safeRead(read, '/proc/sys/kernel/arch');
  const arch = (archText && normaliseArch(archText)) || (env.arch ? normaliseArch(env.arch) : null);
  if (arch) {
    facts.arch = arch;
    origins.arch = archText && normaliseArch(archText) ? '/proc/sys/kernel/arch' : 'runtime (process.arch)';
  } else {
    origins.arch = `default: architecture ${archText?.trim() ?? env.arch ?? 'unknown'} not modelled or not readable`;
  }

  // Page size: the PMD huge-page size is PTRS_PER_PTE × page = page²/8, so it pins the page size.
  const hpage = safeRead(read, '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size');
  const hp = hpage ? Number(hpage.trim()) : NaN;
  const ps = PAGE_SIZES.find((p) => (p * p) / 8 === hp);
  if (ps) {
    facts.pageSize = ps;
    origins.pageSize = 'sysfs (derived from transparent_hugepage/hpage_pmd_size)';
  } else {
    origins.pageSize = 'default: hpage_pmd_size missing or unusual';
  }

  // CPUs: the runtime's count, else the online mask.
  if (env.cpus && Number.isInteger(env.cpus) && env.cpus > 0) {
    facts.cpus = env.cpus;
    origins.cpus = 'runtime (os.availableParallelism)';
  } else {
    const online = safeRead(read, '/sys/devices/system/cpu/online');
    const n = online ? countCpuList(online) : null;
    if (n) {
      facts.cpus = n;
      origins.cpus = 'sysfs (/sys/devices/system/cpu/online)';
    } else origins.cpus = 'default: CPU count not readable';
  }

  const thp = safeRead(read, '/sys/kernel/mm/transparent_hugepage/enabled');
  const thpMode = thp ? /\[(always|madvise|never)\]/.exec(thp)?.[1] : undefined;
  if (thpMode) {
    facts.thp = thpMode as ThpMode;
    origins.thp = 'sysfs (/sys/kernel/mm/transparent_hugepage/enabled)';
  } else origins.thp = thp === null ? 'default: THP file missing' : 'default: THP mode not recognised';

  const release = safeRead(read, '/proc/sys/kernel/osrelease');
  if (release && release.trim() && kernelVersion(release)) {
    facts.kernel = release.trim();
    origins.kernel = 'procfs (/proc/sys/kernel/osrelease)';
  } else origins.kernel = 'default: kernel release not readable';

  const meltdown = safeRead(read, '/sys/devices/system/cpu/vulnerabilities/meltdown');
  if (meltdown !== null) {
    const pti = /PTI/i.test(meltdown);
    const pcid = flags.has('pcid');
    facts.pti = !pti ? 'off' : pcid ? 'pti-pcid' : 'pti-nopcid';
    origins.pti = `sysfs (vulnerabilities/meltdown: "${meltdown.trim()}"${pti ? `, pcid ${pcid ? 'present' : 'absent'} in /proc/cpuinfo` : ''})`;
  } else origins.pti = 'default: vulnerabilities/meltdown missing';

  if (cpuinfo !== null) {
    facts.hypervisor = flags.has('hypervisor');
    facts.invlpgb = flags.has('invlpgb');
    origins.hypervisor = 'procfs (/proc/cpuinfo flags)';
    origins.invlpgb = 'procfs (/proc/cpuinfo flags)';
  } else {
    origins.hypervisor = 'default: /proc/cpuinfo missing';
    origins.invlpgb = 'default: /proc/cpuinfo missing';
  }

  const caches = readCaches(read);
  if (caches.l1d && caches.l2 && caches.l3) {
    facts.caches = { l1d: caches.l1d, l2: caches.l2, l3: caches.l3 };
    origins.caches = 'sysfs (/sys/devices/system/cpu/cpu0/cache)';
  } else if (caches.l1d || caches.l2 || caches.l3) {
    origins.caches = 'default for missing levels: sysfs lists only some cache levels';
    // Partial reading: keep what was found, the profile fills the rest.
    facts.caches = caches as MachineFacts['caches'];
  } else origins.caches = 'default: cache sizes not in sysfs';

  const base = facts.arch === 'arm64' ? 'arm64' : facts.hypervisor ? 'x86-64-vm' : 'x86-64';
  const cpuModel = cpuinfo ? (/^(?:model name|Model|CPU part)\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? '') : '';
  return { facts, origins, base, cpuModel };
}

/**
 * A name for this machine and kernel: what a calibration or a probe measured is kept under it
 * (the pagecost cache) and what `npm run bench:accuracy` records under docs/measurements/. Two
 * machines share a key only if every fact the model reads is the same: CPU model, CPU count,
 * kernel release, page size, THP mode, page-table isolation, hypervisor, INVLPGB and caches.
 * Readable at the front ("amd-epyc-2cpu-6.18.44"), a hash of all of it at the end.
 */
export function machineKey(f: Partial<MachineFacts>, cpuModel: string): string {
  const c = f.caches;
  const all = [cpuModel, f.arch, f.cpus, f.kernel, f.pageSize, f.thp, f.pti, f.hypervisor, f.invlpgb, c?.l1d, c?.l2, c?.l3].map((v) => String(v ?? '?')).join('|');
  const slug = (t: string, max: number) => t.toLowerCase().replace(/\(r\)|\(tm\)|\bprocessor\b|\bcpu\b/g, '').replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');
  const kernel = slug(f.kernel ?? 'unknown', 20);
  return `${slug(cpuModel || f.arch || 'machine', 24) || 'machine'}-${f.cpus ?? '?'}cpu-${kernel}-${fnv64(all)}`;
}

/** 64-bit FNV-1a as 16 hex digits (two 32-bit halves): a stable fingerprint, not a secret. */
function fnv64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193) >>> 0;
    b = Math.imul(b ^ ch, 0x01000193) >>> 0;
    b = (b ^ (b >>> 13)) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function countCpuList(text: string): number | null {
  let n = 0;
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    n += m[2] ? Number(m[2]) - Number(m[1]) + 1 : 1;
  }
  return n > 0 ? n : null;
}

function readCaches(read: ReadFn): Partial<MachineFacts['caches']> {
  const out: Partial<MachineFacts['caches']> = {};
  for (let i = 0; i < 8; i++) {
    const dir = `/sys/devices/system/cpu/cpu0/cache/index${i}`;
    const level = safeRead(read, `${dir}/level`);
    if (level === null) break;
    const type = safeRead(read, `${dir}/type`)?.trim();
    const size = parseSize(safeRead(read, `${dir}/size`) ?? '');
    if (!size || type === 'Instruction') continue;
    const l = Number(level.trim());
    if (l === 1 && type === 'Data') out.l1d = size;
    else if (l === 2) out.l2 = size;
    else if (l === 3) out.l3 = size;
  }
  return out;
}
