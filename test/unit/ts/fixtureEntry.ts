// The shape of a `test/fixtures/ts/*.expected.json` entry, and how a CallSite is read into it.
import type { CallSite } from '../../../src/core/types';

export interface ExpectedFile {
  /** The file is not analysed at all (declaration file, generated bundle). */
  skipped?: boolean;
  /** Each pattern must match one of the notes. */
  notes?: string[];
  sites: Entry[];
}

export interface Entry {
  line: number;
  column: number;
  callee: string;
  kind: string;
  route: string;
  oldBytes: number | null;
  newBytes: number | null;
  flags: string[] | null;
  growth: string | null;
  // Optional keys: compared only where the expected file states them.
  name?: string;
  inLoop?: boolean;
  assignedBackTo?: string | null;
  enclosingFunction?: string | null;
  stepBytes?: number | null;
  deltaBytes?: number | null;
  maxBytes?: number | null;
  resizable?: boolean | null;
  shared?: boolean | null;
  evidence?: string;
  elementBytes?: number;
  staleViews?: string[];
  safeToRewrite?: boolean | null;
  suppressed?: string[];
}

export const OPTIONAL = ['name', 'inLoop', 'assignedBackTo', 'enclosingFunction', 'stepBytes', 'deltaBytes', 'maxBytes', 'resizable', 'shared', 'evidence', 'elementBytes', 'staleViews', 'safeToRewrite', 'suppressed'] as const;

/** Every key a site can be compared on. */
export function entryOf(s: CallSite): Required<Entry> {
  const js = s.js;
  return {
    line: s.nameRange.start.line,
    column: s.nameRange.start.column,
    callee: s.callee,
    kind: s.kind,
    route: js?.route ?? '',
    oldBytes: s.oldSize?.bytes ?? null,
    newBytes: s.newSize?.bytes ?? null,
    flags: s.flags,
    growth: s.growth,
    name: s.name,
    inLoop: s.inLoop,
    assignedBackTo: s.assignedBackTo,
    enclosingFunction: s.enclosingFunction,
    stepBytes: js?.step?.bytes ?? null,
    deltaBytes: js?.delta?.bytes ?? null,
    maxBytes: js?.maxBytes?.bytes ?? null,
    resizable: js?.resizable ?? null,
    shared: js?.shared ?? null,
    evidence: js?.evidence ?? 'none',
    elementBytes: js?.elementBytes ?? 1,
    staleViews: js?.staleViews ?? [],
    safeToRewrite: js?.growthExpr ? js.growthExpr.safeToRewrite : null,
    suppressed: s.facts?.suppressed ?? [],
  };
}

/** The entry restricted to the required keys plus the optional keys `exp` states. */
export function comparable(s: CallSite, exp: Entry | undefined): Partial<Entry> {
  const all = entryOf(s);
  const out: Record<string, unknown> = {};
  for (const k of ['line', 'column', 'callee', 'kind', 'route', 'oldBytes', 'newBytes', 'flags', 'growth'] as const) out[k] = all[k];
  for (const k of OPTIONAL) if (exp && k in exp) out[k] = all[k];
  return out as Partial<Entry>;
}
