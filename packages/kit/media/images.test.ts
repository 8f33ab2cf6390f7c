// sniffImage against files real tools wrote (ffmpeg, when installed), a PNG written byte by byte,
// and the look-alikes an image upload could be instead: each accepted format is recognised,
// everything else refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IMAGE_SNIFF_BYTES, sniffImage, type ImageFormat } from './index.js';
import { fakeVideo } from './testing/fake-video.js';
import { pngImage } from './testing/png.js';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasFfmpeg) console.warn('skipping the sniffing of ffmpeg-made images: ffmpeg is not on PATH');

const dir = mkdtempSync(join(tmpdir(), 'surge-sniff-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One frame of a test pattern written by ffmpeg as `name`; its first bytes. */
function made(name: string, args: string[] = []): Buffer {
  const out = join(dir, name);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=1', '-frames:v', '1', ...args, out], { stdio: 'ignore', timeout: 30_000 });
  return readFileSync(out).subarray(0, IMAGE_SNIFF_BYTES);
}

describe('sniffImage', () => {
  it('recognises a PNG written byte by byte', () => {
    expect(sniffImage(pngImage().subarray(0, IMAGE_SNIFF_BYTES))).toBe('png');
  });

  it.skipIf(!hasFfmpeg).each<[string, string[], ImageFormat]>([
    ['a.png', [], 'png'],
    ['a.jpg', [], 'jpeg'],
    ['lossy.webp', ['-c:v', 'libwebp'], 'webp'],
    ['lossless.webp', ['-c:v', 'libwebp', '-lossless', '1'], 'webp'],
    ['a.gif', [], 'gif'],
  ])('recognises %s as ffmpeg writes it', (name, args, format) => {
    expect(sniffImage(made(name, args))).toBe(format);
  });

  it.each<[string, Buffer]>([
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['an HTML page', Buffer.from('<!doctype html><html><body>hi</body></html>')],
    ['plain text', Buffer.from('this is not an image at all')],
    ['a BMP', Buffer.concat([Buffer.from('BM'), Buffer.alloc(20)])],
    ['a TIFF', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['a WAVE file (RIFF, not WEBP)', Buffer.concat([Buffer.from('RIFF'), Buffer.from([36, 0, 0, 0]), Buffer.from('WAVEfmt ')])],
    ['a WebP header without a bitstream chunk', Buffer.concat([Buffer.from('RIFF'), Buffer.from([36, 0, 0, 0]), Buffer.from('WEBPJUNK')])],
    ['a PNG signature cut short', pngImage().subarray(0, 8)],
    ['a PNG signature whose first chunk is not IHDR', Buffer.concat([pngImage().subarray(0, 12), Buffer.from('IDAT')])],
    ['GIF with an unknown version', Buffer.from('GIF90a0000')],
    ['an MP4 head', fakeVideo(64, 'iso-bmff')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_what, head) => {
    expect(sniffImage(head.subarray(0, IMAGE_SNIFF_BYTES))).toBeUndefined();
  });

  it.skipIf(!hasFfmpeg)('is an image ffprobe opens: the byte-made PNG decodes at its size', () => {
    const file = join(dir, 'made.png');
    writeFileSync(file, pngImage(3, 2));
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    expect(probe.trim()).toBe('3,2');
  });
});
