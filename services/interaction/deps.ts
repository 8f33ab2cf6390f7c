// What the interaction service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { WordFilter } from '#kit/wordfilter';
import type { CommentModel } from './model/comments.js';
import type { CountModel } from './model/counts.js';
import type { LikeModel } from './model/likes.js';
import type { EventSink } from './model/tx.js';
import type { TargetDirectory } from './targets.js';

export interface InteractionDeps {
  readonly likes: LikeModel;
  readonly comments: CommentModel;
  readonly counts: CountModel;
  /** Records events in the writing transaction and publishes them after commit (#kit/outbox). */
  readonly events: EventSink;
  readonly ids: { next(): number };
  readonly clock: Clock;
  /** Whether a target exists and who owns it: the owning service, called with the caller's deadline. */
  readonly targets: TargetDirectory;
  /** Masks the configured words in comments (interaction.blockedWords). */
  readonly words: WordFilter;
}
