// The hover on a call: plain words, the model's breakdown, the assumptions, and links to
// benchmark the call, explain the model, or change the assumptions. Assembly is in
// core/present/hover.ts; this file finds the site under the cursor and builds the links.
import * as vscode from 'vscode';
import { MODEL_VERSION } from '../core/model';
import { commandLink, hoverMarkdown } from '../core/present/hover';
import { benchBlockedReason } from '../core/present/trust';
import type { CallSite, Finding } from '../core/types';
import { LANGUAGES, type AnalysisManager } from './analysisManager';
import { toRange } from './convert';
import type { Platform } from './platform';
import type { ProfileStore } from './profiles';
import type { SettingsStore } from './settings';

export const HOVER_COMMANDS = ['pagecost.benchmarkCall', 'pagecost.explainModel', 'pagecost.changeAssumptions'];

/**
 * Why the call cannot be benchmarked whatever the host: a WebAssembly module's own realloc runs
 * inside linear memory with the module's allocator, which no harness of ours runs. The other JS
 * primitives are timed by the JS harness (src/core/bench/js), C calls and FFI calls of C
 * realloc/mremap by the C harness.
 */
export function jsBenchReason(site: CallSite): string | null {
  return site.callee === 'wasm-realloc'
    ? 'A WebAssembly module\'s own realloc runs inside linear memory with its allocator, which the benchmark harnesses do not run; its figures come from the model (docs/MODEL.md).'
    : null;
}

/** The findings of the call site at `offset` (on its name or anywhere in the call). */
export function findingsAt(findings: readonly Finding[], offset: number): Finding[] {
  const inName = findings.filter((f) => offset >= f.site.nameRange.startOffset && offset <= f.site.nameRange.endOffset);
  if (inName.length) return inName;
  // Innermost call containing the offset (calls may nest: realloc(p, xsize(n))).
  let best: Finding[] = [];
  let width = Infinity;
  for (const f of findings) {
    const r = f.site.range;
    if (offset < r.startOffset || offset > r.endOffset) continue;
    const w = r.endOffset - r.startOffset;
    if (w < width) {
      width = w;
      best = [f];
    } else if (w === width && best[0]?.site === f.site) best.push(f);
  }
  return best;
}

export class HoverFeature implements vscode.HoverProvider, vscode.Disposable {
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly manager: AnalysisManager,
    private readonly settings: SettingsStore,
    private readonly profiles: ProfileStore,
    private readonly platform: Platform,
  ) {
    this.sub = vscode.languages.registerHoverProvider(LANGUAGES.map((language) => ({ language })), this);
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const r = await this.manager.current(document, token);
    if (!r || token.isCancellationRequested) return undefined;
    const found = findingsAt(r.findings, document.offsetAt(position));
    if (!found.length) return undefined;
    const settings = this.settings.for(document.uri);
    const { profile, fallback } = await this.profiles.get();
    const at = found[0]!.site.nameRange.startOffset;
    const args = [document.uri.toString(), at];
    const blocked = benchBlockedReason(this.platform.benchUnavailable(), vscode.workspace.isTrusted) ?? jsBenchReason(found[0]!.site);
    const text = hoverMarkdown(found, {
      modelVersion: MODEL_VERSION,
      profile: {
        name: profile.name, source: profile.source,
        ...(profile.calibrated ? { calibratedAt: profile.calibrated.at } : {}),
        ...(fallback ? { fallback } : {}),
        pageSize: settings.pageSize ?? profile.machine.pageSize, thp: profile.machine.thp, arch: profile.machine.arch,
      },
      threads: settings.threads,
      links: {
        ...(blocked ? {} : { benchmark: commandLink('pagecost.benchmarkCall', args) }),
        explain: commandLink('pagecost.explainModel', args),
        assumptions: commandLink('pagecost.changeAssumptions', []),
      },
      benchmarkUnavailable: blocked,
    });
    const md = new vscode.MarkdownString(text);
    md.isTrusted = { enabledCommands: HOVER_COMMANDS };
    return new vscode.Hover(md, toRange(found[0]!.site.nameRange));
  }

  dispose(): void {
    this.sub.dispose();
  }
}
