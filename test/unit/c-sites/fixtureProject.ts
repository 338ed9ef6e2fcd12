// Analyses test/fixtures/c as one project, the way the CLI does: wrapper detection iterated over
// all files to a fixed point, then every file analysed with all wrappers and its headers' symbols.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import type { Parser, Tree } from 'web-tree-sitter';
import type { CallSite, WrapperDef } from '../../../src/core/types';
import { analyzeCFile } from '../../../src/core/analysis/c/analyzeFile';
import { createCParser } from '../../../src/core/analysis/c/parser';
import { collectSymbols, type FileSymbols } from '../../../src/core/analysis/c/symbols';
import { findWrappers } from '../../../src/core/analysis/c/wrappers';
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
  sites: Map<string, CallSite[]>;
  wrappers: WrapperDef[];
  rounds: number;
}

let cached: Promise<ProjectResult> | null = null;

export function analyzeFixtureProject(): Promise<ProjectResult> {
  cached ??= run();
  return cached;
}

async function run(): Promise<ProjectResult> {
  const parser: Parser = await createCParser(grammarFiles);
  const files = fixtureFiles();
  const texts = new Map<string, string>();
  const trees = new Map<string, Tree>();
  const symbols = new Map<string, FileSymbols>();
  for (const f of files) {
    const text = readFileSync(join(FIXTURE_ROOT, f), 'utf8');
    const tree = parser.parse(text)!;
    texts.set(f, text);
    trees.set(f, tree);
    symbols.set(f, collectSymbols(tree.rootNode, f));
  }
  // Fixed point: each round gives every file the wrappers found so far.
  const known: WrapperDef[] = [];
  let rounds = 0;
  for (;;) {
    rounds++;
    const added: WrapperDef[] = [];
    for (const f of files) {
      for (const def of findWrappers(trees.get(f)!.rootNode, texts.get(f)!, f, known)) {
        if (!known.some((k) => k.name === def.name) && !added.some((k) => k.name === def.name)) added.push(def);
      }
    }
    if (!added.length || rounds > 10) break;
    known.push(...added);
  }
  // Headers reachable through #include "..." (relative to the including file), nearest first.
  const headersOf = (f: string): FileSymbols[] => {
    const out: FileSymbols[] = [];
    const seen = new Set<string>([f]);
    const queue = [f];
    while (queue.length) {
      const cur = queue.shift()!;
      for (const inc of symbols.get(cur)?.includes ?? []) {
        const target = posix.normalize(posix.join(posix.dirname(cur), inc));
        if (seen.has(target) || !symbols.has(target)) continue;
        seen.add(target);
        out.push(symbols.get(target)!);
        queue.push(target);
      }
    }
    return out;
  };
  const sites = new Map<string, CallSite[]>();
  for (const f of files) {
    const r = analyzeCFile(trees.get(f)!.rootNode, texts.get(f)!, f, {
      wrappers: known,
      symbols: symbols.get(f)!,
      headers: headersOf(f),
    });
    sites.set(f, r.sites);
  }
  void dirname;
  return { sites, wrappers: known, rounds };
}
