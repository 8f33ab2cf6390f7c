// Covers for published videos: the first frame as a JPEG when ffmpeg can take it, otherwise a
// placeholder SVG made from the title. A cover never fails a publish: whatever goes wrong with
// ffmpeg is logged and the placeholder is stored instead.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { BlobStore } from '#kit/blob';
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
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

  const frameCover = async (ffmpegBin: string, videoId: number, playKey: string): Promise<string> => {
    const dir = await mkdtemp(join(tmp, 'surge-cover-'));
    try {
      const input = join(dir, 'video');
      const output = join(dir, 'cover.jpg');
      const obj = await o.blob.get(playKey);
      await pipeline(obj.body, createWriteStream(input));
      await grabFirstFrame(ffmpegBin, input, output, o.clock, timeoutMs);
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
          return await frameCover(ffmpegBin, videoId, playKey);
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
