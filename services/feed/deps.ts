// What the feed service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { ArticleIndex } from './model/articles.js';
import type { FollowerCounts } from './model/follower-counts.js';
import type { InboxModel } from './model/inbox.js';
import type { ApplyOnce } from './model/tx.js';
import type { Relations } from './relations.js';

export interface FeedDeps {
  readonly inbox: InboxModel;
  readonly articles: ArticleIndex;
  readonly counts: FollowerCounts;
  /** Applies an event exactly once (#kit/outbox applyOnce), keyed by its delivery id. */
  readonly once: ApplyOnce;
  readonly relations: Relations;
  /** Authors with more followers than this are pulled at read time, not pushed (feed.pushLimit). */
  readonly pushLimit: number;
}
