// What the interaction service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { CommentModel } from './model/comments.js';
import type { FavoriteModel } from './model/favorites.js';
import type { EventSink } from './model/tx.js';
import type { VideoDirectory } from './videos.js';

export interface InteractionDeps {
  readonly favorites: FavoriteModel;
  readonly comments: CommentModel;
  /** Records events in the writing transaction and publishes them after commit (#kit/outbox). */
  readonly events: EventSink;
  readonly ids: { next(): number };
  readonly clock: Clock;
  /** Whether a video exists and who wrote it: the video service, called with the caller's deadline. */
  readonly videos: VideoDirectory;
}
