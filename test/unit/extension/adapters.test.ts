// The thin adapters of src/extension/ against a fake `vscode` (vscodeFake.ts, imported first so
// that `require('vscode')` finds it): positions and severities, settings per folder, findings to
// diagnostics, and fixes to WorkspaceEdits. The findings and fixes are real (src/core on C text).
import { fake, DiagnosticSeverity, Position, Range, Uri, WorkspaceEdit, type CodeAction, type Diagnostic } from './vscodeFake';
import { strict as assert } from 'node:assert';
import { fileToUri, toPosition, toRange, toSeverity } from '../../../src/extension/convert';
import { SettingsStore } from '../../../src/extension/settings';
import { DiagnosticsFeature } from '../../../src/extension/diagnostics';
import { CodeActionsFeature } from '../../../src/extension/codeActions';
import { fixesForFinding } from '../../../src/extension/fixes';
import { applyEdits } from '../../../src/core/fixes/index';
import type { EditorSettings } from '../../../src/core/present/settings';
import { DEFAULT_SETTINGS } from '../../../src/core/present/settings';
import type { Finding } from '../../../src/core/types';
import { findingsOf } from '../fixes/helpers';

// The adapters are typed against the real `vscode` types; the fake is structurally close enough
// for what they touch, and these casts say where the test hands one for the other.
type Any = any;

const LEAKY = [
  '#include <stdlib.h>',
  'int grow(char **buf, size_t n)',
  '{',
  '  *buf = realloc(*buf, n);',
  '  return *buf != NULL;',
  '}',
  '',
].join('\n');

