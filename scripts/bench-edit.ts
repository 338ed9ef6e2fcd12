// Measures the C call-site finder the way the editor and the CLI use it:
// 1. one-character edits in a 10,000-line file, re-analysed through CDocument.update
//    (incremental parse + re-analysis of the changed function only): median/p90 ms per edit;
// 2. the first full analysis of a file (parse + analyzeCFile), in lines per second.
// Run: npx tsx scripts/bench-edit.ts   (about 10 s on one core; timings vary with machine load)
import { performance } from 'node:perf_hooks';
import { createCParser } from '../src/core/analysis/c/parser';
import { analyzeCFile } from '../src/core/analysis/c/analyzeFile';
import { CDocument } from '../src/core/analysis/c/document';

const grammarFiles = {
  runtime: require.resolve('web-tree-sitter/tree-sitter.wasm'),
  c: require.resolve('tree-sitter-c/tree-sitter-c.wasm'),
};

/** Deterministic PRNG (mulberry32) so every run edits the same places. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible C file: a header part and a wrapper, then functions of ~60 lines; one in three resizes something. */
export function makeCFile(targetLines: number): { text: string; sites: number } {
  const out: string[] = [
    '#include <stdlib.h>',
    '#include <string.h>',
    '#include <sys/mman.h>',
    '#define PAGE 4096',
    '#define INITIAL_CAP 64',
    '#define GROW(c) ((c) < 1024 ? (c) * 2 : (c) + (c) / 2)',
    'struct item { int key; double weight; char name[24]; };',
    'struct vec { struct item *items; size_t len, cap; char *buf; void *map; };',
    'void die(const char *msg);',
    '',
    'void *xrealloc(void *ptr, size_t size)',
    '{',
    '  void *ret = realloc(ptr, size);',
    '  if (!ret)',
    '    die("out of memory");',
    '  return ret;',
    '}',
    '',
  ];
  const kinds = [
    (i: number) => `  v->items = realloc(v->items, v->cap * sizeof(struct item)); /* site ${i} */`,
    (i: number) => `  buf = xrealloc(buf, (size_t)n * ${i + 2});`,
    (_i: number) => `  map = mremap(map, old_len, old_len * 2, MREMAP_MAYMOVE);`,
    (i: number) => `  arr = reallocarray(arr, count + ${i}, sizeof *arr);`,
    (i: number) => `  tmp = realloc(tmp, PAGE * ${(i % 7) + 1});`,
  ];
  let fn = 0;
  let sites = 0;
  while (out.length < targetLines - 45) {
    const withSite = fn % 3 === 1;
    // Buffers come from the struct, not from parameters: a function that resized a pointer
    // parameter would be a wrapper, and editing a wrapper is rarer than editing a plain function.
    out.push(`static int process_${fn}(struct vec *v, size_t n, size_t old_len)`, '{');
    out.push('  int total = 0;', '  struct item *arr = v->items;', '  size_t count = v->len;', '  char *tmp = NULL;');
    out.push('  char *buf = v->buf;', '  void *map = v->map;');
    for (let k = 0; k < 6; k++) {
      out.push(
        `  for (size_t i = 0; i < count; i++) {`,
        `    if (arr[i].key % ${k + 3} == 0) {`,
        `      total += (int)(arr[i].weight * ${k + 1}.5);`,
        `      memcpy(buf + i, arr[i].name, sizeof arr[i].name);`,
        '    } else {',
        `      total -= arr[i].key >> ${k};`,
        '    }',
        '  }',
      );
      if (withSite && k === 2) {
        out.push('  if (v->len == v->cap) {', '    v->cap = GROW(v->cap);', kinds[sites % kinds.length]!(sites), '  }');
        sites++;
      }
    }
    out.push('  v->buf = buf;', '  v->map = map;', '  free(tmp);', '  return total + (int)n;', '}', '');
    fn++;
  }
  while (out.length < targetLines) out.push('/* padding */');
  return { text: out.join('\n') + '\n', sites };
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

export async function main() {
  const parser = await createCParser(grammarFiles);
  const { text, sites } = makeCFile(10_000);
  const lines = text.split('\n').length - 1;

  // Full first analysis (what the CLI does per candidate file).
  const parseMs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    parser.parse(text)!.delete();
    parseMs.push(performance.now() - t0);
  }
  parseMs.sort((a, b) => a - b);
  const fullMs: number[] = [];
  let found = 0;
  for (let r = 0; r < 8; r++) {
    const t0 = performance.now();
    const tree = parser.parse(text)!;
    found = analyzeCFile(tree.rootNode, text, 'bench.c').sites.length;
    fullMs.push(performance.now() - t0);
    tree.delete();
  }
  fullMs.sort((a, b) => a - b);
  const full = quantile(fullMs, 0.5);
  // The analysis alone, on a tree parsed once: what this module adds on top of tree-sitter.
  const analysisMs: number[] = [];
  {
    const tree = parser.parse(text)!;
    for (let r = 0; r < 8; r++) {
      const t0 = performance.now();
      analyzeCFile(tree.rootNode, text, 'bench.c');
      analysisMs.push(performance.now() - t0);
    }
    tree.delete();
  }
  analysisMs.sort((a, b) => a - b);
  const analysis = quantile(analysisMs, 0.5);

  // 200 one-character edits: insert a character, then delete it again, at random places.
  const doc = CDocument.open(parser, 'bench.c', text);
  const next = rng(42);
  let cur = text;
  let lastAt = 0;
  const times: number[] = [];
  let incremental = 0;
  for (let e = 0; e < 200; e++) {
    let change;
    let newText;
    if (e % 2 === 0) {
      const at = Math.floor(next() * cur.length);
      newText = cur.slice(0, at) + ' ' + cur.slice(at);
      change = { startOffset: at, oldEndOffset: at, newEndOffset: at + 1 };
      lastAt = at;
    } else {
      const at = lastAt;
      newText = cur.slice(0, at) + cur.slice(at + 1);
      change = { startOffset: at, oldEndOffset: at + 1, newEndOffset: at };
    }
    const t0 = performance.now();
    const r = doc.update(newText, change);
    times.push(performance.now() - t0);
    if (r.incremental) incremental++;
    cur = newText;
  }
  // The incremental answer must equal a fresh analysis of the same text.
  const tree = parser.parse(cur)!;
  const fresh = analyzeCFile(tree.rootNode, cur, 'bench.c').sites;
  const same = JSON.stringify(fresh) === JSON.stringify(doc.sites);
  tree.delete();
  doc.dispose();

  times.sort((a, b) => a - b);
  console.log(`file: ${lines} lines, ${sites} call sites generated + 1 inside the xrealloc wrapper; ${found} found`);
  console.log(
    `edit re-analysis (200 one-character edits): median ${quantile(times, 0.5).toFixed(2)} ms, p90 ${quantile(times, 0.9).toFixed(2)} ms, max ${times[times.length - 1]!.toFixed(2)} ms; ${incremental}/200 incremental`,
  );
  console.log(`incremental result equals a fresh analysis: ${same ? 'yes' : 'NO'}`);
  console.log(`full analysis (parse + analyzeCFile): median ${full.toFixed(1)} ms = ${Math.round((lines / full) * 1000).toLocaleString('en-US')} lines/s (parse alone ${quantile(parseMs, 0.5).toFixed(1)} ms)`);
  console.log(`analyzeCFile alone (tree already parsed): median ${analysis.toFixed(1)} ms = ${Math.round((lines / analysis) * 1000).toLocaleString('en-US')} lines/s`);
  if (!same) process.exitCode = 1;
}

if (require.main === module) void main();
