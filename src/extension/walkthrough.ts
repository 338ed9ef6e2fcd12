// The walkthrough's commands (contributes.walkthroughs, "Get started with pagecost"). Open the
// swap example with the cursor on its first mremap: from the workspace when it has
// examples/swap/swap.c (the repository, or `npm start`), otherwise a copy the extension ships as
// an untitled C document, so the tour works in any window. A walkthrough's buttons run while the
// walkthrough, not a text editor, is active, so the explain and quick-fix steps have their own
// commands (hidden from the palette) that bring the example back first.
import * as vscode from 'vscode';

export const EXAMPLE = ['examples', 'swap', 'swap.c'];

export interface OpenExampleResult {
  ok: boolean;
  reason?: string;
  /** The document opened: in the workspace, or untitled. */
  uri?: string;
  untitled?: boolean;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** examples/swap/swap.c in a workspace folder (or swap/swap.c, when examples/ itself is open). */
async function inWorkspace(): Promise<vscode.Uri | null> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const parts of [EXAMPLE, EXAMPLE.slice(1)]) {
      const uri = vscode.Uri.joinPath(folder.uri, ...parts);
      if (await exists(uri)) return uri;
    }
  }
  return null;
}

/** The example this window opened last, while it is still open (an untitled copy is not opened twice). */
let opened: vscode.TextDocument | null = null;

/** Where the first mremap call's name is (not in a comment): the call the steps talk about. */
function firstCall(doc: vscode.TextDocument): number {
  // Comments blanked out with spaces, so offsets stay those of the text.
  const code = doc.getText().replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  return code.search(/\bmremap\s*\(/);
}

export async function openExample(extensionUri: vscode.Uri): Promise<OpenExampleResult & { doc: vscode.TextDocument }> {
  let doc = opened && !opened.isClosed ? opened : null;
  let untitled = doc?.isUntitled ?? false;
  if (!doc) {
    const found = await inWorkspace();
    untitled = !found;
    if (found) doc = await vscode.workspace.openTextDocument(found);
    else {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, ...EXAMPLE));
      doc = await vscode.workspace.openTextDocument({ language: 'c', content: new TextDecoder().decode(bytes) });
    }
    opened = doc;
  }
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const at = firstCall(doc);
  if (at >= 0) {
    const pos = doc.positionAt(at);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  }
  return { ok: true, uri: doc.uri.toString(), untitled, doc };
}

export function registerWalkthrough(extensionUri: vscode.Uri, log: (line: string) => void): vscode.Disposable {
  const reg = (id: string, fn: () => Promise<unknown>) => vscode.commands.registerCommand(id, async () => {
    try {
      return await fn();
    } catch (e) {
      const reason = (e as Error).message;
      log(`${id}: ${reason}`);
      void vscode.window.showErrorMessage(`pagecost: ${reason}`);
      return { ok: false, reason };
    }
  });
  return vscode.Disposable.from(
    reg('pagecost.openExample', async () => {
      const r = await openExample(extensionUri);
      return { ok: r.ok, uri: r.uri, untitled: r.untitled };
    }),
    // Step 2's button: the explanation of the example's first call, in the output channel.
    reg('pagecost.tour.explain', async () => {
      const { doc } = await openExample(extensionUri);
      return vscode.commands.executeCommand('pagecost.explainModel', doc.uri.toString(), firstCall(doc));
    }),
    // Step 3's button: the quick fixes on that call, as Ctrl+. there would show them.
    reg('pagecost.tour.quickFix', async () => {
      const { doc } = await openExample(extensionUri);
      // Ask the providers first (this waits for the analysis), so that the menu opens with the fixes.
      const at = doc.positionAt(Math.max(0, firstCall(doc)));
      await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(at, at));
      // The walkthrough's button takes the focus back as its click ends, and a quick fix menu
      // closes when its editor loses the focus: open it once that has happened.
      await new Promise((r) => setTimeout(r, 150));
      await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
      await vscode.commands.executeCommand('editor.action.quickFix');
      return { ok: true };
    }),
  );
}
