// Covers: the first frame through ffmpeg when it works, a placeholder SVG when it is missing,
// fails or hangs. Stand-in ffmpeg scripts exercise every path on machines without ffmpeg; the
// real binary is tried when it is on PATH.
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore, type BlobStore } from '#kit/blob';
import { ManualClock, systemClock, type Clock } from '#kit/clock';
import { createCoverMaker, type CoverMakerOptions } from './covers/covers.js';
import { probeFfmpeg, run } from './covers/ffmpeg.js';
import { placeholderCover } from './covers/placeholder.js';
import { captureLog, COPY_INPUT, fakeFfmpeg as fake, INFO, WARN } from './testing/harness.js';

const fakeFfmpeg = (name: string, body: string) => fake(dir, name, body);

let dir = '';
let blob: BlobStore;
let work = '';

async function read(key: string): Promise<{ contentType: string; bytes: Buffer }> {
  const obj = await blob.get(key);
  const chunks: Buffer[] = [];
  for await (const c of obj.body) chunks.push(c as Buffer);
  return { contentType: obj.contentType, bytes: Buffer.concat(chunks) };
}

function maker(o: Partial<CoverMakerOptions> & { clock?: Clock }) {
  const { log, lines } = captureLog();
  return { covers: createCoverMaker({ blob, clock: new ManualClock(), log, tmpDir: work, ...o }), lines };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'surge-covers-'));
  work = join(dir, 'work');
  await mkdir(work);
  blob = createLocalBlobStore({ dir: join(dir, 'blobs') });
  await blob.put('uploads/clip.mp4', Buffer.from('not really a video'), { contentType: 'video/mp4' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('covers without ffmpeg', () => {
  it('stores a placeholder SVG and says once, at info, that ffmpeg is not installed', async () => {
    const { covers, lines } = maker({ ffmpegPath: join(dir, 'no-such-ffmpeg') });
    expect(await covers.make(1, 'uploads/clip.mp4', 'first')).toBe('covers/1.svg');
    expect(await covers.make(2, 'uploads/clip.mp4', 'second')).toBe('covers/2.svg');
    const svg = await read('covers/2.svg');
    expect(svg.contentType).toBe('image/svg+xml');
    expect(svg.bytes.toString()).toContain('>second</tspan>');
    expect(lines.filter((l) => /placeholders/.test(l.msg)).map((l) => [l.level, /not installed/.test(l.msg)])).toEqual([[INFO, true]]);
  });

  it('stores placeholders when ffmpeg is turned off (null), without running anything', async () => {
    const { covers, lines } = maker({ ffmpegPath: null });
    expect(await covers.make(3, 'uploads/clip.mp4', 'off')).toBe('covers/3.svg');
    expect(lines.filter((l) => /turned off/.test(l.msg)).length).toBe(1);
  });
});

describe('covers with ffmpeg (stand-in)', () => {
  it('stores the frame ffmpeg wrote as covers/<id>.jpg, read from the uploaded blob, and cleans its temp files', async () => {
    const { covers, lines } = maker({ ffmpegPath: await fakeFfmpeg('ffmpeg-copy', COPY_INPUT) });
    expect(await covers.make(10, 'uploads/clip.mp4', 'clip')).toBe('covers/10.jpg');
    const jpg = await read('covers/10.jpg');
    expect(jpg.contentType).toBe('image/jpeg');
    expect(jpg.bytes.toString()).toBe('not really a video');
    expect(await readdir(work)).toEqual([]);
    expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
  });

  it('stores a placeholder and warns why when ffmpeg fails', async () => {
    const { covers, lines } = maker({ ffmpegPath: await fakeFfmpeg('ffmpeg-fail', 'echo "moov atom not found" >&2; exit 1') });
    expect(await covers.make(11, 'uploads/clip.mp4', 'broken')).toBe('covers/11.svg');
    const warn = lines.find((l) => l.level === WARN)!;
    expect(String((warn.err as { message: string }).message)).toContain('moov atom not found');
    expect(await readdir(work)).toEqual([]);
  });

  it('kills an ffmpeg that outlives its timeout and stores a placeholder', async () => {
    const { covers, lines } = maker({ ffmpegPath: await fakeFfmpeg('ffmpeg-hang', 'exec sleep 30'), clock: systemClock, timeoutMs: 300 });
    const started = performance.now();
    expect(await covers.make(12, 'uploads/clip.mp4', 'slow')).toBe('covers/12.svg');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(String((lines.find((l) => l.level === WARN)!.err as { message: string }).message)).toMatch(/longer than 300 ms/);
  });

  it('stores a placeholder when the upload is not in the blob store', async () => {
    const { covers, lines } = maker({ ffmpegPath: await fakeFfmpeg('ffmpeg-copy2', COPY_INPUT) });
    expect(await covers.make(13, 'uploads/missing.mp4', 'gone')).toBe('covers/13.svg');
    expect(lines.some((l) => l.level === WARN)).toBe(true);
  });

  it('removes a cover whose video was not published', async () => {
    const { covers } = maker({ ffmpegPath: null });
    const key = await covers.make(14, 'uploads/clip.mp4', 'abandoned');
    await covers.discard(key);
    expect(await blob.stat(key)).toBeUndefined();
  });
});

const realFfmpeg = (await probeFfmpeg('ffmpeg', systemClock, 5000)).ok;
if (!realFfmpeg) console.warn('skipping the real-ffmpeg cover test: ffmpeg is not on PATH (install it, e.g. apt-get install ffmpeg)');

describe.skipIf(!realFfmpeg)('covers with the real ffmpeg', () => {
  it('takes the first frame of an uploaded video as a JPEG', async () => {
    const clip = join(dir, 'clip.mp4');
    const made = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x64:rate=5', '-pix_fmt', 'yuv420p', clip], systemClock, 30_000);
    expect(made.code).toBe(0);
    await blob.put('uploads/real.mp4', await readFile(clip), { contentType: 'video/mp4' });
    const { covers, lines } = maker({ clock: systemClock });
    expect(await covers.make(20, 'uploads/real.mp4', 'real')).toBe('covers/20.jpg');
    const jpg = await read('covers/20.jpg');
    expect([...jpg.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(lines.filter((l) => l.level >= WARN)).toEqual([]);
  });
});

describe('placeholder cover', () => {
  it('escapes the title, wraps it and picks the same colour for the same title', () => {
    const svg = placeholderCover('<b> & "quotes" \u0007 and a rather long title that needs several lines');
    expect(svg).toContain('&lt;b&gt; &amp;');
    expect(svg).toContain('&quot;quotes&quot;');
    expect(svg).not.toContain('\u0007');
    expect(svg.match(/<tspan/g)!.length).toBeGreaterThan(2);
    expect(placeholderCover('same')).toBe(placeholderCover('same'));
    const long = placeholderCover('x'.repeat(100));
    expect(long.match(/<tspan/g)!.length).toBe(6);
    expect(long).toContain('…');
  });
});
