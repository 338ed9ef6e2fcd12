// What an executable says about itself, from its ELF headers: whether a dynamic linker loads it
// (LD_PRELOAD needs one), which C library that linker belongs to (the recording library must be
// built against the same one), its word size and machine, and whether it carries debug info.
// Pure: the bytes come through a reader, so large files are never read whole.

export interface ElfReader {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

export interface ElfFacts {
  bits: 32 | 64;
  machine: 'x86-64' | 'aarch64' | 'i386' | 'arm' | 'riscv64' | 'other';
  type: 'executable' | 'shared' | 'other';
  /** The dynamic linker it asks for (PT_INTERP); null for a static program. */
  interpreter: string | null;
  libc: 'glibc' | 'musl' | 'other' | null;
  /** A .debug_info (or compressed .zdebug_info) section is in the file. */
  debugInfo: boolean;
  /** .gnu_debuglink: debug info in a separate file. */
  debugLink: boolean;
  /** Function symbols (.symtab) survive: addresses can at least be named. */
  symbols: boolean;
  /**
   * PT_GNU_EH_FRAME: the index the unwinder uses to find a function's unwind table. Without it
   * stacks stop at the immediate caller (musl-gcc links without it).
   */
  unwindIndex: boolean;
}

const MACHINES: Record<number, ElfFacts['machine']> = { 62: 'x86-64', 183: 'aarch64', 3: 'i386', 40: 'arm', 243: 'riscv64' };

/** null when the file is not ELF (a script, a text file); throws nothing. */
export function readElf(r: ElfReader): ElfFacts | null {
  if (r.size < 52) return null;
  const id = r.read(0, 64);
  if (id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46) return null;
  const bits = id[4] === 2 ? 64 : id[4] === 1 ? 32 : null;
  const little = id[5] === 1;
  if (bits === null || id.length < (bits === 64 ? 64 : 52)) return null;
  const v = new DataView(id.buffer, id.byteOffset, id.byteLength);
  const u16 = (dv: DataView, o: number) => dv.getUint16(o, little);
  const u32 = (dv: DataView, o: number) => dv.getUint32(o, little);
  const word = (dv: DataView, o: number) => (bits === 64 ? Number(dv.getBigUint64(o, little)) : dv.getUint32(o, little));
  const type = u16(v, 16);
  const machine = MACHINES[u16(v, 18)] ?? 'other';
  const phoff = word(v, bits === 64 ? 32 : 28);
  const shoff = word(v, bits === 64 ? 40 : 32);
  const phentsize = u16(v, bits === 64 ? 54 : 42);
  const phnum = u16(v, bits === 64 ? 56 : 44);
  const shentsize = u16(v, bits === 64 ? 58 : 46);
  const shnum = u16(v, bits === 64 ? 60 : 48);
  const shstrndx = u16(v, bits === 64 ? 62 : 50);

  let interpreter: string | null = null;
  let unwindIndex = false;
  if (phoff > 0 && phnum > 0 && phoff + phnum * phentsize <= r.size) {
    const ph = r.read(phoff, phnum * phentsize);
    const pv = new DataView(ph.buffer, ph.byteOffset, ph.byteLength);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      if (u32(pv, at) === 0x6474e550) unwindIndex = true; // PT_GNU_EH_FRAME
      if (u32(pv, at) !== 3) continue; // PT_INTERP
      const off = word(pv, at + (bits === 64 ? 8 : 4));
      const size = word(pv, at + (bits === 64 ? 32 : 16));
      if (off + size <= r.size && size < 4096) {
        const bytes = r.read(off, size);
        interpreter = new TextDecoder().decode(bytes).replace(/\0.*$/s, '');
      }
    }
  }

  let debugInfo = false;
  let debugLink = false;
  let symbols = false;
  if (shoff > 0 && shnum > 0 && shstrndx < shnum && shoff + shnum * shentsize <= r.size) {
    const sh = r.read(shoff, shnum * shentsize);
    const sv = new DataView(sh.buffer, sh.byteOffset, sh.byteLength);
    const strAt = shstrndx * shentsize;
    const strOff = word(sv, strAt + (bits === 64 ? 24 : 16));
    const strSize = word(sv, strAt + (bits === 64 ? 32 : 20));
    if (strOff + strSize <= r.size && strSize < 1 << 20) {
      const names = r.read(strOff, strSize);
      const nameOf = (o: number) => {
        let end = o;
        while (end < names.length && names[end] !== 0) end++;
        return new TextDecoder().decode(names.subarray(o, end));
      };
      for (let i = 0; i < shnum; i++) {
        const n = nameOf(u32(sv, i * shentsize));
        if (n === '.debug_info' || n === '.zdebug_info') debugInfo = true;
        else if (n === '.gnu_debuglink') debugLink = true;
        else if (n === '.symtab') symbols = true;
      }
    }
  }
  return {
    bits,
    machine,
    type: type === 2 ? 'executable' : type === 3 ? 'shared' : 'other',
    interpreter,
    libc: interpreter === null ? null : /ld-musl/.test(interpreter) ? 'musl' : /ld-linux|ld64\.so/.test(interpreter) ? 'glibc' : 'other',
    debugInfo,
    debugLink,
    symbols,
    unwindIndex,
  };
}

/** Node's process.arch → the ELF machine names above. */
export function machineOfArch(arch: string): ElfFacts['machine'] {
  return arch === 'x64' ? 'x86-64' : arch === 'arm64' ? 'aarch64' : arch === 'ia32' ? 'i386' : arch === 'arm' ? 'arm' : arch === 'riscv64' ? 'riscv64' : 'other';
}
