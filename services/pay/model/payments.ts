// Payments. Every status change is one conditional UPDATE (WHERE status = the status it starts
// from): of two racing changes exactly one sees a row affected, on any number of instances, so a
// payment is paid, failed or refunded once.
import type { Kysely, Selectable } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { PayDB, PaymentsTable, PaymentStatus } from './tables.js';

export type PaymentRow = Selectable<PaymentsTable>;

export type PaymentChange = Partial<Pick<PaymentRow, 'paid_at' | 'refund_due'>>;

export interface PaymentModel {
  /** Writes a pending payment; false when its order (or purpose and reference) has a pending one already (the unique key). */
  insertPending(row: Omit<PaymentRow, 'status' | 'open' | 'refund_due' | 'settled' | 'paid_at' | 'updated_at'>, now: number): Promise<boolean>;
  /** The payment, the user's only when userId is given (another user's reads as none). */
  get(id: number, userId?: number): Promise<PaymentRow | undefined>;
  /** The order's pending payment, if it has one. */
  pendingOf(orderId: number): Promise<PaymentRow | undefined>;
  /** The pending payment for a purpose and the buyer's reference, if there is one. */
  pendingFor(purpose: string, reference: string): Promise<PaymentRow | undefined>;
  /** A payment for the purpose and reference that was paid (paid, or refunded since), if there is one. */
  paidFor(purpose: string, reference: string): Promise<PaymentRow | undefined>;
  /**
   * Moves the payment from `from` to `to` with `set` (and unsettled: its order is checked again),
   * in `executor` (default the database); true when this call made the change.
   */
  transition(id: number, from: PaymentStatus, to: PaymentStatus, set: PaymentChange, now: number, executor?: Kysely<PayDB>): Promise<boolean>;
  /** Records that the order agrees with the payment while it is still in `status`. */
  settle(id: number, status: PaymentStatus): Promise<void>;
  /** The provider confirmed the refund. */
  refundConfirmed(id: number): Promise<void>;
  /** The order's paid payment not yet known to the order (settled 0), if it has one. */
  unsettledPaidOf(orderId: number): Promise<PaymentRow | undefined>;
  /** Payments pending since at or before `until`, oldest first. */
  stalePending(until: number, limit: number): Promise<PaymentRow[]>;
  /** Unsettled payments in a final status (paid, failed, refunded) changed at or before `until`, oldest change first. */
  unsettled(until: number, limit: number): Promise<PaymentRow[]>;
}

export function createPaymentModel(sdb: ServiceDatabase<PayDB>): PaymentModel {
  const db = sdb.db;
  return {
    insertPending: (row, now) =>
      sdb.insertIgnore('payments', { ...row, status: 'pending', open: 1, refund_due: 0, settled: 0, paid_at: 0, updated_at: now }),

    async get(id, userId) {
      let query = db.selectFrom('payments').selectAll().where('id', '=', id);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      return query.executeTakeFirst();
    },

    pendingOf: (orderId) => db.selectFrom('payments').selectAll().where('purpose', '=', 'order').where('order_id', '=', orderId).where('open', '=', 1).executeTakeFirst(),

    pendingFor: (purpose, reference) => db.selectFrom('payments').selectAll().where('purpose', '=', purpose).where('reference', '=', reference).where('open', '=', 1).executeTakeFirst(),

    paidFor: (purpose, reference) =>
      db.selectFrom('payments').selectAll().where('purpose', '=', purpose).where('reference', '=', reference).where('status', 'in', ['paid', 'refunded']).orderBy('id').executeTakeFirst(),

    async transition(id, from, to, set, now, executor = db) {
      const result = await executor
        .updateTable('payments')
        .set({ ...set, status: to, open: to === 'pending' ? 1 : null, settled: 0, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async settle(id, status) {
      await db.updateTable('payments').set({ settled: 1 }).where('id', '=', id).where('status', '=', status).execute();
    },

    async refundConfirmed(id) {
      await db.updateTable('payments').set({ refund_due: 0 }).where('id', '=', id).where('status', '=', 'refunded').execute();
    },

    unsettledPaidOf: (orderId) =>
      db.selectFrom('payments').selectAll().where('order_id', '=', orderId).where('status', '=', 'paid').where('settled', '=', 0).orderBy('id').executeTakeFirst(),

    stalePending: (until, limit) =>
      db.selectFrom('payments').selectAll().where('settled', '=', 0).where('updated_at', '<=', until).where('status', '=', 'pending').orderBy('updated_at').orderBy('id').limit(limit).execute(),

    unsettled: (until, limit) =>
      db
        .selectFrom('payments')
        .selectAll()
        .where('settled', '=', 0)
        .where('updated_at', '<=', until)
        .where('status', 'in', ['paid', 'failed', 'refunded'])
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute(),
  };
}
