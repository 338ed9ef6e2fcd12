// pagecost as the Extensions view shows it: the installed VSIX holds the icon and every image its
// README names, the extension's page shows the icon, and what activation costs (VS Code's own
// figure from Developer: Show Running Extensions: loading the code plus activate()).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { C_FILE, C_MARKER } from '../expectations.mjs';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file) {
  const b = readFileSync(file);
  if (b.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

export function setup(session) {
  describe('the extension page and activation', function () {
    before(async function () {
      // The extension activates on the first C document.
      await session.wb.reset();
      await session.wb.quickOpen.openFile(C_FILE, C_MARKER);
    });
    after(async function () {
      // Leave the window as the next feature expects it: no extension page, no side bar in the pictures.
      await session.wb.reset();
      await session.wb.extensions.closePage();
      if (session.takeShots) await session.wb.hideSideBar();
    });

    const { icon, id, displayName } = session.expect;
    if (icon && !session.restricted) {
      it('the installed VSIX holds the 256×256 icon and every image the README shows', async function () {
        const dir = readdirSync(session.profile.ext).find((d) => d.toLowerCase().startsWith(`${id.toLowerCase()}-`));
        if (!dir) throw new Error(`${id} is not in ${session.profile.ext}`);
        const installed = join(session.profile.ext, dir);
        const size = pngSize(join(installed, icon.file));
        if (size.width !== icon.width || size.height !== icon.height) throw new Error(`icon ${size.width}×${size.height}`);
        // vsce stores it as readme.md.
        const readmeFile = readdirSync(installed).find((f) => f.toLowerCase() === 'readme.md');
        if (!readmeFile) throw new Error(`no README in ${installed}`);
        const readme = readFileSync(join(installed, readmeFile), 'utf8');
        const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
        if (images.length < 4) throw new Error(`the packaged README names ${images.length} images`);
        const missing = images.filter((src) => !existsSync(join(installed, src)));
        if (missing.length) throw new Error(`README images missing from the VSIX: ${missing.join(', ')}`);
        session.log(`${images.length} README images packaged beside the README (relative links: VS Code's extension page shows only https images, so they need a public host to show there and on the Marketplace)`);
      });

      it('the extension page shows its icon and renders the README', async function () {
        const page = await session.wb.extensions.openPage(displayName);
        const shown = await session.wb.extensions.headerIcon(page);
        if (shown.width !== icon.width || shown.height !== icon.height) throw new Error(`the page's icon is ${shown.width}×${shown.height}`);
        const readme = await session.wb.webviews.withText('What your', 30_000);
        const images = await readme.locator('img').evaluateAll((els) => els.map((e) => e.naturalWidth));
        session.log(`the page's README: ${images.length} images, ${images.filter((w) => w > 0).length} shown (VS Code shows only https images there)`);
        if (session.takeShots) await session.wb.screenshot('extension-page');
      });
    }

    it('activation time, as VS Code measures it (Running Extensions)', async function () {
      const { ms, text } = await session.wb.extensions.activationMs(displayName);
      if (!(ms >= 0)) throw new Error(`no activation time: ${text}`);
      session.log(`activation: ${ms} ms (${session.name} session; loading the code + activate(); goal: under 50 ms; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
    });
  });
}
