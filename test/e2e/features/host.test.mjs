// Where the extension runs: installed from its VSIX, activated by the server's Node 24 extension
// host, with the workspace trusted or in Restricted Mode as the session asked. Facts the page
// cannot show come from the self-test hook (src/extension/selfTest.ts) and the host's log.
import { until } from '../../../scripts/lib/until.mjs';
import { C_FILE, C_MARKER } from '../expectations.mjs';

export function setup(session) {
  describe('the extension host', function () {
    before(async function () {
      // The extension activates on the first C document.
      await session.wb.reset();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });

    if (session.restricted) {
      it('the workspace opens in Restricted Mode', async function () {
        await until('the Restricted Mode indicator', () => session.wb.statusBar.item(/Restricted Mode/).count(), 30_000, 250);
      });
    }

    it('the extension runs in the Node 24 extension host (self-test file)', async function () {
      const r = await session.selfTest();
      if (r.host !== 'node' || !/^v24\./.test(r.node)) throw new Error(`unexpected host facts: ${JSON.stringify(r).slice(0, 500)}`);
      // The probe also reports the Node facilities it used.
      if ('childProcess' in r && (r.childProcess !== 'ok' || !r.workerThreads || !r.hrtime)) throw new Error(`Node facilities: ${JSON.stringify(r)}`);
      if (r.trusted !== !session.restricted) throw new Error(`workspace.isTrusted is ${r.trusted}, expected ${!session.restricted}`);
      const { rule } = session.expect;
      if (rule && !r.rules?.includes(rule)) throw new Error(`rules found in ${C_FILE}: ${r.rules?.join(', ')}; expected ${rule}`);
      // The real extension also says whether its benchmark commands would run here.
      if ('benchBlocked' in r) {
        if (!session.restricted && r.benchBlocked !== null) throw new Error(`benchmarks blocked in a trusted workspace: ${r.benchBlocked}`);
        if (session.restricted && !/Restricted Mode/.test(r.benchBlocked ?? '')) throw new Error(`benchmarks not blocked in Restricted Mode: ${r.benchBlocked}`);
        // In Restricted Mode the hook also ran the benchmark command (as another extension could): refused, with the reason.
        if (session.restricted && (r.benchmark?.ok !== false || !/Restricted Mode/.test(r.benchmark?.reason ?? ''))) throw new Error(`the benchmark command answered ${JSON.stringify(r.benchmark)}`);
        if (!session.restricted && r.benchmark !== null) throw new Error(`the self-test ran a benchmark in a trusted workspace: ${JSON.stringify(r.benchmark)}`);
      }
    });

    const ts = session.expect.ts;
    if (ts) {
      it(`${ts.file} is analysed in the worker: sites, diagnostics, hints and hover (self-test file)`, async function () {
        const t = (await session.selfTest()).ts;
        if (!t) throw new Error('the self-test has no `ts` part (PAGECOST_E2E_TS_FILE not honoured?)');
        const facts = JSON.stringify(t).slice(0, 1500);
        if (t.skipped !== null) throw new Error(`${ts.file} was not analysed: ${t.skipped}`);
        for (const w of ts.sites) {
          if (!t.sites.some((s) => s.callee === w.callee && s.line >= w.lines[0] && s.line <= w.lines[1])) throw new Error(`no ${w.callee} site on lines ${w.lines.join('-')}: ${facts}`);
        }
        for (const rule of ts.rules) if (!t.diagnostics.includes(rule)) throw new Error(`no ${rule} diagnostic: ${facts}`);
        const wasmLine = ts.sites[0].lines[0];
        if (!t.hints.some((h) => h.line === wasmLine && /\d(\.\d+)?\s?(ns|µs|ms)|wins|above/.test(h.label))) throw new Error(`no inlay hint on line ${wasmLine}: ${facts}`);
        if (!t.hover || t.hover.length < 20) throw new Error(`no hover on the first site: ${facts}`);
        session.log(`${ts.file}: first analysis ${t.firstMs} ms after opening (worker start + ts-morph load + analysis), ${t.ms.toFixed(1)} ms round trip; rules ${t.rules.join(', ')}`);
      });
    }

    it('the extension activated in the server\'s Node extension host (its log)', async function () {
      const { id } = session.expect;
      const text = await until(`${id} in remoteexthost.log`, () => {
        const log = session.extensionHostLog();
        return log.includes(`_doActivateExtension ${id}`) && log;
      }, 20_000, 250);
      const failure = text.split('\n').find((l) => l.includes(id) && /failed|error/i.test(l));
      if (failure) throw new Error(`the extension host logged: ${failure}`);
    });
  });
}
