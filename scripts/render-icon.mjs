#!/usr/bin/env node
// Renders media/icon.svg (ours, drawn by hand) to media/icon.png at 256×256 with headless
// Chromium, transparent outside the rounded square. Run after changing the SVG:
//   node scripts/render-icon.mjs            (needs tier 3 set up: node scripts/e2e-setup.mjs)
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib/chromium.mjs';
import { cacheDir } from './e2e-setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 256;
const svg = readFileSync(join(root, 'media', 'icon.svg'), 'utf8');
const profile = mkdtempSync(join(tmpdir(), 'pagecost-icon-'));
const browser = await launchChromium(cacheDir, profile, { viewport: { width: SIZE, height: SIZE } });
try {
  await browser.page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const out = join(root, 'media', 'icon.png');
  await browser.page.locator('svg').screenshot({ path: out, omitBackground: true });
  console.log(`render-icon: wrote ${out}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
