// fast-check generators for profiles, scenarios and sizes used by the model property tests.
import fc from 'fast-check';
import {
  BUILTIN_PROFILE_NAMES, OP_NAMES, PARAMS, builtinProfile, type Params, type Profile,
} from '../../../src/core/model';

/** A profile with every parameter drawn from its plausible range and random machine facts. */
export const arbProfile = (opts: { invlpgb?: boolean } = {}): fc.Arbitrary<Profile> =>
  fc
    .record({
      base: fc.constantFrom(...BUILTIN_PROFILE_NAMES),
      values: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: PARAMS.length, maxLength: PARAMS.length }),
      pageSize: fc.constantFrom(4096, 16384, 65536),
      cpus: fc.integer({ min: 1, max: 256 }),
      thp: fc.constantFrom('always' as const, 'madvise' as const, 'never' as const),
      pti: fc.constantFrom('off' as const, 'pti-pcid' as const, 'pti-nopcid' as const),
      kernel: fc.constantFrom('4.14', '4.17', '4.19', '5.4', '5.10', '5.15', '6.1', '6.8', '6.12', '6.15', '6.18'),
      hypervisor: fc.boolean(),
      invlpgb: opts.invlpgb === undefined ? fc.boolean() : fc.constant(opts.invlpgb),
    })
    .map((r) => {
      const b = builtinProfile(r.base);
      const params = { ...b.params } as Params;
      PARAMS.forEach((p, i) => {
        const [lo, hi] = p.range;
        const v = lo + (hi - lo) * r.values[i]!;
        (params as Record<string, number>)[p.id] = p.unit === 'pages' ? Math.round(v) : v;
      });
      // Bandwidth may not rise with cache level (loadProfile enforces it).
      const bw = [params.B_L1, params.B_L2, params.B_L3, params.B_mem].sort((x, y) => y - x);
      [params.B_L1, params.B_L2, params.B_L3, params.B_mem] = bw as [number, number, number, number];
      return {
        ...b, name: `random-${r.base}`, params,
        machine: { ...b.machine, pageSize: r.pageSize, cpus: r.cpus, thp: r.thp, pti: r.pti, kernel: r.kernel, hypervisor: r.hypervisor, invlpgb: r.invlpgb, caches: { ...b.machine.caches } },
      } as Profile;
    });

export const arbBuiltin = (): fc.Arbitrary<Profile> => fc.constantFrom(...BUILTIN_PROFILE_NAMES).map((n) => builtinProfile(n));
/** Sizes from 1 byte to 2^48, spread over all magnitudes. */
export const arbBytes = (max = 2 ** 48): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: 0, max: Math.log2(max) * 1000 }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([e, f]) => Math.min(max, Math.max(1, Math.floor(2 ** (e / 1000) * (1 + f * 0.001)))));
export const arbOp = (): fc.Arbitrary<(typeof OP_NAMES)[number]> => fc.constantFrom(...OP_NAMES);
export const arbThreads = (): fc.Arbitrary<number> => fc.integer({ min: 1, max: 1024 });
export const arbAllocator = () => fc.constantFrom('glibc' as const, 'musl' as const, 'copying' as const);
export const arbAlignment = () => fc.constantFrom(undefined, 'misaligned' as const, 'pmd' as const, 'pud' as const, 'auto' as const);
