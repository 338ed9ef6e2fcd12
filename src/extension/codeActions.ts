// Quick fixes for pagecost diagnostics. The edits come from core (src/core/fixes: `fixesFor`),
// which decides whether a rewrite is safe; this file only turns them into WorkspaceEdits.
import * as vscode from 'vscode';
import type { Fix } from '../core/fixes';
import type { Finding } from '../core/types';
import { LANGUAGES, type AnalysisManager } from './analysisManager';
import { toPosition } from './convert';

export type { Fix };
/** Fixes for one finding in the document's text; `indentUnit` is the editor's indentation step. */
export type FixSource = (finding: Finding, text: string, indentUnit?: string) => Fix[];

export const FIX_KIND = vscode.CodeActionKind.QuickFix.append('pagecost');

export class CodeActionsFeature implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix, FIX_KIND];
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly manager: AnalysisManager,
    private readonly fixes: FixSource,
  ) {
    this.sub = vscode.languages.registerCodeActionsProvider(LANGUAGES.map((language) => ({ language })), this, {
      providedCodeActionKinds: CodeActionsFeature.providedCodeActionKinds,
    });
  }

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === 'pagecost');
    if (!ours.length) return [];
    const r = await this.manager.current(document, token);
    if (!r || token.isCancellationRequested) return [];
    const text = document.getText();
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const indentUnit = editor && editor.options.insertSpaces === true && typeof editor.options.tabSize === 'number'
      ? ' '.repeat(editor.options.tabSize)
      : editor && editor.options.insertSpaces === false ? '\t' : undefined;
    const out: vscode.CodeAction[] = [];
    for (const diag of ours) {
      const rule = typeof diag.code === 'object' ? String(diag.code.value) : String(diag.code);
      const f = r.findings.find(
        (x) => x.rule === rule && x.site.nameRange.start.line - 1 === diag.range.start.line && x.site.nameRange.start.column - 1 === diag.range.start.character,
      );
      if (!f) continue;
      let fixes: Fix[];
      try {
        fixes = this.fixes(f, text, indentUnit);
      } catch {
        continue; // a fix generator that fails offers nothing rather than an error popup
      }
      for (const fix of fixes) {
        if (context.only && !FIX_KIND.intersects(context.only) && !vscode.CodeActionKind.QuickFix.intersects(context.only)) continue;
        const action = new vscode.CodeAction(fix.note ? `${fix.title} (${fix.note})` : fix.title, FIX_KIND);
        action.diagnostics = [diag];
        action.isPreferred = fix.isPreferred === true;
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) {
          edit.replace(document.uri, new vscode.Range(toPosition(e.range.start), toPosition(e.range.end)), e.newText);
        }
        action.edit = edit;
        out.push(action);
      }
    }
    return out;
  }

  dispose(): void {
    this.sub.dispose();
  }
}
