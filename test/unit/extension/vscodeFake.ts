// A small stand-in for the `vscode` module, enough for the thin adapters of src/extension/
// (convert, settings, diagnostics, codeActions, the AnalysisManager's document events, and the
// benchmark panel's controller: trust, notifications and the answers a user gives) to run under mocha. Only those adapters are tested
// with it: everything they decide comes from src/core, which is tested directly; what VS Code
// itself does with their output is tier 2 and tier 3's job.
//
// How it is loaded: the `vscode` module exists only inside an extension host, so importing this
// file first installs a module-resolution hook that answers `require('vscode')` with this very
// file. Spec files import it before any src/extension module:
//
//   import { fake } from './vscodeFake';                 // first
//   import { toRange } from '../../../src/extension/convert';
//
// (tsx compiles imports to `require` calls in source order, so the hook is in place in time.)
import Module from 'node:module';

type Resolve = (request: string, ...rest: unknown[]) => string;
const mod = Module as unknown as { _resolveFilename: Resolve };
const original = mod._resolveFilename;
if (!(original as { pagecostFake?: boolean }).pagecostFake) {
  const hooked: Resolve = function (this: unknown, request, ...rest) {
    return request === 'vscode' ? __filename : original.call(this, request, ...rest);
  };
  (hooked as { pagecostFake?: boolean }).pagecostFake = true;
  mod._resolveFilename = hooked;
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}

export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }

