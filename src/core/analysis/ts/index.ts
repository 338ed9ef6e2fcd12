// Entry point of the TS/JS analysis. Owner: the TS-engine work of issue #6 replaces this.
import type { TsAnalysisOptions, TsAnalysisResult } from './api';
export * from './api';

export function analyzeTsFile(_text: string, _file: string, _options: TsAnalysisOptions = {}): TsAnalysisResult {
  throw new Error('analyzeTsFile: not built yet (issue #6)');
}
