import type { OutboxTables } from '#kit/outbox';

/** follower_id follows followee_id since created_at (ms). One row per pair (primary key). */
export interface FollowsTable {
  follower_id: number;
  followee_id: number;
  created_at: number;
}

/** The relation database: its own table and the outbox the follow events leave through. */
export interface RelationDB extends OutboxTables {
  follows: FollowsTable;
}
