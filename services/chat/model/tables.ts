// Kysely types of the chat service's tables.

/** One room. Its row is also the room's message counter and member count (model/messages.ts, model/rooms.ts). */
export interface RoomsTable {
  /** Snowflake id: id order is creation order (lists are newest first by it). */
  id: number;
  /** As given: trimmed, one line. */
  name: string;
  owner_id: number;
  /** 1 = private (owner and added members only), 0 = public. Numbers: SQLite binds no booleans. */
  is_private: number;
  /** Random, fixed at creation: names this history of seqs (recovery: offset + epoch). */
  epoch: string;
  /**
   * The seq of the room's newest message (0 before the first). Each Send increments it and stores
   * its message in one transaction, so seqs run 1, 2, 3 … with no gap and no repeat.
   */
  last_seq: number;
  /** Rows of the room in room_members (a private room's owner and members; 0 for a public room). */
  member_count: number;
  /** ms since the epoch. */
  created_at: number;
}

/** A member of a private room, its owner included (primary key room_id + user_id). Public rooms have no rows. */
export interface RoomMembersTable {
  room_id: number;
  user_id: number;
  /** ms since the epoch. */
  joined_at: number;
}

/**
 * How many rooms a user owns, kept beside the rooms: CreateRoom increments it only while it is
 * under chat.maxRoomsPerUser, in the room's transaction, so concurrent creates never pass the bound.
 */
export interface RoomOwnersTable {
  user_id: number;
  rooms_owned: number;
}

/** One message: seq is unique per room, and so is the sender's client_msg_id. */
export interface MessagesTable {
  /** Snowflake id. */
  id: number;
  room_id: number;
  seq: number;
  user_id: number;
  /** As shown: trimmed, configured words masked. */
  content: string;
  client_msg_id: string;
  /** ms since the epoch, on the sending instance's clock. */
  created_at: number;
}

export interface ChatDB {
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  room_owners: RoomOwnersTable;
  messages: MessagesTable;
}
