// Kysely types of the order service's tables. The saga coordinator's tables (sagaMigrations) and
// the order branch's barrier (barrierMigrations) live in the same database.
import type { BarrierTables, SagaTables } from '#kit/saga';

/** A delivery address of one user. */
export interface AddressesTable {
  id: number;
  user_id: number;
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  /** 1 for the user's one default address, 0 otherwise. Numbers: SQLite binds no booleans. */
  is_default: number;
  created_at: number;
  updated_at: number;
}

/**
 * One row per user who ever wrote an address. Every address write first writes this row, which
 * takes its lock: one user's writes run one at a time, so the count (at most 20) and the one
 * default are never decided on a stale read.
 */
export interface AddressBooksTable {
  user_id: number;
  updated_at: number;
}

export type OrderStatus = 'unpaid' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded';

export interface OrdersTable {
  /** A snowflake from the creating request: ids grow with time, so "newest first" is id order. */
  id: number;
  user_id: number;
  /**
   * Unique. The saga transaction that created it (order-<id>; the stock goes back to the product
   * under the same gid), or the flash-sale ticket it was made for (seckill:<sale>:<ticket>; the
   * units go back to the sale).
   */
  gid: string;
  status: OrderStatus;
  total_cents: number;
  /** The address as it was when ordered, JSON of AddressSnapshot. */
  address: string;
  /** '' unless cancelled: 'buyer' or 'timeout'. */
  cancel_reason: string;
  /** The pay service's payment id; '' until paid. */
  payment_id: string;
  created_at: number;
  /** 0 until paid. */
  paid_at: number;
  updated_at: number;
}

/** One line of an order, with the product's name, picture and price at reservation. */
export interface OrderLinesTable {
  order_id: number;
  /** Position in the order, so lines read back in the order they were written. */
  idx: number;
  product_id: number;
  name: string;
  image_url: string;
  price_cents: number;
  quantity: number;
}

/**
 * Idempotency: one row per (user, key) with the order id, the gid and the saga's payload,
 * written in the local transaction that writes the saga's row, so a repeat answers that one
 * transaction and never starts a second. (Rows written before the saga's own transaction by
 * earlier versions may lack their saga after a crash: a repeat starts it with this payload.)
 */
export interface OrderRequestsTable {
  user_id: number;
  idem_key: string;
  order_id: number;
  gid: string;
  /** The saga payload as JSON. */
  payload: string;
  created_at: number;
}

/** A flash-sale ticket's one answer: the order's id, or 0 for a refusal (model/flash-orders.ts). */
export interface FlashClaimsTable {
  gid: string;
  order_id: number;
}

export interface OrderOwnTables {
  addresses: AddressesTable;
  address_books: AddressBooksTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_requests: OrderRequestsTable;
  flash_claims: FlashClaimsTable;
}

export interface OrderDB extends OrderOwnTables, SagaTables, BarrierTables {}
