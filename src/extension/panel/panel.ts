// The benchmark panel's webview: one instance (opening it again reveals it), restored after a
// window reload by a WebviewPanelSerializer, scripts enabled only for our bundle, resources only
// from dist/webview. Every message from the page is checked before it reaches the controller;
// unknown or malformed ones are dropped and logged.
import * as vscode from 'vscode';
import { checkWebviewMessage, type HostMessage } from '../../core/panel/messages';
import { PageOutbox } from '../../core/panel/outbox';
import type { PanelController } from './controller';
import { panelHtml, webviewRoot } from './html';

export const PANEL_VIEW_TYPE = 'pagecost.benchmark';

export class BenchmarkPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private readonly subs: vscode.Disposable[] = [];
  private opened = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    readonly controller: PanelController,
    private readonly log: (line: string) => void,
  ) {
    this.subs.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          // The page keeps its own UI state (getState); the results come back from the workspace state.
          this.adopt(panel);
        },
      }),
    );
  }

  private options(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [webviewRoot(this.extensionUri)] };
  }

  /** Opens the panel, or reveals it when it is open. Returns the milliseconds it took on the host. */
  show(preserveFocus = false): number {
    const t0 = Date.now();
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return Date.now() - t0;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'pagecost benchmark', { viewColumn: vscode.ViewColumn.Active, preserveFocus }, {
      ...this.options(),
      retainContextWhenHidden: false,
    });
    this.adopt(panel);
    return Date.now() - t0;
  }

  get isOpen(): boolean {
    return this.panel !== null;
  }

  get opens(): number {
    return this.opened;
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.opened++;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.options = this.options();
    panel.webview.html = panelHtml(panel.webview, this.extensionUri);
    // A hidden page is gone (no retained context): the log lines of a run it misses are held for it.
    const outbox = new PageOutbox<HostMessage>((m) => void panel.webview.postMessage(m), panel.visible, (m) => m.type === 'log');
    this.controller.attach((m) => outbox.post(m));
    const subs = [
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) outbox.hidden();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const checked = checkWebviewMessage(raw);
        if (!checked.ok) {
          this.log(`panel: ignored a message from the webview (${checked.error})`);
          return;
        }
        if (checked.value.type === 'ready') outbox.ready();
        this.controller.handle(checked.value).catch((e: Error) => this.log(`panel: ${e.message}`));
      }),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panel = null;
        // Closing cancels the run; the runner stops the process group and removes half-written builds.
        this.controller.attach(null);
        for (const s of subs) s.dispose();
      }),
    ];
  }

  dispose(): void {
    this.panel?.dispose();
    for (const s of this.subs) s.dispose();
  }
}
