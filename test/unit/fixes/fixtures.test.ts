// Every fix offered for every finding in the C fixtures that compile is applied on its own and
// compiled: a fix may never turn compiling code into code that does not compile (nor add a
// warning to a file that had none).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { adviseSites } from '../../../src/core/advice/index';
import { applyEdits, fixesFor } from '../../../src/core/fixes/index';
import { FIXTURE_ROOT, analyzeFixtureProject } from '../c-sites/fixtureProject';
import { compile } from './helpers';

describe('quick fixes over the C fixtures (each applied and compiled)', function () {
  this.timeout(180_000);

  it('every fix of every finding keeps a compiling fixture compiling', async () => {
    const project = await analyzeFixtureProject();
    let compiled = 0;
    const kinds = new Set<string>();
    for (const [file, sites] of project.sites) {
      if (!file.endsWith('.c')) continue;
      const text = readFileSync(join(FIXTURE_ROOT, file), 'utf8');
      const inc = [join(FIXTURE_ROOT, dirname(file))];
      const plain = await compile(text, false, inc);
      if (!plain.ok) continue; // broken.c and files that need a build system's headers
      const werror = (await compile(text, true, inc)).ok;
      for (const f of adviseSites(sites, { correctness: true })) {
        for (const fix of fixesFor(f, text)) {
          const fixed = applyEdits(text, fix.edits);
          assert.notEqual(fixed, text, `${file}: ${fix.title} changes nothing`);
          const r = await compile(fixed, werror, inc);
          assert.ok(r.ok, `${file}:${f.site.nameRange.start.line} ${f.rule}: "${fix.title}" does not compile:\n${r.output}`);
          compiled++;
          kinds.add(fix.title.replace(/\(.*$/, '').replace(/ (of|on|when|with) .*$/, '').trim());
        }
      }
    }
    // The fixtures exercise more than the suppression comment.
    assert.ok(compiled >= 40, `only ${compiled} fixes compiled`);
    assert.ok(kinds.size >= 4, [...kinds].join('; '));
  });
});
