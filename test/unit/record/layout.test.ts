// The reader's idea of the recording library's file layout, checked against the C compiler's:
// every offset the TypeScript side reads is compared with offsetof() in the real source.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXE_BYTES, HEADER_OFFSETS, MAX_FRAMES, MODULE_OFFSETS, SIZE_BUCKETS, SLOT_OFFSETS, TIME_BUCKETS } from '../../../src/core/record/rawFormat';
import { preloadSourcePaths } from '../../../src/cli/record';

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
// TypeScript names whose C field is spelled differently.
const C_NAME: Record<string, string> = { pad0: 'pad0', firstB: 'first_b', oldHist: 'old_hist', newHist: 'new_hist', ticksHist: 'ticks_hist', monoCum: 'mono_cum' };

describe('record file layout (C compiler against the reader)', () => {
  it('every header, slot and module offset equals offsetof() in preload.c', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagecost-layout-'));
    try {
      const source = preloadSourcePaths().find((p) => p.endsWith('/core/record/preload.c'))!;
      const fields = [
        ...Object.keys(HEADER_OFFSETS).map((k) => ['header', k]),
        ...Object.keys(SLOT_OFFSETS).map((k) => ['slot', k]),
        ...Object.keys(MODULE_OFFSETS).map((k) => ['module', k]),
      ];
      const prints = fields.map(([s, k]) => `printf("%s %s %zu\\n", "${s}", "${k}", offsetof(struct ${s}, ${C_NAME[k!] ?? snake(k!)}));`).join('\n');
      writeFileSync(join(dir, 'probe.c'), `#include "${source}"\n#include <stdio.h>\nint main(void) {\n${prints}\nprintf("sizes %zu %zu\\n", sizeof(((struct header *)0)->exe), sizeof(((struct slot *)0)->ticks_hist));\nreturn 0; }\n`);
      execFileSync('cc', ['-std=gnu11', '-o', join(dir, 'probe'), join(dir, 'probe.c'), '-ldl', '-pthread'], { stdio: 'pipe' });
      const out = execFileSync(join(dir, 'probe'), { encoding: 'utf8', env: {} });
      const got = new Map(out.trim().split('\n').map((l) => {
        const [s, k, v] = l.split(' ');
        return [`${s}.${k}`, Number(v)] as const;
      }));
      const want = (s: string, table: Record<string, number>) => Object.entries(table).map(([k, v]) => [`${s}.${k}`, v] as const);
      for (const [k, v] of [...want('header', HEADER_OFFSETS), ...want('slot', SLOT_OFFSETS), ...want('module', MODULE_OFFSETS)]) {
        assert.equal(got.get(k), v, k);
      }
      assert.equal(out.trim().split('\n').pop(), `sizes ${EXE_BYTES} ${TIME_BUCKETS * 8}`);
      assert.equal(SLOT_OFFSETS.newHist - SLOT_OFFSETS.oldHist, SIZE_BUCKETS * 8);
      assert.equal(SLOT_OFFSETS.pcs + MAX_FRAMES * 8, SLOT_OFFSETS.state);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
