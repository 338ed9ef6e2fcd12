// The AnalysisManager when the workspace index reports new wrappers: every open document is
// analysed again, not only those of the folder the index covers. A result's generation is global,
// so a document left out (an untitled one, or one in another folder) would keep a result the
// providers no longer accept: its hints would vanish and "current" would wait out its timeout.
import { EventEmitter, fake, Uri } from './vscodeFake';
import { strict as assert } from 'node:assert';
import { AnalysisManager } from '../../../src/extension/analysisManager';
import { SettingsStore } from '../../../src/extension/settings';
import type { ProfileStore } from '../../../src/extension/profiles';
import type { IndexService } from '../../../src/extension/index/indexService';
import type { TsAnalysisService } from '../../../src/extension/tsService';
import { analyzeTsFile } from '../../../src/core/analysis/ts/index';
import { builtinProfile } from '../../../src/core/model/profile';

type Any = any;

const GROW = 'export function grow(wasm: any, p: number, n: number) {\n  return wasm.__wbindgen_realloc(p, n, 65536, 1);\n}\n';
const profiles = { get: async () => ({ profile: builtinProfile('x86-64'), problem: null }), onDidChange: () => ({ dispose: () => undefined }) } as unknown as ProfileStore;
const service: TsAnalysisService = {
  loadMs: null,
  analyze: async (req) => analyzeTsFile(req.text, req.file, req.options),
  cancel: () => undefined,
  dispose: () => undefined,
};

/** The index as the manager sees it: an update event, and no wrappers or headers of its own. */
function fakeIndex() {
  const updated = new EventEmitter<{ folder: Uri; wrappersChanged: boolean; touched: string[]; changed: string[] }>();
  const index = {
    onDidUpdate: updated.event,
    wrappersFor: () => [],
    allWrappers: () => [],
    freshEntry: async () => undefined,
    includeContext: () => null,
  } as unknown as IndexService;
  return { index, updated };
}

describe('AnalysisManager: an index update re-analyses every open document', () => {
  let m: AnalysisManager | null = null;
  beforeEach(() => {
    fake.reset();
    fake.config.set('', { debounceMs: 0 });
  });
  afterEach(() => m?.dispose());

  it('an untitled document and one in another folder stay current (their hints stay)', async function () {
    this.timeout(10_000);
    (fake as Any).folders = [{ uri: Uri.parse('file:///a'), name: 'a', index: 0 }, { uri: Uri.parse('file:///b'), name: 'b', index: 1 }];
    const { index, updated } = fakeIndex();
    m = new AnalysisManager(Uri.parse('file:///ext') as Any, new SettingsStore(), profiles, () => undefined, () => service, index);
    const docs = [fake.open('untitled:Untitled-1', 'typescript', GROW), fake.open('file:///a/x.ts', 'typescript', GROW), fake.open('file:///b/y.ts', 'typescript', GROW)];
    for (const d of docs) await m.whenAnalyzed(d.uri as Any, d.version, 5_000);
    updated.fire({ folder: Uri.parse('file:///a'), wrappersChanged: true, touched: [], changed: [] });
    for (const d of docs) {
      // Within 3 s, though `current` would wait 30 s for a result that never comes.
      const r = await Promise.race([m.current(d as Any), new Promise<'late'>((res) => setTimeout(() => res('late'), 3_000))]);
      if (r === 'late') assert.fail(`${d.uri.toString()} was not analysed again after the index update`);
      assert.ok(r && r.findings.some((f) => f.rule === 'js-grow-cost'), `${d.uri.toString()}: ${JSON.stringify(r)}`);
    }
  });
});
