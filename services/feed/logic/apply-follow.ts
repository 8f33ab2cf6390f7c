import type { RelationFollowed } from '../../relation/events.js';
import type { FeedDeps } from '../deps.js';
import { BACKFILL } from '../rules.js';

/**
 * relation.followed, applied once under `key`: the author's follower count moves by delta; a
 * follow puts the author's newest articles in the follower's inbox, an unfollow takes all of
 * the author's out. Either is done only if the relation service still says so (asked before
 * the transaction), because events of one pair may be applied out of order: a follow applied
 * after its unfollow would leave a backfill behind, an unfollow applied after a re-follow would
 * empty a followed author's rows. The count is a sum, right in any order.
 */
export async function applyFollow(d: FeedDeps, key: string, event: RelationFollowed): Promise<void> {
  const { followerId, followeeId: authorId, delta } = event;
  const follows = await d.relations.isFollowing(followerId, authorId);
  await d.once(key, async (trx) => {
    await d.counts.add(trx, authorId, delta);
    if (delta < 0 && !follows) await d.inbox.removeAuthor(followerId, authorId, trx);
    else if (delta > 0 && follows) await d.inbox.add([followerId], await d.articles.newest(authorId, BACKFILL, trx), trx);
  });
}
