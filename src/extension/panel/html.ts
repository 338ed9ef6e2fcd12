// The panel's HTML shell: a strict Content Security Policy (nothing by default; our script and
// stylesheet from dist/webview/ with a fresh nonce; images only as data: for uPlot's canvas
// export), and the empty containers webview/main.ts fills. No data is ever put into this markup.
import * as vscode from 'vscode';
import { PANEL_BODY } from './shell';

export const WEBVIEW_DIR = ['dist', 'webview'] as const;

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR);
}

function nonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, '');
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'panel.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'panel.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${webview.cspSource} 'nonce-${n}'`,
    `font-src ${webview.cspSource}`,
    'img-src data:',
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${n}" href="${style.toString()}">
<title>pagecost benchmark</title>
</head>
<body data-mode="loading">
${PANEL_BODY}<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}
