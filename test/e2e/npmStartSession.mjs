// The session `npm start` makes: the test runs `npm start` itself (a fresh profile, any free
// port), reads the URL it prints, and drives exactly that server with Chromium, as a newcomer
// following the README would. Only feature files that ask for it (`sessions = ['npm start']`)
// run here: the examples it serves are the repository's, so these tests only look.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processesWhere, stopGroup } from '../../scripts/lib/processes.mjs';
import { fatal, until } from '../../scripts/lib/until.mjs';
import { npmCli } from '../../scripts/e2e-setup.mjs';
import { run } from './run.mjs';
import { Session } from './session.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NPM_START = 'npm start';

export class NpmStartSession extends Session {
  constructor() {
    super(NPM_START);
    this.restricted = false;
    this.takeShots = false;
    this.output = '';
  }

  async serve(base) {
    this.workspace = join(root, 'examples');
    this.profileDir = join(base, 'profile');
    await this.step('npm start printed its URL', async () => {
      this.startedAt = Date.now();
      // Its own process group, like a command in a terminal: Ctrl-C there signals the group.
      this.child = spawn(process.execPath, [npmCli(), 'start', '--', '--port', '0', '--profile', this.profileDir], {
        cwd: root,
        env: { ...process.env, PAGECOST_E2E_CACHE: run.cacheDir },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      run.cleanups.push(() => stopGroup(this.child));
      this.child.stdout.on('data', (d) => { this.output += d; });
      this.child.stderr.on('data', (d) => { this.output += d; });
      this.exit = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
      let ended = null;
      this.exit.then((e) => { ended = e; });
      // The first start may build the VSIX; a second one is ready in seconds.
      this.url = await until('npm start to print "ready" and a loopback URL', () => {
        if (ended) throw fatal(`npm start ended (${JSON.stringify(ended)}) before it was ready:\n${this.output.slice(-2000)}`);
        const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/)\s*$/m.exec(this.output);
        return /start: ready in/.test(this.output) && m?.[1];
      }, 300_000, 100);
      this.readyMs = Date.now() - this.startedAt;
    });
    this.pageUrl = this.url;
    // The explorer lists examples/' folders.
    this.listed = 'ring';
  }

  /** What npm start printed so far. */
  printed() {
    return this.output;
  }

  /**
   * Ctrl-C as a terminal sends it: SIGINT to npm start's process group. Resolves with how it
   * ended and what it printed.
   */
  async interrupt(timeoutMs = 20_000) {
    process.kill(-this.child.pid, 'SIGINT');
    const ended = await Promise.race([this.exit, new Promise((r) => setTimeout(() => r(null), timeoutMs))]);
    if (!ended) throw new Error(`npm start was still running ${timeoutMs} ms after Ctrl-C:\n${this.output.slice(-1500)}`);
    return { ...ended, output: this.output };
  }

  /** Processes whose command line names this session's profile (code-server and what it started). */
  processesOfProfile() {
    return processesWhere((args) => args.some((a) => a.includes(this.profileDir)));
  }

  async stopServer() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) await stopGroup(this.child);
  }
}
