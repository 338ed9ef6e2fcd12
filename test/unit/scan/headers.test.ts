// Header resolution shared by the scan and the editor: the same headers, in the same order,
// whether texts come from a synchronous reader or are fetched asynchronously first.
import { strict as assert } from 'node:assert';
import { HeaderResolver, fetchHeaderTexts, maxHeadersPerFile } from '../../../src/core/scan/headers';
import type { FileSymbols } from '../../../src/core/analysis/c/symbols';
import { normalizePath, projectIncludes, quotedIncludes } from '../../../src/core/scan/paths';
import { posix } from 'node:path';
import fc from 'fast-check';

const files: Record<string, string> = {
  '/p/src/a.c': '#include "a.h"\n#include "common/defs.h"\n#include "missing.h"\n#include <stdio.h>\n',
  '/p/src/a.h': '#include "b.h"\n#define A 1\n',
  '/p/src/b.h': '#include "a.h"\n#include "c.h"\n',
  '/p/src/c.h': '#include "d.h"\n',
  '/p/src/d.h': '#define TOO_DEEP 1\n',
  '/p/common/defs.h': '#define CHUNK 4096\n',
  // Nearer than the root's copy: the including file's folder wins.
  '/p/src/common/defs.h': '#define CHUNK 8192\n',
};

const symbols = (file: string): FileSymbols => ({ file, macros: new Map(), enums: new Map(), includes: [], types: new Map() });

describe('HeaderResolver', () => {
  it('follows quoted includes breadth-first to depth 3, nearest candidate first, each header once', () => {
    const reads: string[] = [];
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => (reads.push(p), files[p] ?? null), symbols);
    assert.deepEqual(r.headerPaths('/p/src/a.c', files['/p/src/a.c']!), ['/p/src/a.h', '/p/src/common/defs.h', '/p/src/b.h', '/p/src/c.h']);
    assert.ok(!reads.includes('/p/src/d.h'), 'depth 4 is not read');
    const before = reads.length;
    r.headerPaths('/p/src/a.c', files['/p/src/a.c']!);
    assert.equal(reads.length, before, 'texts are read once');
  });

  it('resolves the same include name from files of different folders, and of one folder, each from where it is', () => {
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => files[p] ?? null, symbols);
    const inSrc = '#include "common/defs.h"\n';
    assert.deepEqual(r.headerPaths('/p/src/a.c', inSrc), ['/p/src/common/defs.h']);
    assert.deepEqual(r.headerPaths('/p/top.c', inSrc), ['/p/common/defs.h'], 'beside /p/top.c, not the file asked before');
    assert.deepEqual(r.headerPaths('/p/src/other.c', inSrc), ['/p/src/common/defs.h']);
    assert.deepEqual(r.headerPaths('/p/top.c', inSrc), ['/p/common/defs.h'], 'asked again');
  });

  it('falls back to the roots, and parses a header only when a name could be in it', () => {
    let parsed = 0;
    const texts = { '/p/src/x.c': '#include "defs.h"\n', '/p/defs.h': '#define CHUNK 4096\n' } as Record<string, string>;
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => texts[p] ?? null, (file) => (parsed++, { ...symbols(file), macros: new Map([['CHUNK', { name: 'CHUNK', params: null, variadic: false, body: '4096', file, line: 1 }]]) }));
    const [h] = r.headersOf('/p/src/x.c', texts['/p/src/x.c']!);
    assert.equal(h!.file, '/p/defs.h');
    assert.equal(h!.macros.get('len'), undefined);
    assert.equal(parsed, 0, 'a name the header does not define needs no parse');
    assert.equal(h!.macros.get('CHUNK')?.body, '4096');
    assert.equal(parsed, 1);
  });

  it('follows `<dir/x.h>` into the project (under a root or its include/), never beside the file; `<x.h>` stays a system header', () => {
    const texts: Record<string, string> = {
      '/p/src/u.c': '#include <stdlib.h>\n#include <mylib/str.h>\n#include <other/none.h>\n',
      '/p/include/mylib/str.h': 'typedef unsigned char uchar_t;\n',
      '/p/src/mylib/str.h': '#define WRONG 1\n',
      '/p/stdlib.h': '#define NOT_THE_SYSTEM 1\n',
    };
    const reads: string[] = [];
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => (reads.push(p), texts[p] ?? null), symbols);
    assert.deepEqual(r.headerPaths('/p/src/u.c', texts['/p/src/u.c']!), ['/p/include/mylib/str.h']);
    assert.ok(!reads.includes('/p/stdlib.h') && !reads.includes('/p/src/mylib/str.h'));
  });

  it('forget() reads a changed header again', () => {
    const texts = { ...files };
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => texts[p] ?? null, symbols);
    assert.equal(r.headerPaths('/p/src/c.h', texts['/p/src/c.h']!).length, 1);
    delete texts['/p/src/d.h'];
    assert.equal(r.headerPaths('/p/src/c.h', texts['/p/src/c.h']!).length, 1, 'cached until forgotten');
    r.forget('/p/src/d.h');
    assert.equal(r.headerPaths('/p/src/c.h', texts['/p/src/c.h']!).length, 0);
  });

  it('forget() of a header that appears makes every includer find it, nearer than the one it found before', () => {
    const texts: Record<string, string> = { '/p/src/x.c': '#include "defs.h"\n', '/p/src/y.c': '#include "defs.h"\n', '/p/defs.h': '' };
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => texts[p] ?? null, symbols);
    assert.deepEqual(r.headerPaths('/p/src/x.c', texts['/p/src/x.c']!), ['/p/defs.h']);
    texts['/p/src/defs.h'] = '#define NEAR 1\n';
    r.forget('/p/src/defs.h');
    assert.deepEqual(r.headerPaths('/p/src/y.c', texts['/p/src/y.c']!), ['/p/src/defs.h']);
    assert.deepEqual(r.headerPaths('/p/src/x.c', texts['/p/src/x.c']!), ['/p/src/defs.h']);
  });

  it('an include naming the file being read stops there, whether or not a source has that file (an unsaved one)', () => {
    // The editor's unsaved /p/src/self.h includes "self.h": beside it is itself, not /p/self.h.
    const texts: Record<string, string> = { '/p/self.h': '#define ELSEWHERE 1\n', '/p/src/other.c': '#include "self.h"\n' };
    const r = new HeaderResolver({ roots: ['/p'] }, (p) => texts[p] ?? null, symbols);
    assert.deepEqual(r.headerPaths('/p/src/self.h', '#include "self.h"\n'), []);
    // The same include from a file of that folder that is not it finds the root's header.
    assert.deepEqual(r.headerPaths('/p/src/other.c', texts['/p/src/other.c']!), ['/p/self.h']);
    assert.deepEqual(r.headerPaths('/p/src/self.h', '#include "self.h"\n'), [], 'asked again after the include was resolved for another file');
  });

  it('stops at maxHeadersPerFile', () => {
    const many: Record<string, string> = { '/p/m.c': Array.from({ length: 60 }, (_, i) => `#include "h${i}.h"`).join('\n') };
    for (let i = 0; i < 60; i++) many[`/p/h${i}.h`] = '';
    const r = new HeaderResolver({ roots: [] }, (p) => many[p] ?? null, symbols);
    assert.equal(r.headerPaths('/p/m.c', many['/p/m.c']!).length, maxHeadersPerFile);
  });

  it('fetchHeaderTexts fetches what a synchronous resolver would read (and maybe a later candidate), then resolves the same', async () => {
    const fetched: string[] = [];
    const texts = await fetchHeaderTexts('/p/src/a.c', files['/p/src/a.c']!, { roots: ['/p'] }, async (p) => (fetched.push(p), files[p] ?? null));
    const sync: string[] = [];
    new HeaderResolver({ roots: ['/p'] }, (p) => (sync.push(p), files[p] ?? null), symbols).headerPaths('/p/src/a.c', files['/p/src/a.c']!);
    for (const p of sync) assert.ok(fetched.includes(p), `${p} fetched`);
    assert.equal(new Set(fetched).size, fetched.length, 'each path fetched once');
    const fromFetched = new HeaderResolver({ roots: ['/p'] }, (p) => texts.get(p) ?? null, symbols);
    assert.deepEqual(fromFetched.headerPaths('/p/src/a.c', files['/p/src/a.c']!), ['/p/src/a.h', '/p/src/common/defs.h', '/p/src/b.h', '/p/src/c.h']);
  });
});