export class Uri {
  private constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly fragment: string) {}
  static parse(text: string): Uri {
    const m = /^([a-z][a-z0-9+.-]*):(?:\/\/([^/]*))?([^#]*)(?:#(.*))?$/i.exec(text);
    if (!m) throw new Error(`fake Uri.parse: ${text}`);
    return new Uri(m[1]!.toLowerCase(), m[2] ?? '', m[3] ?? '', m[4] ?? '');
  }
  static file(path: string): Uri {
    return new Uri('file', '', path.replace(/\\/g, '/').replace(/^([a-z]:)/i, '/$1'), '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, base.authority, [base.path.replace(/\/$/, ''), ...parts].join('/'), '');
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { fragment?: string }): Uri {
    return new Uri(this.scheme, this.authority, this.path, change.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Location {
  constructor(readonly uri: Uri, readonly range: Position | Range) {}
}

export class DiagnosticRelatedInformation {
  constructor(readonly location: Location, readonly message: string) {}
}

export class Diagnostic {
  source?: string;
  code?: string | number | { value: string | number; target: Uri };
  relatedInformation?: DiagnosticRelatedInformation[];
  constructor(readonly range: Range, readonly message: string, readonly severity: DiagnosticSeverity) {}
}

export class CodeActionKind {
  static readonly QuickFix = new CodeActionKind('quickfix');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(`${this.value}.${part}`);
  }
  contains(other: CodeActionKind): boolean {
    return other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export class WorkspaceEdit {
  readonly edits: { uri: Uri; range: Range; newText: string }[] = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push({ uri, range, newText });
  }
}

export class CodeAction {
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  edit?: WorkspaceEdit;
  constructor(readonly title: string, readonly kind?: CodeActionKind) {}
}

const disposable = { dispose: () => undefined };

/** What the tests control: settings per folder, workspace folders, configuration changes. */
export const fake = {
  /** `pagecost.*` values by folder URI string ('' for the window). */
  config: new Map<string, Record<string, unknown>>(),
  folders: [] as { uri: Uri; name: string; index: number }[],
  configListeners: new Set<(e: { affectsConfiguration(section: string): boolean }) => void>(),
  /** Tells listeners that settings of `sections` changed. */
  changeConfiguration(...sections: string[]): void {
    const e = { affectsConfiguration: (s: string) => sections.some((x) => x === s || x.startsWith(`${s}.`)) };
    for (const l of [...this.configListeners]) l(e);
  },
  /** Open documents (`workspace.textDocuments`) and the document events the manager listens to. */
  documents: [] as FakeDocument[],
  onOpen: new EventEmitter<FakeDocument>(),
  onClose: new EventEmitter<FakeDocument>(),
  onChange: new EventEmitter<{ document: FakeDocument; contentChanges: unknown[] }>(),
  onSave: new EventEmitter<FakeDocument>(),
  /** Messages shown with window.setStatusBarMessage. */
  statusMessages: [] as string[],
  /** Whether the workspace is trusted (workspace.isTrusted). */
  trusted: true,
  /** Notifications shown (showWarning/Error/InformationMessage), with the items offered. */
  notifications: [] as { level: 'warning' | 'error' | 'info'; text: string; items: string[] }[],
  /** What the user picks in the next notifications, first in first out (undefined: dismissed). */
  answers: [] as (string | undefined)[],
  /** Opens a document as VS Code would (fires onDidOpenTextDocument). */
  open(uri: string, languageId: string, text: string): FakeDocument {
    const d = new FakeDocument(Uri.parse(uri), languageId, text);
    this.documents.push(d);
    this.onOpen.fire(d);
    return d;
  },
  /** Replaces the text, bumps the version and fires onDidChangeTextDocument. */
  edit(d: FakeDocument, text: string): void {
    d.text = text;
    d.version++;
    this.onChange.fire({ document: d, contentChanges: [{ text }] });
  },
  close(d: FakeDocument): void {
    this.documents = this.documents.filter((x) => x !== d);
    d.isClosed = true;
    this.onClose.fire(d);
  },
  reset(): void {
    this.config.clear();
    this.folders = [];
    this.configListeners.clear();
    this.documents = [];
    this.statusMessages = [];
    this.trusted = true;
    this.notifications = [];
    this.answers = [];
  },
};

export class FakeDocument {
  version = 1;
  isClosed = false;
  constructor(readonly uri: Uri, readonly languageId: string, public text: string) {}
  getText(): string {
    return this.text;
  }
}

export const workspace = {
  getConfiguration(section: string, scope: Uri | null) {
    if (section !== 'pagecost') throw new Error(`fake getConfiguration: unexpected section ${section}`);
    const values = fake.config.get(scope?.toString() ?? '') ?? {};
    return { get: (key: string) => values[key] };
  },
  getWorkspaceFolder(uri: Uri) {
    return fake.folders.find((f) => uri.toString().startsWith(`${f.uri.toString()}/`));
  },
  onDidChangeConfiguration(listener: (e: { affectsConfiguration(section: string): boolean }) => void) {
    fake.configListeners.add(listener);
    return { dispose: () => fake.configListeners.delete(listener) };
  },
  get textDocuments() {
    return fake.documents;
  },
  onDidOpenTextDocument: (l: (d: FakeDocument) => void) => fake.onOpen.event(l),
  onDidCloseTextDocument: (l: (d: FakeDocument) => void) => fake.onClose.event(l),
  onDidChangeTextDocument: (l: (e: { document: FakeDocument; contentChanges: unknown[] }) => void) => fake.onChange.event(l),
  onDidSaveTextDocument: (l: (d: FakeDocument) => void) => fake.onSave.event(l),
  get isTrusted() {
    return fake.trusted;
  },
  onDidGrantWorkspaceTrust: () => disposable,
};

export const languages = {
  createDiagnosticCollection: () => ({ set: () => undefined, delete: () => undefined, clear: () => undefined, dispose: () => undefined }),
  registerCodeActionsProvider: () => disposable,
};

function notify(level: 'warning' | 'error' | 'info') {
  return async (text: string, ...items: unknown[]): Promise<string | undefined> => {
    const offered = items.filter((i): i is string => typeof i === 'string');
    fake.notifications.push({ level, text, items: offered });
    return offered.length ? fake.answers.shift() : undefined;
  };
}

export const window = {
  visibleTextEditors: [] as unknown[],
  showWarningMessage: notify('warning'),
  showErrorMessage: notify('error'),
  showInformationMessage: notify('info'),
  setStatusBarMessage(text: string) {
    fake.statusMessages.push(text);
    return disposable;
  },
};
