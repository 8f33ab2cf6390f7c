// Queries on `messages`. A send is one transaction over the conversation's `latest_messages`
// row and the new message: the row's lock orders the senders of one conversation (MariaDB row
// lock; SQLite has a single writer), its created_at is the conversation's clock, and the
// unique key (low_id, high_id, created_at) is the last word: if a time is taken after all (a
// row written outside this path), the send retries one ms later.
import { sql } from 'kysely';
import { errors } from '#kit/errors';
import { isUniqueViolation, type ServiceDatabase } from '#kit/store';
import type { ChatMessage } from '#gen/surge/message/v1/message';
import { pairOf, type Pair } from './pair.js';
import { MESSAGE_COLUMNS, toChatMessage } from './row.js';
import type { MessageDB } from './tables.js';

/** Taken times in a row before a send gives up: each costs one rolled-back transaction. */
const MAX_CONFLICTS = 20;

export interface NewMessage {
  id: number;
  fromUserId: number;
  toUserId: number;
  content: string;
  /** The sender's clock (ms); the message gets this or, if the conversation is ahead, its last time + 1. */
  now: number;
}

export interface MessageModel {
  /** Stores the message with a created_at strictly after every earlier one of its conversation. */
  append(m: NewMessage): Promise<ChatMessage>;
  /** Messages of the conversation created strictly after `after`, oldest first, at most `limit`. */
  chat(a: number, b: number, after: number, limit: number): Promise<ChatMessage[]>;
}

export function createMessageModel(store: ServiceDatabase<MessageDB>): MessageModel {
  const db = store.db;

  /** One attempt: the time given, or undefined when the conversation has no row to lock yet. */
  const tryAppend = (m: NewMessage, pair: Pair, floor: number) =>
    store.transaction(async (trx) => {
      // The update comes first so the row lock is taken before anything is read.
      await trx
        .updateTable('latest_messages')
        .set({
          created_at: sql<number>`case when created_at + 1 > ${floor} then created_at + 1 else ${floor} end`,
          id: m.id,
          from_user_id: m.fromUserId,
          to_user_id: m.toUserId,
          content: m.content,
        })
        .where('low_id', '=', pair.low_id)
        .where('high_id', '=', pair.high_id)
        .execute();
      const row = await trx
        .selectFrom('latest_messages')
        .select('created_at')
        .where('low_id', '=', pair.low_id)
        .where('high_id', '=', pair.high_id)
        .executeTakeFirst();
      if (!row) return undefined;
      const createdAt = Number(row.created_at);
      await trx
        .insertInto('messages')
        .values({ id: m.id, ...pair, from_user_id: m.fromUserId, to_user_id: m.toUserId, content: m.content, created_at: createdAt })
        .execute();
      return createdAt;
    });

  return {
    async append(m) {
      const pair = pairOf(m.fromUserId, m.toUserId);
      let floor = m.now;
      let conflicts = 0;
      let seeded = false;
      for (;;) {
        let createdAt: number | undefined;
        try {
          createdAt = await tryAppend(m, pair, floor);
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          // The time was taken (the transaction rolled back): try the ms after the newest
          // message. Behind the row lock only rows written outside this path (an import, say)
          // can be in the way, so a run of conflicts is a fault to report, not load to wait out.
          if (++conflicts > MAX_CONFLICTS) throw errors.internal(err);
          floor = Math.max(floor, await lastTime(pair)) + 1;
          continue;
        }
        if (createdAt !== undefined) return { id: m.id, fromUserId: m.fromUserId, toUserId: m.toUserId, content: m.content, createdAt };
        // First message of the conversation: create its row (outside any transaction, so
        // concurrent first sends do not hold locks while they wait for each other), then lock it.
        // Rows are never deleted, so a second miss would mean the row cannot be written at all.
        if (seeded) throw errors.internal(new Error('latest_messages row missing right after it was created'));
        seeded = true;
        await store.insertIgnore('latest_messages', { ...pair, id: 0, from_user_id: 0, to_user_id: 0, content: '', created_at: 0 });
      }
    },

    async chat(a, b, after, limit) {
      const pair = pairOf(a, b);
      const rows = await db
        .selectFrom('messages')
        .select(MESSAGE_COLUMNS)
        .where('low_id', '=', pair.low_id)
        .where('high_id', '=', pair.high_id)
        .where('created_at', '>', after)
        .orderBy('created_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toChatMessage);
    },
  };

  /** The conversation's newest time in `messages` (0 when empty): where a retry resumes. */
  async function lastTime(pair: Pair): Promise<number> {
    const row = await db
      .selectFrom('messages')
      .select('created_at')
      .where('low_id', '=', pair.low_id)
      .where('high_id', '=', pair.high_id)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.created_at) : 0;
  }
}
