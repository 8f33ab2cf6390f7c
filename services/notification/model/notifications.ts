// Notification rows: aggregates per (recipient, type, biz, target) kept exact under concurrent
// events, system rows, and a user's list, unread count and read marks.
//
// An actor joins an aggregate in the consumer's transaction (with the event's applied key): the
// row is inserted, or locked when its unique key holds one (aggregateId says why not a read and an
// insert); then the actor is inserted into notification_actors on its primary key, and only a new
// actor bumps actor_count (in place, row-locked until commit), moves the row up and marks it unread. The latest-actors list is read after that update, so it
// is the row as this transaction left it (the latest committed list plus this actor).
import type { Kysely, Transaction } from 'kysely';
import { Code, SurgeError } from '#kit/errors';
import { after } from '#kit/paging';
import type { ServiceDatabase } from '#kit/store';
import type { Notification } from '#gen/surge/notification/v1/notification';
import type { Cursor } from './cursor.js';
import { LATEST_ACTORS, type Notice } from './kinds.js';
import type { NotificationDB, NotificationsTable } from './tables.js';

const COLUMNS = ['id', 'user_id', 'type', 'biz', 'target_id', 'actor_count', 'actor_ids', 'is_read', 'title', 'body', 'created_at', 'updated_at'] as const;

type Row = Pick<NotificationsTable, (typeof COLUMNS)[number]>;

// MariaDB returns bigint columns as strings: every number goes through Number().
const toNotification = (r: Row): Notification => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  type: r.type,
  actorIds: (JSON.parse(r.actor_ids) as number[]).map(Number),
  actorCount: Number(r.actor_count),
  biz: r.biz,
  targetId: r.biz === '' ? 0 : Number(r.target_id),
  read: Number(r.is_read) === 1,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  title: r.title,
  body: r.body,
});

/** An operator's message to one user. */
export interface SystemMessage {
  id: number;
  userId: number;
  title: string;
  body: string;
}

/** Rows per INSERT of system messages: far below either database's bound on parameters. */
const INSERT_CHUNK = 200;

export interface NotificationModel {
  /**
   * Adds notice.actorId to its aggregate in trx (made on the first actor, with newId()); resolves
   * true when the actor is new to it, false when already counted (nothing changes then).
   */
  addActor(trx: Transaction<NotificationDB>, notice: Notice, now: number, newId: () => number): Promise<boolean>;
  /** One unread system row per message, in one transaction. */
  insertSystem(messages: readonly SystemMessage[], now: number): Promise<void>;
  /** userId's rows by updated_at, then id, both descending, after `from`: limit + 1 of them. */
  page(userId: number, from: Cursor | undefined, limit: number): Promise<Notification[]>;
  unreadCount(userId: number): Promise<number>;
  /** Marks userId's rows among ids read; other users' ids match nothing. */
  markRead(userId: number, ids: readonly number[]): Promise<void>;
  markAllRead(userId: number): Promise<void>;
}

export function createNotificationModel(store: ServiceDatabase<NotificationDB>): NotificationModel {
  const db = store.db;

  const findAggregate = async (on: Kysely<NotificationDB>, n: Notice) => {
    const row = await on
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', n.recipientId)
      .where('type', '=', n.type)
      .where('biz', '=', n.biz)
      .where('target_id', '=', n.targetId)
      .executeTakeFirst();
    return row && Number(row.id);
  };

  /**
   * The aggregate's id: its row inserted, or, when the key holds one, that row locked by a no-op
   * update of the key's conflict (MariaDB's ON DUPLICATE KEY UPDATE takes the row lock outright).
   * Not a plain read first and an insert on a miss: on MariaDB a read in a transaction sees its
   * snapshot, which misses a row a concurrent first actor committed since; and not an insert-
   * ignore: its duplicate check share-locks the row, and two share locks upgrading for the update
   * deadlock. The read after it is this transaction's first, so it sees the committed row.
   */
  const aggregateId = async (trx: Transaction<NotificationDB>, n: Notice, now: number, newId: () => number): Promise<number> => {
    const row: NotificationsTable = {
      id: newId(),
      user_id: n.recipientId,
      type: n.type,
      biz: n.biz,
      target_id: n.targetId,
      actor_count: 0,
      actor_ids: '[]',
      is_read: 0,
      title: '',
      body: '',
      created_at: now,
      updated_at: now,
    };
    // title is '' on every aggregate: "updating" it to '' changes nothing but takes the lock.
    await store.upsert('notifications', row, { executor: trx, conflict: ['user_id', 'type', 'biz', 'target_id'], update: ['title'] });
    const id = await findAggregate(trx, n);
    // Rows are never deleted, so this is a bug, not a race: the queue retries the event, then parks it.
    if (id === undefined) throw new SurgeError(Code.Internal, `the notification aggregate of user ${n.recipientId} was neither inserted nor found`);
    return id;
  };

  return {
    async addActor(trx, notice, now, newId) {
      const id = await aggregateId(trx, notice, now, newId);
      const joined = await store.insertIgnore('notification_actors', { notification_id: id, actor_id: notice.actorId, created_at: now }, { executor: trx });
      if (!joined) return false;
      await trx
        .updateTable('notifications')
        .set((eb) => ({ actor_count: eb('actor_count', '+', 1), is_read: 0, updated_at: now }))
        .where('id', '=', id)
        .execute();
      const { actor_ids } = await trx.selectFrom('notifications').select('actor_ids').where('id', '=', id).executeTakeFirstOrThrow();
      const latest = [notice.actorId, ...(JSON.parse(actor_ids) as number[]).map(Number).filter((a) => a !== notice.actorId)].slice(0, LATEST_ACTORS);
      await trx.updateTable('notifications').set({ actor_ids: JSON.stringify(latest) }).where('id', '=', id).execute();
      return true;
    },

    async insertSystem(messages, now) {
      const rows: NotificationsTable[] = messages.map((m) => ({
        id: m.id,
        user_id: m.userId,
        type: 'system',
        biz: '',
        target_id: m.id,
        actor_count: 0,
        actor_ids: '[]',
        is_read: 0,
        title: m.title,
        body: m.body,
        created_at: now,
        updated_at: now,
      }));
      await store.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('notifications').values(rows.slice(i, i + INSERT_CHUNK)).execute();
      });
    },

    async page(userId, from, limit) {
      let q = db.selectFrom('notifications').select(COLUMNS).where('user_id', '=', userId);
      if (from) q = q.where((eb) => after(eb, ['updated_at', 'id'], [...from.keys, from.id], 'desc'));
      const rows = await q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return rows.map(toNotification);
    },

    async unreadCount(userId) {
      const row = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', userId)
        .where('is_read', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async markRead(userId, ids) {
      if (ids.length === 0) return;
      await db.updateTable('notifications').set({ is_read: 1 }).where('user_id', '=', userId).where('id', 'in', [...ids]).where('is_read', '=', 0).execute();
    },

    async markAllRead(userId) {
      await db.updateTable('notifications').set({ is_read: 1 }).where('user_id', '=', userId).where('is_read', '=', 0).execute();
    },
  };
}
