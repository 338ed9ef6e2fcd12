// The browser entry (`browser`): VS Code for the Web. Analysis, diagnostics, hints, hovers and
// fixes work (TS/JS in a Web Worker, web/tsWorkerClient.ts); benchmark and calibrate say why
// they need a local VS Code.
import type * as vscode from 'vscode';
import type { PagecostApi } from './api';
import { activateWith } from './extension';
import { webPlatform } from './platform';
import { webTsService } from './web/tsWorkerClient';
import { FsIndexHost } from './index/fsHost';
import { grammarBytes } from './grammar';

export function activate(context: vscode.ExtensionContext): PagecostApi {
  return activateWith(context, {
    ...webPlatform,
    tsAnalysis: (log) => webTsService(context.extensionUri, log),
    // The index reads through workspace.fs and scans on the extension host's thread in slices.
    indexHosts: (extensionUri) => {
      const host = new FsIndexHost(() => grammarBytes(extensionUri));
      return () => host;
    },
  });
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
