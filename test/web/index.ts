// Entry of the web test bundle (dist/test/web/index.js): @vscode/test-web calls run() inside the
// browser extension host once the workbench is up.
import { runAll } from './harness';
import './extension.test';
import './panel.test';
import './nameFilter.test';

export async function run(): Promise<void> {
  const { failed } = await runAll();
  if (failed) throw new Error(`${failed} web test(s) failed`);
}
