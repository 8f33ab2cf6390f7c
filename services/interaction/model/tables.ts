// Kysely types of the interaction service's own tables (the outbox's tables belong to #kit/outbox).

/** One like: a user likes a target at most once (primary key user_id + biz + target_id). */
export interface LikesTable {
  user_id: number;
  /** The business the target belongs to: "video", "article", … */
  biz: string;
  target_id: number;
  /** The target's owner when the like was given: the unlike event carries it. */
  owner_id: number;
  created_at: number;
}

export interface CommentsTable {
  /** Snowflake id. */
  id: number;
  biz: string;
  target_id: number;
  user_id: number;
  content: string;
  /** The target's owner when the comment was posted: who, besides its author, may remove it. */
  owner_id: number;
  /** 0 for a comment on the target; the top-level comment a reply is under. */
  root_id: number;
  /** Whom a reply answers; 0 on a top-level comment. */
  reply_to_user_id: number;
  /** Replies under a top-level comment, kept in the transaction that adds or removes one. */
  reply_count: number;
  created_at: number;
}

/** Each target's counts, applied in batches from the service's own events (consumers/counts.ts). */
export interface TargetCountsTable {
  biz: string;
  target_id: number;
  like_count: number;
  comment_count: number;
}

export interface InteractionDB {
  likes: LikesTable;
  comments: CommentsTable;
  target_counts: TargetCountsTable;
}
