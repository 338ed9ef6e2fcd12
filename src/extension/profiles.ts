// The model profile the editor uses, from `pagecost.profile`: "auto" (the calibration written
// with the Calibrate command, else what is kept for this machine and kernel — a calibration from
// `pagecost calibrate`, else a probe from `pagecost probe` — else the built-in x86-64: the same as
// the CLI's `--profile auto`, src/cli/probe.ts), a built-in name,
// "this-machine" (Node hosts only), "calibrated", or a calibration file's path. Files are read
// through vscode.workspace.fs, so this works in the browser too. A profile that cannot be used
// falls back to x86-64 with a problem for the status item, never an exception.
import * as vscode from 'vscode';
import { builtinProfile, isBuiltinName, loadProfile, type Profile } from '../core/model';
import type { Platform } from './platform';
import type { SettingsStore } from './settings';

export interface ProfileChoice {
  profile: Profile;
  /** Why the profile asked for is not the one in use, or null. */
  problem: string | null;
  /** `auto` with nothing measured for this machine: why it is on the built-in (Restricted Mode, the web, the probe running or failed). */
  fallback?: string;
}

export const CALIBRATED_FILE = 'calibrated-profile.json';

export class ProfileStore implements vscode.Disposable {
  private current: Promise<ProfileChoice> | null = null;
  /** Why `auto` has nothing measured for this machine (the first-use probe's words: firstProbe.ts). */
  fallbackWhy: (() => string) | null = null;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly settings: SettingsStore,
    private readonly platform: Platform,
    private readonly storage: vscode.Uri,
  ) {
    this.sub = settings.onDidChange(() => this.reload());
  }

  get calibratedUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.storage, CALIBRATED_FILE);
  }

  get(): Promise<ProfileChoice> {
    if (!this.current) this.current = this.resolve();
    return this.current;
  }

  /** Drops the cached profile (a setting changed, a calibration was written) and tells listeners. */
  reload(): void {
    this.current = null;
    this.changed.fire();
  }

  /** Whether the editor's own calibration (Calibrate) exists, which `auto` uses first. */
  async hasCalibration(): Promise<boolean> {
    return (await readText(this.calibratedUri)) !== null;
  }

  /** Writes a calibration file where "auto" and "calibrated" find it, and starts using it. */
  async saveCalibration(json: string): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.storage);
    await vscode.workspace.fs.writeFile(this.calibratedUri, new TextEncoder().encode(json));
    // A copy where the CLI's `--profile auto` finds it; not keeping it costs only that.
    await this.platform.keepCalibration?.(json).catch(() => undefined);
    this.reload();
  }

  private async resolve(): Promise<ProfileChoice> {
    const wanted = this.settings.for().profile;
    const fallback = builtinProfile('x86-64');
    try {
      if (isBuiltinName(wanted)) return { profile: builtinProfile(wanted), problem: null };
      if (wanted === 'this-machine') {
        const p = this.platform.thisMachine();
        return p
          ? { profile: p, problem: null }
          : { profile: fallback, problem: 'profile "this-machine" needs a local VS Code (the browser cannot read the machine); using x86-64' };
      }
      if (wanted === 'auto' || wanted === 'calibrated') {
        const text = await readText(this.calibratedUri);
        if (text !== null) return this.fromText(text, 'calibration (pagecost: Calibrate)', fallback);
        if (wanted === 'calibrated') return { profile: fallback, problem: 'no calibration yet: run "pagecost: Calibrate the model for this machine"; using x86-64' };
        const kept = await this.platform.keptProfile?.().catch(() => null);
        if (kept) return { profile: kept, problem: null };
        const why = this.fallbackWhy?.() ?? (this.platform.kind === 'web'
          ? 'VS Code for the Web cannot read or probe this machine'
          : 'nothing measured is kept for this machine (pagecost probe or Calibrate keeps it)');
        return { profile: { ...fallback, description: `${fallback.description} (built-in x86-64: ${why})` }, problem: null, fallback: why };
      }
      const uri = fileUri(wanted);
      const text = uri ? await readText(uri) : null;
      if (text === null) return { profile: fallback, problem: `profile file ${wanted} could not be read; using x86-64` };
      return this.fromText(text, wanted, fallback);
    } catch (e) {
      return { profile: fallback, problem: `profile ${wanted}: ${(e as Error).message}; using x86-64` };
    }
  }

  private fromText(text: string, source: string, fallback: Profile): ProfileChoice {
    try {
      const live = this.platform.liveMachine();
      return { profile: loadProfile(JSON.parse(text), source, live ? { live } : {}), problem: null };
    } catch (e) {
      return { profile: fallback, problem: `${(e as Error).message}; using x86-64` };
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

/** An absolute path, a URI, or a path relative to the first workspace folder. */
function fileUri(path: string): vscode.Uri | null {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(path)) return vscode.Uri.parse(path);
  if (path.startsWith('/')) return vscode.Uri.file(path);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, path) : null;
}

async function readText(uri: vscode.Uri): Promise<string | null> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return null;
  }
}
