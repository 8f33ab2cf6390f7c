// Orders and their lines. Every status change is one conditional UPDATE (WHERE status = the
// status it starts from): of two racing changes exactly one sees a row affected, on any number
// of instances, so a transition is never lost nor made twice.
import type { Kysely, Selectable } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { OrderDB, OrderLinesTable, OrdersTable, OrderStatus } from './tables.js';

export type OrderRow = Selectable<OrdersTable>;
export type LineRow = Selectable<OrderLinesTable>;

/** An order with its lines, in the order they were written. */
export interface StoredOrder {
  order: OrderRow;
  lines: LineRow[];
}

export interface ListQuery {
  userId: number;
  status: OrderStatus | undefined;
  /** Orders with an id below this (the cursor's); undefined = from the newest. */
  beforeId: number | undefined;
  limit: number;
}

export interface OrderModel {
  /** Writes an order and its lines in the caller's transaction (the order branch's barrier). */
  insert(trx: Kysely<OrderDB>, order: OrderRow, lines: readonly LineRow[]): Promise<void>;
  /** The order, its user's only when userId is given (another user's reads as none). */
  get(id: number, userId?: number): Promise<StoredOrder | undefined>;
  /** Newest first; one more than limit is asked for by the caller to know the end. */
  list(q: ListQuery): Promise<StoredOrder[]>;
  /**
   * Moves the order from `from` to `to` with `set`, in `executor` (default the database);
   * true when this call made the change, false when the order was not in `from`.
   */
  transition(id: number, from: OrderStatus, to: OrderStatus, set: Partial<Pick<OrderRow, 'cancel_reason' | 'paid_at' | 'payment_id'>>, now: number, executor?: Kysely<OrderDB>): Promise<boolean>;
  /** Unpaid orders with an id above afterId, oldest first: the start-up pass over payment timeouts. */
  unpaid(afterId: number, limit: number): Promise<Pick<OrderRow, 'id' | 'created_at'>[]>;
}

export function createOrderModel(sdb: ServiceDatabase<OrderDB>): OrderModel {
  const db = sdb.db;

  const withLines = async (orders: OrderRow[]): Promise<StoredOrder[]> => {
    if (orders.length === 0) return [];
    const rows = await db.selectFrom('order_lines').selectAll().where('order_id', 'in', orders.map((o) => o.id)).orderBy('order_id').orderBy('idx').execute();
    const byOrder = new Map<number, LineRow[]>();
    for (const row of rows) {
      const id = Number(row.order_id);
      byOrder.set(id, [...(byOrder.get(id) ?? []), row]);
    }
    return orders.map((order) => ({ order, lines: byOrder.get(Number(order.id)) ?? [] }));
  };

  return {
    async insert(trx, order, lines) {
      await trx.insertInto('orders').values(order).execute();
      await trx.insertInto('order_lines').values([...lines]).execute();
    },

    async get(id, userId) {
      let query = db.selectFrom('orders').selectAll().where('id', '=', id);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      const order = await query.executeTakeFirst();
      return order ? (await withLines([order]))[0] : undefined;
    },

    async list({ userId, status, beforeId, limit }) {
      let query = db.selectFrom('orders').selectAll().where('user_id', '=', userId);
      if (status !== undefined) query = query.where('status', '=', status);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return withLines(await query.orderBy('id', 'desc').limit(limit).execute());
    },

    async transition(id, from, to, set, now, executor = db) {
      const result = await executor.updateTable('orders').set({ ...set, status: to, updated_at: now }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    unpaid: (afterId, limit) => db.selectFrom('orders').select(['id', 'created_at']).where('status', '=', 'unpaid').where('id', '>', afterId).orderBy('id').limit(limit).execute(),
  };
}
