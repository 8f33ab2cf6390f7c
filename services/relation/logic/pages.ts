// The whole follower and following lists, page by page: newest follow first, ties broken by the
// other user's id. The newest-1000 lists (lists.ts) stay as the Douyin API uses them.
import { pageOf } from '#kit/paging';
import type { PageRequest, UserPage } from '#gen/surge/relation/v1/relation';
import type { RelationDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../model/cursor.js';
import type { Side } from '../model/pages.js';
import { checkId, checkPageLimit } from '../rules.js';

export const listFollowersPage = (d: RelationDeps, req: PageRequest): Promise<UserPage> => page(d, 'followers', req);

export const listFollowingPage = (d: RelationDeps, req: PageRequest): Promise<UserPage> => page(d, 'following', req);

async function page(d: RelationDeps, side: Side, req: PageRequest): Promise<UserPage> {
  const owner = checkId('user_id', req.userId);
  const limit = checkPageLimit(req.limit);
  const from = decodeCursor(req.cursor, side);
  const { rows, isEnd } = pageOf(await d.pages.page(side, owner, from, limit), limit);
  const last = rows.at(-1);
  return {
    userIds: rows.map((r) => r.userId),
    nextCursor: isEnd || !last ? '' : encodeCursor({ kind: side, keys: [last.createdAt], id: last.userId }),
    isEnd,
  };
}
