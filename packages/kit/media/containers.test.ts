// sniffVideo against files real tools wrote (ffmpeg, when installed) and against the look-alikes
// an upload could be instead: each accepted container is recognised, everything else refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffVideo, type VideoContainer } from './index.js';
import { fakeVideo } from './testing/fake-video.js';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasFfmpeg) console.warn('skipping the sniffing of ffmpeg-made files: ffmpeg is not on PATH');

const dir = mkdtempSync(join(tmpdir(), 'surge-sniff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-second test pattern written by ffmpeg with the given output arguments; its first bytes. */
function made(name: string, args: string[], input = 'testsrc=duration=1:size=64x64:rate=5'): Buffer {
  const out = join(dir, name);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', input, ...args, out], { stdio: 'ignore', timeout: 30_000 });
  return readFileSync(out).subarray(0, SNIFF_BYTES);
}

const YUV = ['-pix_fmt', 'yuv420p'];

describe.skipIf(!hasFfmpeg)('files ffmpeg writes', () => {
  const accepted: [string, () => Buffer, VideoContainer][] = [
    ['MP4', () => made('a.mp4', YUV), 'iso-bmff'],
    ['MP4 with moov first (faststart)', () => made('b.mp4', [...YUV, '-movflags', '+faststart']), 'iso-bmff'],
    ['MOV', () => made('a.mov', YUV), 'iso-bmff'],
    ['M4V', () => made('a.m4v', YUV), 'iso-bmff'],
    ['3GP', () => made('a.3gp', [], 'testsrc=duration=1:size=176x144:rate=5'), 'iso-bmff'],
    ['WebM', () => made('a.webm', YUV), 'matroska'],
    ['MKV', () => made('a.mkv', YUV), 'matroska'],
    ['AVI', () => made('a.avi', []), 'avi'],
    ['FLV', () => made('a.flv', []), 'flv'],
    ['MPEG-TS', () => made('a.ts', ['-f', 'mpegts']), 'mpeg-ts'],
    ['M2TS', () => made('a.m2ts', ['-f', 'mpegts', '-mpegts_m2ts_mode', '1']), 'mpeg-ts'],
  ];
  it.each(accepted)('%s is recognised', (_name, bytes, container) => {
    expect(sniffVideo(bytes())).toBe(container);
  });

  const refused: [string, () => Buffer][] = [
    ['PNG', () => made('a.png', ['-frames:v', '1'])],
    ['JPEG', () => made('a.jpg', ['-frames:v', '1'])],
    ['GIF', () => made('a.gif', [])],
    ['WebP (RIFF)', () => made('a.webp', ['-frames:v', '1'])],
    ['WAV (RIFF)', () => made('a.wav', [], 'sine=duration=1')],
    ['M4A (ISO BMFF, audio brand)', () => made('a.m4a', [], 'sine=duration=1')],
    ['FLV without video', () => made('b.flv', [], 'sine=duration=1')],
    ['MPEG-PS', () => made('a.mpg', ['-f', 'mpeg'], 'testsrc=duration=1:size=64x64:rate=25')],
    ['Ogg', () => made('a.ogv', [])],
    ['ASF/WMV', () => made('a.wmv', [])],
    ['raw H.264', () => made('a.h264', [...YUV, '-f', 'h264'])],
  ];
  it.each(refused)('%s is refused', (_name, bytes) => {
    expect(sniffVideo(bytes())).toBeUndefined();
  });
});

describe('look-alikes', () => {
  const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from(`ftyp${brand}`), Buffer.from([0, 0, 0, 0]), Buffer.from(brand)]);
  const refused: [string, Buffer][] = [
    ['an empty file', Buffer.alloc(0)],
    ['an HLS playlist', Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n/etc/passwd\n#EXT-X-ENDLIST\n')],
    ['an ffconcat list', Buffer.from("ffconcat version 1.0\nfile '/etc/passwd'\n")],
    ['a text file', Buffer.from('hello, this is not a video\n'.repeat(100))],
    ['a shell script', Buffer.from('#!/bin/sh\nrm -rf /\n')],
    ['HEIC (ISO BMFF, image brand)', ftyp('heic')],
    ['AVIF (ISO BMFF, image brand)', ftyp('avif')],
    ['HEIF via mif1', ftyp('mif1')],
    ['an ftyp box of absurd size', Buffer.concat([Buffer.from([0x7f, 0, 0, 0]), Buffer.from('ftypisom'), Buffer.alloc(8)])],
    ['an ftyp box cut short', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypis')])],
    ['"ftyp" at another offset', Buffer.concat([Buffer.from('xxxxxxxxftypisom'), Buffer.alloc(16)])],
    ['EBML of another DocType', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x8b, 0x42, 0x82, 0x88, ...Buffer.from('notavide')])],
    ['RIFF WAVE', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')])],
    ['FLV of version 2', Buffer.concat([Buffer.from('FLV'), Buffer.from([2, 5, 0, 0, 0, 9])])],
    ['four transport-stream packets', fakeVideo(4 * 188, 'mpeg-ts').subarray(0, 4 * 188)],
    ['sync bytes at the wrong stride', Buffer.from(Array.from({ length: SNIFF_BYTES }, (_, i) => (i % 187 === 0 ? 0x47 : 0)))],
    ['random bytes', Buffer.from(Array.from({ length: SNIFF_BYTES }, (_, i) => (i * 131 + 17) & 0xff))],
  ];
  it.each(refused)('%s is refused', (_name, bytes) => {
    expect(sniffVideo(bytes)).toBeUndefined();
  });

  it.each(['iso-bmff', 'matroska', 'avi', 'flv', 'mpeg-ts'] as const)('the test stand-in for %s is recognised', (container) => {
    expect(sniffVideo(fakeVideo(2048, container))).toBe(container);
  });
});
