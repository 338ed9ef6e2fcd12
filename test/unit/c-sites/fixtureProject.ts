// Analyses test/fixtures/c as one project, the way the CLI does: the project scan (wrapper
// rounds, helpers, function pointers, headers' symbols) over an in-process shard, so these tests
// and `pagecost scan test/fixtures/c` (test/unit/cli/fixtures.test.ts) run the same engine.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CallSite, ResizeHelper, WrapperDef } from '../../../src/core/types';
import { ScanShard } from '../../../src/core/scan/shard';
import { scanProject } from '../../../src/core/scan/orchestrate';
import { grammarFiles } from '../../support/grammar';

export const FIXTURE_ROOT = join(__dirname, '..', '..', 'fixtures', 'c');

/** Fixture files relative to FIXTURE_ROOT with forward slashes, sorted. */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.[ch]$/.test(name)) out.push(relative(FIXTURE_ROOT, full).split('\\').join('/'));
    }
  };
  walk(FIXTURE_ROOT);
  return out;
}

export interface ProjectResult {
  /** Sites per file, in source order. */
  sites: Map<string, CallSite[]>;
  wrappers: WrapperDef[];
  helpers: ResizeHelper[];
  rounds: number;
}

let cached: Promise<ProjectResult> | null = null;

export function analyzeFixtureProject(): Promise<ProjectResult> {
  cached ??= run();
  return cached;
}

async function run(): Promise<ProjectResult> {
  const files = fixtureFiles();
  const root = FIXTURE_ROOT.split('\\').join('/');
  const reader = { read: (path: string) => new Uint8Array(readFileSync(path)) };
  const shard = new ScanShard(reader, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: [root] });
  try {
    const r = await scanProject(files.map((rel) => ({ path: `${root}/${rel}`, rel })), [shard]);
    const sites = new Map<string, CallSite[]>(files.map((f) => [f, []]));
    for (const s of r.sites) sites.get(s.file)?.push(s);
    for (const list of sites.values()) list.sort((a, b) => a.nameRange.startOffset - b.nameRange.startOffset);
    return { sites, wrappers: r.wrappers, helpers: r.helpers, rounds: r.stats.rounds };
  } finally {
    shard.dispose();
  }
}