/** Applies 0-based WorkspaceEdit replacements to `text` (back to front, as VS Code does). */
function applyWorkspaceEdit(text: string, edit: WorkspaceEdit): string {
  const lines = text.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edit.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe('extension adapters (fake vscode)', () => {
  afterEach(() => fake.reset());

  describe('convert', () => {
    it('turns 1-based line/column into 0-based positions and clamps at the start', () => {
      const p = toPosition({ line: 4, column: 11 });
      assert.deepEqual([p.line, p.character], [3, 10]);
      const z = toPosition({ line: 0, column: 0 });
      assert.deepEqual([z.line, z.character], [0, 0]);
      const r = toRange({ start: { line: 1, column: 1, offset: 0 }, end: { line: 2, column: 5, offset: 9 } } as Any);
      assert.deepEqual([r.start.line, r.start.character, r.end.line, r.end.character], [0, 0, 1, 4]);
    });

    it('maps every severity, with "hint" (and anything unknown) to Hint', () => {
      assert.equal(toSeverity('error'), DiagnosticSeverity.Error);
      assert.equal(toSeverity('warning'), DiagnosticSeverity.Warning);
      assert.equal(toSeverity('info'), DiagnosticSeverity.Information);
      assert.equal(toSeverity('hint'), DiagnosticSeverity.Hint);
    });

    it('reads file names as URIs when they have a scheme, as paths otherwise (Windows drives included)', () => {
      assert.equal(fileToUri('file:///w/grow.c').toString(), 'file:///w/grow.c');
      assert.equal(fileToUri('untitled:Untitled-1').scheme, 'untitled');
      assert.equal(fileToUri('/w/grow.c').scheme, 'file');
      const win = fileToUri('C:\\w\\grow.c');
      assert.equal(win.scheme, 'file');
      assert.equal(win.path, '/C:/w/grow.c');
    });
  });

  describe('settings', () => {
    it('reads per folder, falls back to defaults with a problem for bad values, and caches until a pagecost setting changes', () => {
      const a = Uri.parse('file:///ws/a');
      const b = Uri.parse('file:///ws/b');
      fake.folders = [{ uri: a, name: 'a', index: 0 }, { uri: b, name: 'b', index: 1 }];
      fake.config.set(a.toString(), { threads: 8 });
      fake.config.set(b.toString(), { threads: 'many' });
      fake.config.set('', { threads: 3 });
      const store = new SettingsStore();
      let fired = 0;
      store.onDidChange(() => fired++);

      assert.equal(store.for(Uri.parse('file:///ws/a/x.c') as Any).threads, 8);
      assert.equal(store.for(Uri.parse('file:///ws/b/y.c') as Any).threads, DEFAULT_SETTINGS.threads);
      assert.equal(store.currentProblems().length, 1);
      assert.match(store.currentProblems()[0]!, /threads/);
      // Outside any folder and with no document: the window's settings.
      assert.equal(store.for(Uri.parse('file:///elsewhere/z.c') as Any).threads, 3);
      assert.equal(store.for().threads, 3);

      // Cached: a new value is not seen until VS Code says the section changed.
      fake.config.set(a.toString(), { threads: 16 });
      assert.equal(store.for(Uri.parse('file:///ws/a/x.c') as Any).threads, 8);
      fake.changeConfiguration('editor.fontSize');
      assert.equal(fired, 0);
      assert.equal(store.for(Uri.parse('file:///ws/a/x.c') as Any).threads, 8);
      fake.changeConfiguration('pagecost.threads');
      assert.equal(fired, 1);
      assert.equal(store.currentProblems().length, 0, 'problems are collected afresh after a change');
      assert.equal(store.for(Uri.parse('file:///ws/a/x.c') as Any).threads, 16);

      store.dispose();
      fake.changeConfiguration('pagecost');
      assert.equal(fired, 1, 'no events after dispose');
    });
  });

  describe('diagnostics', () => {
    const uri = Uri.parse('file:///ws/grow.c');
    const feature = (rules: EditorSettings['rules']) => new DiagnosticsFeature(
      { onDidAnalyze: () => ({ dispose() {} }), allWrappers: () => [] } as Any,
      { for: () => ({ ...DEFAULT_SETTINGS, rules }) } as Any,
      Uri.parse('file:///ext/docs/RULES.md') as Any,
    );

    it('puts each finding on its call name (0-based), with source, rule code, documentation link and severity', async () => {
      const findings = await findingsOf(LEAKY);
      const leak = findings.find((f) => f.rule === 'realloc-leak-on-failure')!;
      assert.ok(leak, 'the fixture has a leak finding');
      const diags = feature({}).diagnosticsFor(uri as Any, findings) as unknown as Diagnostic[];
      assert.equal(diags.length, findings.length);
      const d = diags.find((x) => (x.code as { value: string }).value === 'realloc-leak-on-failure')!;
      // `realloc` on line 4, column 10 (1-based) of the text.
      assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [3, 9, 3, 16]);
      assert.equal(d.source, 'pagecost');
      assert.equal(d.message, leak.message);
      assert.equal(d.severity, toSeverity(leak.severity));
      assert.equal((d.code as { target: Uri }).target.toString(), 'file:///ext/docs/RULES.md#realloc-leak-on-failure');
    });

    it('applies the user\'s rule levels: "off" drops a finding, a fixed level replaces the model\'s', async () => {
      const findings = await findingsOf(LEAKY);
      const off = feature({ 'realloc-leak-on-failure': 'off' }).diagnosticsFor(uri as Any, findings) as unknown as Diagnostic[];
      assert.equal(off.length, findings.length - 1);
      assert.ok(!off.some((x) => (x.code as { value: string }).value === 'realloc-leak-on-failure'));
      const err = feature({ 'realloc-leak-on-failure': 'error' }).diagnosticsFor(uri as Any, findings) as unknown as Diagnostic[];
      assert.equal(err.find((x) => (x.code as { value: string }).value === 'realloc-leak-on-failure')!.severity, DiagnosticSeverity.Error);
    });
  });

  describe('code actions', () => {
    const uri = Uri.parse('file:///ws/grow.c');
    const doc = { uri, getText: () => LEAKY } as Any;
    const diagnosticsOf = async (findings: Finding[]) => new DiagnosticsFeature(
      { onDidAnalyze: () => ({ dispose() {} }), allWrappers: () => [] } as Any,
      { for: () => DEFAULT_SETTINGS } as Any,
      Uri.parse('file:///ext/docs/RULES.md') as Any,
    ).diagnosticsFor(uri as Any, findings);
    const provide = (findings: Finding[], diagnostics: unknown[], fixes = fixesForFinding) =>
      new CodeActionsFeature({ current: async () => ({ findings }) } as Any, fixes)
        .provideCodeActions(doc, new Range(new Position(0, 0), new Position(0, 0)) as Any, { diagnostics, triggerKind: 1, only: undefined } as Any, { isCancellationRequested: false } as Any) as unknown as Promise<CodeAction[]>;

    it("turns core's fixes into WorkspaceEdits that give the same text as core's own edits", async () => {
      const findings = await findingsOf(LEAKY);
      const leak = findings.find((f) => f.rule === 'realloc-leak-on-failure')!;
      const diags = await diagnosticsOf([leak]);
      const actions = await provide(findings, diags);
      const core = fixesForFinding(leak, LEAKY);
      assert.ok(core.length > 0, 'core offers a fix for the leak');
      assert.equal(actions.length, core.length);
      for (const [i, fix] of core.entries()) {
        const a = actions[i]!;
        assert.equal(a.title, fix.note ? `${fix.title} (${fix.note})` : fix.title);
        assert.equal(a.kind!.value, 'quickfix.pagecost');
        assert.equal(a.isPreferred, fix.isPreferred === true);
        assert.deepEqual(a.diagnostics, [diags[0]]);
        assert.ok(a.edit!.edits.every((e) => e.uri === uri));
        assert.equal(applyWorkspaceEdit(LEAKY, a.edit!), applyEdits(LEAKY, fix.edits), `fix "${fix.title}"`);
      }
    });

    it('offers nothing for diagnostics of other sources, at other places, or when the fix source throws', async () => {
      const findings = await findingsOf(LEAKY);
      const leak = findings.find((f) => f.rule === 'realloc-leak-on-failure')!;
      const [d] = await diagnosticsOf([leak]) as unknown as Diagnostic[];
      const foreign = Object.assign(Object.create(Object.getPrototypeOf(d)), d, { source: 'clangd' });
      assert.deepEqual(await provide(findings, [foreign]), []);
      const moved = Object.assign(Object.create(Object.getPrototypeOf(d)), d, { range: new Range(new Position(1, 0), new Position(1, 3)) });
      assert.deepEqual(await provide(findings, [moved]), []);
      assert.deepEqual(await provide(findings, [d], () => { throw new Error('boom'); }), []);
    });
  });
});
