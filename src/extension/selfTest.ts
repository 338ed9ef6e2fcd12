// The self-test hook for tier 3 (test/e2e): with PAGECOST_E2E_RESULTS set, the extension analyses
// one file through its own API right after activation and writes what it saw (host, Node version,
// trust, rules found, timing, status) as JSON to that path, which the test driver polls. It is how
// the driver learns facts it cannot see in the page, e.g. which Node runs the extension host.
// Inert when the variable is unset. Node entry only (it writes a file with node:fs).
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { PagecostApi } from './api';
import { benchBlockedReason } from '../core/present/trust';
import type { Platform } from './platform';

export const SELF_TEST_ENV = 'PAGECOST_E2E_RESULTS';
/** The file to analyse: a path relative to the first workspace folder, or absolute. */
export const SELF_TEST_FILE_ENV = 'PAGECOST_E2E_FILE';

export function startSelfTest(api: PagecostApi, platform: Platform, env: NodeJS.ProcessEnv = process.env): void {
  const out = env[SELF_TEST_ENV];
  if (!out) return;
  void run(api, platform, env[SELF_TEST_FILE_ENV]).then(
    (result) => write(out, result),
    (e: unknown) => write(out, { error: String((e as Error)?.stack ?? e) }),
  );
}

async function run(api: PagecostApi, platform: Platform, file: string | undefined): Promise<Record<string, unknown>> {
  let uri: vscode.Uri;
  if (file) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (file.startsWith('/')) uri = vscode.Uri.file(file);
    else if (folder) uri = vscode.Uri.joinPath(folder.uri, file);
    else throw new Error(`${SELF_TEST_FILE_ENV}=${file} is relative, but no folder is open`);
  } else {
    const open = vscode.workspace.textDocuments.find((d) => d.languageId === 'c');
    if (!open) throw new Error(`no C document is open and ${SELF_TEST_FILE_ENV} is not set`);
    uri = open.uri;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const r = await api.whenAnalyzed(doc.uri, doc.version, 30_000);
  const benchBlocked = benchBlockedReason(platform.benchUnavailable(), vscode.workspace.isTrusted);
  // Where benchmarks are blocked (Restricted Mode), ask the command itself about the first call,
  // as another extension could: it must refuse with the reason and start nothing. Never where
  // they may run, since that would start a benchmark at every activation.
  let benchmark: unknown = null;
  const call = r.findings.find((f) => f.site.kind !== 'reference');
  if (benchBlocked && call) {
    benchmark = await vscode.commands.executeCommand('pagecost.benchmarkCall', doc.uri.toString(), call.site.nameRange.startOffset);
  }
  return {
    host: api.host,
    node: process.version,
    trusted: vscode.workspace.isTrusted,
    file: doc.uri.toString(),
    skipped: r.skipped,
    sites: r.sites.length,
    rules: r.findings.map((f) => f.rule),
    ms: r.ms,
    // Why the benchmark commands would refuse here (null: they run), and what one answered.
    benchBlocked,
    benchmark,
    stats: api.stats(),
    status: await api.status(),
  };
}

/** Written whole and then renamed, so a polling reader never sees half a file. */
async function write(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await fs.writeFile(tmp, JSON.stringify(value, null, 2));
    await fs.rename(tmp, path);
  } catch {
    // Nowhere to report to; the driver times out waiting and says so.
  }
}
