// Covers for published videos: the first frame as a JPEG when ffmpeg can take it, otherwise a
// placeholder SVG made from the title. A cover never fails a publish: whatever goes wrong with
// ffmpeg is logged and the placeholder is stored instead.
//
// The gateway refuses uploads that are not video, but this service trusts no caller: the copy
// ffmpeg will read is sniffed again (its first bytes, read from the copy itself, so what is
// judged is what is decoded), ffmpeg runs only on a container #kit/media recognises, with the
// demuxer forced from it (ffmpeg.ts), and anything else gets the placeholder without ffmpeg.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { BlobStore } from '#kit/blob';
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { SNIFF_BYTES, sniffVideo } from '#kit/media';
import { grabFirstFrame, probeFfmpeg } from './ffmpeg.js';
import { placeholderCover } from './placeholder.js';

export interface CoverMaker {
  /** Stores the cover of a video and returns its blob key. */
  make(videoId: number, playKey: string, title: string): Promise<string>;
  /** Removes a cover whose video was not published after all. */
  discard(key: string): Promise<void>;
}

export interface CoverMakerOptions {
  blob: BlobStore;
  clock: Clock;
  log: Logger;
  /** The ffmpeg binary. Default 'ffmpeg', looked up on PATH; null: never run it (placeholders only). */
  ffmpegPath?: string | null;
  /** Longest an ffmpeg run may take before it is killed. Default 10_000 ms: a first frame takes well under a second. */
  timeoutMs?: number;
  /** Where the video is copied for ffmpeg to read. Default the system's temp folder. */
  tmpDir?: string;
}

export function createCoverMaker(o: CoverMakerOptions): CoverMaker {
  const bin = o.ffmpegPath === undefined ? 'ffmpeg' : o.ffmpegPath;
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw errors.invalid('timeoutMs', 'must be a positive number of ms');
  if (bin !== null && (typeof bin !== 'string' || bin === '')) throw errors.invalid('ffmpegPath', 'must name a binary, or be null to turn covers from frames off');
  const tmp = o.tmpDir ?? tmpdir();

  // Probed once, on the first publish; the answer holds for the life of the process.
  let probe: Promise<string | null> | undefined;
  const ffmpeg = (): Promise<string | null> =>
    (probe ??= (async () => {
      if (bin === null) {
        o.log.info('video covers are placeholders: ffmpeg is turned off');
        return null;
      }
      const p = await probeFfmpeg(bin, o.clock, timeoutMs);
      if (p.ok) return bin;
      if (p.missing) o.log.info({ ffmpeg: bin }, 'video covers are placeholders because ffmpeg is not installed (put ffmpeg on PATH for covers from the first frame)');
      else o.log.warn({ ffmpeg: bin, reason: p.reason }, 'video covers are placeholders because ffmpeg does not run');
      return null;
    })());

  /** The cover frame's key, or undefined when the upload is not a video container (ffmpeg not run). */
  const frameCover = async (ffmpegBin: string, videoId: number, playKey: string): Promise<string | undefined> => {
    const dir = await mkdtemp(join(tmp, 'surge-cover-'));
    try {
      const input = join(dir, 'video');
      const output = join(dir, 'cover.jpg');
      const obj = await o.blob.get(playKey);
      await pipeline(obj.body, createWriteStream(input));
      const container = sniffVideo(await readHead(input));
      if (container === undefined) return undefined;
      await grabFirstFrame(ffmpegBin, input, container, output, o.clock, timeoutMs);
      const jpeg = await readFile(output);
      if (jpeg.length === 0) throw new Error('ffmpeg wrote an empty cover');
      const key = `covers/${videoId}.jpg`;
      await o.blob.put(key, jpeg, { contentType: 'image/jpeg' });
      return key;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return {
    async make(videoId, playKey, title) {
      const ffmpegBin = await ffmpeg();
      if (ffmpegBin !== null) {
        try {
          const key = await frameCover(ffmpegBin, videoId, playKey);
          if (key !== undefined) return key;
          // Only a caller that skipped the gateway's check gets here: worth a look, not an error.
          o.log.warn({ videoId, playKey }, 'the upload is not a video container this service reads; storing a placeholder cover without running ffmpeg');
        } catch (err) {
          // Safe to carry on: a placeholder is a valid cover, and the reason is in the log.
          o.log.warn({ err, videoId, playKey }, 'could not take a cover frame with ffmpeg; storing a placeholder cover');
        }
      }
      const key = `covers/${videoId}.svg`;
      await o.blob.put(key, Buffer.from(placeholderCover(title)), { contentType: 'image/svg+xml' });
      return key;
    },

    async discard(key) {
      try {
        await o.blob.delete(key);
      } catch (err) {
        // An orphaned cover wastes a little space and nothing else; the publish error matters more.
        o.log.warn({ err, key }, 'could not remove the cover of a video that was not published');
      }
    },
  };
}

/** The first SNIFF_BYTES of a file (all of a shorter one). */
async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
