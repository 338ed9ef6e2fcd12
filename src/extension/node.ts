// The Node entry (`main`): desktop VS Code, remote hosts, code-server. Benchmarks and
// "this-machine" are available here, and so is the tier-3 self-test hook (selfTest.ts), which
// writes a file and so never goes into the browser entry.
import type * as vscode from 'vscode';
import type { PagecostApi } from './api';
import { activateWith } from './extension';
import { nodePlatform } from './node/platform';
import { startSelfTest, workspaceScanSink } from './selfTest';
import { FsIndexHost } from './index/fsHost';
import { NodeIndexHost } from './node/indexHost';
import { grammarBytes } from './grammar';

export function activate(context: vscode.ExtensionContext): PagecostApi {
  const api = activateWith(context, {
    ...nodePlatform,
    // Folders on this machine's disk are listed and scanned in worker threads (dist/ is beside
    // this bundle); others (virtual file systems) through workspace.fs.
    indexHosts: (extensionUri) => {
      const local = new NodeIndexHost(__dirname);
      const fs = new FsIndexHost(() => grammarBytes(extensionUri));
      context.subscriptions.push({ dispose: () => local.dispose() });
      return (folder) => (folder.scheme === 'file' ? local : fs);
    },
    // Does nothing unless PAGECOST_E2E_RESULTS is set (test/e2e sets it).
    onWorkspaceScan: workspaceScanSink(),
  });
  // Does nothing unless PAGECOST_E2E_RESULTS is set (test/e2e sets it).
  startSelfTest(api, nodePlatform);
  return api;
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
