// Kysely types of the pay service's tables.

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'refunded';

export interface PaymentsTable {
  /** A snowflake; the order service knows the payment by its decimal string (MarkPaid's payment_id). */
  id: number;
  order_id: number;
  user_id: number;
  /** The order's total when the payment was made. */
  amount_cents: number;
  status: PaymentStatus;
  /** The provider's name ("simulator"). */
  provider: string;
  /**
   * 1 while pending, NULL otherwise. The unique key (order_id, open) holds at most one row with
   * 1 per order (NULLs never collide): one pending payment per order, on any number of instances.
   */
  open: number | null;
  /** 1 while a refund is recorded but the provider has not confirmed it; reconciliation asks again. */
  refund_due: number;
  /**
   * 1 once the order is known to agree with the payment (told it is paid, or the refund is
   * done); every status change sets it back to 0, and reconciliation checks the rows at 0.
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

export interface PayDB {
  payments: PaymentsTable;
  notifications: NotificationsTable;
}
