// The feed service's tables (model/migrations.ts makes them). Every bigint comes back from
// MariaDB as a string: the models turn each into a number.

/** One row per (follower, article) pushed to the follower: the feed of ordinary authors. */
export interface InboxTable {
  user_id: number;
  article_id: number;
  author_id: number;
  /** ms since the epoch: the feed's order, ties broken by article_id. */
  created_at: number;
}

/**
 * Every article published while the feed service ran: a new follower's backfill reads it. A
 * deleted article stays as a tombstone (deleted = 1), so its publish delivered again, or first,
 * after the delete puts nothing back.
 */
export interface ArticlesTable {
  article_id: number;
  author_id: number;
  /** 0 on a tombstone made by a delete that came before its publish. */
  created_at: number;
  deleted: 0 | 1;
}

/** The articles that were not pushed (their author had more than feed.pushLimit followers): read at feed time. */
export interface PulledTable {
  article_id: number;
  author_id: number;
  created_at: number;
}

/** Followers per author, from relation.followed (each event applied once). */
export interface FollowerCountsTable {
  author_id: number;
  follower_count: number;
}

export interface FeedDB {
  inbox: InboxTable;
  articles: ArticlesTable;
  pulled: PulledTable;
  follower_counts: FollowerCountsTable;
}

/** An article as the feed orders it. */
export interface FeedEntry {
  articleId: number;
  authorId: number;
  createdAt: number;
}

/** Where a page starts: after the entry with this created_at and article id. */
export interface After {
  createdAt: number;
  articleId: number;
}
