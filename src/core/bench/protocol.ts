// The harness's output protocol: one JSON object per line on stdout (see harness.c's header).
// Pure: turns text into typed events and says precisely what is wrong with a line that is not
// one, so the runner can decide whether to stop. Never throws on bad input.
import type { Nanoseconds } from '../types';

/**
 * The harness protocol version this parser understands (`"harness"` in the hello line).
 * 2: byte sizes below a page for heap blocks and copies, `new_bytes` for ops that grow N to M,
 * and the warm states as the unsuffixed ops (see LEGACY_OPS for what protocol 1's ops were).
 */
export const HARNESS_PROTOCOL = 2;

/** What the harness found out about the machine it ran on. */
export interface MachineFacts {
  harness: number;
  kernel: string;
  arch: string;
  cpuModel: string;
  /** CPUs this process may run on (the affinity mask), which bounds the thread counts. */
  cpus: number;
  onlineCpus: number;
  pageSize: number;
  /** `/sys/kernel/mm/transparent_hugepage/enabled` as read, e.g. "always [madvise] never". */
  thp: string;
  /** `/sys/devices/system/cpu/vulnerabilities/meltdown` ("Not affected", "Mitigation: PTI"). */
  meltdown: string;
  /** x86 INVLPG ceiling from debugfs when readable (needs root), else null. */
  tlbFlushCeiling: number | null;
  glibc: string;
  /** Model-relevant CPU flags present: pcid, invlpgb, erms, fsrm, hypervisor, avx512f. */
  flags: string[];
  l1d: number;
  l2: number;
  l3: number;
  /** Cost of one clock_gettime, for judging the smallest medians. */
  clockNs: Nanoseconds;
  mmapThreshold: number;
}

/** Identifies a point of the sweep. */
export interface PointKey {
  op: string;
  bytes: number;
  /** Ops that grow N to M: M (2N unless the sweep asked for a pair). Absent for the others. */
  newBytes?: number;
  threads: number;
  /** The source (or faulted region) was advised MADV_HUGEPAGE. */
  huge: boolean;
  /** mremap-move only: source and target mutually 2 MiB aligned. */
  aligned: boolean;
}

export interface MeasuredPoint extends PointKey {
  medianNs: Nanoseconds;
  p10Ns: Nanoseconds;
  p90Ns: Nanoseconds;
  reps: number;
  /** A caveat from the harness, e.g. huge pages were not always granted. */
  note?: string;
  /** Repetitions thrown away because an extra thread was preempted during the call. */
  discarded?: number;
}

export interface SkippedPoint extends PointKey {
  reason: string;
}

export interface FailedPoint extends PointKey {
  message: string;
}

export type HarnessEvent =
  | { kind: 'hello'; facts: MachineFacts }
  | { kind: 'point'; point: MeasuredPoint }
  | { kind: 'skipped'; point: SkippedPoint }
  | { kind: 'error'; point: FailedPoint }
  | { kind: 'end'; points: number; interrupted: boolean; elapsedMs: number };

export type LineResult = { ok: true; event: HarnessEvent } | { ok: false; error: string };

type Obj = Record<string, unknown>;

function describe(line: string): string {
  const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return JSON.stringify(shown);
}

function num(o: Obj, key: string, errors: string[], opts: { int?: boolean; min?: number } = {}): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    errors.push(`"${key}" is not a finite number`);
    return NaN;
  }
  if (opts.int && !Number.isInteger(v)) errors.push(`"${key}" is not an integer`);
  if (opts.min !== undefined && v < opts.min) errors.push(`"${key}" is below ${opts.min}`);
  return v;
}

function str(o: Obj, key: string, errors: string[]): string {
  const v = o[key];
  if (typeof v !== 'string') {
    errors.push(`"${key}" is not a string`);
    return '';
  }
  return v;
}

function bool(o: Obj, key: string, errors: string[]): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') {
    errors.push(`"${key}" is not true/false`);
    return false;
  }
  return v;
}

