// The VIP purchases: one row per BuyVip, written before its payment is made (the purchase id is
// the payment's reference at the pay service), applied once when pay.paid says it is paid (a
// conditional update from pending decides it, whatever the redeliveries).
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { MemberDB } from './tables.js';
import type { Tx } from './tx.js';

export interface VipPurchaseRow {
  id: number;
  userId: number;
  months: number;
  amountCents: number;
  /** 0 until the pay service made the payment (and while a crash left it unrecorded). */
  paymentId: number;
  applied: boolean;
  createdAt: number;
}

export interface VipPurchaseModel {
  insert(row: Pick<VipPurchaseRow, 'id' | 'userId' | 'months' | 'amountCents'>, now: number): Promise<void>;
  /** Records the purchase's payment (the first one recorded stays). */
  setPayment(id: number, paymentId: number): Promise<void>;
  /** The purchase, the user's only when userId is given (another user's reads as none). */
  get(id: number, userId?: number): Promise<VipPurchaseRow | undefined>;
  /** Marks the purchase applied (paid by `paymentId`) and answers it; undefined when unknown or applied before. */
  takePending(trx: Tx, id: number, paymentId: number, now: number): Promise<VipPurchaseRow | undefined>;
}

type Row = { id: number; user_id: number; months: number; amount_cents: number; payment_id: number; status: string; created_at: number };

const toRow = (row: Row): VipPurchaseRow => ({
  id: Number(row.id),
  userId: Number(row.user_id),
  months: Number(row.months),
  amountCents: Number(row.amount_cents),
  paymentId: Number(row.payment_id),
  applied: row.status === 'applied',
  createdAt: Number(row.created_at),
});

const COLUMNS = ['id', 'user_id', 'months', 'amount_cents', 'payment_id', 'status', 'created_at'] as const;

export function createVipPurchaseModel(sdb: ServiceDatabase<MemberDB>): VipPurchaseModel {
  const db = sdb.db;
  return {
    async insert(row, now) {
      await db
        .insertInto('member_vip_purchases')
        .values({ id: row.id, user_id: row.userId, months: row.months, amount_cents: row.amountCents, payment_id: 0, status: 'pending', created_at: now, applied_at: 0 })
        .execute();
    },
    async setPayment(id, paymentId) {
      await db.updateTable('member_vip_purchases').set({ payment_id: paymentId }).where('id', '=', id).where('payment_id', '=', 0).execute();
    },
    async get(id, userId) {
      let query = db.selectFrom('member_vip_purchases').select(COLUMNS).where('id', '=', id);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      const row = await query.executeTakeFirst();
      return row ? toRow(row) : undefined;
    },
    async takePending(trx, id, paymentId, now) {
      const tx = trx as unknown as Kysely<MemberDB>;
      const taken = await tx.updateTable('member_vip_purchases').set({ status: 'applied', payment_id: paymentId, applied_at: now }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return undefined;
      const row = await tx.selectFrom('member_vip_purchases').select(COLUMNS).where('id', '=', id).executeTakeFirstOrThrow();
      return toRow(row);
    },
  };
}
