import type { RelationFollowed } from '../../relation/events.js';
import type { FeedDeps } from '../deps.js';
import { BACKFILL } from '../rules.js';

/**
 * relation.followed, applied once under `key`: the author's follower count moves by delta; a
 * follow puts the author's newest articles in the follower's inbox, an unfollow takes all of
 * the author's out. A follow is backfilled only while it still holds (asked before the
 * transaction): an unfollow applied first would otherwise find nothing to remove and leave the
 * backfill behind.
 */
export async function applyFollow(d: FeedDeps, key: string, event: RelationFollowed): Promise<void> {
  const { followerId, followeeId: authorId, delta } = event;
  const holds = delta > 0 && (await d.relations.isFollowing(followerId, authorId));
  await d.once(key, async (trx) => {
    await d.counts.add(trx, authorId, delta);
    if (delta < 0) await d.inbox.removeAuthor(followerId, authorId, trx);
    else if (holds) await d.inbox.add([followerId], await d.articles.newest(authorId, BACKFILL, trx), trx);
  });
}
