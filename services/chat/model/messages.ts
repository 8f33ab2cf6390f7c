// Queries on `messages`. A send is one transaction over its room's row and the new message:
//   1. the room's counter is incremented and its new value read, in one statement (the store's
//      increment: UPDATE … RETURNING on SQLite, LAST_INSERT_ID(last_seq + 1) on MariaDB), whose
//      WHERE is also the sender's right to the room: a public room, or a private one the sender
//      owns or is a member of. The room row's lock orders the senders of one room (MariaDB row
//      lock, held to commit; SQLite has a single writer);
//   2. the message is inserted with that seq.
// A rolled-back send rolls its increment back with it, and the next sender only reads the counter
// after this one committed or rolled back, so seqs run 1, 2, 3 … with no gap and no repeat. The
// unique key (room_id, seq) is the last word should a row ever be written outside this path.
// Why not MAX(seq) + 1 with a retry on the unique key: under REPEATABLE READ two senders read the
// same MAX and one of them retries, and under a burst into one room most of them do, again and
// again; the counter row makes them wait their turn once instead.
// A resend (the same room, sender and client_msg_id) is refused by the other unique key inside
// the transaction, which then rolls back; the stored message is read and answered instead. A send
// counts on no lookup first: resends are rare, and the key is exact where a lookup would race.
// On MariaDB the transaction is the procedure chat_append (migrations.ts, decision 96): the same
// two statements, one round trip from here instead of four. On SQLite it runs in-process.
import { sql } from 'kysely';
import { errors } from '#kit/errors';
import type { ServiceDatabase } from '#kit/store';
import { isUniqueViolation } from '#kit/store';
import type { ChatMessage } from '#gen/surge/chat/v1/chat';
import type { ChatDB, MessagesTable } from './tables.js';

const COLUMNS = ['id', 'room_id', 'seq', 'user_id', 'content', 'client_msg_id', 'created_at'] as const;

// MariaDB returns BIGINT columns as numbers or strings: every id, seq and time goes through Number().
const toMessage = (r: Pick<MessagesTable, (typeof COLUMNS)[number]>): ChatMessage => ({
  id: Number(r.id),
  roomId: Number(r.room_id),
  seq: Number(r.seq),
  userId: Number(r.user_id),
  content: r.content,
  clientMsgId: r.client_msg_id,
  createdAt: Number(r.created_at),
});

/** A message to store: everything but its seq, which the room gives it. */
export type NewMessage = Omit<ChatMessage, 'seq'>;

export interface Appended {
  message: ChatMessage;
  /** True when an earlier send stored this (room, sender, client_msg_id) and nothing was written now. */
  replayed: boolean;
}

export interface MessageModel {
  /**
   * Stores the message as its room's next seq, or answers the one stored under its key.
   * Undefined when the room has no row or the sender may not see it (a private room they are
   * neither owner nor member of).
   */
  append(m: NewMessage): Promise<Appended | undefined>;
  /** The room's messages with seq below `beforeSeq`, newest first, at most `limit`. */
  before(roomId: number, beforeSeq: number, limit: number): Promise<ChatMessage[]>;
  /** The room's messages with afterSeq < seq ≤ throughSeq, oldest first. */
  range(roomId: number, afterSeq: number, throughSeq: number): Promise<ChatMessage[]>;
}

export function createMessageModel(store: ServiceDatabase<ChatDB>): MessageModel {
  const db = store.db;

  const stored = async (roomId: number, userId: number, clientMsgId: string) => {
    const row = await db
      .selectFrom('messages')
      .select(COLUMNS)
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .where('client_msg_id', '=', clientMsgId)
      .executeTakeFirst();
    return row ? toMessage(row) : undefined;
  };

  /** The room's next seq given to the message; undefined: no room the sender may see; 'taken': a unique key refused the row. */
  type Written = number | undefined | 'taken';

  const appendInServer = async (m: NewMessage): Promise<Written> => {
    const { rows } = await sql<unknown>`CALL chat_append(${m.id}, ${m.roomId}, ${m.userId}, ${m.content}, ${m.clientMsgId}, ${m.createdAt})`.execute(db);
    // A CALL answers its result sets, then the call's own status.
    const seq = Number((rows as unknown as [{ seq: number | string }[]])[0]?.[0]?.seq);
    if (!Number.isSafeInteger(seq)) throw errors.internal(new Error('chat_append answered no seq'));
    return seq > 0 ? seq : seq === 0 ? undefined : 'taken';
  };

  const appendInProcess = async (m: NewMessage): Promise<Written> => {
    try {
      return await store.transaction(async (trx) => {
        const next = await store.increment('rooms', 'last_seq', (eb) => eb.and([
          eb('id', '=', m.roomId),
          eb.or([
            eb('is_private', '=', 0),
            eb('owner_id', '=', m.userId),
            eb.exists(eb.selectFrom('room_members').select('room_id').where('room_id', '=', m.roomId).where('user_id', '=', m.userId)),
          ]),
        ]), { executor: trx });
        if (next === undefined) return undefined;
        await trx
          .insertInto('messages')
          .values({ id: m.id, room_id: m.roomId, seq: next, user_id: m.userId, content: m.content, client_msg_id: m.clientMsgId, created_at: m.createdAt })
          .execute();
        return next;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return 'taken';
      throw err;
    }
  };

  const write = store.dialect === 'mysql' ? appendInServer : appendInProcess;

  return {
    async append(m) {
      const seq = await write(m);
      if (seq !== 'taken') return seq === undefined ? undefined : { message: { ...m, seq }, replayed: false };
      // Committed before this transaction took the room's lock, so the read below finds it.
      const earlier = await stored(m.roomId, m.userId, m.clientMsgId);
      // Otherwise the seq was taken: a row written outside this path, a fault to report.
      if (!earlier) throw errors.internal(new Error(`messages: room ${m.roomId}: seq taken by a row written outside a send`));
      return { message: earlier, replayed: true };
    },
    async before(roomId, beforeSeq, limit) {
      const rows = await db.selectFrom('messages').select(COLUMNS).where('room_id', '=', roomId).where('seq', '<', beforeSeq).orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(toMessage);
    },

    async range(roomId, afterSeq, throughSeq) {
      const rows = await db
        .selectFrom('messages')
        .select(COLUMNS)
        .where('room_id', '=', roomId)
        .where('seq', '>', afterSeq)
        .where('seq', '<=', throughSeq)
        .orderBy('seq', 'asc')
        .execute();
      return rows.map(toMessage);
    },
  };
}
