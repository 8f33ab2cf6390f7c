// What the video service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { Outbox } from '#kit/outbox';
import type { CoverMaker } from './covers/covers.js';
import type { FeedModel } from './model/feed.js';
import type { Stamps } from './model/stamps.js';
import type { VideoModel } from './model/videos.js';

export interface VideoDeps {
  readonly videos: VideoModel;
  readonly feed: FeedModel;
  readonly covers: CoverMaker;
  readonly stamps: Stamps;
  readonly outbox: Pick<Outbox, 'add' | 'flush'>;
  readonly ids: { next(): number };
  readonly clock: Clock;
  readonly log: Logger;
}
