// The benchmark panel's controller (src/extension/panel/controller.ts) with the real Node runner and
// the real JS harness as a child process: one run at a time (a second is queued, replaces the first,
// or is dropped, as the user answers), and closing the panel stops the harness's process group and
// drops what was queued. Only `vscode` is a fake (../extension/vscodeFake.ts, imported first): the
// notifications' answers and workspace trust.
import { fake, Uri } from '../extension/vscodeFake';
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { PanelController } from '../../../src/extension/panel/controller';
import { nodePanelRunner } from '../../../src/extension/panel/node/runner';
import { SettingsStore } from '../../../src/extension/settings';
import { ProfileStore } from '../../../src/extension/profiles';
import type { Platform } from '../../../src/extension/platform';
import type { PanelRunner } from '../../../src/extension/panel/runner';
import type { HostMessage } from '../../../src/core/panel/messages';
import type { RunPlan } from '../../../src/core/panel/presets';
import type { JsSweep } from '../../../src/core/bench/js/ops';

// The controller is typed against the real `vscode`; the fake stands in where these casts say.
type Any = any;

const root = join(__dirname, '../../..');

const platform: Platform = {
  kind: 'node',
  benchUnavailable: () => null,
  liveMachine: () => null,
  thisMachine: () => null,
  tsAnalysis: () => null,
  panelRunner: () => null,
};

function memento() {
  const values = new Map<string, unknown>();
  return { get: (k: string) => values.get(k), update: async (k: string, v: unknown) => void values.set(k, v), keys: () => [...values.keys()] };
}

/** A JS-only plan: `tiny` ends in about a second, `slow` runs until it is stopped. */
function plan(label: string, kind: 'tiny' | 'slow'): RunPlan {
  const tiny: JsSweep = { ops: ['js-copy-grow'], sizes: [4096, 65536], reps: 20, minReps: 3, timeBudgetMs: 30, timeLimitMs: 30_000 };
  const slow: JsSweep = { ops: ['js-copy-grow', 'js-concat'], sizes: [4096, 1 << 20, 4 << 20, 16 << 20], reps: 100_000, minReps: 100_000, timeBudgetMs: 60_000, timeLimitMs: 120_000 };
  return { label, c: null, js: kind === 'tiny' ? tiny : slow, focus: [] };
}

