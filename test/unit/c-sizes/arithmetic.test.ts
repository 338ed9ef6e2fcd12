import { strict as assert } from 'node:assert';
import { bytesOf, sizeOf } from './helpers';

describe('C sizes: arithmetic, casts and page size', () => {
  const cases: [string, number][] = [
    ['4 * 1024', 4096],
    ['1 << 20', 1048576],
    ['(1 + 2) * 3', 9],
    ['1 + 2 * 3', 7],
    ['100 / 7', 14],
    ['100 % 7', 2],
    ['0x100 >> 4', 16],
    ['(0xff & 0x0f) | 0x30', 0x3f],
    ['6 ^ 3', 5],
    ['-(-8)', 8],
    ['~0 & 0xff', 255],
    ['!0 + 1', 2],
    ['1 ? 16 : 32', 16],
    ['0 ? 16 : 32', 32],
    ['2 > 1 ? 10 : n', 10],
    ['1 || n', 1],
    ['0 && n', 0],
    ['(size_t)512', 512],
    ['(unsigned char)300', 44],
    ['(int)(4096UL)', 4096],
    ['(_Bool)7', 1],
    ['(long)1 << 40', 2 ** 40],
  ];
  for (const [text, want] of cases) {
    it(`${text} = ${want}`, async () => {
      assert.equal(await bytesOf(text), want);
    });
  }

  it('PAGE_SIZE, PAGESIZE, getpagesize() and sysconf use the configured page size', async () => {
    const opts = { options: { pageSize: 16384 } };
    assert.equal(await bytesOf('PAGE_SIZE', '', opts), 16384);
    assert.equal(await bytesOf('2 * PAGESIZE', '', opts), 32768);
    assert.equal(await bytesOf('getpagesize()', '', opts), 16384);
    assert.equal(await bytesOf('sysconf(_SC_PAGESIZE)', '', opts), 16384);
    assert.equal(await bytesOf('(size_t)sysconf(_SC_PAGE_SIZE) * 3', '', opts), 49152);
  });

  it('says where the page size came from', async () => {
    const v = await sizeOf('4 * PAGE_SIZE');
    assert.equal(v.bytes, 16384);
    assert.equal(v.note, 'PAGE_SIZE = 4096 (configured page size); 4 * 4096 = 16384');
  });

  it('a PAGE_SIZE the code defines wins over the configured one', async () => {
    const v = await sizeOf('4 * PAGE_SIZE', '#define PAGE_SIZE 65536');
    assert.equal(v.bytes, 262144);
    assert.match(v.note, /PAGE_SIZE = 65536 \(#define, test\.c:1\)/);
  });

  it('well-known library constants have their glibc/Linux values, unless the code defines them', async () => {
    const v = await sizeOf('2 * PATH_MAX');
    assert.equal(v.bytes, 8192);
    assert.match(v.note, /PATH_MAX = 4096 \(Linux <limits\.h>\)/);
    assert.equal(await bytesOf('BUFSIZ'), 8192);
    assert.equal(await bytesOf('sizeof(long) * CHAR_BIT'), 64);
    assert.equal(await bytesOf('INT_MAX / 1024 + 1'), 2097152);
    assert.equal(await bytesOf('PATH_MAX', '#define PATH_MAX 1024'), 1024);
    assert.equal(await bytesOf('(ULONG_MAX >> 40) + 1', '', { options: { target: 'ilp32' } }), 1);
    assert.equal((await sizeOf('SIZE_MAX')).bytes, null);
  });

  it('division by zero is unknown with a note', async () => {
    const v = await sizeOf('4096 / (2 - 2)');
    assert.equal(v.bytes, null);
    assert.match(v.note, /division by zero/);
    assert.equal((await sizeOf('7 % 0')).bytes, null);
  });

  it('a negative result is unknown with a note', async () => {
    const v = await sizeOf('16 - 32');
    assert.equal(v.bytes, null);
    assert.match(v.note, /negative/);
  });

  it('values beyond 2^53 are unknown with a note', async () => {
    const v = await sizeOf('1ULL << 60');
    assert.equal(v.bytes, null);
    assert.match(v.note, /beyond 2\^53/);
    assert.equal(await bytesOf('1ULL << 53'), 2 ** 53);
    const wrapped = await sizeOf('(size_t)-1');
    assert.equal(wrapped.bytes, null);
    assert.match(wrapped.note, /18446744073709551615/);
  });

  it('a non-constant ternary condition is unknown', async () => {
    const v = await sizeOf('big ? 4096 : 64');
    assert.equal(v.bytes, null);
    assert.match(v.note, /condition.*`big` is a runtime value/);
  });
});
