// Short phrases the panel's page shows (no model here: the page imports this file). Pure.
import { formatBytes } from '../bench/sweep';

/** "about 40 s left", "about 3 min left". */
export function describeTimeLeft(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1500) return 'almost done';
  const s = Math.round(ms / 1000);
  return s < 90 ? `about ${s} s left` : `about ${Math.round(s / 60)} min left`;
}

/** "mremap wins from 132 KiB", for chart labels and the profile list. */
export function crossoverLabel(c: { kind: string; bytes?: number }, mover: string): string {
  switch (c.kind) {
    case 'at': return `${mover} wins from ${formatBytes(c.bytes!)}`;
    case 'always': return `${mover} always wins`;
    case 'never': return `${mover} never wins (up to 256 MiB)`;
    default: return 'no crossover';
  }
}
