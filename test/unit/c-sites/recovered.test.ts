// Code tree-sitter only half reads: what error recovery makes up must not become a name.
// `else if (…) {` after an `#endif` inside a function can come back as a function_definition
// whose name is the keyword `if`; then every `if (` was counted as a call of it. A macro's type
// argument (`unsigned char`) comes back as a name plus an error, not as one argument.
import { strict as assert } from 'node:assert';
import type { CallSite } from '../../../src/core/types';
import { ScanShard } from '../../../src/core/scan/shard';
import { scanProject } from '../../../src/core/scan/orchestrate';
import { grammarFiles } from '../../support/grammar';
import { analyze } from './helpers';

const REDRAW = `#include <stdlib.h>
struct out { char *buf; size_t len, cap; };
#define GROW(o) do { if ((o)->len >= (o)->cap) { (o)->cap *= 2; (o)->buf = realloc ((o)->buf, (o)->cap); } } while (0)

void
redraw (struct out *o, const char *s)
{
  int c;
  while ((c = *s++))
    {
      if (c == '\\t')
        {
          o->len += 8;
        }
#if defined (WIDE)
      else if (c > 127)
        {
          GROW (o);
        }
#endif
      else if (c == '\\n' && o->len == 0)
        {
          o->len = 0;
        }
      else
        {
          GROW (o);
        }
    }
}

void twice (struct out *o) { if (o) redraw (o, "x"); if (o->len) redraw (o, "y"); }
int pick (int a) { if (a) return 1; if (a > 2) return 2; if (a > 3) return 3; return 0; }
`;

async function scan(files: Record<string, string>): Promise<CallSite[]> {
  const enc = new TextEncoder();
  const reader = { read: (path: string) => enc.encode(files[path.replace(/^\/mem\//, '')] ?? '') };
  const shard = new ScanShard(reader, grammarFiles, { maxFileSize: 1 << 20, size: { pageSize: 4096, target: 'lp64' }, roots: ['/mem'] });
  try {
    const r = await scanProject(Object.keys(files).map((rel) => ({ path: `/mem/${rel}`, rel })), [shard]);
    return r.sites;
  } finally {
    shard.dispose();
  }
}

describe('C definitions made up by error recovery', () => {
  it('never names a function after a keyword: the site belongs to the function around it', async () => {
    const sites = (await analyze(REDRAW)).sites.filter((s) => s.kind === 'wrapper-call');
    assert.deepEqual(sites.map((s) => [s.nameRange.start.line, s.enclosingFunction]), [[18, 'redraw'], [27, 'redraw']]);
  });

  it('counts the callers of the real function, not every `if (`', async () => {
    const sites = (await scan({ 'redraw.c': REDRAW })).filter((s) => s.kind === 'wrapper-call');
    assert.deepEqual(sites.map((s) => [s.nameRange.start.line, s.enclosingFunction, s.callers]), [[18, 'redraw', 2], [27, 'redraw', 2]]);
  });

  it('reads a multi-word type passed to a macro as one argument', async () => {
    const text = [
      '#include <stdlib.h>',
      'struct span { int from; long to; };',
      '#define RESIZE_OF(ptr, type, count) ((type *) realloc ((ptr), (count) * sizeof (type)))',
      'void grow3 (unsigned char *b, struct span *s, char **v, size_t n)',
      '{',
      '  b = RESIZE_OF (b, unsigned char, 100);',
      '  s = RESIZE_OF (s, struct span, 10);',
      '  v = RESIZE_OF (v, char *, n);',
      '  s = RESIZE_OF (s, /* spans */ struct span, 3);',
      '  v = RESIZE_OF (v, char *,',
      '                 n + 1);',
      '}',
      '',
    ].join('\n');
    const sites = (await analyze(text)).sites.filter((s) => s.kind === 'wrapper-call');
    assert.deepEqual(
      sites.map((s) => [s.nameRange.start.line, s.newSize?.text, s.newSize?.bytes ?? null]),
      [
        [6, '(100) * sizeof (unsigned char)', 100],
        [7, '(10) * sizeof (struct span)', 160],
        [8, '(n) * sizeof (char *)', null],
        [9, '(3) * sizeof (struct span)', 48],
        [10, '(n + 1) * sizeof (char *)', null],
      ],
    );
  });
});
