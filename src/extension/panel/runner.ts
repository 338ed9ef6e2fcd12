// What the panel needs from a host that can measure: check the C compiler, run a plan (the C
// harness, then the JS harness, each a child process in its own process group), and calibrate.
// The Node implementation is node/runner.ts; VS Code for the Web has none.
import type { CalibrationFile } from '../../core/bench/calibration';
import type { HarnessEvent, MachineFacts } from '../../core/bench/protocol';
import type { JsEngine } from '../../core/bench/js/protocol';
import type { RunPlan } from '../../core/panel/presets';

export interface RunCallbacks {
  signal: AbortSignal;
  onEvent(e: HarnessEvent, harness: 'c' | 'js'): void;
  onEngine(e: JsEngine): void;
  onLog(text: string, level?: 'info' | 'warning' | 'error'): void;
}

export interface PlanOutcome {
  machine: MachineFacts | null;
  elapsedMs: number;
  /** Process ids of the harnesses this run started (for tests: gone after the run). */
  pids: number[];
}

export interface CalibrationOutcome extends PlanOutcome {
  file: CalibrationFile;
  json: string;
  summary: string;
}

export interface PanelRunner {
  cpus(): number;
  /** Why C benchmarks cannot run with this compiler setting (one sentence), or null. */
  compilerProblem(compilerPath: string | null): Promise<string | null>;
  run(plan: RunPlan, compilerPath: string | null, cb: RunCallbacks): Promise<PlanOutcome>;
  calibrate(compilerPath: string | null, cb: RunCallbacks): Promise<CalibrationOutcome>;
  /** The harness processes still alive that this runner started (normally none after a run). */
  livePids(): number[];
}
