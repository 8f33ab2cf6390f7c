// An in-memory relation service for the feed's own tests: follows kept in a map, relation.followed
// published to the queue on each change (as the relation service's outbox would), and the four
// calls the feed makes answered from the map with the contract's paging (newest follow first).
// The feed may import another service's events.ts only, so the real one is used end to end (test/).
import { errors } from '#kit/errors';
import type { Queue } from '#kit/queue';
import type { UserPage } from '#gen/surge/relation/v1/relation';
import { RELATION_FOLLOWED } from '../../relation/events.js';
import type { RelationClient } from '../relations.js';

export interface MemoryRelations {
  client: RelationClient;
  /** Follows or unfollows; true when that changed anything (and an event was published). */
  follow(followerId: number, authorId: number, follow: boolean): Promise<boolean>;
}

export function memoryRelations(queue: Queue): MemoryRelations {
  /** Follows in the order made: newest last. */
  let follows: { followerId: number; authorId: number }[] = [];
  const page = (ids: number[], cursor: string, limit: number): UserPage => {
    const start = cursor === '' ? 0 : Number(cursor);
    if (!Number.isSafeInteger(start) || start < 0) throw errors.invalid('cursor', 'is not a cursor this list gave');
    const size = limit === 0 ? 20 : Math.min(limit, 50);
    const end = start + size;
    return { userIds: ids.slice(start, end), nextCursor: end >= ids.length ? '' : String(end), isEnd: end >= ids.length };
  };
  const newest = () => [...follows].reverse();
  return {
    async follow(followerId, authorId, follow) {
      const holds = follows.some((f) => f.followerId === followerId && f.authorId === authorId);
      if (holds === follow) return false;
      follows = follow ? [...follows, { followerId, authorId }] : follows.filter((f) => f.followerId !== followerId || f.authorId !== authorId);
      await queue.publish(RELATION_FOLLOWED, { followerId, followeeId: authorId, delta: follow ? 1 : -1 });
      return true;
    },
    client: {
      listFollowing: async (req) => ({ userIds: newest().filter((f) => f.followerId === req.userId).map((f) => f.authorId).slice(0, req.limit || 1000) }),
      listFollowingPage: async (req) => page(newest().filter((f) => f.followerId === req.userId).map((f) => f.authorId), req.cursor, req.limit),
      listFollowersPage: async (req) => page(newest().filter((f) => f.authorId === req.userId).map((f) => f.followerId), req.cursor, req.limit),
      isFollowing: async (req) => ({ values: req.targetIds.map((t) => follows.some((f) => f.followerId === req.userId && f.authorId === t)) }),
    },
  };
}
