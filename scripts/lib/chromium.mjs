// Headless Chromium (Debian's) driven by playwright-core from the tier-3 cache: the browser the
// tests use to look at what code-server serves.
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const CHROMIUM = process.env.PAGECOST_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1400, height: 900 };

/** A fresh persistent profile in `profileDir`; resolves with { context, page, close() }. */
export async function launchChromium(cacheDir, profileDir, { viewport = VIEWPORT } = {}) {
  const require = createRequire(join(cacheDir, 'package.json'));
  const { chromium } = require('playwright-core');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const close = () => Promise.race([context.close(), new Promise((r) => setTimeout(r, 10_000))]);
  return { context, page, close };
}
