// The Node entry (`main`): desktop VS Code, remote hosts, code-server. Benchmarks and
// "this-machine" are available here, and so is the tier-3 self-test hook (selfTest.ts), which
// writes a file and so never goes into the browser entry.
import type * as vscode from 'vscode';
import type { PagecostApi } from './api';
import { activateWith } from './extension';
import { nodePlatform } from './node/platform';
import { startSelfTest } from './selfTest';

export function activate(context: vscode.ExtensionContext): PagecostApi {
  const api = activateWith(context, nodePlatform);
  // Does nothing unless PAGECOST_E2E_RESULTS is set (test/e2e sets it).
  startSelfTest(api, nodePlatform);
  return api;
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
