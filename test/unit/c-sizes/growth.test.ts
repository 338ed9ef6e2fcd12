import { strict as assert } from 'node:assert';
import { classifyGrowth, evaluateSizeKept } from '../../../src/core/analysis/c/evaluate';
import type { Growth } from '../../../src/core/types';
import { snippet } from './helpers';

async function growthOf(body: string, prelude = ''): Promise<Growth | null> {
  const s = await snippet(`${prelude}
struct buf { char *data; size_t len, cap; };
void f(char *p, size_t n, size_t len, size_t size, size_t cap, size_t count, struct buf *b, long *q) {
  ${body}
}`);
  const node = s.args()[1]!;
  const fresh = classifyGrowth(node, s.scope);
  // The scan hands growth the size's own evaluation of the node (evaluateSizeKept): same answer.
  assert.equal(classifyGrowth(node, s.scope, evaluateSizeKept(node, s.scope).kept ?? undefined), fresh, 'from the kept size evaluation');
  return fresh;
}

describe('C sizes: growth shape', () => {
  const linear = [
    'p = realloc(p, n + 16);',
    'p = realloc(p, len + 1);',
    'p = realloc(p, 1 + len);',
    'p = realloc(p, size + CHUNK);',
    'q = realloc(q, (count + 1) * sizeof *q);',
    'q = realloc(q, sizeof(long) * (count + 8));',
    'b->data = realloc(b->data, b->len + PAGE_SIZE);',
    'q = realloc(q, (count + 1) * sizeof(struct unseen));',
    // The step inside the size argument.
    'p = realloc(p, cap += 64);',
    'p = realloc(p, (cap += CHUNK) * sizeof (char));',
    'p = realloc(p, cap = len + 1);',
  ];
  for (const body of linear) {
    it(`linear: ${body}`, async () => {
      assert.equal(await growthOf(body, '#define CHUNK 256'), 'linear');
    });
  }

  const geometric = [
    'p = realloc(p, cap * 2);',
    'p = realloc(p, 2 * cap);',
    'p = realloc(p, cap << 1);',
    'p = realloc(p, cap + cap / 2);',
    'p = realloc(p, cap + (cap >> 1));',
    'p = realloc(p, cap * 3 / 2);',
    'p = realloc(p, n * GROWTH_FACTOR);',
    'q = realloc(q, 2 * cap * sizeof *q);',
    'b->data = realloc(b->data, b->cap * 2);',
    'p = realloc(p, cap ? cap * 2 : 16);',
    'p = realloc(p, (size_t)(cap * 1.5));',
    'p = realloc(p, n * FLOAT_FACTOR);',
    'q = realloc(q, cap * 2 * sizeof(struct unseen));',
    'p = realloc(p, cap *= 2);',
    'q = realloc(q, (cap <<= 1) * sizeof *q);',
  ];
  for (const body of geometric) {
    it(`geometric: ${body}`, async () => {
      assert.equal(await growthOf(body, '#define GROWTH_FACTOR 2\n#define FLOAT_FACTOR 1.25'), 'geometric');
    });
  }

  it('looks at the statements before the call for how the size variable changed', async () => {
    assert.equal(await growthOf('cap += 16;\n p = realloc(p, cap);'), 'linear');
    assert.equal(await growthOf('cap *= 2;\n p = realloc(p, cap);'), 'geometric');
    assert.equal(await growthOf('cap <<= 1;\n p = realloc(p, cap);'), 'geometric');
    assert.equal(await growthOf('cap = cap + cap / 2;\n q = realloc(q, cap * sizeof *q);'), 'geometric');
    assert.equal(await growthOf('b->cap *= 2;\n b->data = realloc(b->data, b->cap);'), 'geometric');
    assert.equal(await growthOf('size_t newcap = cap * 2;\n p = realloc(p, newcap);'), 'geometric');
    assert.equal(await growthOf('size_t want = len + 1;\n p = realloc(p, want);'), 'linear');
    assert.equal(await growthOf('if (len >= cap) {\n cap *= 2;\n p = realloc(p, cap);\n }'), 'geometric');
    assert.equal(await growthOf('n++;\n p = realloc(p, n);'), 'linear');
    assert.equal(await growthOf('if (n == cap) cap = cap * 2;\n p = realloc(p, cap);'), 'geometric');
  });

  it('how the value was last set refines `v + K`', async () => {
    assert.equal(await growthOf('cap *= 2;\n p = realloc(p, cap + 1);'), 'geometric');
    assert.equal(await growthOf('len = strlen(b->data);\n p = realloc(p, len + 1);'), null);
    // Redis sds: doubling below a limit, a fixed step above it: one path multiplies, so geometric.
    const sds = 'size_t newlen = len + n;\n if (newlen < 1048576) newlen *= 2; else newlen += 1048576;\n p = realloc(p, 16 + newlen + 1);';
    assert.equal(await growthOf(sds), 'geometric');
    assert.equal(await growthOf('if (n > cap) cap *= 2; else cap *= 3;\n p = realloc(p, cap);'), 'geometric');
  });

  it('geometric when any path multiplies: a cap in a branch after the growth step does not make it constant-step', async () => {
    const capped = 'cap = cap * 3 / 2;\n if (n && cap >= n) cap = n + 64;\n if (n && len > n) return;\n p = realloc(p, cap);';
    assert.equal(await growthOf(capped), 'geometric');
    assert.equal(await growthOf('if (cap == 0) cap = 16; else cap *= 2;\n p = realloc(p, cap);'), 'geometric');
    assert.equal(await growthOf('cap *= 2;\n if (cap > n) { len = 0; cap = n; }\n p = realloc(p, cap);'), 'geometric');
    // A step with a cap stays a step; a step on one path only is still a step.
    assert.equal(await growthOf('cap += 64;\n if (cap > n) cap = n;\n p = realloc(p, cap);'), 'linear');
    assert.equal(await growthOf('if (len == cap) cap += 64;\n p = realloc(p, cap);'), 'linear');
  });

  it('null when nothing is visible', async () => {
    assert.equal(await growthOf('p = realloc(p, n);'), null);
    assert.equal(await growthOf('p = realloc(p, 4096);'), null);
    assert.equal(await growthOf('p = realloc(p, len + n);'), null);
    assert.equal(await growthOf('p = realloc(p, n * sizeof(long));'), null);
    assert.equal(await growthOf('p = realloc(p, cap / 2);'), null);
    assert.equal(await growthOf('p = realloc(p, cap * 0.5);'), null);
    assert.equal(await growthOf('p = realloc(p, n * n);'), null);
    assert.equal(await growthOf('p = realloc(p, n - 1);'), null);
    assert.equal(await growthOf('cap = read_cap();\n p = realloc(p, cap);'), null);
    assert.equal(await growthOf('cap = len;\n p = realloc(p, cap);'), null);
  });
});
