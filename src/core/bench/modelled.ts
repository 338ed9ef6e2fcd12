// The cost model's estimate for each benchmark point: the "modelled" column of `pagecost bench`
// and the prediction the calibration fit compares with measurements. Each harness op is
// mapped onto the model's Operation with the same setup the harness uses (harness.c), so that
// a ratio far from 1 means the model is off, not that the two measure different things.
import {
  GLIBC_TOP_PAD, estimateNs, hostCorun, hostFaultPages, hostHugePages, isOpName, makeContext, namedOperation,
  type ModelContext, type OpName, type Operation, type Params, type Profile,
} from '../model';
import type { PointKey } from './protocol';
import type { ModelFn } from './table';

/** The glibc mmap threshold the harness fixes with mallopt (harness.c, main). */
export const HARNESS_MMAP_THRESHOLD = 128 * 1024;

/** Ops the harness measures that the model's named-op list does not have: composed here. */
const COMPOSED = new Set(['syscall', 'fault-4k', 'fault-2m', 'swap-pages-mremap', 'swap-pages-memcpy', 'mmap']);

/**
 * Harness states of the model's named ops (docs/MODEL.md, "What each operation means"): the
 * variant, and the named op whose Operation it starts from. malloc-copy-free-trimmed is
 * protocol 1's malloc-copy-free (glibc's default trimming), kept for replays of its files.
 */
const VARIANT_OF: Readonly<Record<string, OpName>> = {
  'realloc-grow-top': 'realloc-grow',
  'realloc-grow-fresh': 'realloc-grow',
  'mremap-move-isolated': 'mremap-move',
  'mremap-move-untouched': 'mremap-move',
  'malloc-copy-free-trimmed': 'malloc-copy-free',
};

/** Repetitions of getppid inside one timed batch of the harness's syscall op (SYSCALL_BATCH). */
const SYSCALL_BATCH = 200;

export function isModelled(op: string): boolean {
  return isOpName(op) || COMPOSED.has(op) || op in VARIANT_OF;
}

function ptiNs(p: Params, profile: Profile): number {
  return profile.machine.pti === 'off' ? 0 : profile.machine.pti === 'pti-pcid' ? p.t_pti : p.t_pti_nopcid;
}

/**
 * Where glibc's mmapped block of N bytes and its grown mapping of M bytes start in their 2 MiB
 * slots, in pages: the harness puts the block's end on a slot boundary (a spacer mapping above
 * it) and the kernel puts the grown mapping right below it (a 1 MiB block is moved as one
 * extent: our v3b run, 19 µs with a spinner, one shootdown, where the half-slot guess for user
 * code counts two).
 */
function mmappedSlotOffsets(bytes: number, newBytes: number, page: number): { source: number; destination: number } {
  const S = page / 8;
  // glibc: 16-byte granular request plus an 8-byte header, the mapping rounded up to pages.
  const chunkPages = (n: number) => Math.ceil((Math.ceil((n + 8) / 16) * 16 + 8) / page);
  const source = (((-chunkPages(bytes)) % S) + S) % S;
  const destination = (((source - chunkPages(newBytes)) % S) + S) % S;
  return { source, destination };
}

/**
 * The model's operation for a named op (or one of its harness states) at a point, with the
 * harness's placement: mremap-move's `aligned` points are mutually 2 MiB aligned, `huge` points
 * have a THP source; everything else is advised MADV_NOHUGEPAGE by the harness, so THP is off.
 */
