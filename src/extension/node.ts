// The Node entry (`main`): desktop VS Code, remote hosts, code-server. Benchmarks and
// "this-machine" are available here.
import type * as vscode from 'vscode';
import type { PagecostApi } from './api';
import { activateWith } from './extension';
import { nodePlatform } from './node/platform';

export function activate(context: vscode.ExtensionContext): PagecostApi {
  return activateWith(context, nodePlatform);
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
