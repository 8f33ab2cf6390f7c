// The relation service as the feed asks it: whom a reader follows, an author's followers page
// by page, and whether a follow still holds. Answers come from its contract, never its database.
import type { CallContext, Client } from '#kit/rpc';
import type { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';

/** The newest follows ListFollowing answers; a user following more is read page by page. */
const LIST_MAX = 1000;
/** The largest page ListFollowersPage and ListFollowingPage answer. */
const PAGE_MAX = 50;

export type RelationClient = Pick<Client<typeof RelationServiceDefinition>, 'listFollowing' | 'listFollowingPage' | 'listFollowersPage' | 'isFollowing'>;

export interface Relations {
  /** Everyone `userId` follows. */
  following(userId: number, parent?: CallContext): Promise<number[]>;
  /** An author's followers, one page (at most 50) at a time. */
  followers(authorId: number): AsyncIterable<number[]>;
  isFollowing(followerId: number, authorId: number): Promise<boolean>;
}

export function relationsOver(client: RelationClient): Relations {
  return {
    async following(userId, parent) {
      // One call answers almost every reader; only one following 1000 or more pays for the pages.
      const newest = (await client.listFollowing({ userId, limit: LIST_MAX }, { parent })).userIds;
      if (newest.length < LIST_MAX) return newest;
      const all: number[] = [];
      let cursor = '';
      for (;;) {
        const page = await client.listFollowingPage({ userId, cursor, limit: PAGE_MAX }, { parent });
        all.push(...page.userIds);
        if (page.isEnd) return all;
        cursor = page.nextCursor;
      }
    },

    async *followers(authorId) {
      let cursor = '';
      for (;;) {
        const page = await client.listFollowersPage({ userId: authorId, cursor, limit: PAGE_MAX });
        if (page.userIds.length > 0) yield page.userIds;
        if (page.isEnd) return;
        cursor = page.nextCursor;
      }
    },

    async isFollowing(followerId, authorId) {
      return (await client.isFollowing({ userId: followerId, targetIds: [authorId] })).values[0] ?? false;
    },
  };
}
