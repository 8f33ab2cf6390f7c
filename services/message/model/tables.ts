// A conversation is the unordered pair of its two users, stored as (low_id, high_id): the
// smaller id first, so both directions share one key.

export interface MessagesTable {
  id: number;
  low_id: number;
  high_id: number;
  from_user_id: number;
  to_user_id: number;
  content: string;
  /** ms; unique and strictly increasing within the conversation (unique key low_id, high_id, created_at). */
  created_at: number;
}

/**
 * One row per conversation: its latest message (Latest reads it in O(1) per pair), and the
 * conversation's clock: a send takes this row's lock and moves created_at forward. A row
 * whose id is 0 was created for the lock before its first message committed.
 */
export interface LatestMessagesTable {
  low_id: number;
  high_id: number;
  id: number;
  from_user_id: number;
  to_user_id: number;
  content: string;
  created_at: number;
}

export interface MessageDB {
  messages: MessagesTable;
  latest_messages: LatestMessagesTable;
}