function key(o: Obj, errors: string[]): PointKey {
  const k: PointKey = {
    op: str(o, 'op', errors),
    bytes: num(o, 'bytes', errors, { int: true, min: 0 }),
    threads: num(o, 'threads', errors, { int: true, min: 1 }),
    huge: bool(o, 'huge', errors),
    aligned: bool(o, 'aligned', errors),
  };
  if (o.new_bytes !== undefined) k.newBytes = num(o, 'new_bytes', errors, { int: true, min: 1 });
  return k;
}

/** Parses one line of harness output. `lineNo` is 1-based and only used in messages. */
export function parseLine(line: string, lineNo: number): LineResult {
  const where = `line ${lineNo}`;
  const text = line.trim();
  if (text === '') return { ok: false, error: `${where} is empty` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `${where} is not JSON: ${describe(text)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `${where} is JSON but not an object: ${describe(text)}` };
  }
  const o = value as Obj;
  const errors: string[] = [];
  let event: HarnessEvent;
  switch (o.type) {
    case 'hello': {
      const flags = Array.isArray(o.flags) && o.flags.every((f) => typeof f === 'string') ? (o.flags as string[]) : [];
      const ceiling = o.tlb_flush_ceiling;
      event = {
        kind: 'hello',
        facts: {
          harness: num(o, 'harness', errors, { int: true }),
          kernel: str(o, 'kernel', errors),
          arch: str(o, 'arch', errors),
          cpuModel: typeof o.cpu_model === 'string' ? o.cpu_model : '',
          cpus: num(o, 'cpus', errors, { int: true, min: 1 }),
          onlineCpus: num(o, 'online_cpus', errors, { int: true }),
          pageSize: num(o, 'page_size', errors, { int: true, min: 1 }),
          thp: str(o, 'thp', errors),
          meltdown: str(o, 'meltdown', errors),
          tlbFlushCeiling: typeof ceiling === 'number' ? ceiling : null,
          glibc: str(o, 'glibc', errors),
          flags,
          l1d: num(o, 'l1d', errors),
          l2: num(o, 'l2', errors),
          l3: num(o, 'l3', errors),
          clockNs: num(o, 'clock_ns', errors),
          mmapThreshold: num(o, 'mmap_threshold', errors),
        },
      };
      if (errors.length === 0 && event.facts.harness !== HARNESS_PROTOCOL) {
        errors.push(`harness protocol ${event.facts.harness}, expected ${HARNESS_PROTOCOL}`);
      }
      break;
    }
    case 'point': {
      const p: MeasuredPoint = {
        ...key(o, errors),
        medianNs: num(o, 'median', errors, { min: 0 }),
        p10Ns: num(o, 'p10', errors, { min: 0 }),
        p90Ns: num(o, 'p90', errors, { min: 0 }),
        reps: num(o, 'reps', errors, { int: true, min: 1 }),
      };
      if (typeof o.note === 'string') p.note = o.note;
      if (o.discarded !== undefined) {
        const d = num(o, 'discarded', errors, { int: true, min: 0 });
        if (d > 0) p.discarded = d;
      }
      if (errors.length === 0 && !(p.p10Ns <= p.medianNs && p.medianNs <= p.p90Ns)) {
        errors.push('p10 ≤ median ≤ p90 does not hold');
      }
      event = { kind: 'point', point: p };
      break;
    }
    case 'skipped':
      event = { kind: 'skipped', point: { ...key(o, errors), reason: str(o, 'reason', errors) } };
      break;
    case 'error':
      event = { kind: 'error', point: { ...key(o, errors), message: str(o, 'message', errors) } };
      break;
    case 'end':
      event = {
        kind: 'end',
        points: num(o, 'points', errors, { int: true, min: 0 }),
        interrupted: bool(o, 'interrupted', errors),
        elapsedMs: num(o, 'elapsed_ms', errors, { min: 0 }),
      };
      break;
    default:
      return { ok: false, error: `${where} has an unknown "type": ${describe(text)}` };
  }
  if (errors.length > 0) return { ok: false, error: `${where} (${String(o.type)}): ${errors.join('; ')}` };
  return { ok: true, event };
}

/**
 * Cuts a byte stream into lines as chunks arrive. Chunks may split lines (and UTF-8
 * characters: feed strings decoded with a streaming decoder, as Node's setEncoding does).
 */
export class LineSplitter {
  private rest = '';

  /** Adds a chunk; returns the lines it completed, without their newline. */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** What is left after the stream ended: a line cut off in the middle, or null. */
  end(): string | null {
    const r = this.rest;
    this.rest = '';
    return r === '' ? null : r;
  }
}

/** Everything a complete or partial output says. */
export interface ParsedOutput {
  facts: MachineFacts | null;
  points: MeasuredPoint[];
  skipped: SkippedPoint[];
  failed: FailedPoint[];
  end: { points: number; interrupted: boolean; elapsedMs: number } | null;
  /** One message per line that could not be used, in order. */
  errors: string[];
}

export function emptyOutput(): ParsedOutput {
  return { facts: null, points: [], skipped: [], failed: [], end: null, errors: [] };
}

/** Adds one event to an accumulating output (the runner's streaming path uses this too). */
export function addEvent(out: ParsedOutput, event: HarnessEvent): void {
  switch (event.kind) {
    case 'hello':
      out.facts = event.facts;
      break;
    case 'point':
      out.points.push(event.point);
      break;
    case 'skipped':
      out.skipped.push(event.point);
      break;
    case 'error':
      out.failed.push(event.point);
      break;
    case 'end':
      out.end = { points: event.points, interrupted: event.interrupted, elapsedMs: event.elapsedMs };
      break;
  }
}

/** Parses a whole captured output; a last line without newline counts as cut off. */
export function parseOutput(text: string): ParsedOutput {
  const out = emptyOutput();
  const splitter = new LineSplitter();
  const lines = splitter.push(text);
  lines.forEach((line, i) => {
    if (line.trim() === '') return; // blank lines carry nothing; tolerate them
    const r = parseLine(line, i + 1);
    if (r.ok) addEvent(out, r.event);
    else out.errors.push(r.error);
  });
  const partial = splitter.end();
  if (partial !== null) {
    out.errors.push(`output ended in the middle of line ${lines.length + 1}: ${describe(partial)}`);
  }
  if (out.end === null) out.errors.push('output has no "end" line: the harness stopped before finishing');
  return out;
}

/**
 * Stable text key of a point, for joining two runs or measured with modelled. A new size other
 * than the default 2N is part of it ("realloc-grow/228→457/1/…"); the default is not, so ids
 * of protocol 1 files stay as they were.
 */
export function pointId(k: PointKey): string {
  const to = k.newBytes !== undefined && k.newBytes !== 2 * k.bytes ? `→${k.newBytes}` : '';
  return `${k.op}/${k.bytes}${to}/${k.threads}/${k.huge ? 'huge' : 'base'}/${k.aligned ? 'aligned' : 'misaligned'}`;
}

/**
 * What the ops of harness protocol 1 measured, in protocol 2's names: its realloc-grow ran on a
 * freshly trimmed heap top (now realloc-grow-top), its mremap-move mapped source and target
 * alone in their slots (now mremap-move-isolated), and its malloc-copy-free ran with glibc's
 * default trimming (malloc-copy-free-trimmed, which only replays of such files use).
 */
export const LEGACY_OPS: Readonly<Record<string, string>> = {
  'realloc-grow': 'realloc-grow-top',
  'mremap-move': 'mremap-move-isolated',
  'malloc-copy-free': 'malloc-copy-free-trimmed',
};

/** A protocol 1 point under the name of the state it measured (others unchanged). */
export function upgradeLegacyPoint<T extends PointKey>(p: T): T {
  const op = LEGACY_OPS[p.op];
  return op ? { ...p, op } : p;
}
