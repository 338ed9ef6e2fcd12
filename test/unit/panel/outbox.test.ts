import { strict as assert } from 'node:assert';
import { PageOutbox } from '../../../src/core/panel/outbox';

type Msg = { type: 'log'; text: string } | { type: 'view'; n: number };
const isLog = (m: Msg) => m.type === 'log';

describe('PageOutbox: messages for a page that may be hidden', () => {
  it('delivers at once while the page is live', () => {
    const sent: Msg[] = [];
    const box = new PageOutbox<Msg>((m) => sent.push(m), true, isLog);
    box.post({ type: 'log', text: 'a' });
    box.post({ type: 'view', n: 1 });
    assert.deepEqual(sent, [{ type: 'log', text: 'a' }, { type: 'view', n: 1 }]);
  });

  it('holds log lines while hidden, drops state the page asks for again, and delivers the lines in order on ready', () => {
    const sent: Msg[] = [];
    const box = new PageOutbox<Msg>((m) => sent.push(m), true, isLog);
    box.hidden();
    box.post({ type: 'log', text: 'started' });
    box.post({ type: 'view', n: 2 });
    box.post({ type: 'log', text: 'finished' });
    assert.deepEqual(sent, []);
    assert.deepEqual(box.pending, { held: 2, dropped: 0 });
    box.ready();
    assert.deepEqual(sent, [{ type: 'log', text: 'started' }, { type: 'log', text: 'finished' }]);
    box.post({ type: 'view', n: 3 });
    assert.deepEqual(sent.at(-1), { type: 'view', n: 3 });
    assert.deepEqual(box.pending, { held: 0, dropped: 0 });
  });

  it('a page created hidden waits for its ready; a long absence keeps only the newest lines', () => {
    const sent: Msg[] = [];
    const box = new PageOutbox<Msg>((m) => sent.push(m), false, isLog, 3);
    for (let i = 0; i < 5; i++) box.post({ type: 'log', text: String(i) });
    assert.deepEqual(box.pending, { held: 3, dropped: 2 });
    box.ready();
    assert.deepEqual(sent.map((m) => (m.type === 'log' ? m.text : '')), ['2', '3', '4']);
  });
});
