// Kysely types of the cart service's tables.

/** One product in one user's cart (primary key user_id + product_id). */
export interface CartItemsTable {
  user_id: number;
  product_id: number;
  quantity: number;
  /** 1 = the line is checked (an order "from cart" takes it), 0 = not. Numbers: SQLite binds no booleans. */
  checked: number;
  /** ms since the epoch of the last SetItem on the line: lists are newest first by it. */
  updated_at: number;
}

/**
 * One row per user whose cart was ever written. Every write to a cart first writes this row,
 * which takes its lock: one user's writes run one at a time, so the count of distinct products
 * a new one is checked against is never stale (see model/items.ts).
 */
export interface CartsTable {
  user_id: number;
  /** ms since the epoch of the cart's last write. */
  updated_at: number;
}

export interface CartDB {
  cart_items: CartItemsTable;
  carts: CartsTable;
}
