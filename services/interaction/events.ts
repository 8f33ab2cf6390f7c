// The events this service publishes (through the outbox, in the transaction that changed the
// fact). Consumers keep the counters other services show: a video's likes and comments, a
// user's likes given and received.

export const FAVORITED = 'interaction.favorited';
export const COMMENTED = 'interaction.commented';

/** delta 1: user_id liked video_id (by author_id); -1: the like was removed. */
export interface FavoritedEvent {
  userId: number;
  videoId: number;
  authorId: number;
  delta: 1 | -1;
}

/** delta 1: a comment was posted on video_id; -1: one was deleted. */
export interface CommentedEvent {
  videoId: number;
  delta: 1 | -1;
}
