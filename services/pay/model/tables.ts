// Kysely types of the pay service's tables.
import type { OutboxTables } from '#kit/outbox';

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'refunded';

export interface PaymentsTable {
  /** A snowflake; the order service knows the payment by its decimal string (MarkPaid's payment_id). */
  id: number;
  /** 0 when the purpose is not "order". */
  order_id: number;
  user_id: number;
  /** "order", or another purpose (rules.ts PURPOSES). */
  purpose: string;
  /** The buyer's own id for what is paid: an order's id as a decimal string, a VIP purchase id. */
  reference: string;
  /** The order's total when the payment was made, or the amount the caller asked for. */
  amount_cents: number;
  status: PaymentStatus;
  /** The provider's name ("simulator"). */
  provider: string;
  /**
   * 1 while pending, NULL otherwise. The unique key (purpose, reference, open) holds at most one
   * row with 1 per order or reference (NULLs never collide): one pending payment each, on any
   * number of instances.
   */
  open: number | null;
  /** 1 while a refund is recorded but the provider has not confirmed it; reconciliation asks again. */
  refund_due: number;
  /**
   * 1 once the order is known to agree with the payment (told it is paid, or the refund is
   * done); every status change sets it back to 0, and reconciliation checks the rows at 0. A
   * payment of another purpose has no order: it is settled as soon as it is final.
   */
  settled: number;
  created_at: number;
  /** 0 until paid. */
  paid_at: number;
  updated_at: number;
}

/** Every notification applied, by the provider's id for it: a repeat finds its row and changes nothing. */
export interface NotificationsTable {
  id: string;
  payment_id: number;
  status: string;
  received_at: number;
}

export interface PayDB extends OutboxTables {
  payments: PaymentsTable;
  notifications: NotificationsTable;
}
