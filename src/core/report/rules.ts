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
  'memory-move-call': {
    short: 'A realloc/mremap call that may move memory.',
    full: 'A call (direct or through a wrapper) to realloc, reallocarray, reallocf or mremap. Its modelled cost and the cheaper alternative are given when the sizes are known.',
  },
  'realloc-reference': {
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
