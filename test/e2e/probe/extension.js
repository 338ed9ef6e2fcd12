// The tier-3 probe: shows the same kinds of things pagecost shows (an inlay hint after each
// realloc/mremap call, a warning on mremap, a hover, a quick fix) with fixed texts, and runs in
// the server's Node extension host. With PAGECOST_E2E_RESULTS set it writes what it saw of its
// host there as JSON (TESTING.md step 6).
'use strict';
const vscode = require('vscode');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const CALL = /\b(mremap|realloc)\s*\(/g;

/** Finds each call and the position right after its closing parenthesis. */
function calls(doc) {
  const text = doc.getText();
  const out = [];
  for (const m of text.matchAll(CALL)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < text.length; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) break;
    }
    if (i >= text.length) continue;
    out.push({ name: m[1], start: doc.positionAt(m.index), end: doc.positionAt(i + 1) });
  }
  return out;
}

function activate(context) {
  const diags = vscode.languages.createDiagnosticCollection('pagecost-probe');
  const refresh = (doc) => {
    if (doc.languageId !== 'c') return;
    diags.set(doc.uri, calls(doc).filter((c) => c.name === 'mremap').map((c) => {
      const d = new vscode.Diagnostic(new vscode.Range(c.start, c.end),
        'probe: this mremap moves 16 KiB; a memcpy would be faster', vscode.DiagnosticSeverity.Warning);
      d.source = 'pagecost-probe';
      d.code = 'probe-mremap';
      return d;
    }));
  };
  context.subscriptions.push(
    diags,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.languages.registerInlayHintsProvider({ language: 'c' }, {
      provideInlayHints(doc, range) {
        return calls(doc).filter((c) => range.contains(c.end)).map((c) => {
          const h = new vscode.InlayHint(c.end, `probe ${c.name} ≈ 12 µs`, vscode.InlayHintKind.Parameter);
          h.paddingLeft = true;
          return h;
        });
      },
    }),
    vscode.languages.registerHoverProvider({ language: 'c' }, {
      provideHover(doc, pos) {
        const c = calls(doc).find((x) => new vscode.Range(x.start, x.end).contains(pos));
        if (!c) return undefined;
        return new vscode.Hover(new vscode.MarkdownString(`**probe hover** for \`${c.name}\`: syscall 1 µs + page tables 11 µs`));
      },
    }),
    vscode.languages.registerCodeActionsProvider({ language: 'c' }, {
      provideCodeActions(doc, range, ctx) {
        return ctx.diagnostics.filter((d) => d.source === 'pagecost-probe').map((d) => {
          const a = new vscode.CodeAction('probe: replace with memcpy', vscode.CodeActionKind.QuickFix);
          a.diagnostics = [d];
          a.edit = new vscode.WorkspaceEdit();
          a.edit.insert(doc.uri, d.range.start, '/* probe */ ');
          return a;
        });
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
  vscode.workspace.textDocuments.forEach(refresh);

  const out = process.env.PAGECOST_E2E_RESULTS;
  if (out) {
    const results = {
      host: 'node',
      node: process.version,
      hrtime: typeof process.hrtime.bigint() === 'bigint',
      childProcess: execFileSync(process.execPath, ['-e', 'process.stdout.write("ok")']).toString(),
      workerThreads: typeof require('node:worker_threads').Worker === 'function',
      trusted: vscode.workspace.isTrusted,
      vscodeVersion: vscode.version,
    };
    fs.writeFileSync(out, JSON.stringify(results));
  }
  return { apiVersion: 1, host: 'node' };
}

module.exports = { activate, deactivate() {} };