export function pointOperation(key: PointKey, ctx: ModelContext): Operation | null {
  const variant = VARIANT_OF[key.op];
  const name = variant ?? key.op;
  if (!isOpName(name)) return null;
  // mremap-grow's source sits 4 KiB into its 2 MiB slot (with the guard page after it), so
  // wherever the kernel puts the grown mapping, source and target are mutually misaligned.
  const alignment = key.aligned ? 'pmd' : name === 'mremap-grow' ? 'misaligned' : undefined;
  const newBytes = key.newBytes;
  const untouched = key.op === 'mremap-move-untouched';
  const op = namedOperation(name, key.bytes, ctx, { ...(alignment ? { alignment } : {}), ...(newBytes !== undefined ? { newBytes } : {}), ...(untouched ? { untouched } : {}) });
  if (op.kind === 'mremap' && name === 'mremap-move') {
    // harness.c: the source sits 1 page into its slot (a huge source on the slot boundary),
    // the target 3 pages in, so the extents are known exactly (a 2 MiB move has three). The
    // warm state keeps the page tables of both ends (reservations around them); -isolated
    // maps both alone in their slots, so the target's tables are allocated and the source's
    // freed (t_ptfree, and one more shootdown), as in harness protocol 1.
    const isolated = key.op === 'mremap-move-isolated' ? { tablesFreed: true } : {};
    const offsets = key.aligned ? {} : { slotOffsets: { source: key.huge ? 0 : 1, destination: 3 } };
    return { ...op, thpSource: key.huge, ...offsets, ...isolated };
  }
  if (op.kind === 'mremap') return { ...op, thpSource: false };
  // The harness's munmap source sits one page into its 2 MiB slot and is alone in it, so the
  // unmap frees the slot's page table and the flush range reaches back one page.
  if (op.kind === 'munmap') return { ...op, slotLeadPages: 1 };
  if (op.kind === 'malloc-copy-free' && key.op === 'malloc-copy-free-trimmed' && op.newBytes < HARNESS_MMAP_THRESHOLD) {
    // Protocol 1, glibc's default trimming: the old block of N was carved from the top of the
    // heap, which free() had trimmed to M_TOP_PAD (128 KiB) free bytes; malloc(2N) fits the
    // rest only while 3N ≤ 128 KiB, and otherwise grows the heap with brk first (our check:
    // 40 KiB 0.99 µs, 44 KiB 2.87 µs).
    return { ...op, heapGrows: op.oldBytes + op.newBytes > GLIBC_TOP_PAD };
  }
  if (op.kind === 'realloc' && key.bytes >= HARNESS_MMAP_THRESHOLD) {
    // From the threshold on, the block is mmapped (each point starts with the heap's top
    // trimmed, so malloc cannot serve it from there) and realloc is an mremap move.
    return { ...op, slotOffsets: mmappedSlotOffsets(key.bytes, op.newBytes, ctx.machine.pageSize) };
  }
  if (op.kind === 'realloc' && key.op === 'realloc-grow-top') {
    // harness.c trims the heap (malloc_trim(0)) before each repetition and retries until the
    // block is the last one, so malloc(N) extends the heap with brk by N plus M_TOP_PAD and
    // realloc to M finds the room right after the block: it grows in place (_int_realloc,
    // "next chunk is top"), and glibc's write of the new top chunk's header at old + M may
    // land on a page the brk just handed out (our check: 4 KiB … 120 KiB all 0.63–0.65 µs on
    // the Xeon VM, 1.2 µs on the EPYC one; 1000 → 2000 bytes 60 ns).
    return { ...op, inPlace: true, topPageFault: true };
  }
  // realloc-grow (warm) and -fresh: a fence after the block, so realloc must move: malloc +
  // copy + free inside glibc, into written memory (warm, the context's 'reused' heap) or into
  // pages never written (-fresh: heap trimmed before each repetition, blocks never reused).
  return op;
}

/**
 * Modelled ns of one point under a parameter set (the fit calls this with trial parameters).
 * `clockNs`: the cost of one clock read, which every timed interval of the harness contains
 * once (the hello line reports it); it matters only for the few-ns points.
 */
export function modelPoint(profile: Profile, params: Params, key: PointKey, clockNs = 0): number | null {
  const v = modelOp(profile, params, key);
  if (v === null) return null;
  return v + clockShare(key, clockNs);
}

/** The part of one clock read a timed interval of this point contains. */
function clockShare(key: PointKey, clockNs: number): number {
  return key.op === 'syscall' ? clockNs / SYSCALL_BATCH : clockNs;
}

/** A ModelFn that also counts the clock read the harness's timing contains (for the bench table). */
export function withClock(fn: ModelFn, clockNs: number): ModelFn {
  if (!(clockNs > 0)) return fn;
  return (key) => {
    const v = fn(key);
    return v === null ? null : v + clockShare(key, clockNs);
  };
}

// One context per profile, thread count and heap state: the fit evaluates every point many times.
const contexts = new WeakMap<Profile, Map<string, ModelContext>>();
function harnessContext(profile: Profile, threads: number, heap: 'fresh' | 'reused' = 'reused'): ModelContext {
  let byKey = contexts.get(profile);
  if (!byKey) contexts.set(profile, (byKey = new Map()));
  const id = `${threads}/${heap}`;
  let ctx = byKey.get(id);
  if (!ctx) {
    ctx = makeContext(profile, { threads, glibcMmapThreshold: HARNESS_MMAP_THRESHOLD, heapDestination: heap });
    byKey.set(id, ctx);
  }
  return ctx;
}

// A point's context and Operation depend on its key and the profile only, never on the
// parameters: built once, not on each of the fit's ~5·10⁵ evaluations. Looked up by the key
// object first (the fit passes the same keys again and again; building a string id for each
// evaluation was a tenth of the fit's time), else by its fields.
interface Prepared {
  profile: Profile;
  /** The key's fields when prepared (a key is a plain object its owner could change). */
  key: PointKey;
  ctx: ModelContext;
  op: Operation | null;
}
const preparedByKey = new WeakMap<PointKey, Prepared>();
const operations = new WeakMap<ModelContext, Map<string, Operation | null>>();

