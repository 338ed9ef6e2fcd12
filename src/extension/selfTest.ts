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
/** A TS/JS file to analyse too (same forms): its findings, diagnostics, hints and hover go under `ts`. */
export const SELF_TEST_TS_FILE_ENV = 'PAGECOST_E2E_TS_FILE';

export function startSelfTest(api: PagecostApi, platform: Platform, env: NodeJS.ProcessEnv = process.env): void {
  const out = env[SELF_TEST_ENV];
  if (!out) return;
  void run(api, platform, env[SELF_TEST_FILE_ENV], env[SELF_TEST_TS_FILE_ENV]).then(
    (result) => write(out, result),
    (e: unknown) => write(out, { error: String((e as Error)?.stack ?? e) }),
  );
}

function fileUri(file: string, env: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (file.startsWith('/')) return vscode.Uri.file(file);
  if (folder) return vscode.Uri.joinPath(folder.uri, file);
  throw new Error(`${env}=${file} is relative, but no folder is open`);
}

async function run(api: PagecostApi, platform: Platform, file: string | undefined, tsFile: string | undefined): Promise<Record<string, unknown>> {
  let uri: vscode.Uri;
  if (file) uri = fileUri(file, SELF_TEST_FILE_ENV);
  else {
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
    ts: tsFile ? await tsCheck(api, fileUri(tsFile, SELF_TEST_TS_FILE_ENV)) : null,
    stats: api.stats(),
    status: await api.status(),
  };
}

/**
 * A TS/JS document through the same API and providers the editor uses: the analysis (in the
 * worker thread), its diagnostics, the inlay hints and the hover VS Code would ask for.
 */
async function tsCheck(api: PagecostApi, uri: vscode.Uri): Promise<Record<string, unknown>> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const t0 = Date.now();
  const r = await api.whenAnalyzed(doc.uri, doc.version, 60_000);
  const firstMs = Date.now() - t0;
  const diagnostics = vscode.languages.getDiagnostics(doc.uri).map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)));
  const full = new vscode.Range(0, 0, doc.lineCount, 0);
  const hints = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, full)) ?? [];
  const site = r.sites[0];
  let hover: string | null = null;
  if (site) {
    const at = new vscode.Position(site.nameRange.start.line - 1, site.nameRange.start.column - 1);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at)) ?? [];
    hover = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n') || null;
  }
  return {
    file: doc.uri.toString(),
    language: doc.languageId,
    skipped: r.skipped,
    notes: r.notes ?? [],
    sites: r.sites.map((s) => ({ callee: s.callee, line: s.nameRange.start.line, name: s.name })),
    rules: r.findings.map((f) => f.rule),
    diagnostics,
    hints: hints.map((h) => ({ line: h.position.line + 1, label: typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('') })),
    hover,
    // From opening the document to its first analysis: starting the worker, loading ts-morph, analysing.
    firstMs,
    ms: r.ms,
  };
}

/**
 * With PAGECOST_E2E_RESULTS set, what each "Scan the workspace" published goes to
 * `<results>.scan.json`, so the driver can hold it against `pagecost scan` on the same folder.
 */
export function workspaceScanSink(env: NodeJS.ProcessEnv = process.env): ((result: unknown) => void) | undefined {
  const out = env[SELF_TEST_ENV];
  return out ? (result) => void write(`${out}.scan.json`, result) : undefined;
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
