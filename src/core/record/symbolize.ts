// Return addresses → source locations, in batches: one symbolizer process per module (never one
// per address), with inlined frames (`-i`). llvm-symbolizer when it is installed (JSON output,
// columns), else binutils addr2line. Node access comes through SymbolizerHost
// (src/cli/recordHost.ts); parsing is pure and tested on recorded outputs.
import type { CodeAddress } from './merge';

/** One source location; inlined frames come first (innermost first), the function they sit in last. */
export interface SourceFrame {
  function: string | null;
  file: string | null;
  line: number | null;
  column: number | null;
}

export interface Symbolized {
  frames: SourceFrame[];
  /** Why nothing could be said about this address (no file, no debug info). */
  problem?: string;
}

export interface SymbolizerRun {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: string;
  timedOut?: boolean;
}

export interface SymbolizerHost {
  /** Runs a program with an argument array (never a shell), text on stdin. */
  run(file: string, args: string[], input: string, timeoutMs: number): Promise<SymbolizerRun>;
  /** A program's path on PATH, or null. */
  which(name: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
}

export type SymbolizerTool = 'llvm-symbolizer' | 'addr2line';

export interface SymbolizeResult {
  byAddress: Map<string, Symbolized>;
  tool: SymbolizerTool | null;
  /** Symbolizer processes started (one per module). */
  processes: number;
  /** Per module: why it could not be read at all. */
  moduleProblems: Map<string, string>;
}

export function addressKey(a: CodeAddress): string {
  return `${a.module}\u0000${a.address}`;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** GCC's clones and split parts (`f.part.0`, `f.constprop.1`, `f.cold`) are the source function f. */
export function sourceFunctionName(name: string | null): string | null {
  if (!name || name === '??') return null;
  return name.replace(/(\.(part|constprop|isra|cold|lto_priv|localalias)(\.\d+)?)+$/, '');
}

function frame(fn: string | null, file: string | null, line: number | null, column: number | null): SourceFrame {
  return {
    function: sourceFunctionName(fn),
    file: file && file !== '??' && file !== '' ? file : null,
    line: line && line > 0 ? line : null,
    column: column && column > 0 ? column : null,
  };
}

/** Parses llvm-symbolizer --output-style=JSON: one JSON object per input line. */
export function parseLlvmJson(stdout: string, addresses: number[]): Map<number, Symbolized> {
  const out = new Map<number, Symbolized>();
  const lines = stdout.split('\n').filter((l) => l.trim().startsWith('{'));
  lines.forEach((line, i) => {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return;
    }
    const o = obj as { Address?: string; Error?: { Message?: string }; Symbol?: { FunctionName?: string; FileName?: string; Line?: number; Column?: number }[] };
    const addr = o.Address ? parseInt(o.Address, 16) : addresses[i];
    if (addr === undefined || !Number.isFinite(addr)) return;
    if (o.Error) {
      out.set(addr, { frames: [], problem: o.Error.Message ?? 'unreadable' });
      return;
    }
    const frames = (o.Symbol ?? []).map((s) => frame(s.FunctionName ?? null, s.FileName ?? null, s.Line ?? null, s.Column ?? null));
    out.set(addr, { frames });
  });
  return out;
}

/** Parses `addr2line -a -f -i -C`: per address a `0x…` line, then function / file:line pairs. */
export function parseAddr2line(stdout: string, addresses: number[]): Map<number, Symbolized> {
  const out = new Map<number, Symbolized>();
  const lines = stdout.split('\n');
  let i = 0;
  for (const addr of addresses) {
    // Find this address's own line; anything before it belongs to nobody.
    while (i < lines.length && !isAddressLine(lines[i]!, addr)) i++;
    if (i >= lines.length) break;
    i++;
    const frames: SourceFrame[] = [];
    while (i + 1 < lines.length && !/^0x[0-9a-f]+$/i.test(lines[i]!.trim())) {
      const fn = lines[i]!.trim();
      const loc = lines[i + 1]!.trim().replace(/\s+\(discriminator \d+\)$/, '');
      const m = /^(.*):(\d+|\?)$/.exec(loc);
      frames.push(frame(fn, m ? m[1]! : null, m && m[2] !== '?' ? Number(m[2]) : null, null));
      i += 2;
    }
    out.set(addr, { frames });
  }
  return out;
}

function isAddressLine(line: string, addr: number): boolean {
  const t = line.trim();
  return /^0x[0-9a-f]+$/i.test(t) && parseInt(t, 16) === addr;
}

/** A symbolized address that says nothing: no function, no file. */
export function unknownFrames(s: Symbolized | undefined): boolean {
  return !s || s.frames.length === 0 || s.frames.every((f) => f.file === null && f.function === null);
}

/**
 * Symbolizes return addresses (each looked up one byte before, inside the call instruction).
 * Modules that are not files (the vDSO) or are missing are reported in moduleProblems.
 */
export async function symbolize(host: SymbolizerHost, addresses: CodeAddress[], opts: { prefer?: SymbolizerTool; timeoutMs?: number } = {}): Promise<SymbolizeResult> {
  const byModule = new Map<string, Set<number>>();
  for (const a of addresses) {
    let set = byModule.get(a.module);
    if (!set) byModule.set(a.module, (set = new Set()));
    set.add(a.address);
  }
  const llvm = opts.prefer === 'addr2line' ? null : await host.which('llvm-symbolizer');
  const a2l = llvm ? null : await host.which('addr2line');
  const tool: SymbolizerTool | null = llvm ? 'llvm-symbolizer' : a2l ? 'addr2line' : null;
  const result: SymbolizeResult = { byAddress: new Map(), tool, processes: 0, moduleProblems: new Map() };
  const timeoutMs = opts.timeoutMs ?? 120_000;
  for (const [module, set] of byModule) {
    if (!module.startsWith('/') || !(await host.exists(module))) {
      result.moduleProblems.set(module, module.startsWith('/') ? `${module} no longer exists` : `${module} is not a file`);
      continue;
    }
    if (!tool) {
      result.moduleProblems.set(module, 'no symbolizer: install binutils (addr2line) or llvm');
      continue;
    }
    const addrs = [...set].sort((a, b) => a - b);
    const lookups = addrs.map((a) => Math.max(0, a - 1));
    const input = `${lookups.map(hex).join('\n')}\n`;
    const args = tool === 'llvm-symbolizer'
      ? [`--obj=${module}`, '--output-style=JSON', '--inlining', '--functions=linkage', '--demangle']
      : ['-e', module, '-a', '-f', '-i', '-C'];
    const r = await host.run(tool === 'llvm-symbolizer' ? llvm! : a2l!, args, input, timeoutMs);
    result.processes++;
    if (r.spawnError || r.timedOut || (r.code !== 0 && r.stdout.trim() === '')) {
      const why = r.spawnError ?? (r.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exited with ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
      result.moduleProblems.set(module, `${tool} could not read ${module} (${why})`);
      continue;
    }
    const parsed = tool === 'llvm-symbolizer' ? parseLlvmJson(r.stdout, lookups) : parseAddr2line(r.stdout, lookups);
    addrs.forEach((a, i) => {
      const s = parsed.get(lookups[i]!);
      result.byAddress.set(addressKey({ module, address: a }), s ?? { frames: [], problem: 'no answer from the symbolizer' });
    });
  }
  return result;
}
