// Turns call sites into findings. PLACEHOLDER until the cost model lands: one informational
// finding per call site; the model-driven rules replace this body.
import type { CallSite, Finding } from '../types';

export function adviseSites(sites: CallSite[]): Finding[] {
  return sites.map((site) => ({
    site,
    rule: site.kind === 'reference' ? 'realloc-reference' : 'memory-move-call',
    severity: 'info',
    message:
      site.kind === 'reference'
        ? `\`${site.name}\` is used as a value here, not called`
        : `${site.callee} call${site.via.length ? ` via ${site.via.join(' → ')}` : ''}`,
    estimate: null,
    alternative: null,
  }));
}
