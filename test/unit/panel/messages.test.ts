// Every message the webview posts is checked before the host acts on it: fuzzed with fast-check.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkWebviewMessage, PRESET_IDS, type WebviewMessage } from '../../../src/core/panel/messages';

const valid: fc.Arbitrary<WebviewMessage> = fc.oneof(
  fc.constantFrom<WebviewMessage>({ type: 'ready' }, { type: 'cancel' }, { type: 'calibrate' }, { type: 'useCalibration' }, { type: 'importResults' }, { type: 'compareMachines' }),
  fc.constantFrom(...PRESET_IDS).map((preset): WebviewMessage => ({ type: 'run', preset })),
  fc.constantFrom('csv' as const, 'json' as const).map((format): WebviewMessage => ({ type: 'export', format })),
  fc.string({ minLength: 1, maxLength: 200 }).map((id): WebviewMessage => ({ type: 'removeProfile', id })),
  fc.record({ ms: fc.double({ min: 0, max: 600_000, noNaN: true }), points: fc.nat(1_000_000) }).map(({ ms, points }): WebviewMessage => ({ type: 'drawTime', ms, points })),
  fc.tuple(fc.nat(64), fc.nat(64), fc.double({ min: 0, max: 3_600_000, noNaN: true })).map(([a, b, pageMs]): WebviewMessage => ({ type: 'drawn', charts: Math.min(a, b), of: Math.max(a, b), pageMs })),
);

describe('panel messages from the webview', () => {
  it('accepts every well-formed message, unchanged', () => {
    fc.assert(fc.property(valid, (m) => {
      const r = checkWebviewMessage(JSON.parse(JSON.stringify(m)));
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.value, m);
    }));
  });

  it('never throws, whatever arrives (any JSON value, any object)', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.object(), fc.anything()), (v) => {
      const r = checkWebviewMessage(v);
      if (r.ok) assert.ok(['ready', 'cancel', 'calibrate', 'useCalibration', 'importResults', 'compareMachines', 'run', 'export', 'removeProfile', 'drawTime', 'drawn'].includes(r.value.type));
      else assert.ok(r.error.length > 0 && r.error.length < 200);
    }), { numRuns: 2000 });
  });

  it('refuses a valid message with an extra field, a wrong type or a missing one', () => {
    fc.assert(fc.property(valid, fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['type', 'preset', 'format', 'id', 'ms', 'points', 'charts', 'of', 'pageMs'].includes(k)), fc.jsonValue(), (m, k, v) => {
      assert.equal(checkWebviewMessage({ ...m, [k]: v }).ok, false);
    }));
    fc.assert(fc.property(valid.filter((m) => Object.keys(m).length > 1), fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.nat())), (m, v) => {
      const key = Object.keys(m).find((k) => k !== 'type')!;
      const broken = { ...m, [key]: v } as Record<string, unknown>;
      const r = checkWebviewMessage(broken);
      // A replacement that happens to be valid (another preset name, another id) is fine; anything else is refused.
      if (r.ok) assert.deepEqual(checkWebviewMessage(JSON.parse(JSON.stringify(r.value))), r);
      const without = { ...m } as Record<string, unknown>;
      delete without[key];
      assert.equal(checkWebviewMessage(without).ok, false);
    }));
  });

  it('refuses unknown types, prototypes other than Object, and names the problem', () => {
    assert.match((checkWebviewMessage({ type: 'runShell', cmd: 'rm -rf /' }) as { error: string }).error, /unknown message type "runShell"/);
    assert.equal(checkWebviewMessage(Object.assign(Object.create({ polluted: true }), { type: 'ready' })).ok, false);
    assert.equal(checkWebviewMessage(JSON.parse('{"type":"ready","__proto__":{"x":1}}')).ok, false);
    assert.match((checkWebviewMessage({ type: 'run', preset: 'everything' }) as { error: string }).error, /unknown preset/);
    assert.equal(checkWebviewMessage({ type: 'drawTime', ms: Number.NaN, points: 1 }).ok, false);
    assert.equal(checkWebviewMessage({ type: 'removeProfile', id: 'x'.repeat(201) }).ok, false);
    assert.equal(checkWebviewMessage({ type: 'drawn', charts: 7, of: 6, pageMs: 1 }).ok, false);
    assert.equal(checkWebviewMessage({ type: 'drawn', charts: 1.5, of: 6, pageMs: 1 }).ok, false);
    assert.equal(checkWebviewMessage({ type: 'drawn', charts: 1, of: 6, pageMs: -1 }).ok, false);
    assert.equal(checkWebviewMessage([{ type: 'ready' }]).ok, false);
    assert.equal(checkWebviewMessage(null).ok, false);
  });
});
