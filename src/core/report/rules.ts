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
