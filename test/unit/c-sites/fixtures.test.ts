// Every fixture under test/fixtures/c against its hand-written <file>.expected.json.
// Finding (where, what, through which wrappers) and evaluating (bytes, flags, growth) are
// separate tests, so a gap in the size evaluator does not hide a finder regression or vice versa.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallSite } from '../../../src/core/types';
import { analyzeFixtureProject, FIXTURE_ROOT, fixtureFiles } from './fixtureProject';

interface Expected {
  line: number;
  column: number;
  callee: string;
  kind: string;
  via: string[];
  oldBytes: number | null;
  newBytes: number | null;
  flags: string[] | null;
  growth: string | null;
  conditions?: string[];
  inLoop?: boolean;
  assignedBackTo?: string | null;
}

const OPTIONAL = ['conditions', 'inLoop', 'assignedBackTo'] as const;

function found(site: CallSite, exp: Expected | undefined) {
  const out: Record<string, unknown> = {
    line: site.nameRange.start.line,
    column: site.nameRange.start.column,
    callee: site.callee,
    kind: site.kind,
    via: site.via,
  };
  // Optional context keys are compared only where the expected file states them.
  for (const k of OPTIONAL) if (exp && k in exp) out[k] = site[k];
  return out;
}

function evaluated(site: CallSite) {
  return {
    line: site.nameRange.start.line,
    column: site.nameRange.start.column,
    oldBytes: site.oldSize?.bytes ?? null,
    newBytes: site.newSize?.bytes ?? null,
    flags: site.flags,
    growth: site.growth,
  };
}

describe('C call sites: fixtures', () => {
  const files = fixtureFiles();

  it('covers every fixture with an expected file', () => {
    assert.ok(files.length >= 15, `only ${files.length} fixtures`);
    const missing = files.filter((f) => !existsSync(join(FIXTURE_ROOT, `${f}.expected.json`)));
    assert.deepEqual(missing, []);
  });

  for (const file of files) {
    const expectedPath = join(FIXTURE_ROOT, `${file}.expected.json`);
    const load = (): Expected[] => JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected[];

    it(`${file}: finds the expected call sites and references`, async () => {
      const expected = load();
      const sites = (await analyzeFixtureProject()).sites.get(file)!;
      const actual = sites.map((s, i) => found(s, expected[i]));
      const want = expected.map((e) => {
        const o: Record<string, unknown> = { line: e.line, column: e.column, callee: e.callee, kind: e.kind, via: e.via };
        for (const k of OPTIONAL) if (k in e) o[k] = e[k];
        return o;
      });
      assert.deepEqual(actual, want);
    });

    it(`${file}: evaluates sizes, flags and growth`, async () => {
      const expected = load();
      const sites = (await analyzeFixtureProject()).sites.get(file)!;
      assert.deepEqual(
        sites.map(evaluated),
        expected.map((e) => ({
          line: e.line,
          column: e.column,
          oldBytes: e.oldBytes,
          newBytes: e.newBytes,
          flags: e.flags,
          growth: e.growth,
        })),
      );
    });
  }
});
