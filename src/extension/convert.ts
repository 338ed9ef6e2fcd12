// CallSite positions (1-based line and UTF-16 column) to VS Code's (0-based), and our severities
// to VS Code's.
import * as vscode from 'vscode';
import type { Range, Severity } from '../core/types';

export function toPosition(p: { line: number; column: number }): vscode.Position {
  return new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
}

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(toPosition(r.start), toPosition(r.end));
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error': return vscode.DiagnosticSeverity.Error;
    case 'warning': return vscode.DiagnosticSeverity.Warning;
    case 'info': return vscode.DiagnosticSeverity.Information;
    default: return vscode.DiagnosticSeverity.Hint;
  }
}

/** A file name in CallSite/WrapperDef: the URI string the editor analysed it under, or a path. */
export function fileToUri(file: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
}
