// The video service's configuration section (`video`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';

export const videoConfig = settings.section({
  /** Newest videos the feed index keeps (a Redis sorted set, or in process); older pages query the database. */
  feedIndexSize: settings.int(10_000, 100),
  /** The ffmpeg binary that takes a cover frame from an upload; '' = always a generated placeholder. */
  ffmpeg: settings.str('ffmpeg'),
});

export type VideoConfig = Static<typeof videoConfig>;
