// The index in the status bar, as clangd shows its background index: `pagecost: indexing 412/992`
// with a spinning icon while it works, `paused` when paused, briefly `index ready` when done, then
// nothing (the language status item keeps the detail). A click opens a menu to pause, resume,
// cancel or rebuild; the same actions are palette commands.
import * as vscode from 'vscode';
import type { IndexService } from './indexService';

export class IndexStatusFeature implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pagecost.index', vscode.StatusBarAlignment.Left, 10);
  private readonly subs: vscode.Disposable[];
  private hideTimer: ReturnType<typeof setTimeout> | undefined;
  private wasBusy = false;

  constructor(private readonly index: IndexService) {
    this.item.name = 'pagecost index';
    this.item.command = 'pagecost.indexMenu';
    this.subs = [
      index.onDidChangeStatus(() => this.render()),
      vscode.commands.registerCommand('pagecost.pauseIndexing', () => index.pause()),
      vscode.commands.registerCommand('pagecost.resumeIndexing', () => index.resume()),
      vscode.commands.registerCommand('pagecost.cancelIndexing', () => index.cancel()),
      vscode.commands.registerCommand('pagecost.rebuildIndex', () => index.rebuild()),
      vscode.commands.registerCommand('pagecost.indexMenu', () => this.menu()),
    ];
  }

  private render(): void {
    const s = this.index.status();
    const busy = s.state === 'indexing' || s.state === 'paused';
    if (this.hideTimer) clearTimeout(this.hideTimer);
    if (busy) {
      this.item.text = s.state === 'paused' ? `$(debug-pause) pagecost: ${s.text}` : `$(sync~spin) pagecost: ${s.text}`;
      this.item.tooltip = `${s.detail}. Click to pause or cancel.`;
      this.item.show();
    } else if (this.wasBusy || s.state === 'failed' || s.state === 'cancelled') {
      // Say how it ended, for a few seconds (a failure or a cancel stays until the next change).
      this.item.text = s.state === 'ready' ? `$(check) pagecost: ${s.text}` : `$(warning) pagecost: ${s.text}`;
      this.item.tooltip = s.detail;
      this.item.show();
      if (s.state === 'ready') this.hideTimer = setTimeout(() => this.item.hide(), 5000);
    }
    this.wasBusy = busy;
  }

  private async menu(): Promise<void> {
    const s = this.index.status();
    const items: Array<vscode.QuickPickItem & { run: () => unknown }> = [];
    if (s.state === 'indexing') items.push({ label: '$(debug-pause) Pause indexing', run: () => this.index.pause() });
    if (s.state === 'paused') items.push({ label: '$(debug-continue) Resume indexing', run: () => this.index.resume() });
    if (s.state === 'indexing' || s.state === 'paused') items.push({ label: '$(stop) Cancel indexing', detail: 'Until you rebuild the index or scan the workspace', run: () => this.index.cancel() });
    items.push({ label: '$(refresh) Rebuild the workspace index', run: () => this.index.rebuild() });
    items.push({ label: '$(output) Show output', run: () => vscode.commands.executeCommand('pagecost.showOutput') });
    const pick = await vscode.window.showQuickPick(items, { title: `pagecost: ${s.text}`, placeHolder: s.detail });
    await pick?.run();
  }

  dispose(): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
