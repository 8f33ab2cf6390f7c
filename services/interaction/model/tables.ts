// Kysely types of the interaction service's own tables (the outbox's tables belong to #kit/outbox).

/** One like: a user likes a video at most once (primary key user_id + video_id). */
export interface FavoritesTable {
  user_id: number;
  video_id: number;
  /** The video's author when the like was given: the unlike event carries it. */
  author_id: number;
  created_at: number;
}

export interface CommentsTable {
  /** Snowflake id. */
  id: number;
  video_id: number;
  user_id: number;
  content: string;
  created_at: number;
}

export interface InteractionDB {
  favorites: FavoritesTable;
  comments: CommentsTable;
}
