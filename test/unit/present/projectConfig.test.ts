import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS } from '../../../src/core/present/settings';
import { excludedBy, loadProjectConfig, MAX_CONFIG_BYTES, withProjectConfig } from '../../../src/core/present/projectConfig';

const CONFIG = JSON.stringify({
  wrappers: [
    { name: 'pool_grow', callee: 'realloc', ptr: 0, size: 1, diesOnFailure: true },
    { name: 'bad_one', callee: 'memcpy', ptr: 0, size: 1 },
  ],
  target: 'ilp32',
  pageSize: 16384,
  exclude: ['third_party/**', '*.gen.c', '/build'],
});

describe('.pagecost.json in the editor', () => {
  it('keeps the good entries and names the bad ones with their file and JSON path', () => {
    const l = loadProjectConfig(CONFIG, '.pagecost.json');
    assert.deepEqual(l.config.wrappers.map((w) => w.name), ['pool_grow']);
    assert.equal(l.problems.length, 1);
    assert.match(l.problems[0]!, /^\.pagecost\.json: wrappers\[1\]\.callee/);
  });

  it('a file that is not JSON, or is far too large, is one problem and changes nothing', () => {
    const broken = loadProjectConfig('{ "wrappers": [', 'sub/.pagecost.json');
    assert.deepEqual(broken.config, { wrappers: [], exclude: [] });
    assert.match(broken.problems[0]!, /sub\/\.pagecost\.json: not valid JSON/);
    const huge = loadProjectConfig(`{"exclude": ["${'x'.repeat(MAX_CONFIG_BYTES)}"]}`, '.pagecost.json');
    assert.deepEqual(huge.config.exclude, []);
    assert.match(huge.problems[0]!, /larger than 1024 KiB/);
    assert.equal(withProjectConfig(DEFAULT_SETTINGS, huge, () => false).target, DEFAULT_SETTINGS.target);
  });

  it('adds the wrappers and fills what the user did not set; explicit settings win', () => {
    const l = loadProjectConfig(CONFIG, '.pagecost.json');
    const own = { ...DEFAULT_SETTINGS, wrappers: [{ ...loadProjectConfig(CONFIG, 'x').config.wrappers[0]!, diesOnFailure: false }] };
    const merged = withProjectConfig(own, l, (k) => k === 'pageSize');
    assert.equal(merged.wrappers.length, 1, 'a wrapper named in the settings is not added twice');
    assert.equal(merged.wrappers[0]!.diesOnFailure, false, 'the setting wins over the file');
    assert.equal(merged.target, 'ilp32');
    assert.equal(merged.pageSize, DEFAULT_SETTINGS.pageSize, 'pageSize was set explicitly');
    assert.deepEqual(withProjectConfig(DEFAULT_SETTINGS, l, () => false).wrappers.map((w) => w.name), ['pool_grow']);
    assert.equal(withProjectConfig(DEFAULT_SETTINGS, undefined, () => false), DEFAULT_SETTINGS);
  });

  it('exclude has gitignore semantics, as in the CLI, and names the pattern that matched', () => {
    const l = loadProjectConfig(CONFIG, '.pagecost.json');
    assert.equal(excludedBy(l, 'third_party/zlib/inflate.c'), 'third_party/**');
    assert.equal(excludedBy(l, 'src/deep/table.gen.c'), '*.gen.c');
    assert.equal(excludedBy(l, 'build/out.c'), '/build');
    assert.equal(excludedBy(l, 'src/build/out.c'), undefined, '/build is anchored at the folder');
    assert.equal(excludedBy(l, 'src/table.c'), undefined);
    assert.equal(excludedBy(l, '../elsewhere/third_party/x.c'), undefined, 'outside the folder');
    assert.equal(excludedBy(undefined, 'third_party/x.c'), undefined);
  });
});
