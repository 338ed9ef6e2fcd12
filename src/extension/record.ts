// *pagecost: Record a run…* and *pagecost: Load a recorded run…*. Recording runs the user's
// program, so it needs a trusted workspace and the Node extension host: it asks for the command
// line (remembered per folder), splits it without a shell, and runs `pagecost record` in a
// terminal (node and our CLI as the terminal's process: no shell string). A progress notification
// lasts as long as the run; Cancel sends SIGTERM to the terminal's process group, which stops the
// program and lets pagecost write what was recorded. The new record is picked up by RunStore.
import * as vscode from 'vscode';
import { joinCommandLine, splitCommandLine } from '../core/present/commandLine';
import type { Platform } from './platform';
import type { RunStore } from './runs';

const STATE_KEY = 'pagecost.record.commandLine';

export class RecordCommands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly platform: Platform,
    private readonly runs: RunStore,
    private readonly log: (line: string) => void,
  ) {
    this.subs.push(
      vscode.commands.registerCommand('pagecost.recordRun', () => this.record()),
      vscode.commands.registerCommand('pagecost.loadRun', (uri?: vscode.Uri) => this.load(uri)),
    );
  }

  /** Why recording cannot run here, or null. */
  unavailable(): string | null {
    if (this.platform.kind !== 'node') {
      return 'Recording runs your program with a preloaded library, which VS Code for the Web cannot do. Open the folder in desktop VS Code (or a remote window, or code-server), or run `pagecost record -- PROGRAM` in a terminal and load the record here.';
    }
    if (process.platform !== 'linux') return `Recording uses Linux's dynamic linker (LD_PRELOAD); this is ${process.platform}.`;
    if (!vscode.workspace.isTrusted) {
      return 'Recording runs a program, which Restricted Mode does not allow. Trust this workspace (Manage Workspace Trust) to record; recorded runs already in .pagecost/ are shown meanwhile.';
    }
    return null;
  }

  private async pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const active = vscode.window.activeTextEditor?.document.uri;
    const here = active && vscode.workspace.getWorkspaceFolder(active);
    if (here || folders.length <= 1) return here ?? folders[0];
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder whose code the run is placed in' });
  }

  async record(): Promise<void> {
    const why = this.unavailable();
    if (why) {
      void vscode.window.showWarningMessage(`pagecost: ${why}`);
      return;
    }
    const folder = await this.pickFolder();
    if (!folder) {
      void vscode.window.showWarningMessage('pagecost: open a folder with your C sources first: the run is placed on the call sites in it.');
      return;
    }
    const remembered = this.context.workspaceState.get<Record<string, string>>(STATE_KEY, {});
    const line = await vscode.window.showInputBox({
      title: 'pagecost: Record a run',
      prompt: `The command to run in ${folder.name} (no shell: pipes and redirections belong in a script). Build it with -g first.`,
      placeHolder: './build/myprog --input data.txt',
      value: remembered[folder.uri.toString()] ?? '',
      ignoreFocusOut: true,
      validateInput: (text) => {
        const r = splitCommandLine(text);
        return 'error' in r ? r.error : null;
      },
    });
    if (line === undefined) return;
    const split = splitCommandLine(line);
    if ('error' in split) return;
    await this.context.workspaceState.update(STATE_KEY, { ...remembered, [folder.uri.toString()]: line });
    const cli = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'cli.js').fsPath;
    const args = [cli, 'record', '--root', folder.uri.fsPath, '--', ...split.argv];
    this.log(`record: ${joinCommandLine(['pagecost', ...args.slice(1)])}`);
    const terminal = vscode.window.createTerminal({
      name: `pagecost record: ${split.argv[0]}`,
      shellPath: process.execPath,
      shellArgs: args,
      cwd: folder.uri,
      // The extension host of desktop VS Code is Electron: this makes it behave as plain Node.
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    terminal.show(true);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `pagecost: recording ${split.argv[0]}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          progress.report({ message: 'the program runs in the terminal; Cancel stops it and keeps what was recorded' });
          const closed = vscode.window.onDidCloseTerminal((t) => {
            if (t !== terminal) return;
            closed.dispose();
            const code = t.exitStatus?.code;
            this.log(`record: finished${code === undefined ? '' : ` with exit code ${code}`}`);
            resolve();
          });
          token.onCancellationRequested(async () => {
            const pid = await terminal.processId;
            if (!pid) return;
            try {
              // The terminal's process leads its own process group: the program is in it too.
              process.kill(-pid, 'SIGTERM');
              this.log(`record: cancelled: SIGTERM to process group ${pid}`);
            } catch (e) {
              this.log(`record: cancelled, but process group ${pid} is gone (${(e as Error).message})`);
            }
          });
        }),
    );
  }

  async load(given?: vscode.Uri): Promise<void> {
    const folder = await this.pickFolder();
    if (!folder) {
      void vscode.window.showWarningMessage('pagecost: open the folder the run was recorded on first: its call sites are where the run is shown.');
      return;
    }
    const uri = given ?? (await vscode.window.showOpenDialog({
      title: 'pagecost: Load a recorded run',
      canSelectMany: false,
      defaultUri: vscode.Uri.joinPath(folder.uri, '.pagecost'),
      filters: { 'pagecost runs': ['json'] },
    }))?.[0];
    if (!uri) return;
    const problem = await this.runs.loadFile(folder, uri);
    if (problem) void vscode.window.showErrorMessage(`pagecost: ${problem}`);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