/** No process of group `pgid` is left (kill(-pgid, 0) fails with ESRCH). */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('benchmark panel controller: run queue and cancel on close (real JS harness)', function () {
  this.timeout(120_000);
  let dist: string;
  let settings: SettingsStore;
  let profiles: ProfileStore;
  let runner: PanelRunner;
  let controller: PanelController;
  let posted: HostMessage[];
  /** Harness process ids seen alive at each event, and the most alive at once. */
  let maxAlive: number;
  const logs = () => posted.flatMap((m) => (m.type === 'log' ? [m.text] : []));
  const points = () => posted.filter((m) => m.type === 'point').length;

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'pagecost-panel-controller-'));
    await esbuild.build({ entryPoints: [join(root, 'src/core/bench/js/harness.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: join(dist, 'js-harness.js'), logLevel: 'warning' });
    copyFileSync(join(root, 'src/core/bench/harness.c'), join(dist, 'harness.c'));
  });
  after(() => rmSync(dist, { recursive: true, force: true }));

  beforeEach(() => {
    fake.reset();
    fake.config.set('', { profile: 'x86-64' });
    settings = new SettingsStore();
    profiles = new ProfileStore(settings, platform, Uri.file(join(tmpdir(), 'pagecost-no-storage')) as Any);
    const real = nodePanelRunner(dist);
    maxAlive = 0;
    // The real runner, watched: how many of its harnesses are alive whenever one reports.
    runner = {
      ...real,
      run: (p, cc, cb) => real.run(p, cc, { ...cb, onEvent: (e, h) => {
        maxAlive = Math.max(maxAlive, real.livePids().length);
        cb.onEvent(e, h);
      } }),
    };
    controller = new PanelController(platform, runner, settings, profiles, memento() as Any, () => undefined);
    posted = [];
    controller.attach((m) => posted.push(m));
  });
  afterEach(async () => {
    controller.dispose();
    await controller.whenIdle();
    settings.dispose();
    profiles.dispose();
  });

  it('closing the panel mid-run stops the harness (its whole process group) and drops the queued run', async () => {
    const first = controller.request({ kind: 'plan', plan: plan('slow', 'slow') });
    await until('the first point of the slow run', () => points() > 0);
    const pids = runner.livePids();
    assert.equal(pids.length, 1, `one harness alive: ${JSON.stringify(pids)}`);
    // A second request while it runs, queued by the user …
    fake.answers.push('Queue this one');
    await controller.request({ kind: 'plan', plan: plan('queued', 'tiny') });
    assert.match(fake.notifications.at(-1)!.text, /a benchmark \(slow\) is running/);
    // … then the panel closes.
    controller.attach(null);
    await first;
    await controller.whenIdle();
    assert.ok(groupGone(pids[0]!), `process group ${pids[0]} still has processes`);
    assert.deepEqual(runner.livePids(), []);
    assert.equal(controller.snapshot().running, false);
    // Nothing was posted to the closed panel, and the queued run never started.
    assert.ok(!logs().some((l) => l === 'started: queued'), JSON.stringify(logs()));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(runner.livePids(), []);
    assert.equal(maxAlive, 1);
  });

  it('a second request, queued: runs after the first has finished, never beside it', async () => {
    const first = controller.request({ kind: 'plan', plan: plan('first', 'tiny') });
    await until('the first run to start', () => controller.snapshot().running);
    fake.answers.push('Queue this one');
    await controller.request({ kind: 'plan', plan: plan('second', 'tiny') });
    await first;
    await until('the second run to end', () => logs().filter((l) => l.startsWith('finished:')).length === 2);
    await controller.whenIdle();
    const order = logs().filter((l) => /^(started|finished|cancelled)/.test(l)).map((l) => l.replace(/:.*/, ''));
    assert.deepEqual(order, ['started', 'finished', 'started', 'finished']);
    assert.deepEqual(logs().filter((l) => l.startsWith('started:')), ['started: first', 'started: second']);
    assert.equal(maxAlive, 1);
    assert.deepEqual(runner.livePids(), []);
  });

  it('a second request that replaces the first: the first is cancelled, its harness gone, then the second runs', async () => {
    const first = controller.request({ kind: 'plan', plan: plan('slow', 'slow') });
    await until('the first point of the slow run', () => points() > 0);
    const slowPid = runner.livePids()[0]!;
    fake.answers.push('Cancel it and start this one');
    await controller.request({ kind: 'plan', plan: plan('replacement', 'tiny') });
    await first;
    await until('the replacement to finish', () => logs().some((l) => l.startsWith('finished:')));
    await controller.whenIdle();
    assert.ok(groupGone(slowPid));
    const order = logs().filter((l) => /^(started|finished|cancelled)/.test(l));
    assert.equal(order.length, 4, JSON.stringify(order));
    assert.equal(order[0], 'started: slow');
    assert.match(order[1]!, /^cancelled after \d+ points$/);
    assert.equal(order[2], 'started: replacement');
    assert.match(order[3]!, /^finished: \d+ points/);
    assert.equal(maxAlive, 1);
  });

  it('a second request the user dismisses changes nothing: the first runs to its end, alone', async () => {
    const first = controller.request({ kind: 'plan', plan: plan('first', 'tiny') });
    await until('the first run to start', () => controller.snapshot().running);
    fake.answers.push(undefined);
    await controller.request({ kind: 'plan', plan: plan('dismissed', 'tiny') });
    await first;
    await controller.whenIdle();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(logs().filter((l) => l.startsWith('started:')), ['started: first']);
    assert.equal(controller.snapshot().running, false);
  });

  it('opening: the first view does not wait for the compiler check, a missing compiler redraws it, the page\'s report is timed', async () => {
    controller.dispose();
    fake.config.set('', { profile: 'x86-64', 'bench.compilerPath': join(dist, 'no-such-cc') });
    settings = new SettingsStore();
    controller = new PanelController(platform, runner, settings, profiles, memento() as Any, () => undefined);
    posted = [];
    controller.attach((m) => posted.push(m));
    await controller.handle({ type: 'ready' });
    const views = () => posted.flatMap((m) => (m.type === 'view' ? [m.view] : []));
    // The check spawns nothing here (no such file) but is still not awaited: the first view says nothing of it.
    assert.equal(views()[0]!.presets.find((p) => p.id === 'question')!.disabled, null);
    await until('a second view with the compiler problem', () => views().some((v) => v.presets.find((p) => p.id === 'question')!.disabled !== null));
    assert.equal(views().at(-1)!.mode, 'measure');
    await controller.handle({ type: 'drawn', charts: 1, of: 6, pageMs: 120 });
    assert.equal(controller.snapshot().openMs, null);
    await controller.handle({ type: 'drawn', charts: 6, of: 6, pageMs: 180 });
    const open = controller.snapshot().openMs!;
    assert.ok(open.first <= open.all, JSON.stringify(open));
    assert.match(logs().at(-1)!, /^panel open → charts drawn: first chart \d+ ms, all 6 \d+ ms after the panel was created \(the page's own part of the first: 120 ms since its document started\)$/);
    // A run asked for now waits for nothing and says why the C part cannot run.
    await controller.runPreset('question');
    assert.ok(!controller.snapshot().running);
  });

  it('two requests in the same tick (a double click) still run one at a time', async () => {
    fake.answers.push('Queue this one');
    const a = controller.request({ kind: 'plan', plan: plan('a', 'tiny') });
    const b = controller.request({ kind: 'plan', plan: plan('b', 'tiny') });
    await Promise.all([a, b]);
    await until('both runs to end', () => logs().filter((l) => l.startsWith('finished:')).length === 2);
    await controller.whenIdle();
    const order = logs().filter((l) => /^(started|finished)/.test(l)).map((l) => l.replace(/:.*/, ''));
    assert.deepEqual(order, ['started', 'finished', 'started', 'finished']);
    assert.equal(fake.notifications.filter((n) => n.level === 'warning').length, 1, 'the second request asked');
    assert.equal(maxAlive, 1);
  });
});