describe('candidate paths', () => {
  it('normalizePath folds `.`, `..` and empty parts as POSIX does (without a trailing slash), leaving a normal path as it is (property)', () => {
    const part = fc.constantFrom('a', 'src', 'x.h', '.', '..', '', '.h', '..a', 'a.');
    fc.assert(
      fc.property(fc.boolean(), fc.array(part, { maxLength: 7 }), (absolute, parts) => {
        const path = (absolute ? '/' : '') + parts.join('/');
        const posixForm = posix.normalize(path);
        const expected = posixForm.length > 1 && posixForm.endsWith('/') ? posixForm.slice(0, -1) : posixForm;
        assert.equal(normalizePath(path), expected, JSON.stringify(path));
        assert.equal(normalizePath(expected), expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('include lines', () => {
  it('reads #include operands as the multi-line regexes did, without trying them at every position', () => {
    const text = [
      '#include "a.h"', '  #  include\t"b.h"', '#include"c.h"', 'x #include "no.h"', '#includefoo "no2.h"',
      '#include ""', '#include "open', '"', '#include <sys/types.h>', '#include <stdio.h>', '#include </abs.h>',
      '#include <dir/>', '# include < sp/x.h >', '#include <a/b\n>', '/* #include "c1.h" */ #include "c2.h"',
      '#include "r\r#include "s.h"', '#include "t.h"\u2028#include <u/v.h>', '#include_next "w.h"', '#include "x.h" "y.h"',
    ].join('\n');
    const quoted = Array.from(text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm), (m) => m[1]!);
    const angle = Array.from(text.matchAll(/^[ \t]*#[ \t]*include[ \t]*<([^>\n]+\/[^>\n]+)>/gm), (m) => `<${m[1]!.trim()}`);
    assert.deepEqual(quotedIncludes(text), quoted);
    assert.deepEqual(projectIncludes(text), [...quoted, ...angle]);
    assert.deepEqual(quoted, ['a.h', 'b.h', 'c.h', 'r\r#include ', 't.h', 'x.h']);
    assert.deepEqual(angle, ['<sys/types.h', '<sp/x.h', '<u/v.h']);
    assert.deepEqual(projectIncludes(''), []);
  });
});
