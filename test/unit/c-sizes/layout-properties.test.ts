// Struct layout against an independent reference: the textbook rule (each member at the next
// multiple of its alignment, size rounded up to the largest alignment), with per-ABI tables.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { defaultSizeOptions, evaluateSizeText, type Scope } from '../../../src/core/analysis/c/evaluate';
import { collectSymbols } from '../../../src/core/analysis/c/symbols';
import { cParser } from './helpers';

// [C type, LP64 size, LP64 align, ILP32 size, ILP32 align]
const TYPES: [string, number, number, number, number][] = [
  ['char', 1, 1, 1, 1],
  ['short', 2, 2, 2, 2],
  ['int', 4, 4, 4, 4],
  ['long', 8, 8, 4, 4],
  ['long long', 8, 8, 8, 4],
  ['double', 8, 8, 8, 4],
  ['long double', 16, 16, 12, 4],
  ['void *', 8, 8, 4, 4],
  ['float', 4, 4, 4, 4],
  ['_Bool', 1, 1, 1, 1],
];

const up = (x: number, a: number) => Math.ceil(x / a) * a;

describe('C sizes: layout properties', () => {
  for (const target of ['lp64', 'ilp32'] as const) {
    it(`random structs and unions match the reference layout (${target})`, async () => {
      const parser = await cParser();
      const member = fc.tuple(fc.integer({ min: 0, max: TYPES.length - 1 }), fc.integer({ min: 0, max: 3 }));
      fc.assert(
        fc.property(fc.array(member, { minLength: 1, maxLength: 8 }), fc.boolean(), (members, isUnion) => {
          const tag = isUnion ? 'union' : 'struct';
          const decl = `${tag} s { ${members.map(([t, n], i) => `${TYPES[t]![0]} f${i}${n ? `[${n}]` : ''};`).join(' ')} };`;
          const tree = parser.parse(decl)!;
          const scope: Scope = { file: collectSymbols(tree.rootNode, 's.c'), headers: [], options: { ...defaultSizeOptions, target } };
          tree.delete();
          let offset = 0;
          let size = 0;
          let align = 1;
          const offsets: number[] = [];
          for (const [t, n] of members) {
            const [, s64, a64, s32, a32] = TYPES[t]!;
            const [s, a] = target === 'lp64' ? [s64, a64] : [s32, a32];
            const bytes = s * (n || 1);
            align = Math.max(align, a);
            if (isUnion) {
              offsets.push(0);
              size = Math.max(size, bytes);
            } else {
              offset = up(offset, a);
              offsets.push(offset);
              offset += bytes;
              size = offset;
            }
          }
          const want = up(size, align);
          assert.equal(evaluateSizeText(`sizeof(${tag} s)`, scope).bytes, want, decl);
          assert.equal(evaluateSizeText(`_Alignof(${tag} s)`, scope).bytes, align, decl);
          offsets.forEach((o, i) => assert.equal(evaluateSizeText(`offsetof(${tag} s, f${i})`, scope).bytes, o, `${decl} f${i}`));
        }),
        { numRuns: 150 },
      );
    });
  }
});
