// Reads of `latest_messages` (written by MessageModel.append in the send's transaction).
import type { ServiceDatabase } from '#kit/store';
import type { ChatMessage } from '#gen/surge/message/v1/message';
import { MESSAGE_COLUMNS, toChatMessage } from './row.js';
import type { MessageDB } from './tables.js';

export interface LatestModel {
  /** The latest message of each conversation between userId and a peer; peers without one are left out. */
  latest(userId: number, peerIds: readonly number[]): Promise<ChatMessage[]>;
}

export function createLatestModel(store: ServiceDatabase<MessageDB>): LatestModel {
  const db = store.db;
  return {
    async latest(userId, peerIds) {
      // userId is the low side of pairs with larger peers and the high side of the others:
      // two primary-key lookups per pair in one statement.
      const higher = peerIds.filter((p) => p > userId);
      const lower = peerIds.filter((p) => p < userId);
      if (higher.length === 0 && lower.length === 0) return [];
      const rows = await db
        .selectFrom('latest_messages')
        .select(MESSAGE_COLUMNS)
        .where((eb) => {
          const sides = [];
          if (higher.length > 0) sides.push(eb.and([eb('low_id', '=', userId), eb('high_id', 'in', higher)]));
          if (lower.length > 0) sides.push(eb.and([eb('high_id', '=', userId), eb('low_id', 'in', lower)]));
          return eb.or(sides);
        })
        // id 0: the row was made for a first send that has not committed (or rolled back).
        .where('id', '<>', 0)
        .execute();
      return rows.map(toChatMessage);
    },
  };
}
