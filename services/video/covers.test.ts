// Covers: the first frame through ffmpeg when it works, a placeholder SVG when it is missing,
// fails or hangs, or when the upload is not a video container (then ffmpeg is never run).
// Stand-in ffmpeg scripts exercise every path on machines without ffmpeg; the real binary is
// tried when it is on PATH.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore, type BlobStore } from '#kit/blob';
import { ManualClock, systemClock, type Clock } from '#kit/clock';
import { createCoverMaker, type CoverMakerOptions } from './covers/covers.js';
import { probeFfmpeg, run } from './covers/ffmpeg.js';
import { placeholderCover } from './covers/placeholder.js';
import { fakeVideo } from '../../packages/kit/media/testing/fake-video.js';
import { captureLog, COPY_INPUT, fakeFfmpeg as fake, INFO, WARN } from './testing/harness.js';

const fakeFfmpeg = (name: string, body: string) => fake(dir, name, body);

let dir = '';
let blob: BlobStore;
/** Begins as an MP4 does, so the cover maker hands it to ffmpeg; not decodable. */
const CLIP = fakeVideo(4096);
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
  await blob.put('uploads/clip.mp4', CLIP, { contentType: 'video/mp4' });
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
    expect(jpg.bytes.equals(CLIP)).toBe(true);
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

  it('never runs ffmpeg on an upload that is not a video container: a placeholder instead', async () => {
    const runs = join(dir, 'runs-not-video.log');
    const { covers, lines } = maker({ ffmpegPath: await fakeFfmpeg('ffmpeg-logged', `echo run >> "${runs}"; ${COPY_INPUT}`) });
    const uploads: [string, Buffer][] = [
      ['an HLS playlist', Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${join(dir, 'blobs')}/objects/uploads/clip.mp4\n#EXT-X-ENDLIST\n`)],
      ['a text file', Buffer.from('not a video at all\n'.repeat(100))],
      ['a PNG image', Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(500, 1)])],
      ['an empty file', Buffer.alloc(0)],
    ];
    for (const [i, [what, bytes]] of uploads.entries()) {
      await blob.put(`uploads/bad-${i}.mp4`, bytes, { contentType: 'video/mp4' });
      expect(await covers.make(30 + i, `uploads/bad-${i}.mp4`, what), what).toBe(`covers/${30 + i}.svg`);
    }
    expect(await readFile(runs, 'utf8').catch(() => '')).toBe('');
    expect(lines.filter((l) => l.level === WARN && /not a video container/.test(l.msg))).toHaveLength(uploads.length);
    expect(await readdir(work)).toEqual([]);
  });

  it('forces the demuxer from the first bytes and lets ffmpeg open nothing but the one file', async () => {
    const argsLog = join(dir, 'args.log');
    const { covers } = maker({ ffmpegPath: await fakeFfmpeg('ffmpeg-args', `printf '%s\\n' "$*" >> "${argsLog}"; ${COPY_INPUT}`) });
    const demuxers = { 'iso-bmff': 'mov', matroska: 'matroska', avi: 'avi', flv: 'flv', 'mpeg-ts': 'mpegts' } as const;
    for (const [i, container] of (Object.keys(demuxers) as (keyof typeof demuxers)[]).entries()) {
      await blob.put(`uploads/any-${i}.bin`, fakeVideo(4096, container), { contentType: 'video/mp4' });
      expect(await covers.make(40 + i, `uploads/any-${i}.bin`, container)).toBe(`covers/${40 + i}.jpg`);
    }
    const runs = (await readFile(argsLog, 'utf8')).trim().split('\n');
    expect(runs).toHaveLength(5);
    for (const [i, demuxer] of Object.values(demuxers).entries()) {
      const before = runs[i]!.split(' -i ')[0]!;
      expect(before).toContain(`-f ${demuxer}`);
      expect(before).toContain(`-format_whitelist ${demuxer}`);
      expect(before).toContain('-protocol_whitelist file');
    }
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

describe.skipIf(!realFfmpeg)('uploads that are not video, with the real ffmpeg', () => {
  it('does not publish a frame of a local file that an uploaded playlist names', async () => {
    // A video on the server's disk that the uploader must not see: one red frame.
    const secret = join(dir, 'secret.ts');
    const made = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:size=64x64:rate=5:duration=1', '-f', 'mpegts', secret], systemClock, 30_000);
    expect(made.code).toBe(0);
    const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${secret}\n#EXT-X-ENDLIST\n`;
    await writeFile(join(dir, 'playlist.m3u8'), playlist);
    // The playlist itself is what ffmpeg would follow when left to guess the format.
    const direct = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', join(dir, 'playlist.m3u8'), '-frames:v', '1', join(dir, 'leak.jpg')], systemClock, 30_000);
    expect(direct.code, 'the stand-alone ffmpeg follows the playlist (else this test proves nothing)').toBe(0);
    await blob.put('uploads/playlist.mp4', Buffer.from(playlist), { contentType: 'video/mp4' });
    const { covers } = maker({ clock: systemClock });
    expect(await covers.make(50, 'uploads/playlist.mp4', 'innocent')).toBe('covers/50.svg');
    expect(await blob.stat('covers/50.jpg')).toBeUndefined();
    expect((await read('covers/50.svg')).bytes.toString()).toContain('>innocent</tspan>');
  });

  it('takes the first frame from every container a video upload may be', async () => {
    const YUV = ['-pix_fmt', 'yuv420p'];
    const clips: [string, string[], string?][] = [
      ['clip.mp4', YUV],
      ['fast.mp4', [...YUV, '-movflags', '+faststart']],
      ['clip.mov', YUV],
      ['clip.3gp', [], 'testsrc=duration=1:size=176x144:rate=5'],
      ['clip.webm', YUV],
      ['clip.mkv', YUV],
      ['clip.avi', []],
      ['clip.flv', []],
      ['clip.ts', ['-f', 'mpegts']],
      ['clip.m2ts', ['-f', 'mpegts', '-mpegts_m2ts_mode', '1']],
    ];
    const { covers, lines } = maker({ clock: systemClock });
    for (const [i, [name, args, input]] of clips.entries()) {
      const file = join(dir, name);
      const made = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', input ?? 'testsrc=duration=1:size=64x64:rate=5', ...args, file], systemClock, 30_000);
      expect(made.code, name).toBe(0);
      await blob.put(`uploads/${name}`, await readFile(file), { contentType: 'video/mp4' });
      expect(await covers.make(60 + i, `uploads/${name}`, name), name).toBe(`covers/${60 + i}.jpg`);
      expect([...(await read(`covers/${60 + i}.jpg`)).bytes.subarray(0, 3)], name).toEqual([0xff, 0xd8, 0xff]);
    }
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
