// What only some hosts can do. The Node extension host (desktop, remote, code-server) compiles
// and runs the benchmark harness and reads /proc and /sys for "this-machine"; VS Code for the Web
// runs in a browser worker and can do none of that. The browser entry passes `webPlatform`,
// whose answers say why, so no Node module ends up in the browser bundle.
import type { MachineFacts, Profile } from '../core/model';
import type { TsAnalysisService } from './tsService';
import type { PanelRunner } from './panel/runner';
import type { IndexHost } from './index/host';

export interface Platform {
  readonly kind: 'node' | 'web';
  /** Null when benchmarks can run here; otherwise why not, in words for a notification. */
  benchUnavailable(): string | null;
  /** Facts of the machine the extension host runs on, for checking calibration files; null on the web. */
  liveMachine(): Partial<MachineFacts> | null;
  /** The "this-machine" profile; null where the machine cannot be read. */
  thisMachine(): Profile | null;
  /**
   * What `auto` finds kept for this machine and kernel, as in the CLI's `--profile auto`
   * (src/cli/probe.ts keptProfile): a calibration, else a probe; null when nothing is kept or
   * the machine cannot be read (the web).
   */
  keptProfile?(): Promise<Profile | null>;
  /** Keeps a calibration where the CLI's `--profile auto` finds it for this machine too. */
  keepCalibration?(json: string): Promise<void>;
  /** The probe of this machine, run on first use where `auto` has nothing kept (firstProbe.ts); absent on the web. */
  probe?: import('./firstProbe').ProbeRunner;
  /**
   * A service that analyses TS/JS off the host's thread, created on the first TS/JS document;
   * null where there is none (tsService.ts NO_TS_WORKER_REASON says why).
   */
  tsAnalysis(log: (line: string) => void): TsAnalysisService | null;
  /** What the benchmark panel runs its harnesses with (`distPath`: the extension's dist/ folder); null where nothing can run. */
  panelRunner(distPath: string): PanelRunner | null;
  /**
   * Where the workspace index lists and scans each folder (worker threads in the Node host,
   * workspace.fs on the web); the entries pass it (node.ts, web.ts). Absent: no index.
   */
  indexHosts?: (extensionUri: import('vscode').Uri) => (folder: import('vscode').Uri) => IndexHost;
  /** Tier 3 only (selfTest.ts): told what each "Scan the workspace" published. */
  onWorkspaceScan?: (result: import('./scanWorkspace').WorkspaceScanResult) => void;
}

export const WEB_BENCH_REASON =
  'Benchmarks compile and run a C program on your machine, which VS Code for the Web cannot do. ' +
  'Open this folder in desktop VS Code (or a remote/SSH/container window, or code-server) to ' +
  'benchmark and calibrate; analysis, hints and hovers work here with the built-in profiles.';

export const webPlatform: Platform = {
  kind: 'web',
  benchUnavailable: () => WEB_BENCH_REASON,
  liveMachine: () => null,
  thisMachine: () => null,
  // The browser entry (web.ts) passes its Web Worker service (web/tsWorkerClient.ts), which needs the extension's URI.
  tsAnalysis: () => null,
  panelRunner: () => null,
};
