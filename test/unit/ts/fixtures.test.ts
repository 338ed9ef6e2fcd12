// Every fixture under test/fixtures/ts against its hand-checked <file>.expected.json. Finding
// (where, what, which route) and evaluating (bytes, growth, facts) are compared in one entry per
// site, but a mismatch names the file, so a regression points at its form.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTsFile, isTsFile } from '../../../src/core/analysis/ts';
import { comparable, type ExpectedFile } from './fixtureEntry';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'ts');

function fixtures(): string[] {
  return readdirSync(ROOT).filter((f) => isTsFile(f)).sort();
}

describe('TS/JS call sites: fixtures', () => {
  it('has an expected file for every fixture, one per form', () => {
    const files = fixtures();
    assert.ok(files.length >= 17, `only ${files.length} fixtures`);
    assert.deepEqual(files.filter((f) => !existsSync(join(ROOT, `${f}.expected.json`))), []);
  });

  for (const f of fixtures()) {
    it(f, () => {
      const exp = JSON.parse(readFileSync(join(ROOT, `${f}.expected.json`), 'utf8')) as ExpectedFile;
      const r = analyzeTsFile(readFileSync(join(ROOT, f), 'utf8'), f);
      assert.equal(!!r.skipped, !!exp.skipped, `skipped: ${r.skipped}`);
      for (const n of exp.notes ?? []) assert.ok(r.notes.some((x) => x.includes(n)), `no note with "${n}" in ${JSON.stringify(r.notes)}`);
      if (!exp.notes) assert.deepEqual(r.notes, []);
      const got = r.sites.map((s, i) => comparable(s, exp.sites[i]));
      assert.deepEqual(got, exp.sites);
      for (const s of r.sites) {
        assert.equal(s.language, 'ts');
        assert.equal(s.file, f);
        // Every size says how it was read, known or not.
        for (const v of [s.oldSize, s.newSize]) if (v) assert.ok(v.note.length > 0, `${f}:${s.nameRange.start.line} empty note`);
      }
    });
  }
});
