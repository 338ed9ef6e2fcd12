import { strict as assert } from 'node:assert';
import { ConfigSyntaxError, parseConfig } from '../../../src/core/scan/config';

describe('.pagecost.json', () => {
  it('reads wrappers, target, page size, size limit and excludes', () => {
    const { config, problems } = parseConfig(
      JSON.stringify({
        wrappers: [
          { name: 'xrealloc', callee: 'realloc', ptr: 0, size: 1, diesOnFailure: true },
          { name: 'remap_region', callee: 'mremap', ptr: 0, size: 2, oldSize: 1 },
        ],
        target: 'ilp32',
        pageSize: 16384,
        maxFileSize: 4096,
        exclude: ['third_party/**'],
      }),
      '/p/.pagecost.json',
    );
    assert.deepEqual(problems, []);
    assert.equal(config.wrappers.length, 2);
    assert.deepEqual(config.wrappers[0], {
      name: 'xrealloc', kind: 'config', callee: 'realloc', via: [], params: { ptr: 0, size: 1 },
      diesOnFailure: true, file: '/p/.pagecost.json', line: null,
    });
    assert.deepEqual(config.wrappers[1]!.params, { ptr: 0, size: 2, oldSize: 1 });
    assert.equal(config.target, 'ilp32');
    assert.equal(config.pageSize, 16384);
    assert.equal(config.maxFileSize, 4096);
    assert.deepEqual(config.exclude, ['third_party/**']);
  });

  it('reports each bad entry with where it is and what to do, and keeps the good ones', () => {
    const { config, problems } = parseConfig(
      JSON.stringify({
        wrappers: [
          { name: 'ok_grow', callee: 'realloc', ptr: 0, size: 1 },
          { name: 'bad', callee: 'reallocx', ptr: 0, size: 1 },
          { name: '2bad', callee: 'realloc', ptr: 0, size: 1 },
          { name: 'nosize', callee: 'realloc', ptr: 0 },
        ],
        pageSize: 1000,
        colour: 'blue',
      }),
      'cfg.json',
    );
    assert.deepEqual(config.wrappers.map((w) => w.name), ['ok_grow']);
    const text = problems.map((p) => `${p.file}: ${p.message}`);
    assert.ok(text.some((t) => /^cfg\.json: wrappers\[1\]\.callee: "reallocx" is not one of realloc, reallocarray, reallocf, mremap; the entry is ignored$/.test(t)), text.join('\n'));
    assert.ok(text.some((t) => t.includes('wrappers[2].name: "2bad" is not a C identifier')));
    assert.ok(text.some((t) => t.includes('wrappers[3].size: missing')));
    assert.ok(text.some((t) => t.includes('pageSize: 1000 is not a power of two')));
    assert.ok(text.some((t) => t.includes('colour: unknown setting')));
    assert.equal(config.pageSize, undefined);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    assert.throws(() => parseConfig('{ "wrappers": [ }', 'x/.pagecost.json'), (e: unknown) => {
      assert.ok(e instanceof ConfigSyntaxError);
      assert.match((e as Error).message, /^x\/\.pagecost\.json: not valid JSON \(.*\); fix the syntax or remove the file$/);
      return true;
    });
  });
});
