// What outputs say about a rule id (SARIF `tool.driver.rules`, `--help` lists). The advice
// module owns the rules; this table describes the ids known today, and any id it does not know
// still gets a usable entry (its id, turned into words) so a new rule never breaks SARIF.
export interface RuleInfo {
  id: string;
  /** PascalCase, as SARIF suggests for `name`. */
  name: string;
  short: string;
  full: string;
}

const known: Record<string, Omit<RuleInfo, 'id' | 'name'>> = {
  'mremap-slower-than-memcpy': {
    short: 'mremap moves fewer bytes than it costs: memcpy would be faster here.',
    full: 'For small moves, the kernel round trip, page-table locking and TLB invalidation of mremap cost more than copying the bytes. The model compares both for the evaluated size; use memcpy into a new mapping (or keep the data in the heap) below the crossover size.',
  },
  'mremap-cost': {
    short: 'The modelled cost of an mremap call.',
    full: 'What this mremap is modelled to cost for its evaluated size, with the breakdown and the cheaper alternative when there is one.',
  },
  'realloc-cost': {
    short: 'The modelled cost of a realloc call.',
    full: 'What this realloc (direct or through a wrapper) is modelled to cost for its evaluated size: in-place growth, an mremap of an mmapped chunk, or a copy, depending on the allocator.',
  },
  'realloc-linear-growth': {
    short: 'A buffer grown by a constant step: quadratic copying over time.',
    full: 'Growing by a fixed amount each time copies O(n²) bytes in total; grow geometrically (e.g. double the capacity) so each byte is copied a constant number of times.',
  },
  'realloc-leak-on-failure': {
    short: 'p = realloc(p, n) loses the block when realloc fails.',
    full: 'On failure realloc returns NULL (mremap MAP_FAILED) and keeps the old block; storing the result into the only pointer to it leaks the block. Put the result in a temporary, check it, then assign. Not reported for wrappers that die on failure or when the old pointer was saved first. CWE-401.',
  },
  'mremap-null-check': {
    short: 'mremap result compared with NULL instead of MAP_FAILED.',
    full: 'mremap reports failure with MAP_FAILED ((void *)-1), never NULL, so a NULL test never catches a failure. Compare with MAP_FAILED. CERT POS54-C.',
  },
  'mremap-grow-without-maymove': {
    short: 'Growing mremap without MREMAP_MAYMOVE: fails with ENOMEM in practice.',
    full: 'Without MREMAP_MAYMOVE a mapping can only grow into free addresses right after it, which top-down mmap placement rarely leaves. Add MREMAP_MAYMOVE and use the returned address.',
  },
  'mremap-fixed-without-maymove': {
    short: 'MREMAP_FIXED without MREMAP_MAYMOVE: always EINVAL.',
    full: 'The kernel rejects MREMAP_FIXED unless MREMAP_MAYMOVE is also set (check_mremap_params in mm/mremap.c).',
  },
  'mremap-dontunmap-without-maymove': {
    short: 'MREMAP_DONTUNMAP without MREMAP_MAYMOVE: always EINVAL.',
    full: 'The kernel rejects MREMAP_DONTUNMAP unless MREMAP_MAYMOVE is also set (check_mremap_params in mm/mremap.c).',
  },
  'mremap-dontunmap-size-change': {
    short: 'MREMAP_DONTUNMAP with different old and new sizes: always EINVAL.',
    full: 'MREMAP_DONTUNMAP moves a mapping at its own size only; the kernel returns EINVAL when the sizes differ (check_mremap_params in mm/mremap.c).',
  },
  'realloc-unchecked-multiply': {
    short: 'realloc size n * size with no overflow check: use reallocarray.',
    full: 'A wrapped multiplication allocates less than the code writes (heap overflow). reallocarray fails with ENOMEM instead; or check n > SIZE_MAX / size first. CERT INT30-C, MEM35-C; CWE-190.',
  },
  'realloc-zero-size': {
    short: 'realloc(p, 0): implementation-defined, undefined in C23.',
    full: 'glibc frees and returns NULL, musl and mimalloc return a new block; code treating NULL as failure double-frees on glibc. Use free(p) for a zero size. CERT MEM04-C.',
  },
  'js-grow-cost': {
    short: 'The modelled cost of growing memory from TypeScript/JavaScript.',
    full: 'What this wasm allocator realloc, transfer(), resize(), Memory.grow, copy-grow or Buffer.concat is modelled to cost for its evaluated size, beside the cheaper way the code could take when there is one. Where an engine\'s behaviour is not known the model prices a copy and says so.',
  },
  'js-linear-growth': {
    short: 'A JS buffer grown by a constant step in a loop: quadratic copying.',
    full: 'Each copying growth (new typed array + set, Buffer.concat, transfer, a wasm realloc) copies everything so far, so growing by a fixed step copies O(n²) bytes in total. Grow geometrically (double the capacity), collect chunks and concatenate once, or use a resizable ArrayBuffer.',
  },
  'resize-not-resizable': {
    short: 'resize() on an ArrayBuffer created without maxByteLength: TypeError.',
    full: 'Only buffers created with new ArrayBuffer(n, { maxByteLength }) can be resized (SharedArrayBuffer: grow() only when growable); any other throws a TypeError at run time.',
  },
  'resize-out-of-range': {
    short: 'resize()/grow() beyond maxByteLength (or a shrinking SharedArrayBuffer grow): RangeError.',
    full: 'A resizable buffer cannot grow past the maxByteLength it was created with, and a growable SharedArrayBuffer cannot shrink; the call throws a RangeError.',
  },
  'transfer-detached-view': {
    short: 'A view over a buffer is used after transfer() detached it.',
    full: 'ArrayBuffer.prototype.transfer() detaches the old buffer: typed-array views over it have length 0 and reads return undefined. Create new views over the returned buffer. (MDN, ArrayBuffer.prototype.transfer.)',
  },
  reference: {
    short: 'A realloc-family function used as a value.',
    full: 'The function is stored or passed as a pointer, so the calls made through it cannot be analysed here.',
  },
};

export function ruleInfo(id: string): RuleInfo {
  const k = known[id];
  const words = id.replace(/[-_]+/g, ' ');
  return {
    id,
    name: id.split(/[-_]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    short: k?.short ?? `${words.charAt(0).toUpperCase()}${words.slice(1)}.`,
    full: k?.full ?? `pagecost rule \`${id}\`; see docs/RULES.md for what it checks and how to fix or silence it.`,
  };
}
