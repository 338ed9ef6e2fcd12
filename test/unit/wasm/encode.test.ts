import { strict as assert } from 'node:assert';
import { block, br, br_if, emit, i32, i64, local, loop, seq, sleb, uleb, ValType, wasmModule } from '../../../src/core/wasm/encode';

// The project's type libraries (ES2022, Node 20) declare no WebAssembly values.
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: Record<string, unknown> }; Memory: new (d: { initial: number }) => object };
};

describe('wasm encoding', () => {
  it('writes LEB128 numbers as the specification examples do', () => {
    assert.deepEqual(uleb(0), [0]);
    assert.deepEqual(uleb(127), [0x7f]);
    assert.deepEqual(uleb(128), [0x80, 0x01]);
    assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(sleb(0), [0]);
    assert.deepEqual(sleb(-1), [0x7f]);
    assert.deepEqual(sleb(63), [0x3f]);
    assert.deepEqual(sleb(64), [0xc0, 0x00]);
    assert.deepEqual(sleb(-64), [0x40]);
    assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
    assert.deepEqual(sleb(-(2n ** 63n)), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  });

  it('builds a module that runs: branches find their blocks by name', () => {
    // sum(n) = 0 + 1 + … + (n − 1), with a loop inside a block.
    const [n, i, acc] = [0, 1, 2];
    const body = seq(
      block(
        'done',
        loop(
          'next',
          br_if('done', i32.ge_u(local.get(i), local.get(n))),
          local.set(acc, i64.add(local.get(acc), i64.extend_i32_u(local.get(i)))),
          local.set(i, i32.add(local.get(i), i32.const(1))),
          br('next'),
        ),
      ),
      local.get(acc),
    );
    const bytes = wasmModule([{ name: 'sum', params: [ValType.i32], results: [ValType.i64], locals: [ValType.i32, ValType.i64], body }], 1);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    assert.equal((exports.sum as (n: number) => bigint)(100), 4950n);
    assert.ok(exports.memory instanceof WebAssembly.Memory);
  });

  it('refuses a branch to a block that does not enclose it', () => {
    assert.throws(() => emit(br('nowhere')), /no enclosing block 'nowhere'/);
  });
});
