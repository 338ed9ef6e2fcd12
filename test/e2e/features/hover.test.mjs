// The hover on a call: the model's breakdown, and the way to benchmark the call (or, in
// Restricted Mode, why there is none). The probe on first use (issue 12): a trusted session probes
// this machine once and keeps it where `auto` finds it; Restricted Mode never does, and the hover
// says which built-in it uses and why.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../../../scripts/lib/until.mjs';
import { C_FILE, C_MARKER } from '../expectations.mjs';

/** Probes kept in the session's cache (<XDG_CACHE_HOME>/pagecost/machines/<key>/probe.json). */
function keptProbes(session) {
  const dir = join(session.harnessCache, 'machines');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((key) => join(dir, key, 'probe.json')).filter((p) => existsSync(p));
}

export function setup(session) {
  describe('hover', function () {
    before(async function () {
      await session.wb.reset();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });
    after(() => session.wb.hover.dismiss());

    it('hovering the call shows the breakdown', async function () {
      const { hintLine, hover } = session.expect;
      await session.wb.hover.showOn(session.wb.editor.token(hintLine, 'mremap'), hover);
      if (session.takeShots) await session.wb.screenshot('hover');
    });

    if (session.expect.bench) {
      it(session.restricted ? 'Restricted Mode: no probe, and the hover names the built-in and why' : 'the probe ran once on first use and was kept for this machine', async function () {
        this.timeout(90_000);
        if (!session.restricted) {
          await until('a probe kept by the first use', () => keptProbes(session).length === 1, 60_000, 250);
          return;
        }
        const { hintLine, hover } = session.expect;
        const text = await (await session.wb.hover.showOn(session.wb.editor.token(hintLine, 'mremap'), hover)).innerText();
        if (!/default profile x86-64 \(built-in; Restricted Mode: pagecost probes this machine only in a trusted workspace\)/.test(text)) throw new Error(`the hover does not say why: ${text.slice(-500)}`);
        if (keptProbes(session).length) throw new Error(`a probe ran in Restricted Mode: ${keptProbes(session)}`);
      });

      const title = session.restricted ? 'the hover says why benchmarks are off, with no benchmark link' : 'the hover offers "Benchmark this call"';
      it(title, async function () {
        const { hintLine, hover } = session.expect;
        const shown = await session.wb.hover.showOn(session.wb.editor.token(hintLine, 'mremap'), hover);
        const text = await shown.innerText();
        const link = /Benchmark this call/.test(text);
        const why = /Restricted Mode does not allow/.test(text);
        if (session.restricted && (link || !why)) throw new Error(`hover in Restricted Mode: link ${link}, reason ${why}: ${text.slice(-400)}`);
        if (!session.restricted && (!link || why)) throw new Error(`hover in a trusted workspace: link ${link}, reason ${why}: ${text.slice(-400)}`);
      });
    }
  });
}
