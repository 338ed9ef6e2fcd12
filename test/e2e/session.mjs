// One tier-3 session: a fresh profile and copy of workspace/, the extension installed from its
// VSIX, code-server on a free loopback port, headless Chromium on the workbench. main.mjs starts
// one per mode (trusted, restricted) and every feature file's tests run in it.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, VIEWPORT } from '../../scripts/lib/chromium.mjs';
import { installExtension, makeProfile, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { until } from '../../scripts/lib/until.mjs';
import { run } from './run.mjs';
import { C_FILE } from './expectations.mjs';
import { Workbench } from './workbench/workbench.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Settings for sessions: the pictures' look, and nothing (lightbulb, startup editor) in the way of the checks. */
const TEST_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.fontSize': 15,
  'editor.hover.delay': 150,
  'editor.lightbulb.enabled': 'off',
  'workbench.colorTheme': 'Default Dark Modern',
  'files.autoSave': 'off',
  'C_Cpp.intelliSenseEngine': 'disabled',
};

export class Session {
  /** `name`: 'trusted' (workspace trust off: everything trusted) or 'restricted' (the folder opens in Restricted Mode). */
  constructor(name) {
    this.name = name;
    this.restricted = name === 'restricted';
    /** The README's pictures come from the trusted session. */
    this.takeShots = !this.restricted;
    this.expect = run.expect;
    this.pageErrors = [];
  }

  log(msg) {
    run.log(`    ${msg}`);
  }

  async start() {
    const base = join(run.tmp, this.name.replace(/\W+/g, '-'));
    this.shots = join(base, 'shots');
    mkdirSync(this.shots, { recursive: true });
    await this.serve(base);
    await this.step('Chromium started', async () => {
      this.browser = await launchChromium(run.cacheDir, join(base, 'chromium-profile'));
      run.cleanups.push(() => this.stopBrowser());
    });
    this.page = this.browser.page;
    this.page.on('pageerror', (e) => this.pageErrors.push(e.message));
    this.wb = new Workbench(this.page, { shots: this.shots, viewport: VIEWPORT });
    await this.step('the workbench lists the workspace', () => this.wb.open(this.pageUrl, this.listed));
    if (this.restricted) await this.declineTrust();
    if (this.takeShots) await this.wb.hideSideBar();
  }

  /** A fresh profile and copy of workspace/, the VSIX installed, code-server serving the copy. */
  async serve(base) {
    this.workspace = join(base, 'workspace');
    this.results = join(base, 'self-test.json');
    cpSync(join(here, 'workspace'), this.workspace, { recursive: true });
    this.profile = makeProfile(base, {
      settings: TEST_SETTINGS,
      // The self-test hook (src/extension/selfTest.ts) reports through these.
      env: {
        PAGECOST_E2E_RESULTS: this.results,
        PAGECOST_E2E_FILE: C_FILE,
        ...(this.expect.ts ? { PAGECOST_E2E_TS_FILE: this.expect.ts.file } : {}),
      },
    });
    // XDG_CACHE_HOME inside the session's folder is also where the benchmark runner caches the
    // harness it compiles (src/core/bench/runner.ts), so the checks can look for it there.
    this.harnessCache = join(this.profile.env.XDG_CACHE_HOME, 'pagecost');

    // Each step is a check too: the session's `before` hook fails (and is counted) if one does.
    await this.step(`installed ${run.vsix}`, () => installExtension(run.setup, this.profile, run.vsix, run.gallery));
    await this.step(`code-server answers${this.restricted ? ' (workspace trust on)' : ''}`, async () => {
      this.server = await startCodeServer(run.setup, this.profile, {
        folder: this.workspace, restricted: this.restricted, gallery: run.gallery,
      });
      run.cleanups.push(() => this.stopServer());
    });
    this.pageUrl = `${this.server.url}/?folder=${encodeURIComponent(this.workspace)}`;
    this.listed = C_FILE;
  }

  /** Runs one step of starting the session and logs how long it took (or what failed). */
  async step(what, fn) {
    const t0 = Date.now();
    try {
      await fn();
    } catch (e) {
      throw new Error(`${this.name}: ${what}: FAILED: ${e.message}`);
    }
    run.log(`${this.name}: ${what} (${Date.now() - t0} ms)`);
  }

  /**
   * Depending on the build, a modal asks whether to trust the folder's authors: answer no, as a
   * careful person would. Gives up quietly after a while: the Restricted Mode test says what is wrong.
   */
  async declineTrust() {
    await until('the Restricted Mode indicator', async () => {
      const no = this.page.getByRole('button', { name: /No, I don't trust the authors/i });
      if (await no.count()) await no.first().click();
      return this.wb.statusBar.item(/Restricted Mode/).count();
    }, 30_000, 250).catch(() => {});
  }

  async stopBrowser() {
    if (!this.browser) return;
    const b = this.browser;
    this.browser = null;
    await b.close();
    run.log(`${this.name}: closed Chromium`);
  }

  async stopServer() {
    if (!this.server) return;
    const s = this.server;
    this.server = null;
    if (await s.stop()) run.log(`${this.name}: stopped code-server (pid ${s.child.pid})`);
  }

  /** Stops Chromium and code-server (2 cores: the next session starts after). */
  async stop() {
    const fatal = this.pageErrors.filter((m) => !/ResizeObserver|Canceled/.test(m));
    if (fatal.length) run.log(`${this.name}: page errors (not failures): ${fatal.slice(0, 3).join(' | ')}`);
    await this.stopBrowser();
    await this.stopServer();
  }

  /** What the self-test hook wrote (it writes once the TS document is analysed too: worker start, ts-morph load). */
  async selfTest(timeoutMs = 60_000) {
    const r = JSON.parse(await until('the self-test results file', () => existsSync(this.results) && readFileSync(this.results, 'utf8'), timeoutMs));
    if (r.error) throw new Error(`the self-test failed: ${r.error}`);
    return r;
  }

  /** The text of the server's Node extension host logs (remoteexthost.log). */
  extensionHostLog() {
    const logs = join(this.profile.userData, 'logs');
    if (!existsSync(logs)) return '';
    return readdirSync(logs).flatMap((d) => {
      const dir = join(logs, d);
      return existsSync(dir) ? readdirSync(dir).filter((x) => x.startsWith('exthost')).map((x) => join(dir, x, 'remoteexthost.log')) : [];
    }).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
  }
}
