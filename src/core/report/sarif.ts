// SARIF 2.1.0 for code scanning. Validated against the official schema in
// test/unit/report/sarif.test.ts. Choices:
// - Locations are relative URIs with uriBaseId SRCROOT; `originalUriBaseIds` says where SRCROOT
//   was on the scanning machine. Run `pagecost scan .` from the repository root for code scanning.
// - helpUri only when the package declares a homepage; otherwise the rule carries its `help`
//   text inline (a made-up URI scheme would be a dead link in every SARIF viewer).
// - partialFingerprints.pagecost/v1 hashes what survives unrelated edits (file, function, rule,
//   callee and argument text, and the ordinal among identical ones), not line numbers.
import type * as Sarif from 'sarif';
import type { FileError, Finding, Severity } from '../types';
import { relativeTo, type ScanStats } from './json';
import { ruleInfo, type RuleInfo } from './rules';
import { fingerprint } from './fingerprint';

export interface SarifOptions {
  toolVersion: string;
  /** Absolute scan root ('/' separators); becomes SRCROOT. */
  root: string;
  /** Where docs/RULES.md is published, e.g. https://github.com/o/pagecost/blob/main/docs/RULES.md */
  rulesDocUri?: string;
  /** Extra rule descriptions (from the advice module) keyed by id. */
  rules?: Map<string, RuleInfo>;
}

const sarifSchema = 'https://json.schemastore.org/sarif-2.1.0.json';

export function sarifLevel(s: Severity): Sarif.Result.level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

export function toSarifLog(findings: Finding[], errors: FileError[], stats: ScanStats, options: SarifOptions): Sarif.Log {
  const root = options.root;
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map((id) => {
    const info = options.rules?.get(id) ?? ruleInfo(id);
    const rule: Sarif.ReportingDescriptor = {
      id,
      name: info.name,
      shortDescription: { text: info.short },
      fullDescription: { text: info.full },
      help: { text: `${info.full} See docs/RULES.md#${id}.`, markdown: `${info.full}\n\nSee [docs/RULES.md](docs/RULES.md#${id}).` },
    };
    if (options.rulesDocUri) rule.helpUri = `${options.rulesDocUri}#${id}`;
    return rule;
  });

  const seen = new Map<string, number>();
  const results: Sarif.Result[] = findings.map((f) => {
    const s = f.site;
    const file = relativeTo(root, s.file);
    const key = [f.rule, file, s.enclosingFunction ?? '', s.name, s.kind, s.oldSize?.text ?? '', s.newSize?.text ?? ''].join('\u0000');
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    return {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule)!,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeUri(file), uriBaseId: 'SRCROOT' },
            region: {
              startLine: s.nameRange.start.line,
              startColumn: s.nameRange.start.column,
              endLine: s.nameRange.end.line,
              endColumn: s.nameRange.end.column,
            },
          },
        },
      ],
      partialFingerprints: { 'pagecost/v1': fingerprint(`${key}\u0000${ordinal}`) },
      properties: {
        callee: s.callee,
        kind: s.kind,
        via: s.via,
        oldBytes: s.oldSize?.bytes ?? null,
        newBytes: s.newSize?.bytes ?? null,
        ...(f.estimate ? { estimateNs: f.estimate.ns } : {}),
        ...(f.observed ? { observed: f.observed } : {}),
        ...(f.alternative ? { alternativeNs: f.alternative.ns } : {}),
      },
    };
  });

  const notifications: Sarif.Notification[] = errors.map((e) => {
    const file = relativeTo(root, e.file);
    const n: Sarif.Notification = { level: 'warning', message: { text: `${file}: ${e.message}` } };
    if (file !== '.') n.locations = [{ physicalLocation: { artifactLocation: { uri: encodeUri(file), uriBaseId: 'SRCROOT' } } }];
    return n;
  });

  return {
    $schema: sarifSchema,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pagecost',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri: options.rulesDocUri ? options.rulesDocUri.replace(/\/blob\/.*$/, '') : undefined,
            rules,
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: rootUri(root) } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: notifications,
            properties: { files: stats.files, parsedFiles: stats.parsedFiles, bytes: stats.bytes, ms: stats.ms },
          },
        ],
        results,
      },
    ],
  };
}

export function toSarif(findings: Finding[], errors: FileError[], stats: ScanStats, options: SarifOptions): string {
  return `${JSON.stringify(toSarifLog(findings, errors, stats, options), null, 2)}\n`;
}

/** Percent-encodes each path segment (spaces, '#', '%'...) but keeps '/'. */
function encodeUri(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

function rootUri(root: string): string {
  const withSlash = root.endsWith('/') ? root : `${root}/`;
  const path = withSlash.startsWith('/') ? withSlash : `/${withSlash}`;
  return `file://${encodeUri(path)}`;
}
