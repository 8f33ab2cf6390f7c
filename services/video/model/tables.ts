import type { OutboxTables } from '#kit/outbox';

export interface VideosTable {
  id: number;
  author_id: number;
  title: string;
  play_key: string;
  cover_key: string;
  /** ms since the epoch, unique: the feed's cursor. */
  published_at: number;
  /** Kept by the consumer of interaction.favorited. */
  favorite_count: number;
  /** Kept by the consumer of interaction.commented. */
  comment_count: number;
}

export interface VideoDB extends OutboxTables {
  videos: VideosTable;
}
