export { toJson, toJsonReport, jsonReportVersion, type JsonReport, type JsonFinding, type ScanStats } from './json';
export { toText, errorsText, summaryText, listedFindings } from './text';
export { toSarif, toSarifLog, type SarifOptions } from './sarif';
export { ruleInfo, type RuleInfo } from './rules';
