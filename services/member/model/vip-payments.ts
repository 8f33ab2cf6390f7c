// The VIP purchases: one row per payment, written when the payment is made, applied once when it
// is paid (a conditional update from pending decides it, whatever the redeliveries).
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { MemberDB } from './tables.js';
import type { Tx } from './tx.js';

export interface VipPurchaseRow {
  paymentId: number;
  userId: number;
  months: number;
  amountCents: number;
}

export interface VipPaymentModel {
  /** Records a purchase; false when the payment is already recorded (the pay service answered a pending one again). */
  record(row: VipPurchaseRow, now: number): Promise<boolean>;
  /** The buyer of a recorded payment; undefined when this service never made it. */
  buyerOf(paymentId: number): Promise<number | undefined>;
  /** Marks the payment's purchase applied and answers it; undefined when unknown or applied before. */
  takePending(trx: Tx, paymentId: number, now: number): Promise<VipPurchaseRow | undefined>;
}

export function createVipPaymentModel(sdb: ServiceDatabase<MemberDB>): VipPaymentModel {
  return {
    record: (row, now) =>
      sdb.insertIgnore('member_vip_payments', { payment_id: row.paymentId, user_id: row.userId, months: row.months, amount_cents: row.amountCents, status: 'pending', created_at: now, applied_at: 0 }),
    async buyerOf(paymentId) {
      const row = await sdb.db.selectFrom('member_vip_payments').select('user_id').where('payment_id', '=', paymentId).executeTakeFirst();
      return row ? Number(row.user_id) : undefined;
    },
    async takePending(trx, paymentId, now) {
      const db = trx as unknown as Kysely<MemberDB>;
      const taken = await db.updateTable('member_vip_payments').set({ status: 'applied', applied_at: now }).where('payment_id', '=', paymentId).where('status', '=', 'pending').executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return undefined;
      const row = await db.selectFrom('member_vip_payments').select(['payment_id', 'user_id', 'months', 'amount_cents']).where('payment_id', '=', paymentId).executeTakeFirstOrThrow();
      return { paymentId: Number(row.payment_id), userId: Number(row.user_id), months: Number(row.months), amountCents: Number(row.amount_cents) };
    },
  };
}