function prepared(profile: Profile, key: PointKey): Prepared {
  const hit = preparedByKey.get(key);
  if (hit && hit.profile === profile && samePoint(hit, key)) return hit;
  // The harness repeats each point on the same heap, so small blocks come back from free lists
  // already touched (heap "reused"); blocks at or above the threshold are fresh mmaps anyway.
  // realloc-grow-fresh trims the heap and never reuses a block: its new blocks are fresh.
  const ctx = harnessContext(profile, key.threads, key.op === 'realloc-grow-fresh' ? 'fresh' : 'reused');
  let byKey = operations.get(ctx);
  if (!byKey) operations.set(ctx, (byKey = new Map()));
  const id = `${key.op}/${key.bytes}/${key.newBytes ?? ''}/${key.huge ? 1 : 0}/${key.aligned ? 1 : 0}`;
  let op = byKey.get(id);
  if (op === undefined) {
    op = pointOperation(key, ctx);
    byKey.set(id, op);
  }
  const p: Prepared = { profile, key: { ...key }, ctx, op };
  preparedByKey.set(key, p);
  return p;
}

function samePoint(p: Prepared, key: PointKey): boolean {
  const k = p.key;
  return k.op === key.op && k.bytes === key.bytes && k.newBytes === key.newBytes && k.threads === key.threads && k.huge === key.huge && k.aligned === key.aligned;
}

function modelOp(profile: Profile, params: Params, key: PointKey): number | null {
  const { ctx, op } = prepared(profile, key);
  const page = profile.machine.pageSize;
  const slot = (page * page) / 8;
  const pti = ptiNs(params, profile);
  // Host-backed faults are slowed while the harness's spinners run (f_host_corun).
  const corun = hostCorun(params, Math.max(0, Math.min(key.threads - 1, profile.machine.cpus - 1)));
  switch (key.op) {
    case 'syscall':
      return params.t_sys + pti;
    case 'mmap':
      // One anonymous mmap of N bytes, never touched: no pages, no page tables.
      return params.t_sys + pti + params.t_mmap;
    case 'fault-4k':
      // The harness writes one byte per page of a fresh MADV_NOHUGEPAGE mapping, made for this
      // repetition: its first fault also pays t_fault_first.
      return params.t_fault_first + Math.ceil(key.bytes / page) * (params.t_fault4k + pti) + hostFaultPages(params, profile.machine, key.bytes) * params.c_fault_host * corun;
    case 'fault-2m':
      return params.t_fault_first + Math.ceil(key.bytes / slot) * (params.t_fault2M + pti) + hostHugePages(params, profile.machine, key.bytes) * params.t_fault2M_host * corun;
    case 'swap-pages-mremap':
      return swapByMremap(params, ctx, key.bytes, page);
    case 'swap-pages-memcpy':
      // tmp ← a, a ← b, b ← tmp over one buffer of 3N, repeated: the caches must hold all 3N to
      // keep it (our 24 KiB swap: 1.26–1.29 µs, at L2 speed, while one 24 KiB copy runs in L1).
      return 3 * estimateNs(params, ctx, { kind: 'memcpy', bytes: key.bytes, destination: 'warm', workingSetBytes: 3 * key.bytes });
    default:
      return op ? estimateNs(params, ctx, op) : null;
  }
}

/**
 * The harness's swap of two adjacent blocks a and b of P pages through a hole tmp, with three
 * MREMAP_FIXED moves: a → tmp, b → a, tmp → b. a starts 1 page into its slot, b = a + P, tmp 5
 * pages into a slot of its own. Each move's extents follow from those offsets (moveExtents):
 * b and its new place cross a slot boundary whenever 1 + P does, which adds a flush (and with
 * another CPU a shootdown) that a half-slot guess misses. b → a is mutually 2 MiB aligned when
 * P is a multiple of the slot, so whole page tables move (a check of ours: 16 MiB, 52 / 9.5 /
 * 42 µs for the three moves). Page tables are freed when a source leaves a slot that nothing
 * else maps: a's first slot once b no longer starts in it, b's last slot once it is past a's
 * last one, and always tmp's.
 */
function swapByMremap(params: Params, ctx: ModelContext, bytes: number, page: number): number {
  const S = page / 8;
  const P = Math.ceil(bytes / page);
  const slotOf = (pageIndex: number) => Math.floor(pageIndex / S);
  const move = (source: number, destination: number, tablesFreed: boolean): number => {
    const aligned = source % S === destination % S;
    return estimateNs(params, ctx, {
      kind: 'mremap', oldBytes: bytes, newBytes: bytes, mode: 'move', fixed: 'empty', thpSource: false, tablesFreed,
      alignment: aligned ? 'pmd' : 'misaligned', slotOffsets: { source, destination },
    });
  };
  // Pages counted from the start of a's slot: a = [1, 1 + P), b = [1 + P, 1 + 2P).
  const aToTmp = move(1, 5, slotOf(1 + P) !== slotOf(1));
  const bToA = move((1 + P) % S, 1, slotOf(2 * P) !== slotOf(P));
  const tmpToB = move(5, (1 + P) % S, true);
  return aToTmp + bToA + tmpToB;
}

/** The ModelFn for `pagecost bench`'s table (`clockNs` from the harness's hello line, if known). */
export function modelFor(profile: Profile, clockNs = 0): ModelFn {
  return (key) => modelPoint(profile, profile.params, key, clockNs);
}
