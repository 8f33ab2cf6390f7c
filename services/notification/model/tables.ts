// The notification service's tables (model/migrations.ts makes them). Every bigint comes back from
// MariaDB as a string: the models turn each into a number.

/** One row per (recipient, type, biz, target): the aggregate a client shows as one line. */
export interface NotificationsTable {
  id: number;
  /** The recipient. */
  user_id: number;
  /** like, comment, reply, follow, answer, accepted, system (model/kinds.ts). */
  type: string;
  /** "" for system. */
  biz: string;
  /** The notification's own id for system (so each system row is its own aggregate). */
  target_id: number;
  /** Distinct actors: the rows of notification_actors, counted as each is inserted. */
  actor_count: number;
  /** A JSON array of the latest 3 actor ids, newest first. */
  actor_ids: string;
  /** 0 unread, 1 read (READ is a reserved word in MariaDB). */
  is_read: number;
  title: string;
  body: string;
  created_at: number;
  /** When the latest actor joined: the list's order. */
  updated_at: number;
}

/** Who acted on an aggregate, once each: the unique key keeps actor_count exact. */
export interface NotificationActorsTable {
  notification_id: number;
  actor_id: number;
  created_at: number;
}

export interface NotificationDB {
  notifications: NotificationsTable;
  notification_actors: NotificationActorsTable;
}
