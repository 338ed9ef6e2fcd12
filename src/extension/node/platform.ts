// The Node extension host's abilities: read this machine's facts, run the benchmark panel's
// harnesses (src/extension/panel/node/runner.ts: the C harness through the CLI's Node host,
// argument arrays, never a shell; the JS harness under this host's runtime), and analyse TS/JS in
// a worker thread. Only the Node entry imports this file.
import { join } from 'node:path';
import { thisMachineProfile } from '../../core/model';
import { machineEnv, readTextOrNull, readThisMachine } from '../../cli/machine';
import { keepCalibration, keptProfile, runProbe, thisMachine } from '../../cli/probe';
import type { Platform } from '../platform';
import { WorkerTsService } from './tsWorkerClient';
import { nodePanelRunner } from '../panel/node/runner';

export const nodePlatform: Platform = {
  kind: 'node',
  benchUnavailable: () => (process.platform === 'linux' ? null : `Benchmarks measure Linux's mremap and run on Linux only (this is ${process.platform}).`),
  liveMachine: () => readThisMachine().facts,
  thisMachine: () => thisMachineProfile(readTextOrNull, machineEnv()),
  // The same files the CLI keeps under ~/.cache/pagecost/machines/<machine key>/.
  keptProfile: async () => {
    const k = await keptProfile();
    return k.kind === 'built-in' ? null : k.profile;
  },
  keepCalibration: async (json) => {
    await keepCalibration(json);
  },
  probe: {
    kept: async () => (await keptProfile()).kind !== 'built-in',
    // The harness is compiled and run as child processes; only the small probe fit runs here.
    run: async (signal) => ({ elapsedMs: (await runProbe(thisMachine(), { signal })).elapsedMs }),
    unavailable: () => {
      if (process.platform !== 'linux') return `the probe measures Linux, this is ${process.platform}`;
      const off = process.env.PAGECOST_NO_PROBE;
      return off && off !== '0' ? 'PAGECOST_NO_PROBE is set' : null;
    },
  },
  // dist/ts-worker.js sits beside dist/extension.js (this bundle).
  tsAnalysis: (log) => new WorkerTsService(join(__dirname, 'ts-worker.js'), 60_000, log),
  panelRunner: (distPath) => nodePanelRunner(distPath),
};
