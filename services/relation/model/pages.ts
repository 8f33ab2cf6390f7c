// The paged follower and following lists: keyset pages (#kit/paging) over
// follows_followers_by_time (followee_id, created_at, follower_id) and
// follows_following_by_time (follower_id, created_at, followee_id), so a page deep in a list of
// hundreds of thousands is a range scan of limit + 1 index entries, as cheap as the first (OFFSET
// would read every entry before it). Not cached: unlike the newest-1000 lists every feed reads,
// a page is read once by the client scrolling it, and its query never touches the table's rows.
import type { Kysely } from 'kysely';
import { after, type Direction } from '#kit/paging';
import type { CursorKind } from './cursor.js';
import type { RelationDB } from './tables.js';

/** Which list: who follows the owner, or whom the owner follows (the cursor kinds). */
export type Side = CursorKind;

/** One follow as a list shows it: the other user and when the follow was made. */
export interface ListedFollow {
  userId: number;
  createdAt: number;
}

/** Where a page starts: after the follow with this created_at and this other user. */
export interface After {
  keys: number[];
  id: number;
}

export interface FollowPages {
  /** Up to limit + 1 follows of `side` of ownerId after `from`: newest first, ties by the other user's id, both descending. */
  page(side: Side, ownerId: number, from: After | undefined, limit: number): Promise<ListedFollow[]>;
}

/** The owner's column and the other user's, per side. */
const COLUMNS = {
  followers: { owner: 'followee_id', other: 'follower_id' },
  following: { owner: 'follower_id', other: 'followee_id' },
} as const;

const NEWEST: Direction = 'desc';

/** The page's query, unexecuted: the plan test reads its EXPLAIN. */
export function pageQuery(db: Kysely<RelationDB>, side: Side, ownerId: number, from: After | undefined, limit: number) {
  const { owner, other } = COLUMNS[side];
  let q = db.selectFrom('follows').select([`${other} as id`, 'created_at']).where(owner, '=', ownerId);
  if (from) q = q.where((eb) => after(eb, ['created_at', other], [...from.keys, from.id], NEWEST));
  return q.orderBy('created_at', NEWEST).orderBy(other, NEWEST).limit(limit + 1);
}

export function createFollowPages(db: Kysely<RelationDB>): FollowPages {
  return {
    async page(side, ownerId, from, limit) {
      const rows = await pageQuery(db, side, ownerId, from, limit).execute();
      return rows.map((r) => ({ userId: Number(r.id), createdAt: Number(r.created_at) }));
    },
  };
}
