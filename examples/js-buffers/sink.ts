// A byte sink written three ways, and the wasm glue that hands strings to Rust.
import * as wasm from './codec_bg.wasm';

export class Sink {
  private bytes = new Uint8Array(4096);
  private used = 0;

  write(chunk: Uint8Array): void {
    while (this.used + chunk.length > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length + 4096);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes.set(chunk, this.used);
    this.used += chunk.length;
  }
}

export function collect(chunks: Buffer[]): Buffer {
  let all = Buffer.alloc(0);
  for (const c of chunks) all = Buffer.concat([all, c]);
  return all;
}

export function grow(): ArrayBuffer {
  const buf = new ArrayBuffer(64 * 1024);
  const view = new Uint8Array(buf);
  const moved = buf.transfer(1024 * 1024);
  view[0] = 1;
  return moved;
}

export function passString(s: string): number {
  const bytes = new TextEncoder().encode(s);
  let ptr = wasm.__wbindgen_malloc(bytes.length, 1) >>> 0;
  ptr = wasm.__wbindgen_realloc(ptr, bytes.length, bytes.length * 3, 1) >>> 0;
  return ptr;
}
