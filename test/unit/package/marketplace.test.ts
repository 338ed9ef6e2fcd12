import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// What the Marketplace and VS Code's extension page show about pagecost, from package.json and
// README.md. (That the built VSIX holds these files and VS Code renders them is tier 3's
// test/e2e/features/marketplace.test.mjs.)
const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  assert.equal(b.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is not a PNG`);
  assert.equal(b.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Image references in Markdown (`![alt](src)`) and HTML (`<img src>`). */
function readmeImages(text: string): string[] {
  const md = [...text.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const html = [...text.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((m) => m[1]);
  return [...md, ...html];
}

describe('Marketplace listing (package.json, README.md)', () => {
  it('the icon is our own 256×256 PNG, rendered from media/icon.svg', () => {
    assert.equal(pkg.icon, 'media/icon.png');
    assert.deepEqual(pngSize(join(root, 'media', 'icon.png')), { width: 256, height: 256 });
    assert.ok(existsSync(join(root, 'media', 'icon.svg')), 'the source of the icon, for scripts/render-icon.mjs');
  });

  it('has a gallery banner and says there is no Q&A tab', () => {
    const banner = pkg.galleryBanner as { color?: string; theme?: string };
    assert.match(banner.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(banner.theme ?? ''), `theme ${banner.theme}`);
    assert.equal(pkg.qna, false);
  });

  it('links to a repository, homepage and issues only where they are real https URLs (none is public yet)', () => {
    const url = (v: unknown) => (typeof v === 'string' ? v : (v as { url?: string } | undefined)?.url);
    for (const field of ['repository', 'homepage', 'bugs']) {
      const v = url(pkg[field]);
      if (v === undefined) continue;
      assert.match(v, /^https:\/\//, `${field}: ${v}`);
      assert.doesNotMatch(v, /example\.(com|org)|placeholder|TODO|your-?org/i, `${field} is a placeholder: ${v}`);
    }
    // Without a repository, vsce must be told so (and must not rewrite the README's links to one).
    if (pkg.repository === undefined) {
      assert.match((pkg.scripts as Record<string, string>).package, /--allow-missing-repository/);
      assert.match((pkg.scripts as Record<string, string>).package, /--no-rewrite-relative-links/);
    }
  });

  it('every README image is a PNG/JPEG/GIF file in media/ (packaged; relative, so it resolves inside the VSIX)', () => {
    const images = readmeImages(readme);
    assert.ok(images.length >= 4, `README images: ${images.join(', ')}`);
    for (const src of images) {
      assert.doesNotMatch(src, /^[a-z]+:/i, `${src}: absolute URLs need a public host; keep images in media/`);
      assert.match(src, /^media\/.+\.(png|jpe?g|gif)$/i, `${src}: the Marketplace refuses SVG, and only media/ is packaged (.vscodeignore)`);
      assert.ok(existsSync(join(root, src)), `${src} does not exist`);
    }
  });
});
